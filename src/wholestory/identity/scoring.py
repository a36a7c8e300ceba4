"""Scoring pairs of source persons with a trained model, with each field's evidence.

Every scored pair keeps the match weight each field contributed (Splink's
waterfall: the prior, then a weight per field, term-frequency adjustments
folded into their field). That is what lets a worker ask "why are these the
same child?" and get an answer in the fields they know.
"""

from __future__ import annotations

import logging
import math
from typing import Any, Final

import polars as pl
from splink import Linker

from wholestory.identity.model import for_backend, tf_columns
from wholestory.identity.splink_api import (
    DatabaseAPISubClass,
    duckdb_api,
    register,
    result_frame,
)

#: The columns of a frame of scored pairs.
PAIR_SCHEMA: Final[dict[str, pl.DataType]] = {
    "key_l": pl.String(),
    "key_r": pl.String(),
    "match_weight": pl.Float64(),
    "match_probability": pl.Float64(),
    "evidence": pl.String(),
}


def _prediction_settings(settings_json: str, db_api: DatabaseAPISubClass) -> dict[str, Any]:
    settings = for_backend(settings_json, db_api)
    settings["retain_intermediate_calculation_columns"] = True
    settings["retain_matching_columns"] = False
    return settings


def _fields(settings: dict[str, Any]) -> list[str]:
    return [str(c["output_column_name"]) for c in settings["comparisons"]]


def _prior_weight(settings: dict[str, Any]) -> float:
    p = float(settings.get("probability_two_random_records_match", 0.0001))
    return math.log2(p / (1 - p))


def _as_pairs(raw: pl.DataFrame, settings: dict[str, Any]) -> pl.DataFrame:
    """Scored pairs with evidence as JSON: ``{"prior": w, field: w, ...}``."""
    if raw.is_empty():
        return pl.DataFrame(schema=PAIR_SCHEMA)
    weights: dict[str, pl.Expr] = {"prior": pl.lit(round(_prior_weight(settings), 2))}
    for field in _fields(settings):
        weight = pl.col(f"mw_{field}").cast(pl.Float64)
        if f"mw_tf_adj_{field}" in raw.columns:
            weight = weight + pl.col(f"mw_tf_adj_{field}").cast(pl.Float64).fill_null(0.0)
        weights[field] = weight.round(2)
    evidence = pl.struct([w.alias(name) for name, w in weights.items()]).struct.json_encode()
    low = pl.min_horizontal("unique_id_l", "unique_id_r")
    high = pl.max_horizontal("unique_id_l", "unique_id_r")
    return raw.select(
        key_l=low,
        key_r=high,
        match_weight=pl.col("match_weight").cast(pl.Float64),
        match_probability=pl.col("match_probability").cast(pl.Float64),
        evidence=evidence,
    )


#: Term-frequency tables to use instead of counting the store's own, by column.
Frequencies = dict[str, pl.DataFrame]


def _use_frequencies(linker: Linker, db_api: DatabaseAPISubClass, tf: Frequencies | None) -> None:
    """Register given term-frequency tables (a small store's: the shipped names')."""
    for column, table in (tf or {}).items():
        registered = register(db_api, table, f"tf_lookup_{column}")
        linker.table_management.register_term_frequency_lookup(registered, column)


def score_all(
    settings_json: str,
    frames: list[pl.DataFrame],
    threshold: float,
    db_api: DatabaseAPISubClass | None = None,
    tf: Frequencies | None = None,
) -> pl.DataFrame:
    """Score every blocked pair within one frame (or between two), above ``threshold``.

    ``tf`` gives term-frequency tables to use; by default they are counted
    from the frames.
    """
    db_api = db_api or duckdb_api()
    settings = _prediction_settings(settings_json, db_api)
    inputs = [register(db_api, f, f"score_input_{i}") for i, f in enumerate(frames)]
    linker = Linker(inputs, settings, log_level=logging.ERROR)
    _use_frequencies(linker, db_api, tf)
    result = linker.inference.predict(threshold_match_probability=threshold)
    pairs = _as_pairs(result_frame(result), settings)
    result.drop_table_from_database_and_remove_from_cache()
    return pairs


def score_new(
    settings_json: str,
    existing: pl.DataFrame,
    new: pl.DataFrame,
    threshold: float,
    db_api: DatabaseAPISubClass | None = None,
    tf: Frequencies | None = None,
) -> pl.DataFrame:
    """Score new source persons against existing ones and among themselves, without retraining.

    Uses Splink's ``predict_between`` (new against existing) and
    ``predict_within`` (new among new). Term frequencies are those of both
    together, so a name's rarity is judged against the whole store.
    """
    db_api = db_api or duckdb_api()
    settings = _prediction_settings(settings_json, db_api)
    existing_df = register(db_api, existing, "score_existing")
    new_df = register(db_api, new, "score_new")
    everyone = register(db_api, pl.concat([existing, new]), "score_everyone")
    linker = Linker(everyone, settings, log_level=logging.ERROR)
    _use_frequencies(linker, db_api, tf)
    for column in tf_columns(settings):
        if column not in (tf or {}):
            linker.table_management.compute_tf_table(column)
    inference = linker.inference
    between = inference.predict_between(new_df, existing_df, threshold_match_probability=threshold)
    within = inference.predict_within(new_df, threshold_match_probability=threshold)
    frames = [_as_pairs(result_frame(r), settings) for r in (between, within)]
    return pl.concat(frames).unique(["key_l", "key_r"])
