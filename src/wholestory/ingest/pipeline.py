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

import polars as pl

from wholestory.identity import AGENCIES_FILE, AgencySettings, agencies
from wholestory.ingest.accounting import FileResult, IngestResult
from wholestory.ingest.dash_rows import validate_dash
from wholestory.ingest.needs_rows import validate_needs
from wholestory.ingest.profiles import Profile
from wholestory.ingest.reading import (
    Chunk,
    FastPathUnavailable,
    Table,
    UnreadableFileError,
    expand_paths,
    open_table,
)
from wholestory.ingest.thrive_rows import validate_current_view, validate_thrive
from wholestory.ingest.validation import (
    Checked,
    Reading,
    Rejection,
    raw_json,
    validate_events,
    validate_relationships,
)
from wholestory.ingest.writer import ImportStart, InlineWriter, ProcessWriter, Writer
from wholestory.records.template import (
    CURRENT_VIEW_ITEMS,
    CURRENT_VIEW_REQUIRED,
    DASH_REQUIRED,
    NEEDS_REQUIRED,
    RELATIONSHIP_COLUMNS,
    REQUIRED,
    THRIVE_REQUIRED,
)
from wholestory.store.connection import Store
from wholestory.store.imports import Arrival, Held
from wholestory.store.records import WriteCounts, keys_are_unique

CHUNK_ROWS: Final = 50_000
#: Below this many bytes of input, starting a writer process costs more than it saves.
PROCESS_WRITER_MIN_BYTES: Final = 32 << 20
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
    writer: str = "auto",
    arrival: Arrival | None = None,
) -> IngestResult:
    """Import files and folders of files. A file that fails does not stop the others.

    ``arrival`` says how the records came (a feed unless said otherwise); each
    import run keeps it, because a hand upload gives its agency access to the
    people in it only once a lead confirms it (:mod:`wholestory.arrival`).

    ``writer`` is ``inline`` (write through ``store``), ``process`` (an SQLite
    store only: a writer process, see :mod:`wholestory.ingest.writer`) or
    ``auto``: the writer process for SQLite imports big enough to repay its
    start-up, inline otherwise.
    """
    result = IngestResult()
    files = expand_paths(paths)
    # What each agency's ids mean is checked, then kept, before any row is imported.
    for said in agency_settings(paths, profile):
        agencies.save(store, said)
    chosen = _choose_writer(store, files, writer)
    try:
        for path in files:
            result.files.append(
                ingest_file(store, path, profile, progress, chunk_rows, today, chosen, arrival)
            )
    finally:
        chosen.close()
    return result


def agency_settings(paths: list[Path], profile: Profile | None) -> list[AgencySettings]:
    """What the profile and any agencies file in the folders say of each agency's ids.

    An agencies file that cannot be used raises
    :class:`~wholestory.identity.agencies.AgenciesFileError`, naming the file.
    """
    found = [
        agencies.read_agencies_file(path / AGENCIES_FILE)
        for path in paths
        if path.is_dir() and (path / AGENCIES_FILE).is_file()
    ]
    if profile is not None and profile.person_ids:
        code = profile.constants["agency"].strip().upper()
        ids = agencies.parse_person_ids(profile.person_ids, f"profile {profile.name}")
        found.append(AgencySettings({code: ids}, f"profile {profile.name}"))
    return found


def _choose_writer(store: Store, files: list[Path], writer: str) -> Writer:
    if writer not in ("auto", "inline", "process"):
        raise ValueError(f"writer must be auto, inline or process, not {writer!r}")
    if store.backend != "sqlite" or writer == "inline":
        return InlineWriter(store)
    if writer == "auto":
        size = sum(p.stat().st_size for p in files if p.is_file())
        if size < PROCESS_WRITER_MIN_BYTES:
            return InlineWriter(store)
    return ProcessWriter(store.url.raw)


