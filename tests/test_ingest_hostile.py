"""Hostile input: a clear message naming the file, row and column; no traceback; nothing lost."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factories import event_row, rows, write_csv
from wholestory.ingest import ingest_file
from wholestory.records.template import COLUMNS
from wholestory.store import Store
from wholestory.store.imports import list_quarantine

TODAY = dt.date(2026, 11, 26)


def records(store: Store) -> int:
    return int(store.scalar("SELECT COUNT(*) FROM ws_record"))


def imports(store: Store) -> int:
    return int(store.scalar("SELECT COUNT(*) FROM ws_import"))


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("empty.csv", b"", "the file is empty (0 bytes)"),
        ("empty.xlsx", b"", "the file is empty (0 bytes)"),
        ("binary.csv", bytes(range(256)) * 4, "looks like binary data"),
        ("latin1.csv", "agency,record_id\nPOLICE,Zoë\n".encode("latin-1"), "is not UTF-8 text"),
        ("utf16.csv", "agency,record_id\n".encode("utf-16"), "UTF-16"),
        ("fake.xlsx", b"agency,record_id\n", "is named .xlsx but is not an Excel workbook"),
        ("old.xls", b"\xd0\xcf\x11\xe0" + b"\x00" * 100, "old Excel 97-2003"),
        ("header_only_blank.csv", b"\n\n", "has no header row"),
    ],
)
def test_unreadable_files_fail_in_one_line_and_write_nothing(
    store: Store, tmp_path: Path, name: str, content: bytes, expected: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    result = ingest_file(store, path, today=TODAY)
    assert result.error is not None and expected in result.error
    assert "\n" not in result.error
    assert (records(store), imports(store)) == (0, 0)


def test_corrupt_zip_named_xlsx(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    result = ingest_file(store, path, today=TODAY)
    assert result.error is not None and "not a readable Excel workbook" in result.error


def test_missing_required_column_is_named(store: Store, tmp_path: Path) -> None:
    columns = [c for c in COLUMNS if c not in ("event_date", "summary")]
    path = write_csv(tmp_path / "police.csv", rows(3), columns)
    result = ingest_file(store, path, today=TODAY)
    assert result.error is not None
    assert "required columns missing from the header: event_date, summary" in result.error
    assert records(store) == 0


def test_bad_text_late_in_a_file_rolls_the_whole_file_back(store: Store, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "police.csv", rows(3000))
    with path.open("ab") as handle:  # past the first 64 KB that are checked up front
        handle.write(b"POLICE,R9999,P9,Zo\xeb,X,,,,,,,,,,2020-01-01,,,Call,,,,\n")
    result = ingest_file(store, path, chunk_rows=500, today=TODAY)
    assert result.error is not None and "is not UTF-8 text" in result.error
    assert (records(store), imports(store)) == (0, 0)


def test_bom_and_windows_line_endings(store: Store, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "excel.csv", rows(4), encoding="utf-8-sig", newline="\r\n")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    result = ingest_file(store, path, today=TODAY)
    assert (result.error, result.inserted, result.quarantined) == (None, 4, 0)
    assert store.scalar("SELECT agency FROM ws_record LIMIT 1") == "POLICE"
    assert store.scalar("SELECT COUNT(*) FROM ws_record WHERE summary LIKE '%\r%'") == 0


def test_a_100000_character_summary_goes_in_whole(store: Store, tmp_path: Path) -> None:
    long_summary = ("Case note. " * 10_000)[:100_000]
    path = write_csv(tmp_path / "csc.csv", [event_row(1, summary=long_summary), event_row(2)])
    result = ingest_file(store, path, today=TODAY)
    assert (result.inserted, result.quarantined) == (2, 0)
    stored = store.scalar("SELECT summary FROM ws_record WHERE record_id = 'R1'")
    assert len(stored) == 100_000


def test_formula_text_is_stored_as_text(store: Store, tmp_path: Path) -> None:
    formula = '=HYPERLINK("http://example.invalid/x","click")'
    path = write_csv(tmp_path / "x.csv", [event_row(1, given_name=formula, summary="+SUM(A1)")])
    ingest_file(store, path, today=TODAY)
    assert store.query("SELECT given_name, summary FROM ws_record") == [(formula, "+SUM(A1)")]


def test_ragged_rows_are_quarantined_and_short_rows_padded(store: Store, tmp_path: Path) -> None:
    header = ",".join(COLUMNS)
    good = ",".join(event_row(1).get(c, "") for c in COLUMNS)
    long = good.replace("R1", "R2", 1) + ",extra,cells"
    short = "POLICE,R3,PN3,Jamie,Testperson,,,,,,,,,,2020-01-01,,,Call-out"
    path = tmp_path / "ragged.csv"
    path.write_text("\n".join([header, good, long, short]) + "\n", encoding="utf-8")
    result = ingest_file(store, path, today=TODAY)
    assert (result.read, result.inserted, result.quarantined) == (3, 2, 1)
    held = list_quarantine(store)[0]
    wide = f"{len(COLUMNS) + 2} cells but the header has {len(COLUMNS)}"  # the template grows
    assert held.row_number == 3 and wide in held.reason


KILL_SCRIPT = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    from wholestory.ingest import ingest_file
    from wholestory.store import open_store, resolve_url

    store = open_store(resolve_url(sys.argv[1]))
    def die(path, rows):
        if rows >= 2_000:
            os.kill(os.getpid(), signal.SIGKILL)
    ingest_file(store, Path(sys.argv[2]), progress=die, chunk_rows=1_000)
    """
)


