"""Who writes an import to the store: this process, or a writer process beside it.

A :class:`Writer` takes one file's import from start to commit: the import
run, validated rows, quarantined rows, and the final accounting, all in one
transaction.

* :class:`InlineWriter` writes through the store this process already has.
* :class:`ProcessWriter` hands the same calls to a child process that owns
  the only connection to an SQLite file for the import, opened through ADBC
  (:mod:`wholestory.store.arrow_sqlite`). Validated chunks cross as Polars
  frames (Arrow underneath), so neither process makes a Python object per
  cell, and reading and validating the next chunk here runs on one core
  while the child writes this one on the other. Ingest of a large SQLite
  import is about twice as fast this way.

If this process dies, the child sees its pipe close, rolls back and exits;
if the child dies, the import here fails and nothing is committed.
"""

from __future__ import annotations

import contextlib
import multiprocessing
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any, Final, Protocol

import polars as pl

from wholestory.store import confidential
from wholestory.store.connection import Store
from wholestory.store.dash import CHECKLISTS
from wholestory.store.imports import (
    Arrival,
    Held,
    finish_import,
    open_quarantine_keys,
    quarantine_rows,
    resolve_quarantine,
    start_import,
)
from wholestory.store.needs import NEEDS
from wholestory.store.records import WriteCounts, write_records, write_relationships
from wholestory.store.thrive import CURRENT_VIEWS, GROUPINGS
from wholestory.store.url import resolve_url

#: The kinds of table a later file replaces record by record, and where each is kept.
_REPLACEABLE: Final = {
    "dash": CHECKLISTS,
    "needs": NEEDS,
    "thrive": GROUPINGS,
    "current_view": CURRENT_VIEWS,
}


@dataclass(frozen=True)
class ImportStart:
    """What the import run records about the file, before its first row."""

    file_path: str
    file_name: str
    sha256: str
    kind: str
    profile: str
    now: str
    arrival: Arrival = field(default_factory=Arrival)


class Writer(Protocol):
    """One file's import, from ``begin`` to ``commit`` (or ``abort``).

    ``write`` hands over a chunk and returns the counts of whichever chunks
    have finished by then (a writer process may still be busy with the last
    one or two); ``flush`` waits for the rest. Counts come back in order.
    """

    def begin(self, start: ImportStart) -> None: ...
    def write(
        self, kind: str, good: pl.DataFrame, held: list[Held], unique: bool
    ) -> list[WriteCounts]: ...
    def flush(self) -> list[WriteCounts]: ...
    def commit(self, counts: dict[str, int], now: str) -> None: ...
    def abort(self) -> None: ...
    def close(self) -> None: ...


class WriterError(RuntimeError):
    """The writer process failed or stopped; nothing of the file was committed."""


class InlineWriter:
    """Writes one file's import through a store in this process."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._import_id = 0
        self._open_quarantine = pl.DataFrame(schema={"agency": pl.String, "record_id": pl.String})
        self._start: ImportStart | None = None

    def begin(self, start: ImportStart) -> None:
        """Open the file's transaction and its import run; on failure, leave nothing open."""
        self.store.begin()
        self._start = start
        try:
            self._import_id = start_import(
                self.store,
                start.file_path,
                start.sha256,
                start.kind,
                start.profile,
                start.now,
                start.arrival,
            )
            self._open_quarantine = open_quarantine_keys(self.store)
        except BaseException:
            self.abort()
            raise

    def write(
        self, kind: str, good: pl.DataFrame, held: list[Held], unique: bool
    ) -> list[WriteCounts]:
        return [self.write_now(kind, good, held, unique)]

    def flush(self) -> list[WriteCounts]:
        return []

    def write_now(
        self, kind: str, good: pl.DataFrame, held: list[Held], unique: bool
    ) -> WriteCounts:
        """Write a chunk and say what happened to its rows."""
        assert self._start is not None, "begin() first"
        now = self._start.now
        if kind == "events":
            counts = write_records(self.store, good, self._import_id, now, unique)
            self._resolve(good)
        elif kind in _REPLACEABLE:
            counts = _REPLACEABLE[kind].write(self.store, good, self._import_id, now)
        else:
            counts = write_relationships(self.store, good, self._import_id, now)
        quarantine_rows(self.store, self._start.file_name, held, self._import_id, now)
        return counts

    def _resolve(self, good: pl.DataFrame) -> None:
        """Mark quarantined rows resolved where this chunk brings their record in good order."""
        if self._open_quarantine.is_empty() or good.is_empty():
            return
        assert self._start is not None
        corrected = good.select("agency", "record_id").join(
            self._open_quarantine, on=["agency", "record_id"], how="semi"
        )
        for (agency,), group in corrected.group_by(["agency"]):
            ids = group["record_id"].to_list()
            resolve_quarantine(self.store, str(agency), ids, self._import_id, self._start.now)

    def commit(self, counts: dict[str, int], now: str) -> None:
        """Hide records at a confidential place (any agency's), then close the import."""
        confidential.hide_places(self.store, now)
        finish_import(self.store, self._import_id, counts, now)
        self.store.commit()
        self._start = None

    def abort(self) -> None:
        self.store.rollback()
        self._start = None

    @property
    def active(self) -> bool:
        """Whether an import has begun and not yet been committed or rolled back."""
        return self._start is not None

    def close(self) -> None:
        """The store belongs to the caller, who closes it."""


