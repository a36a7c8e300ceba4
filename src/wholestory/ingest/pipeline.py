"""The ingest pipeline: file -> chunks -> validation -> store, one transaction per file.

Each file goes in whole or not at all, so a file killed halfway leaves the
store as it was and running the import again completes it. Within the file,
good rows go in and bad rows go to the quarantine; neither waits for the other.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import queue
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Final, TypeVar

from wholestory.ingest.accounting import FileResult, IngestResult
from wholestory.ingest.reading import (
    Chunk,
    FastPathUnavailable,
    Table,
    UnreadableFileError,
    expand_paths,
    open_table,
)
from wholestory.ingest.validation import (
    Checked,
    raw_json,
    validate_events,
    validate_relationships,
)
from wholestory.profiles import Profile
from wholestory.store.connection import Store
from wholestory.store.imports import finish_import, quarantine_rows, start_import
from wholestory.store.records import fresh_rows, write_records, write_relationships
from wholestory.template import RELATIONSHIP_COLUMNS, REQUIRED

CHUNK_ROWS: Final = 50_000
T = TypeVar("T")

#: Called as progress(file, rows_done) after each chunk.
Progress = Callable[[Path, int], None]


def ingest_paths(
    store: Store,
    paths: list[Path],
    profile: Profile | None = None,
    progress: Progress | None = None,
    chunk_rows: int = CHUNK_ROWS,
    today: dt.date | None = None,
) -> IngestResult:
    """Import files and folders of files. A file that fails does not stop the others."""
    result = IngestResult()
    files = expand_paths(paths)
    for path in files:
        result.files.append(ingest_file(store, path, profile, progress, chunk_rows, today))
    return result


def ingest_file(
    store: Store,
    path: Path,
    profile: Profile | None = None,
    progress: Progress | None = None,
    chunk_rows: int = CHUNK_ROWS,
    today: dt.date | None = None,
) -> FileResult:
    """Import one file in one transaction; a file-level problem leaves nothing behind."""
    profile = profile or Profile()
    today = today or dt.date.today()
    result = FileResult(file=str(path))
    try:
        table = open_table(path)
        kind, mapping, ignored = _layout(table, profile)
        result.kind = kind
        result.ignored_columns = ignored
        try:
            with store.transaction():
                _import_table(
                    store, table, kind, mapping, profile, result, progress, chunk_rows, today
                )
        except FastPathUnavailable:
            # Rolled back: read it again, row by row, to find and hold the bad rows.
            result = FileResult(file=str(path), kind=kind, ignored_columns=ignored)
            with store.transaction():
                _import_table(
                    store,
                    open_table(path, careful=True),
                    kind,
                    mapping,
                    profile,
                    result,
                    progress,
                    chunk_rows,
                    today,
                )
    except UnreadableFileError as problem:
        failed = FileResult(file=str(path), kind=result.kind, error=problem.problem)
        failed.ignored_columns = result.ignored_columns
        return failed
    return result


def _layout(table: Table, profile: Profile) -> tuple[str, dict[int, str], list[str]]:
    """Decide what the file is from its header, and check its required columns."""
    mapping = profile.source_to_template(table.header)
    present = set(mapping.values()) | set(profile.constants)
    ignored = [h for i, h in enumerate(table.header) if i not in mapping and h.strip()]
    is_relationships = set(RELATIONSHIP_COLUMNS) <= present and not (
        {"event_date", "summary"} & present
    )
    if is_relationships:
        return "relationships", mapping, ignored
    missing = [c for c in REQUIRED if c not in present]
    if missing:
        wanted = [profile.columns.get(c, c) for c in missing]
        plural = "s" if len(missing) > 1 else ""
        raise UnreadableFileError(
            table.path,
            f"required column{plural} missing from the header: {', '.join(wanted)}"
            + ("" if profile.columns else " (see the agency template, or use --profile)"),
        )
    return "events", mapping, ignored


def _import_table(
    store: Store,
    table: Table,
    kind: str,
    mapping: dict[int, str],
    profile: Profile,
    result: FileResult,
    progress: Progress | None,
    chunk_rows: int,
    today: dt.date,
) -> None:
    now = dt.datetime.now(dt.UTC).isoformat(sep=" ")
    import_id = start_import(store, str(table.path), _sha256(table.path), kind, profile.name, now)
    checked_chunks = (
        _prepare_chunk(table, chunk, kind, mapping, profile, today)
        for chunk in table.chunks(chunk_rows)
    )
    for chunk, checked, rows in _ahead(checked_chunks):
        if kind == "events":
            counts = write_records(store, checked.good, import_id, now, rows)
        else:
            counts = write_relationships(store, checked.good, import_id, now)
        bad = [
            (r.row, r.columns, r.reason, r.raw, r.raw_hash) for r in checked.rejected
        ] + _malformed(table, chunk)
        quarantine_rows(store, table.path.name, bad, import_id, now)
        result.read += len(chunk)
        result.inserted += counts.inserted
        result.updated += counts.updated
        result.unchanged += counts.unchanged
        result.quarantined += len(bad)
        result.warnings += checked.warnings
        if progress:
            progress(table.path, result.read)
    finish_import(store, import_id, result.counts(), dt.datetime.now(dt.UTC).isoformat(sep=" "))


_DONE: Final = object()


def _ahead(items: Iterator[T], depth: int = 2) -> Iterator[T]:
    """Produce items in a background thread while the caller consumes them.

    Reading and validating the next chunk (Polars, which releases the GIL)
    overlaps with writing this one (the database driver, which does too), so
    both of the machine's cores work. Errors in the producer reach the caller.
    """
    channel: queue.Queue[object] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def produce() -> None:
        try:
            for item in items:
                if stop.is_set():
                    return
                channel.put(item)
        except BaseException as error:  # handed to the consumer, which re-raises it
            channel.put(_Failure(error))
        channel.put(_DONE)

    worker = threading.Thread(target=produce, name="ingest-reader", daemon=True)
    worker.start()
    try:
        while (item := channel.get()) is not _DONE:
            if isinstance(item, _Failure):
                raise item.error
            yield item  # type: ignore[misc]
    finally:
        stop.set()
        while worker.is_alive():  # unblock a producer waiting on a full queue
            try:
                channel.get_nowait()
            except queue.Empty:
                worker.join(timeout=0.05)


@dataclass(frozen=True)
class _Failure:
    error: BaseException


def _prepare_chunk(
    table: Table,
    chunk: Chunk,
    kind: str,
    mapping: dict[int, str],
    profile: Profile,
    today: dt.date,
) -> tuple[Chunk, Checked, list[tuple[object, ...]] | None]:
    """Everything done to a chunk before it is written, in the reader thread."""
    checked = _check_chunk(table, chunk, kind, mapping, profile, today)
    return chunk, checked, fresh_rows(checked.good) if kind == "events" else None


def _check_chunk(
    table: Table,
    chunk: Chunk,
    kind: str,
    mapping: dict[int, str],
    profile: Profile,
    today: dt.date,
) -> Checked:
    if kind == "events":
        return validate_events(chunk.frame, table.header, mapping, profile, today)
    return validate_relationships(chunk.frame, table.header, mapping, profile)


def _malformed(table: Table, chunk: Chunk) -> list[tuple[int, str, str, str, str]]:
    out = []
    for row, problem, cells in chunk.malformed:
        text = raw_json(table.header, cells)
        digest = hashlib.blake2b(text.encode(), digest_size=16).hexdigest()
        out.append((row, "(whole row)", problem, text, digest))
    return out


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
