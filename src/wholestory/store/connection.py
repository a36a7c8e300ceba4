"""A plain database connection to the store, for the core library.

The core speaks SQL with ``?`` placeholders; this module hides the few
differences between the two databases, so the rest of the core is written
once for both:

* SQLite goes through Python's own ``sqlite3`` module: the same SQLite
  library Django uses. Two copies of SQLite in one process (ADBC's bundled
  one, say) each release the other's file locks, which SQLite's authors
  document as a way to corrupt a database; we measured ADBC twice as fast for
  bulk inserts and still chose safety;
* PostgreSQL goes through psycopg, with ``COPY`` for bulk inserts.

Transactions are explicit (:meth:`Store.transaction`), so that a file goes in
whole or not at all on either database.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import polars as pl

from wholestory.store.url import StoreURL, resolve_url, sqlite_wait_seconds

Row = tuple[Any, ...]


class Store:
    """An open store. Use :meth:`transaction` around every write."""

    def __init__(self, url: StoreURL) -> None:
        self.url = url
        self.backend = url.backend
        self._depth = 0
        if url.backend == "sqlite":
            import sqlite3

            assert url.path is not None
            wait = sqlite_wait_seconds()
            self._conn: Any = sqlite3.connect(url.path, timeout=wait, isolation_level=None)
            for pragma in sqlite_pragmas(wait):
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
        self.begin()
        try:
            yield
        except BaseException:
            self.rollback()
            raise
        else:
            self.commit()

    def begin(self) -> None:
        """Start a write transaction (on SQLite, taking the write lock at once)."""
        self.execute("BEGIN IMMEDIATE" if self.backend == "sqlite" else "BEGIN")
        self._depth = 1

    def commit(self) -> None:
        self._depth = 0
        self.execute("COMMIT")

    def rollback(self) -> None:
        """Undo the open transaction; if the database already ended it, there is nothing to undo.

        The error that caused the rollback is the one worth reporting, so a
        failure here must not replace it.
        """
        self._depth = 0
        with contextlib.suppress(Exception):
            self.execute("ROLLBACK")

    def _cursor(self) -> Any:
        return self._conn.cursor()

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

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> int:
        """Run a statement once per row; returns how many rows it changed in all."""
        if not rows:
            return 0
        cursor = self._cursor()
        try:
            cursor.executemany(self._sql(sql, rows[0]), [tuple(r) for r in rows])
            return int(cursor.rowcount)
        finally:
            cursor.close()

    def query_frame(
        self, sql: str, params: Sequence[Any], schema: Mapping[str, pl.DataType]
    ) -> pl.DataFrame:
        """A query's result as a Polars frame with the given column names and types."""
        rows = self.query(sql, params)
        return pl.DataFrame(rows, schema=schema, orient="row")

    def insert_frame(
        self,
        table: str,
        frame: pl.DataFrame,
        constants: Mapping[str, int | str] | None = None,
    ) -> None:
        """Bulk insert a frame whose columns are named as the table's.

        ``constants`` hold one value for every row (the import run, a
        timestamp). On SQLite they are written into the statement once rather
        than bound for each row; on PostgreSQL rows go in with ``COPY``.
        """
        if not frame.is_empty():
            self._insert_rows(table, frame, dict(constants or {}))

    def _insert_rows(
        self, table: str, frame: pl.DataFrame, constants: dict[str, int | str]
    ) -> None:
        """Write a frame's rows, each with ``constants``: what each driver does its own way."""
        names = ", ".join([*frame.columns, *constants])
        if self.backend == "sqlite":
            literals = [_sql_literal(v) for v in constants.values()]
            marks = ", ".join(["?"] * frame.width + literals)
            sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"
            self._conn.executemany(sql, frame.rows())
            return
        extra = tuple(constants.values())
        with (
            self._conn.cursor() as cursor,
            cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy,
        ):
            for row in frame.iter_rows():
                copy.write_row((*row, *extra))

    def try_insert_frame(
        self,
        table: str,
        frame: pl.DataFrame,
        constants: Mapping[str, int | str] | None = None,
    ) -> bool:
        """Insert every row, or none if any would break a unique constraint.

        The cheap path for rows that are probably all new (a first import):
        no lookups at all. On a clash it returns False with nothing written.
        """
        self.execute("SAVEPOINT bulk_insert")
        try:
            self.insert_frame(table, frame, constants)
        except Exception as error:
            if not self._is_unique_violation(error):
                raise
            self.execute("ROLLBACK TO SAVEPOINT bulk_insert")
            self.execute("RELEASE SAVEPOINT bulk_insert")
            return False
        self.execute("RELEASE SAVEPOINT bulk_insert")
        return True

    def _is_unique_violation(self, error: Exception) -> bool:
        if self.backend == "sqlite":
            import sqlite3

            return isinstance(error, sqlite3.IntegrityError) and "UNIQUE" in str(error)
        import psycopg.errors

        return isinstance(error, psycopg.errors.UniqueViolation)

    def keys_in(self, column: str, values: Sequence[Any]) -> tuple[str, list[Any]]:
        """A ``column IN (...)`` condition for many values, as SQL and parameters."""
        if self.backend == "sqlite":
            return f"{column} IN (SELECT value FROM json_each(?))", [json.dumps(list(values))]
        return f"{column} = ANY(?)", [list(values)]

    def either_in(self, columns: Sequence[str], values: Sequence[Any]) -> tuple[str, list[Any]]:
        """``(a IN (...) OR b IN (...))``: rows where any of ``columns`` is among ``values``."""
        conditions, params = [], []
        for column in columns:
            condition, more = self.keys_in(column, values)
            conditions.append(condition)
            params.extend(more)
        return f"({' OR '.join(conditions)})", params


def sqlite_pragmas(wait_seconds: float) -> tuple[str, ...]:
    """How every connection to an SQLite store is set up, whichever driver opens it."""
    return (
        f"PRAGMA busy_timeout={int(wait_seconds * 1000)}",
        "PRAGMA journal_mode=WAL",
        "PRAGMA synchronous=NORMAL",
        "PRAGMA foreign_keys=ON",
        "PRAGMA cache_size=-131072",
    )


def _sql_literal(value: int | str) -> str:
    """A constant of our own (an id or a timestamp) as SQL text."""
    if isinstance(value, int):
        return str(value)
    return "'" + value.replace("'", "''") + "'"


def open_store(url: StoreURL | None = None) -> Store:
    """Open the store at ``url`` (default: from the environment). The schema must exist."""
    return Store(url or resolve_url())