def test_a_file_killed_halfway_leaves_the_store_consistent(store: Store, tmp_path: Path) -> None:
    ingest_file(store, write_csv(tmp_path / "earlier.csv", rows(10, agency="CSC")), today=TODAY)
    path = write_csv(tmp_path / "police.csv", rows(5_000))
    killed = subprocess.run(
        [sys.executable, "-c", KILL_SCRIPT, store.url.raw, str(path)],
        capture_output=True,
        env={**os.environ},
        check=False,
    )
    assert killed.returncode == -signal.SIGKILL
    assert store.scalar("SELECT COUNT(*) FROM ws_record WHERE agency = 'POLICE'") == 0
    assert (records(store), imports(store)) == (10, 1)
    again = ingest_file(store, path, today=TODAY)
    assert (again.read, again.inserted, again.quarantined) == (5_000, 5_000, 0)
    assert records(store) == 5_010


CELL = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12) | st.sampled_from(
    ["", "2020-01-05", "2020-02-30", "~2019", "DA_INCIDENT", "VICTIM", "=1+1"]
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.binary(max_size=400))
def test_arbitrary_bytes_give_rows_or_a_clean_error(
    store: Store, tmp_path: Path, data: bytes
) -> None:
    path = tmp_path / "fuzz.csv"
    path.write_bytes(
        b"agency,record_id,person_id,given_name,family_name,event_date,summary\n" + data
    )
    result = ingest_file(store, path, today=TODAY)
    if result.error is None:
        assert result.balanced()
    else:
        assert "\n" not in result.error


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(cells=st.lists(st.lists(CELL, min_size=0, max_size=25), max_size=8))
def test_arbitrary_rows_are_accepted_or_quarantined(
    store: Store, tmp_path: Path, cells: list[list[str]]
) -> None:
    import csv

    path = tmp_path / "fuzz.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        writer.writerows(cells)
    before = records(store) + int(store.scalar("SELECT COUNT(*) FROM ws_quarantine"))
    result = ingest_file(store, path, today=TODAY)
    if result.error is None:
        assert result.balanced()
        after = records(store) + int(store.scalar("SELECT COUNT(*) FROM ws_quarantine"))
        assert after >= before
    else:
        assert "\n" not in result.error


# Line endings, NUL bytes, DTDs and bombs (see docs/security.md, "Hostile files")


@pytest.mark.parametrize("count", [3, 3_000])  # under and over the 64 KB looked at first
def test_cr_only_line_endings_are_read(store: Store, tmp_path: Path, count: int) -> None:
    path = write_csv(tmp_path / "old_mac.csv", rows(count), newline="\r")
    assert b"\n" not in path.read_bytes()
    result = ingest_file(store, path, today=TODAY)
    assert (result.error, result.read, result.inserted) == (None, count, count)
    assert records(store) == count


