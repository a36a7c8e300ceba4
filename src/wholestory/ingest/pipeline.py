"""The ingest pipeline: file -> chunks -> validation -> store, one transaction per file.

Each file goes in whole or not at all, so a file killed halfway leaves the
store as it was and running the import again completes it. Within the file,
good rows go in and bad rows go to the quarantine; neither waits for the other.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Final

from wholestory.ingest.accounting import FileResult, IngestResult
from wholestory.ingest.reading import Chunk, FileProblem, Table, expand_paths, open_table
from wholestory.ingest.validation import (
    Checked,
    frame_from_rows,
    raw_json,
    validate_events,
    validate_relationships,
)
from wholestory.profiles import Profile
from wholestory.store.connection import Store
from wholestory.store.imports import finish_import, quarantine_rows, start_import
from wholestory.store.records import write_records, write_relationships
from wholestory.template import COLUMNS, RELATIONSHIP_COLUMNS, REQUIRED

CHUNK_ROWS: Final = 50_000

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
        with store.transaction():
            _import_table(store, table, kind, mapping, profile, result, progress, chunk_rows, today)
    except FileProblem as problem:
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
        raise FileProblem(
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
    for chunk in table.chunks(chunk_rows):
        checked = _check_chunk(table, chunk, kind, mapping, profile, today)
        writer = write_records if kind == "events" else write_relationships
        counts = writer(store, checked.good, import_id, now)
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


def _check_chunk(
    table: Table,
    chunk: Chunk,
    kind: str,
    mapping: dict[int, str],
    profile: Profile,
    today: dt.date,
) -> Checked:
    frame, raw = frame_from_rows(table.header, mapping, chunk.rows, chunk.row_numbers)
    if kind == "events":
        return validate_events(frame, raw, table.header, profile, today)
    return validate_relationships(frame, raw, table.header, profile)


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


__all__ = ["COLUMNS", "ingest_file", "ingest_paths"]