class ProcessWriter:
    """Writes imports through a child process with its own (ADBC) connection.

    Up to :data:`IN_FLIGHT` chunks are handed over before their counts are
    awaited, so this process prepares and sends the next chunk while the
    child writes the last one.
    """

    IN_FLIGHT = 2

    def __init__(self, url_text: str) -> None:
        context = multiprocessing.get_context("spawn")
        self._pipe, child_end = context.Pipe()
        self._process = context.Process(
            target=serve, args=(url_text, child_end), name="wholestory-writer", daemon=True
        )
        self._process.start()
        child_end.close()
        self._outstanding = 0

    def _send(self, operation: str, *args: Any) -> None:
        try:
            self._pipe.send((operation, args))
        except (BrokenPipeError, ConnectionResetError, OSError):
            raise WriterError("the store's writer process stopped unexpectedly") from None
        self._outstanding += 1

    def _receive(self) -> Any:
        try:
            status, value = self._pipe.recv()
        except (EOFError, ConnectionResetError, OSError):
            self._outstanding = 0
            raise WriterError("the store's writer process stopped unexpectedly") from None
        self._outstanding -= 1
        if status == "error":
            raise WriterError(value)
        return value

    def _call(self, operation: str, *args: Any) -> Any:
        self.flush()
        self._send(operation, *args)
        return self._receive()

    def begin(self, start: ImportStart) -> None:
        self._call("begin", start)

    def write(
        self, kind: str, good: pl.DataFrame, held: list[Held], unique: bool
    ) -> list[WriteCounts]:
        self._send("write_now", kind, good, held, unique)
        done: list[WriteCounts] = []
        while self._outstanding > self.IN_FLIGHT:
            done.append(self._receive())
        return done

    def flush(self) -> list[WriteCounts]:
        done: list[WriteCounts] = []
        while self._outstanding:
            done.append(self._receive())
        return done

    def commit(self, counts: dict[str, int], now: str) -> None:
        self._call("commit", counts, now)

    def abort(self) -> None:
        """Roll back: collect what is still in flight (ignoring its errors), then undo."""
        while self._outstanding:
            with contextlib.suppress(WriterError):
                self._receive()
        if self._process.is_alive():
            with contextlib.suppress(WriterError):
                self._call("abort")

    def close(self) -> None:
        if self._process.is_alive():
            with contextlib.suppress(WriterError):
                self._call("close")
        self._pipe.close()
        self._process.join(timeout=10)
        if self._process.is_alive():  # pragma: no cover - a hung child
            self._process.kill()


def serve(url_text: str, pipe: Connection) -> None:
    """The writer process: run each call on an ADBC store, reply with its result.

    Any failure rolls the open import back and is reported to the caller; a
    closed pipe (the caller died) rolls back and ends the process.
    """
    from wholestory.store.arrow_sqlite import ArrowSqliteStore

    store = ArrowSqliteStore(resolve_url(url_text))
    writer = InlineWriter(store)
    try:
        while True:
            try:
                operation, args = pipe.recv()
            except (EOFError, OSError):
                writer.abort()
                return
            if operation == "close":
                pipe.send(("ok", None))
                return
            try:
                pipe.send(("ok", getattr(writer, operation)(*args)))
            except Exception as error:
                if writer.active:
                    writer.abort()
                pipe.send(("error", f"{type(error).__name__}: {error}"))
    finally:
        store.close()