@pytest.mark.parametrize("newline", ["\n", "\r"])  # the fast reader, then the careful one
def test_a_nul_byte_anywhere_makes_the_file_unreadable(
    store: Store, tmp_path: Path, newline: str
) -> None:
    path = write_csv(tmp_path / "police.csv", rows(3_000), newline=newline)
    with path.open("ab") as handle:  # well past the first 64 KB
        handle.write(b"POLICE,R9999,P9,Zo\x00e,X,,,,,,,,,,2020-01-01,,,Call,,,," + newline.encode())
    result = ingest_file(store, path, chunk_rows=500, today=TODAY)
    assert result.error is not None and "looks like binary data" in result.error
    assert "\n" not in result.error
    assert (records(store), imports(store)) == (0, 0)


def _workbook(path: Path, summary: str = "Domestic incident attended") -> Path:
    """A one-row workbook; the summary is written into its XML (openpyxl cuts long ones)."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(COLUMNS))
    row = event_row(1, summary="SUMMARY")
    sheet.append([row.get(c, "") for c in COLUMNS])
    book.save(path)
    text = summary.encode()
    _rewrite(path, "xl/worksheets/sheet1.xml", lambda xml: xml.replace(b"SUMMARY", text))
    return path


def _rewrite(path: Path, part: str, change: Any) -> None:
    """Replace one part of a workbook (a zip of XML) with ``change(old bytes)``."""
    with zipfile.ZipFile(path) as archive:
        parts = {i.filename: archive.read(i) for i in archive.infolist()}
    parts[part] = change(parts[part])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


LAUGHS = (
    b'<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
        for i in range(1, 10)
    )
    + b"]>"
)
XXE = b'<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


@pytest.mark.parametrize(("dtd", "entity"), [(LAUGHS, b"&lol9;"), (XXE, b"&xxe;")])
def test_a_workbook_with_a_dtd_is_refused_by_name(
    store: Store, tmp_path: Path, dtd: bytes, entity: bytes
) -> None:
    path = _workbook(tmp_path / "school.xlsx", summary="PLACEHOLDER")  # then the entity

    def hostile(xml: bytes) -> bytes:
        declaration, _, rest = xml.partition(b"?>")
        return declaration + b"?>" + dtd + rest.replace(b"PLACEHOLDER", entity)

    _rewrite(path, "xl/worksheets/sheet1.xml", hostile)
    result = ingest_file(store, path, today=TODAY)
    assert result.error is not None and "declares a DTD" in result.error
    assert (records(store), imports(store)) == (0, 0)
    code, _, err = _cli_ingest(store, path)
    assert code == 2
    assert "school.xlsx" in err and "DTD" in err and "did not expect" not in err


def _cli_ingest(store: Store, path: Path) -> tuple[int, str, str]:
    from typer.testing import CliRunner

    from wholestory.cli.main import app

    result = CliRunner().invoke(
        app, ["ingest", str(path), "--no-link"], env={"WHOLESTORY_DATABASE_URL": store.url.raw}
    )
    return result.exit_code, result.stdout, result.stderr


def test_a_broken_sheet_is_a_file_error_not_a_crash(store: Store, tmp_path: Path) -> None:
    path = _workbook(tmp_path / "school.xlsx")
    _rewrite(path, "xl/worksheets/sheet1.xml", lambda xml: xml[: len(xml) // 2])
    result = ingest_file(store, path, today=TODAY)
    assert result.error is not None and "not a readable Excel workbook" in result.error
    assert "\n" not in result.error and imports(store) == 0


def test_a_workbook_bomb_is_refused_before_it_is_unpacked(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _workbook(tmp_path / "bomb.xlsx", summary="x" * (3 << 20))
    assert path.stat().st_size < 100_000
    monkeypatch.setenv("WHOLESTORY_MAX_UNPACKED_MB", "2")
    result = ingest_file(store, path, today=TODAY)
    assert result.error is not None and "unpacks to more than 2 MB" in result.error
    assert "WHOLESTORY_MAX_UNPACKED_MB" in result.error
    assert (records(store), imports(store)) == (0, 0)


def test_a_giant_cell_in_a_workbook_is_never_read(store: Store, tmp_path: Path) -> None:
    import tracemalloc

    path = _workbook(tmp_path / "bomb.xlsx", summary="x" * 10_000_000)
    assert path.stat().st_size < 100_000  # 10 million characters, packed small
    tracemalloc.start()
    try:
        result = ingest_file(store, path, today=TODAY)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert result.error is not None and "more than 4,000,000 characters" in result.error
    assert peak < 20_000_000  # a few blocks, never the cell
    assert (records(store), imports(store)) == (0, 0)
    assert int(store.scalar("SELECT COUNT(*) FROM ws_quarantine")) == 0


def test_a_giant_cell_in_a_csv_is_never_kept(store: Store, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "csc.csv", [event_row(1, summary="y" * 20_000_000), event_row(2)])
    result = ingest_file(store, path, today=TODAY)
    assert result.error is not None and "more than 4,000,000 characters" in result.error
    assert (records(store), imports(store)) == (0, 0)


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_an_over_long_cell_is_quarantined_cut_with_a_note(
    store: Store, tmp_path: Path, kind: str
) -> None:
    long_summary = "z" * 1_500_000  # over the 1,000,000 limit, within what is read at all
    if kind == "csv":
        path = write_csv(tmp_path / "csc.csv", [event_row(1, summary=long_summary), event_row(2)])
    else:
        path = _workbook(tmp_path / "csc.xlsx", summary=long_summary)
    result = ingest_file(store, path, today=TODAY)
    assert result.error is None and result.quarantined == 1 and result.balanced()
    held = list_quarantine(store)[0]
    assert "longer than 1,000,000 characters" in held.reason
    assert held.raw["summary"] == "z" * 1_000
    assert held.raw["WholeStory note"] == (
        "cut for the quarantine: summary: first 1,000 of 1,500,000 characters kept"
    )
    assert int(store.scalar("SELECT MAX(LENGTH(raw)) FROM ws_quarantine")) < 10_000


def test_the_cell_limit_is_a_setting(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WHOLESTORY_MAX_CELL_CHARS", "2000")
    path = write_csv(
        tmp_path / "csc.csv",
        [event_row(1, summary="a" * 3_000), event_row(2, summary="b" * 9_000), event_row(3)],
    )
    result = ingest_file(store, path, today=TODAY)
    assert result.error is not None and "more than 8,000 characters" in result.error
    path = write_csv(tmp_path / "csc.csv", [event_row(1, summary="a" * 3_000), event_row(3)])
    result = ingest_file(store, path, today=TODAY)
    assert (result.error, result.inserted, result.quarantined) == (None, 1, 1)
    assert list_quarantine(store)[0].raw["summary"] == "a" * 1_000
    monkeypatch.setenv("WHOLESTORY_MAX_CELL_CHARS", "lots")
    result = ingest_file(store, path, today=TODAY)
    assert result.error is not None and "WHOLESTORY_MAX_CELL_CHARS must be" in result.error


def test_the_limits_are_documented() -> None:
    from wholestory.ingest.limits import CELL_ENV, UNPACKED_ENV

    root = Path(__file__).resolve().parent.parent
    readme = (root / "README.md").read_text(encoding="utf-8")
    security = (root / "docs" / "security.md").read_text(encoding="utf-8")
    for name in (CELL_ENV, UNPACKED_ENV):
        assert f"| `{name}` |" in readme and name in security


def test_an_overlong_agency_code_is_quarantined_not_a_crash(store: Store, tmp_path: Path) -> None:
    """Found by the byte fuzzer on PostgreSQL: the quarantine holds agency codes of 32 at most."""
    path = tmp_path / "long_agency.csv"
    path.write_text(
        "agency,record_id,person_id,given_name,family_name,event_date,summary\n"
        f"{'A' * 40},R1,P1,Amy,Stone,2020-01-05,seen\n"
        "POLICE,R2,P2,Ben,Stone,2020-01-06,seen\n",
        encoding="utf-8",
    )
    result = ingest_file(store, path, today=TODAY)
    assert result.error is None
    assert (result.inserted, result.quarantined) == (1, 1)
    held = list_quarantine(store)
    assert len(held) == 1 and "agency" in held[0].columns
