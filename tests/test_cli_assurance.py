"""``wholestory audit-programme ...`` and ``wholestory practice-measures`` (issue 15), on both
databases: a programme set up, listed, shown and checked; the measures for a month; and bad
input said in one line with a non-zero exit, nothing done. Each read of children is
audited first.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from assurance_support import looked, planted, rec, selection_rows
from wholestory import audit
from wholestory.cli.main import app
from wholestory.store import Store

runner = CliRunner()
PERIOD = ["--from", "2025-01-01", "--to", "2025-06-30"]


def _run(*args: str) -> Result:
    return runner.invoke(app, list(args))


@pytest.fixture
def children(store_env: Store, tmp_path: Path) -> Store:
    return planted(store_env, tmp_path, selection_rows())


def _actions(store: Store) -> list[tuple[str, str]]:
    return [(e.action, e.target) for e in audit.entries(store, newest_first=False)]


def test_a_programme_is_set_up_listed_shown_and_checked(children: Store) -> None:
    made = _run("audit-programme", "new", "--theme", "Missing children", *PERIOD,
                "--flag", "MISSING_REPEAT", "--agency", "GP", "--sample", "2", "--seed", "11",
                "--json")  # fmt: skip
    assert made.exit_code == 0, made.output
    kept = json.loads(made.stdout)
    assert kept["theme"] == "Missing children" and kept["eligible"] == 2
    assert kept["criteria"]["flags"] == ["MISSING_REPEAT"] and kept["seed"] == 11
    assert sorted(c["person"] for c in kept["cases"]) == ["WS-C01", "WS-C02"]
    assert [c["position"] for c in kept["cases"]] == [1, 2]
    assert kept["tool"]["name"] == "Multi-agency case file audit"
    assert len(kept["tool"]["domains"]) == 7

    again = _run("audit-programme", "new", "--theme", "Everyone", "--sample", "3", "--seed", "5")
    assert again.exit_code == 0, again.output
    assert "Audit programme 2: Everyone" in again.stdout
    assert "Chose 3 of 12 eligible children with seed 5" in again.stdout
    # No period given: the year to the newest record.
    assert "children with records from 2024-07-01 to 2025-06-30" in again.stdout

    listed = _run("audit-programme", "list")
    assert listed.exit_code == 0 and "Missing children" in listed.stdout
    assert "2 of 2" in listed.stdout and "3 of 12" in listed.stdout

    shown = _run("audit-programme", "show", "1", "--json")
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.stdout)["cases"] == kept["cases"]
    words = _run("audit-programme", "show", "1")
    assert "flagged MISSING_REPEAT; known to GP in the period" in words.stdout
    assert "graded Outstanding, Good, Requires improvement, Inadequate" in words.stdout

    checked = _run("audit-programme", "check", "1")
    assert checked.exit_code == 0, checked.output
    assert "The same cases are chosen again" in checked.stdout

    assert _actions(children) == [
        ("qa_programme_set", "Missing children"),
        ("qa_programme_set", "Everyone"),
        ("qa_programme", "audit programme 1"),
        ("qa_programme", "audit programme 1"),
        ("qa_programme", "audit programme 1"),
    ]
    first = audit.entries(children, newest_first=False)[0].as_dict()
    assert sorted(first["detail"]["people"]) == ["WS-C01", "WS-C02"]


def test_a_check_that_draws_other_cases_exits_1(children: Store, tmp_path: Path) -> None:
    assert _run("audit-programme", "new", "--theme", "T", *PERIOD, "--sample", "11",
                "--seed", "3").exit_code == 0  # fmt: skip
    planted(children, tmp_path, [rec("C00", "SCHOOL", "CONTACT", "2025-03-03")], "more")
    checked = _run("audit-programme", "check", "1", "--json")
    assert checked.exit_code == 1
    found = json.loads(checked.stdout)
    assert not found["same_eligible"] and (found["eligible_then"], found["eligible_now"]) == (
        12,
        13,
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--flag", "NOT_A_FLAG"], "there is no flag 'NOT_A_FLAG'"),
        (["--agency", "NOWHERE"], "no agency 'NOWHERE' has sent records"),
        (["--sample", "13"], "only 12 children meet the criteria, fewer than the sample of 13"),
        (["--from", "2025-13-01"], "--from must be a date written YYYY-MM-DD"),
        (["--age-from", "12", "--age-to", "3"], "the lowest age (12) is above the highest (3)"),
        (["--tool", "nowhere.yaml"], "nowhere.yaml: the audit tool cannot be read"),
        (["--theme", "  "], "--theme must say what the audit looks at"),
    ],
)
def test_bad_input_is_one_line_and_sets_up_nothing(
    children: Store, args: list[str], message: str
) -> None:
    base = {"--theme": "T", "--sample": "2", "--seed": "1"}
    given = dict(zip(args[::2], args[1::2], strict=True))
    merged = [x for k, v in {**base, **given}.items() for x in (k, v)]
    result = _run("audit-programme", "new", *merged)
    assert result.exit_code == 2, result.output
    assert message in result.stderr and "Traceback" not in result.output
    assert result.stderr.count("Error:") == 1
    assert children.scalar("SELECT COUNT(*) FROM ws_assurance_programme") == 0
    assert _actions(children) == []


def test_a_bad_tool_file_is_named_with_its_fault(children: Store, tmp_path: Path) -> None:
    tool = tmp_path / "ours.yaml"
    tool.write_text("name: Ours\nscale: {grades: [Good, Bad]}\ndomains:\n  - code: x\n",
                    encoding="utf-8")  # fmt: skip
    result = _run("audit-programme", "new", "--theme", "T", "--tool", str(tool), "--sample",
                  "1", "--seed", "1")  # fmt: skip
    assert result.exit_code == 2
    assert f"{tool}: domain 1 (x): give the domain a title" in " ".join(result.stderr.split())


def test_an_unknown_programme_is_said(children: Store) -> None:
    result = _run("audit-programme", "show", "9")
    assert result.exit_code == 2 and "there is no audit programme 9" in result.stderr
    assert _run("audit-programme", "list").stdout.strip() == "No audit programmes yet."


def test_practice_measures_for_a_month(store_env: Store, tmp_path: Path) -> None:
    planted(store_env, tmp_path, [
        rec("A", "CSC", "ASSESSMENT", "2025-03-10"), rec("B", "CSC", "ASSESSMENT", "2025-03-12"),
        rec("P", "GP", "APPOINTMENT_MISSED", "2025-03-01"),
        rec("P", "GP", "APPOINTMENT_MISSED", "2025-03-08"), rec("P", "GP", "CONTACT", "2025-03-09"),
        rec("Z", "CSC", "CONTACT", "2025-04-30"),
    ])  # fmt: skip
    looked(store_env, "WS-A", "CSC", "2025-03-01T10:00:00")
    result = _run("practice-measures", "--month", "2025-03", "--json")
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    assert found["month"] == "2025-03" and found["as_of"] == "2025-04-30"
    counts = {m["code"]: (m["numerator"], m["denominator"], m["value"]) for m in found["measures"]}
    assert counts == {
        "history_read_first": (1, 2, 0.5),
        "high_flags_with_plan": (0, 0, None),
        "was_not_brought_followed_up": (1, 1, 1.0),
        "concern_to_referral_days": (0, 0, None),
    }
    said = _run("practice-measures")  # the last whole month: April
    assert said.exit_code == 0, said.output
    assert "Practice-quality measures, 2025-04 (records to 2025-04-30)" in said.stdout
    march = _run("practice-measures", "--month", "2025-03").stdout
    assert (
        "New assessments whose agency opened the chronology first: 50% (the chronology opened "
        "first for 1 of 2 assessments begun)" in march
    )
    assert "nothing to measure this month (0 of 0 referrals" in march
    assert [a for a, _ in _actions(store_env)][-3:] == ["qa_measures"] * 3


@pytest.mark.parametrize("month", ["2025-13", "March", "2025-3"])
def test_a_month_not_written_yyyy_mm_is_refused(store_env: Store, month: str) -> None:
    result = _run("practice-measures", "--month", month)
    assert result.exit_code == 2 and "--month: a month is written YYYY-MM" in result.stderr
    assert "Traceback" not in result.output and _actions(store_env) == []


def test_measures_before_any_build_say_what_to_run(store_env: Store) -> None:
    result = _run("practice-measures", "--month", "2025-03")
    assert result.exit_code == 2 and "run wholestory chronologies first" in result.stderr
