"""The writer process: the same results as writing inline, and nothing half-written."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import TABLES
from factories import event_row, rows, write_csv
from wholestory.ingest import ingest_file, ingest_paths
from wholestory.ingest.writer import ProcessWriter, WriterError
from wholestory.store import Store, StoreURL, open_store, resolve_url
from wholestory.store.imports import list_quarantine
from wholestory.synth import generate

TODAY = dt.date(2026, 11, 26)


@pytest.fixture
def sqlite_store(sqlite_template: Path, tmp_path: Path) -> Iterator[Store]:
    path = tmp_path / "store.sqlite3"
    path.write_bytes(sqlite_template.read_bytes())
    store = open_store(resolve_url(f"sqlite:///{path}"))
    yield store
    store.close()


@pytest.fixture
def writer(sqlite_store: Store) -> Iterator[ProcessWriter]:
    process = ProcessWriter(sqlite_store.url.raw)
    yield process
    process.close()


def table_dump(store: Store) -> list[tuple[object, ...]]:
    """Every stored record, without the columns that say when and by which run."""
    return store.query(
        "SELECT agency, record_id, person_id, given_name, family_name, date_of_birth, nhs_number, "
        "postcode, role, event_id, event_date, event_date_approximate, event_date_start, "
        "event_type, event_type_inferred, summary, provenance, row_hash, source_row "
        "FROM ws_record ORDER BY agency, record_id"
    )


def test_process_and_inline_writers_store_the_same_thing(
    sqlite_template: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "partnership"
    generate(200, 5, folder)
    dumps = []
    for mode in ("inline", "process"):
        path = tmp_path / f"{mode}.sqlite3"
        path.write_bytes(sqlite_template.read_bytes())
        store = open_store(resolve_url(f"sqlite:///{path}"))
        first = ingest_paths(store, [folder], today=TODAY, writer=mode).totals()
        again = ingest_paths(store, [folder], today=TODAY, writer=mode).totals()
        assert (again["inserted"], again["updated"], again["unchanged"]) == (
            0,
            0,
            first["inserted"],
        )
        dumps.append(
            (first, table_dump(store), [e.as_dict()["row"] for e in list_quarantine(store)])
        )
        store.close()
    assert dumps[0][0] == dumps[1][0]
    assert dumps[0][1] == dumps[1][1]
    assert dumps[0][2] == dumps[1][2]


def test_updates_keep_versions_through_the_writer_process(
    sqlite_store: Store, writer: ProcessWriter, tmp_path: Path
) -> None:
    ingest_file(sqlite_store, write_csv(tmp_path / "a.csv", rows(3)), today=TODAY, writer=writer)
    changed = rows(3)
    changed[0]["summary"] = "Corrected summary"
    result = ingest_file(
        sqlite_store, write_csv(tmp_path / "b.csv", changed), today=TODAY, writer=writer
    )
    assert (result.inserted, result.updated, result.unchanged) == (0, 1, 2)
    content = sqlite_store.scalar("SELECT content FROM ws_record_version")
    assert json.loads(content)["summary"] == "Domestic incident attended at home address"


def test_an_error_in_the_writer_process_commits_nothing(
    sqlite_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WHOLESTORY_SQLITE_TIMEOUT", "0.2")
    process = ProcessWriter(sqlite_store.url.raw)
    holder = sqlite3.connect(sqlite_store.url.path or "", isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # someone else is writing: the child cannot start
    try:
        with pytest.raises(WriterError, match="database is locked"):
            ingest_file(
                sqlite_store, write_csv(tmp_path / "a.csv", rows(3)), today=TODAY, writer=process
            )
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    result = ingest_file(
        sqlite_store, write_csv(tmp_path / "a.csv", rows(3)), today=TODAY, writer=process
    )
    assert result.inserted == 3  # the same writer process recovers for the next file
    process.close()
    assert sqlite_store.scalar("SELECT COUNT(*) FROM ws_import") == 1


KILL_SCRIPT = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    from wholestory.ingest import ingest_paths
    from wholestory.store import open_store, resolve_url

    def die(path, rows):
        if rows >= 2_000:
            os.kill(os.getpid(), signal.SIGKILL)

    if __name__ == "__main__":
        store = open_store(resolve_url(sys.argv[1]))
        ingest_paths(store, [Path(sys.argv[2])], progress=die, chunk_rows=500, writer="process")
    """
)


def test_killing_the_importer_rolls_the_writer_process_back(
    sqlite_store: Store, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "police.csv", rows(5_000))
    script = tmp_path / "kill.py"
    script.write_text(KILL_SCRIPT, encoding="utf-8")
    killed = subprocess.run(
        [sys.executable, str(script), sqlite_store.url.raw, str(path)],
        capture_output=True,
        env={**os.environ},
        check=False,
        timeout=120,
    )
    assert killed.returncode == -signal.SIGKILL
    # The orphaned writer sees its pipe close and rolls back; the next import waits for it.
    again = ingest_paths(sqlite_store, [path], today=TODAY, writer="process").totals()
    assert (again["read"], again["inserted"]) == (5_000, 5_000)
    assert sqlite_store.scalar("SELECT COUNT(*) FROM ws_import") == 1


def test_bad_rows_and_file_errors_through_the_writer_process(
    sqlite_store: Store, writer: ProcessWriter, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "police.csv", [event_row(1), event_row(2, event_date="2020-02-30")])
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    good = ingest_file(sqlite_store, path, today=TODAY, writer=writer)
    bad = ingest_file(sqlite_store, empty, today=TODAY, writer=writer)
    assert (good.inserted, good.quarantined) == (1, 1)
    assert bad.error == "the file is empty (0 bytes)"
    assert [e.row_number for e in list_quarantine(sqlite_store)] == [3]


def test_postgresql_never_uses_a_writer_process(postgres_url: StoreURL, tmp_path: Path) -> None:
    store = open_store(postgres_url)
    store.execute(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE")
    with pytest.raises(ValueError, match="writer must be"):
        ingest_paths(store, [tmp_path], writer="sideways")
    result = ingest_paths(store, [write_csv(tmp_path / "x.csv", rows(2))], writer="process")
    assert result.totals()["inserted"] == 2
    store.close()
