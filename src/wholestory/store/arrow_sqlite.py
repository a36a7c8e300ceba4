"""An SQLite store driven through ADBC, for a process that does nothing else with the file.

The ADBC driver takes Arrow data straight from Polars into SQLite, without
a Python object per cell: bulk inserts run about twice as fast as Python's
``sqlite3`` can manage. But it carries its own copy of SQLite, and two copies
of SQLite in one process release each other's file locks (closing a file in
one drops the POSIX locks the other holds), which SQLite's authors list as a
way to corrupt a database. So this store is only ever opened in the ingest
writer process (:mod:`wholestory.ingest.writer`), which never touches the
file any other way. Everywhere else the store is :class:`Store` over
Python's ``sqlite3``, the same SQLite that Django uses.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

import polars as pl

from wholestory.store.connection import Store, sqlite_pragmas
from wholestory.store.url import StoreURL, sqlite_wait_seconds

#: ADBC infers each result column's type from the first batch; one batch per
#: result means a column that starts with nulls and goes on with text is read
#: as text rather than failing.
_BATCH_ROWS: Final = "100000000"


class ArrowSqliteStore(Store):
    """:class:`Store` on SQLite through ADBC: same SQL, Arrow for bulk inserts."""

    def __init__(self, url: StoreURL) -> None:
        import adbc_driver_sqlite.dbapi as adbc_sqlite

        if url.backend != "sqlite" or url.path is None:
            raise ValueError("ArrowSqliteStore is for SQLite stores only")
        self.url = url
        self.backend = "sqlite"
        self._depth = 0
        self._conn = adbc_sqlite.connect(str(url.path), autocommit=True)
        for pragma in sqlite_pragmas(sqlite_wait_seconds()):
            self.query(pragma)

    def _cursor(self) -> Any:
        cursor = self._conn.cursor()
        cursor.adbc_statement.set_options(**{"adbc.sqlite.query.batch_rows": _BATCH_ROWS})
        return cursor

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> int:
        """Run a statement once per row; ADBC does not count rows, so count them here."""
        if not rows:
            return 0
        before = int(self.scalar("SELECT total_changes()"))
        cursor = self._cursor()
        try:
            cursor.executemany(sql, [tuple(r) for r in rows])
        finally:
            cursor.close()
        return int(self.scalar("SELECT total_changes()")) - before

    def query_frame(
        self, sql: str, params: Sequence[Any], schema: Mapping[str, pl.DataType]
    ) -> pl.DataFrame:
        """A query's result straight from Arrow into Polars, cast to ``schema``."""
        cursor = self._cursor()
        try:
            cursor.execute(sql, tuple(params))
            table = cursor.fetch_arrow_table()
        finally:
            cursor.close()
        if table.num_rows == 0:
            return pl.DataFrame(schema=schema)
        frame = pl.from_arrow(table)
        assert isinstance(frame, pl.DataFrame)
        frame.columns = list(schema)
        return frame.select(pl.col(name).cast(dtype) for name, dtype in schema.items())

    def _insert_rows(
        self, table: str, frame: pl.DataFrame, constants: dict[str, int | str]
    ) -> None:
        """Bulk insert through Arrow: no Python object per cell."""
        if constants:
            frame = frame.with_columns(pl.lit(v).alias(k) for k, v in constants.items())
        cursor = self._conn.cursor()
        try:
            cursor.adbc_ingest(table, frame.to_arrow(), mode="append")
        finally:
            cursor.close()

    def _is_unique_violation(self, error: Exception) -> bool:
        return "UNIQUE constraint failed" in str(error)
