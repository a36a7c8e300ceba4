"""A plain DB-API connection to the store, for the core library.

The core speaks SQL with ``?`` placeholders; this module translates for
PostgreSQL and hides the few other differences (bulk insert, JSON lists of
keys), so the rest of the core is written once for both databases.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from wholestory.store.url import StoreURL, resolve_url

Row = tuple[Any, ...]


class Store:
    """An open store. Use :meth:`transaction` around every write."""

    def __init__(self, url: StoreURL) -> None:
        self.url = url
        self.backend = url.backend
        if url.backend == "sqlite":
            assert url.path is not None
            self._conn: Any = sqlite3.connect(url.path, timeout=30, isolation_level=None)
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=NORMAL")
            self._conn.execute("PRAGMA foreign_keys=ON")
            self._conn.execute("PRAGMA cache_size=-65536")
        else:
            import psycopg

            self._conn = psycopg.connect(url.raw, autocommit=True)
        self._depth = 0

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _sql(self, sql: str) -> str:
        return sql if self.backend == "sqlite" else sql.replace("?", "%s")

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All or nothing: a file goes in whole or not at all."""
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        self._conn.execute("BEGIN IMMEDIATE" if self.backend == "sqlite" else "BEGIN")
        self._depth = 1
        try:
            yield
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        else:
            self._conn.execute("COMMIT")
        finally:
            self._depth = 0

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self._conn.execute(self._sql(sql), tuple(params))

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if not rows:
            return
        if self.backend == "sqlite":
            self._conn.executemany(sql, rows)
        else:
            with self._conn.cursor() as cursor:
                cursor.executemany(self._sql(sql), rows)

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        cursor = self._conn.execute(self._sql(sql), tuple(params))
        return list(cursor.fetchall())

    def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        rows = self.query(sql, params)
        return rows[0][0] if rows else None

    def insert_rows(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        """Bulk insert: executemany on SQLite, COPY on PostgreSQL."""
        if not rows:
            return
        names = ", ".join(columns)
        if self.backend == "sqlite":
            marks = ", ".join("?" * len(columns))
            self._conn.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)
            return
        with self._conn.cursor() as cursor, cursor.copy(
            f"COPY {table} ({names}) FROM STDIN"
        ) as copy:
            for row in rows:
                copy.write_row(row)

    def keys_in(self, column: str, values: Sequence[Any]) -> tuple[str, list[Any]]:
        """A ``column IN (...)`` condition for many values, as SQL and parameters."""
        if self.backend == "sqlite":
            import json

            return f"{column} IN (SELECT value FROM json_each(?))", [json.dumps(list(values))]
        return f"{column} = ANY(?)", [list(values)]


def open_store(url: StoreURL | None = None) -> Store:
    """Open the store at ``url`` (default: from the environment). The schema must exist."""
    return Store(url or resolve_url())
