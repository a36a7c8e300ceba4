"""The CLI as people use it: words, JSON, exit codes, and never a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from factories import event_row, rows, write_csv
from wholestory.cli.main import app
from wholestory.records.template import COLUMNS
from wholestory.store import Store

runner = CliRunner()


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def test_ingest_json_accounting_and_reimport(store_env: Store, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "police.csv", [*rows(4), event_row(5, event_date="2020-02-30")])
    code, out, _ = invoke("ingest", str(path), "--json")
    assert code == 0
    first = json.loads(out)
    assert {k: first[k] for k in ("read", "inserted", "updated", "unchanged", "quarantined")} == {
        "read": 5,
        "inserted": 4,
        "updated": 0,
        "unchanged": 0,
        "quarantined": 1,
    }
    assert first["files"][0]["file"] == str(path) and first["files"][0]["read"] == 5
    code, out, _ = invoke("ingest", str(path), "--json")
    again = json.loads(out)
    assert (code, again["inserted"], again["updated"], again["unchanged"]) == (0, 0, 0, 4)


def test_ingest_words_for_people(store_env: Store, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "police.csv", [*rows(2), event_row(3, role="BOSS")])
    code, out, _ = invoke("ingest", str(path))
    assert code == 0
    assert "Read 3 rows: 2 new, 0 updated, 0 already up to date, 1 quarantined." in out
    assert "wholestory quarantine" in out


def test_quarantine_lists_and_exports_safely(store_env: Store, tmp_path: Path) -> None:
    bad = event_row(2, summary="", given_name='=HYPERLINK("http://example.invalid")')
    invoke("ingest", str(write_csv(tmp_path / "police.csv", [event_row(1), bad])))
    code, out, _ = invoke("quarantine", "--json")
    listed = json.loads(out)
    assert code == 0 and listed["total"] == 1
    entry = listed["rows"][0]
    assert (entry["file"], entry["row"], entry["columns"]) == ("police.csv", 3, "summary")
    code, out, _ = invoke("quarantine")
    assert "police.csv" in out and "required, but empty" in out
    export = tmp_path / "back-to-agency.csv"
    assert invoke("quarantine", "--out", str(export))[0] == 0
    assert "'=HYPERLINK" in export.read_text(encoding="utf-8-sig")
    code, _, err = invoke("quarantine", "--out", str(export))
    assert code == 2 and "already exists" in err


def test_empty_quarantine_says_so(store_env: Store) -> None:
    code, out, _ = invoke("quarantine")
    assert code == 0 and "Nothing is waiting in the quarantine" in out


def test_unreadable_file_is_one_line_with_exit_2_and_other_files_still_go_in(
    store_env: Store, tmp_path: Path
) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    good = write_csv(tmp_path / "police.csv", rows(2))
    code, out, _ = invoke("ingest", str(empty), str(good), "--json")
    assert code == 2
    result = json.loads(out)
    assert result["inserted"] == 2
    assert result["files"][0]["error"] == "the file is empty (0 bytes)"


def run_cli(args: list[str], env_url: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "WHOLESTORY_DATABASE_URL": env_url}
    return subprocess.run(
        [sys.executable, "-m", "wholestory.cli.main", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        check=False,
    )


def test_no_traceback_for_bad_input_in_a_real_process(store: Store, tmp_path: Path) -> None:
    missing = write_csv(tmp_path / "police.csv", rows(1), [c for c in COLUMNS if c != "person_id"])
    binary = tmp_path / "photo.csv"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    for args, expected in [
        (["ingest", str(missing)], "required column missing from the header: person_id"),
        (["ingest", str(binary)], "looks like binary data"),
        (["ingest", str(tmp_path / "nope.csv")], "no such file"),
        (["ingest", str(missing), "--profile", str(tmp_path / "nope.yaml")], "cannot read this"),
    ]:
        done = run_cli(args, store.url.raw, tmp_path)
        assert done.returncode == 2, done.stderr
        assert "Traceback" not in done.stderr + done.stdout
        assert expected in done.stderr
        assert len([line for line in done.stderr.splitlines() if line.strip()]) == 1


def test_bad_database_url_is_explained(tmp_path: Path) -> None:
    done = run_cli(["quarantine"], "mysql://somewhere/db", tmp_path)
    assert done.returncode == 2
    assert "the store runs on SQLite" in done.stderr and "Traceback" not in done.stderr


def test_store_is_created_on_first_use_in_the_working_directory(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "WHOLESTORY_DATABASE_URL"}
    done = subprocess.run(
        [sys.executable, "-m", "wholestory.cli.main", "quarantine"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "wholestory.sqlite3").exists()
    import sqlite3

    with sqlite3.connect(tmp_path / "wholestory.sqlite3") as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_locked_store_is_a_sentence_not_a_traceback(tmp_path: Path) -> None:
    import sqlite3

    from wholestory.store import resolve_url
    from wholestory.web.bootstrap import ensure_schema

    url = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    ensure_schema(resolve_url(url))
    holder = sqlite3.connect(tmp_path / "store.sqlite3", isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # another process is writing
    try:
        good = write_csv(tmp_path / "police.csv", rows(1))
        env = {**os.environ, "WHOLESTORY_DATABASE_URL": url, "WHOLESTORY_SQLITE_TIMEOUT": "0.2"}
        done = subprocess.run(
            [sys.executable, "-m", "wholestory.cli.main", "ingest", str(good)],
            capture_output=True,
            text=True,
            env=env,
            cwd=tmp_path,
            check=False,
            timeout=120,
        )
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "database is locked" in done.stderr and "rolled back" in done.stderr


def test_warnings_lists_records_kept_with_untrusted_values(
    store_env: Store, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "gp.csv",
        [event_row(1), event_row(2, nhs_number="943 476 5918", date_of_birth="2012-02-30")],
    )
    invoke("ingest", str(path))
    code, out, _ = invoke("warnings", "--json")
    listed = json.loads(out)
    assert code == 0 and listed["total"] == 1
    record = listed["records"][0]
    assert (record["record_id"], record["file"], record["row"]) == ("R2", str(path), 3)
    assert "fails its check digit" in record["warnings"] and "2012-02-30" in record["warnings"]
    code, out, _ = invoke("warnings")
    assert code == 0 and "1 record with warnings" in out and "R2" in out
    export = tmp_path / "warnings.csv"
    assert invoke("warnings", "--out", str(export))[0] == 0
    assert "R2" in export.read_text(encoding="utf-8-sig")
