"""Splink as this package uses it: where it runs, and the names taken from its internals.

Splink's ``internals`` are not its public API and may move between releases:
they are imported here and nowhere else, so an upgrade that moves one touches
this module only. Where Splink runs is here too: an in-process DuckDB with a
memory cap (Spark is given by the caller), model frames registered with it,
and its result tables read back as Polars frames.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any, Final

import duckdb
import polars as pl
from splink import DuckDBAPI
from splink.internals.blocking_analysis import _as_blocking_rule as as_blocking_rule
from splink.internals.comparison_creator import ComparisonCreator as ComparisonCreator
from splink.internals.comparison_level_creator import (
    ComparisonLevelCreator as ComparisonLevelCreator,
)
from splink.internals.database_api import DatabaseAPISubClass as DatabaseAPISubClass

from wholestory.identity.features import MODEL_COLUMNS

__all__ = [
    "LINK_MEMORY",
    "ComparisonCreator",
    "ComparisonLevelCreator",
    "DatabaseAPISubClass",
    "as_blocking_rule",
    "duckdb_api",
    "register",
    "result_frame",
]


def result_frame(result: Any) -> pl.DataFrame:
    """A Splink result table as a Polars frame, on DuckDB or another backend."""
    relation = result.as_duckdbpyrelation() if hasattr(result, "as_duckdbpyrelation") else None
    if relation is not None:
        frame: pl.DataFrame = relation.pl()
        return frame
    # Other backends (Spark's toArrow): Arrow keeps the column types, and skips a pandas copy.
    return pl.DataFrame(result.as_pyarrow_table())


#: DuckDB's memory cap while linking, unless WHOLESTORY_LINK_MEMORY says otherwise.
LINK_MEMORY: Final = "6GB"


def duckdb_api() -> DuckDBAPI:
    """An in-process DuckDB with a memory cap, spilling to the system's temporary folder.

    DuckDB's own default is 80% of the machine's memory and a spill folder in
    the working directory. A blocking rule that proposes far too many pairs
    should make linking slow, not take the machine down or litter the folder
    a user ran it from.
    """
    spill = Path(tempfile.gettempdir()) / "wholestory-duckdb"
    config: dict[str, str | bool | int | float | list[str]] = {
        "memory_limit": os.environ.get("WHOLESTORY_LINK_MEMORY", LINK_MEMORY),
        "temp_directory": str(spill),
    }
    return DuckDBAPI(connection=duckdb.connect(config=config))


def register(db_api: DatabaseAPISubClass, frame: pl.DataFrame, name: str) -> Any:
    """Register a model frame (:func:`~wholestory.identity.features.model_frame`) with Splink."""
    table = frame.select(MODEL_COLUMNS) if "agency" in frame.columns else frame
    if isinstance(db_api, DuckDBAPI):
        connection = db_api._con
        connection.register(f"{name}_arrow", table.to_arrow())
        connection.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM {name}_arrow")
        connection.unregister(f"{name}_arrow")
        return db_api.register(name, dataset_display_name=name)
    spark = getattr(db_api, "spark", None)
    if spark is not None:
        # Spark (splink.SparkAPI): through Arrow, so that list columns stay array<string>
        # and a column with no values stays a string (from pandas, Spark makes both 'void').
        # Temporary views belong to the Spark session, which outlives one db_api, so the
        # view's name is made unique to this db_api.
        view = f"{name}_{db_api._cache_uid}"
        spark.createDataFrame(table.to_arrow()).createOrReplaceTempView(view)
        return db_api.register(view, dataset_display_name=name)
    return db_api.register(table.to_pandas(), dataset_display_name=name)
