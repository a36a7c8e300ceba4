"""A plain database connection to the store, for the core library.

The core speaks SQL with ``?`` placeholders; this module hides the few
differences between the two databases, so the rest of the core is written
once for both:

* SQLite goes through the ADBC driver, which takes Arrow data straight from
  Polars into the file without a Python object per cell: that is what lets
  ingest reach hundreds of thousands of rows a second;
* PostgreSQL goes through psycopg, with ``COPY`` for bulk inserts.

Transactions are explicit (:meth:`Store.transaction`), so that a file goes in
whole or not at all on either database.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import polars as pl

from wholestory.store.url import StoreURL, resolve_url

Row = tuple[Any, ...]

#: ADBC's SQLite driver infers each column's type from the first batch of a
#: result; one batch per result means a column that starts with nulls and
#: continues with text is read as text, not as an error.
_SQLITE_BATCH_ROWS = "100000000"


class Store:
    """An open store. Use :meth:`transaction` around every write."""

    def __init__(self, url: StoreURL) -> None:
        self.url = url
        self.backend = url.backend
        self._depth = 0
        if url.backend == "sqlite":
            import adbc_driver_sqlite.dbapi as adbc_sqlite

            assert url.path is not None
            self._conn: Any = adbc_sqlite.connect(str(url.path), autocommit=True)
            for pragma in (
                "PRAGMA busy_timeout=30000",
                "PRAGMA journal_mode=WAL",
                "PRAGMA synchronous=NORMAL",
                "PRAGMA foreign_keys=ON",
                "PRAGMA cache_size=-131072",
            ):
                self.query(pragma)
        else:
            import psycopg

            self._conn = psycopg.connect(url.raw, autocommit=True)

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All or nothing. Nested calls join the outer transaction."""
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        self.execute("BEGIN IMMEDIATE" if self.backend == "sqlite" else "BEGIN")
        self._depth = 1
        try:
            yield
        except BaseException:
            self.execute("ROLLBACK")
            raise
        else:
            self.execute("COMMIT")
        finally:
            self._depth = 0

    def _cursor(self) -> Any:
        cursor = self._conn.cursor()
        if self.backend == "sqlite":
            cursor.adbc_statement.set_options(
                **{"adbc.sqlite.query.batch_rows": _SQLITE_BATCH_ROWS}
            )
        return cursor

    def _sql(self, sql: str, params: Sequence[Any]) -> str:
        """PostgreSQL placeholders are ``%s``; with no parameters, ``%`` stays itself."""
        if self.backend == "sqlite" or not params:
            return sql
        return sql.replace("?", "%s")

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self.query(sql, params, fetch=False)

    def query(self, sql: str, params: Sequence[Any] = (), fetch: bool = True) -> list[Row]:
        cursor = self._cursor()
        try:
            if params:
                cursor.execute(self._sql(sql, params), tuple(params))
            else:
                cursor.execute(sql)
            if not fetch or cursor.description is None:
                return []
            return [tuple(r) for r in cursor.fetchall()]
        finally:
            cursor.close()

    def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        rows = self.query(sql, params)
        return rows[0][0] if rows else None

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if not rows:
            return
        cursor = self._cursor()
        try:
            cursor.executemany(self._sql(sql, rows[0]), [tuple(r) for r in rows])
        finally:
            cursor.close()

    def query_frame(
        self, sql: str, params: Sequence[Any], schema: dict[str, pl.DataType]
    ) -> pl.DataFrame:
        """A query's result as a Polars frame with the given column names and types."""
        if self.backend == "sqlite":
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
            return frame.rename(dict(zip(frame.columns, schema, strict=True))).cast(schema)
        rows = self.query(sql, params)
        return pl.DataFrame(rows, schema=schema, orient="row")

    def insert_frame(self, table: str, frame: pl.DataFrame) -> None:
        """Bulk insert a frame whose columns are named as the table's."""
        if frame.is_empty():
            return
        if self.backend == "sqlite":
            cursor = self._conn.cursor()
            try:
                cursor.adbc_ingest(table, frame.to_arrow(), mode="append")
            finally:
                cursor.close()
            return
        names = ", ".join(frame.columns)
        with (
            self._conn.cursor() as cursor,
            cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy,
        ):
            for row in frame.iter_rows():
                copy.write_row(row)

    def keys_in(self, column: str, values: Sequence[Any]) -> tuple[str, list[Any]]:
        """A ``column IN (...)`` condition for many values, as SQL and parameters."""
        if self.backend == "sqlite":
            return f"{column} IN (SELECT value FROM json_each(?))", [json.dumps(list(values))]
        return f"{column} = ANY(?)", [list(values)]


def open_store(url: StoreURL | None = None) -> Store:
    """Open the store at ``url`` (default: from the environment). The schema must exist."""
    return Store(url or resolve_url())
