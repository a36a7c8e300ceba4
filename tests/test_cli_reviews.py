"""``wholestory review-case new|decide|list`` (issue 17), on both databases: a review opened
from the command line prints its due dates with the days not counted and why; decisions
start the next clock; the overdue list names no child; bad input is one line, exit 2,
nothing kept."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from assurance_support import planted, selection_rows
from wholestory import audit
from wholestory.cli.main import app
from wholestory.store import Store

runner = CliRunner()


def _run(*args: str) -> Result:
    return runner.invoke(app, list(args))


@pytest.fixture
def children(store_env: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Store:
    monkeypatch.delenv("WHOLESTORY_REVIEW_TIMESCALES", raising=False)
    return planted(store_env, tmp_path, selection_rows())


def test_new_prints_the_due_dates_and_the_days_not_counted(children: Store) -> None:
    made = _run("review-case", "new", "--child", "CSC", "C01", "--notified", "2025-04-17",
                "--title", "Rapid review 2025-04")  # fmt: skip
    assert made.exit_code == 0, made.output
    text = " ".join(made.output.split())
    assert "Learning review 1: Rapid review 2025-04" in text
    # Learned of and notified on Thursday 17 April 2025: the notification was due that day
    # +5 working days; the rapid review, 15 working days on, skips Good Friday and Easter Monday.
    assert "Serious incident notification: due Monday 28 April 2025" in text
    assert "done on 17 Apr 2025, on time" in text
    assert "Rapid review: due Tuesday 13 May 2025" in text
    assert "Fri 18 Apr (Good Friday)" in text and "Mon 21 Apr (Easter Monday)" in text
    assert "Mon 05 May (May Day)" in text
    entry = audit.entries(children, action="review_open", limit=1)[0]
    assert entry.person == "WS-C01" and entry.actor.startswith("cli")


def test_decide_and_list_as_json_name_no_child(children: Store) -> None:
    assert _run("review-case", "new", "--child", "CSC", "C01", "--learned", "2025-06-02",
                "--title", "Review A").exit_code == 0  # fmt: skip
    done = _run("review-case", "decide", "1", "--decision", "notified", "--on", "2025-06-06",
                "--reason", "Notified by the director", "--json")  # fmt: skip
    assert done.exit_code == 0, done.output
    said = json.loads(done.output)
    assert [c["step"] for c in said["clocks"]] == ["notification", "rapid_review"]
    listed = _run("review-case", "list", "--today", "2025-07-01", "--json")
    assert listed.exit_code == 0, listed.output
    rows = json.loads(listed.output)
    assert [r["title"] for r in rows] == ["Review A"] and rows[0]["overdue"] == ["rapid_review"]
    assert "WS-C01" not in listed.output and "C01" not in listed.output
    late = _run("review-case", "list", "--overdue", "--today", "2025-07-01")
    assert late.exit_code == 0 and "Rapid review" in late.output
    none_late = _run("review-case", "list", "--overdue", "--today", "2025-06-09")
    assert "No review has an overdue clock." in none_late.output


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("--child", "CSC", "C99", "--notified", "2025-06-02"), "no Children's social care record"),
        (("--child", "CSC", "C01", "--notified", "2nd June"), "--notified must be a date"),
        (("--child", "CSC", "C01"), "give --learned"),
        (("--child", "CSC", "C01", "--learned", "2025-06-05", "--notified", "2025-06-02"),
         "before it learned of the incident"),
    ],
)  # fmt: skip
def test_bad_input_is_one_line_and_nothing_kept(
    children: Store, args: tuple[str, ...], said: str
) -> None:
    result = _run("review-case", "new", *args)
    assert result.exit_code == 2, result.output
    assert said in " ".join(result.output.split()) and "Traceback" not in result.output
    assert children.scalar("SELECT COUNT(*) FROM ws_review_case") == 0
