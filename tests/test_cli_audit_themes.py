"""``wholestory audit-themes`` (issue 15, item 4), on both databases: the themes printed, as
JSON, and written as the CSV and the PDF; bad input said in one line with a non-zero exit
and nothing written; each look audited first."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from themes_support import audit, graded, learn, programme
from wholestory import audit as audit_log
from wholestory.cli.main import app
from wholestory.store import Store

runner = CliRunner()


def _run(*args: str) -> Result:
    return runner.invoke(app, ["audit-themes", *args])


@pytest.fixture
def audited(store_env: Store) -> Store:
    """Two programmes of eight cases: children's social care grades assessment Good in six
    and Inadequate in two, and answers the history question no in five of each; the police
    grade everything Good in three cases only."""
    for end in ("2025-03-31", "2025-06-30"):
        _, cases = programme(store_env, "Use of history", end, 8)
        for i, case in enumerate(cases):
            grade = "Good" if i < 6 else "Inadequate"
            history = "no" if i < 5 else "yes"
            audit(store_env, case, "CSC", graded({"assessment": grade, "overall": "Good"},
                                                 assessment__uses_history=history))  # fmt: skip
            if i < 3:
                audit(store_env, case, "POLICE", graded({"assessment": "Good"}))
            learn(store_env, case, "CSC", "History not used", "Named child's words")
    return store_env


def test_the_themes_are_printed_for_people(audited: Store) -> None:
    shown = _run()
    assert shown.exit_code == 0, shown.output
    out = shown.stdout
    assert "Themes across case file audits: Programmes ending at any time" in out
    assert "No. 1: Use of history, 2024-10-02 to 2025-03-31; cases audited: 8" in out
    assert "Grades by domain" in out and "Grades by agency" in out and "fewer than 5" in out
    assert "History not used: recorded for 16 of 16 cases audited." in out
    assert "Assessment: share of grades Good or better:" in out
    assert "Named child's words" not in out
    entries = [(e.action, e.target) for e in audit_log.entries(audited, newest_first=False)]
    assert ("view", "audit themes") in entries


def test_json_holds_the_same_protected_figures(audited: Store) -> None:
    shown = _run("--json", "--last", "2")
    assert shown.exit_code == 0, shown.output
    found = json.loads(shown.stdout)
    assert found["choice"] == {"programmes": [], "by": "programme", "last": 2,
                               "ends_from": None, "ends_to": None}  # fmt: skip
    by_agency = next(d for d in found["distributions"] if d["title"] == "Grades by agency")
    police = next(r for r in by_agency["rows"] if r["label"] == "Police")
    assert police["counts"][1] == {"count": 6, "shown": "6"}
    by_domain = next(d for d in found["distributions"] if d["title"] == "Grades by domain")
    assessment = next(r for r in by_domain["rows"] if r["label"] == "Assessment")
    assert assessment["counts"][3] == {"count": None, "shown": "fewer than 5"}  # 4 Inadequate
    counts = [c for c in found["cells"] if c["count"] is not None]
    assert counts and not [c for c in counts if 0 < c["count"] < 5]
    assert "Named child's words" not in shown.stdout


def test_the_csv_and_the_pdf_are_written_and_never_over_a_file_unasked(
    audited: Store, tmp_path: Path
) -> None:
    csv_file, pdf_file = tmp_path / "themes.csv", tmp_path / "themes.pdf"
    made = _run("--programme", "1", "--programme", "2", "--csv", str(csv_file),
                "--pdf", str(pdf_file))  # fmt: skip
    assert made.exit_code == 0, made.output
    assert f"Wrote {csv_file}" in made.stdout and pdf_file.read_bytes().startswith(b"%PDF")
    rows = list(csv.reader(csv_file.open(encoding="utf-8-sig")))
    assert rows[0][-1] == "grades" and len(rows) == 1 + 7 * 2 * 4
    again = _run("--csv", str(csv_file))
    assert again.exit_code == 2 and "exists; add --force to overwrite it" in again.stderr
    assert len(again.stderr.strip().splitlines()) == 1
    assert _run("--csv", str(csv_file), "--force").exit_code == 0


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--programme", "99"], "there is no audit programme 99"),
        (["--by", "week"], "periods are grouped by programme, month, quarter, not 'week'"),
        (["--from", "2025-13-01"], "--from must be a date written YYYY-MM-DD"),
        (["--last", "0"], "repeated findings need at least the last programme"),
    ],
)
def test_bad_input_is_one_line_and_nothing_is_written(
    audited: Store, tmp_path: Path, args: list[str], said: str
) -> None:
    refused = _run(*args, "--csv", str(tmp_path / "out.csv"))
    assert refused.exit_code == 2, refused.output
    assert said in refused.stderr and "Traceback" not in refused.output
    assert len(refused.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "out.csv").exists()