def ingest_file(
    store: Store,
    path: Path,
    profile: Profile | None = None,
    progress: Progress | None = None,
    chunk_rows: int = CHUNK_ROWS,
    today: dt.date | None = None,
    writer: Writer | None = None,
    arrival: Arrival | None = None,
) -> FileResult:
    """Import one file in one transaction; a file-level problem leaves nothing behind."""
    profile = profile or Profile()
    today = today or dt.date.today()
    writer = writer or InlineWriter(store)
    result = FileResult(file=str(path))
    try:
        table = open_table(path)
        kind, mapping, ignored = _layout(table, profile)
        result.kind = kind
        result.ignored_columns = ignored
        job = _Job(
            writer, kind, mapping, profile, progress, chunk_rows, today, arrival or Arrival()
        )
        try:
            job.run(table, result)
        except FastPathUnavailable:
            # Rolled back: read it again, row by row, to find and hold the bad rows.
            result = FileResult(file=str(path), kind=kind, ignored_columns=ignored)
            job.run(open_table(path, careful=True), result)
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
    kind, required = "events", REQUIRED
    if {"victim_person_id", "assessed_on", "form"} & present and "event_date" not in present:
        kind, required = "dash", DASH_REQUIRED
    elif {"need", "recorded_on"} <= present and "event_date" not in present:
        kind, required = "needs", NEEDS_REQUIRED
    elif {"grouping", "recorded_on"} <= present and "event_date" not in present:
        kind, required = "thrive", THRIVE_REQUIRED
    elif (
        "recorded_on" in present
        and "event_date" not in present
        and (present & set(CURRENT_VIEW_ITEMS))
    ):
        kind, required = "current_view", CURRENT_VIEW_REQUIRED
    missing = [c for c in required if c not in present]
    if missing:
        wanted = [profile.columns.get(c, c) for c in missing]
        plural = "s" if len(missing) > 1 else ""
        raise UnreadableFileError(
            table.path,
            f"required column{plural} missing from the header: {', '.join(wanted)}"
            + ("" if profile.columns else " (see the agency template, or use --profile)"),
        )
    return kind, mapping, ignored


@dataclass(frozen=True)
class _Job:
    """How one file is imported: everything but the table and its accounting."""

    writer: Writer
    kind: str
    mapping: dict[int, str]
    profile: Profile
    progress: Progress | None
    chunk_rows: int
    today: dt.date
    arrival: Arrival

    def run(self, table: Table, result: FileResult) -> None:
        """Import the table in one transaction, rolled back on any failure."""
        now = dt.datetime.now(dt.UTC).isoformat(sep=" ")
        start = ImportStart(
            str(table.path),
            table.path.name,
            _sha256(table.path),
            self.kind,
            self.profile.name,
            now,
            self.arrival,
        )
        self.writer.begin(start)
        try:
            self._write_chunks(table, result)
            finished = dt.datetime.now(dt.UTC).isoformat(sep=" ")
            self.writer.commit(result.counts(), finished)
        except BaseException:
            self.writer.abort()
            raise

    def _write_chunks(self, table: Table, result: FileResult) -> None:
        prepared = (
            _prepare_chunk(table, chunk, self.kind, self.mapping, self.profile, self.today)
            for chunk in table.chunks(self.chunk_rows)
        )
        for chunk, checked, unique_keys in _ahead(prepared):
            held = [r.held() for r in checked.rejected] + _malformed(table, chunk)
            _add(result, self.writer.write(self.kind, checked.good, held, unique_keys))
            result.read += len(chunk)
            result.quarantined += len(held)
            result.warnings += checked.warnings
            if self.progress:
                self.progress(table.path, result.read)
        _add(result, self.writer.flush())


def _add(result: FileResult, done: list[WriteCounts]) -> None:
    for counts in done:
        result.inserted += counts.inserted
        result.updated += counts.updated
        result.unchanged += counts.unchanged


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
) -> tuple[Chunk, Checked, bool]:
    """Everything done to a chunk before it is written, in the reader thread: its rows
    checked, and whether its records' keys are unique within it (events only)."""
    checked = VALIDATORS[kind](chunk.frame, Reading(table.header, mapping, profile, today))
    return chunk, checked, kind == "events" and keys_are_unique(checked.good)


#: How each kind of table's rows are checked.
VALIDATORS: Final[dict[str, Callable[[pl.DataFrame, Reading], Checked]]] = {
    "events": validate_events,
    "relationships": validate_relationships,
    "dash": validate_dash,
    "needs": validate_needs,
    "thrive": validate_thrive,
    "current_view": validate_current_view,
}


def _malformed(table: Table, chunk: Chunk) -> list[Held]:
    """Rows that could not be lined up with the header, held as they were read."""
    return [
        Rejection(row, "(whole row)", problem, raw_json(table.header, cells)).held()
        for row, problem, cells in chunk.malformed
    ]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
