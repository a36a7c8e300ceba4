"""``wholestory thrive suggest`` and ``wholestory thrive agreement`` (issue 16), on both
databases: the suggestion for a child named by an agency's id, printed with its rule,
reasons, evidence and what it could not see, or as JSON; the agreement rate as the board
sees it. Each look is audited first (a suggestion as a read of the child); bad input is
one line, exit 2, no traceback, and nothing read.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from assurance_support import planted, rec
from wholestory import audit
from wholestory.cli.main import app
from wholestory.store import Store
from wholestory.thrive.current_view import current_view
from wholestory.thrive.groupings import Grouping
from wholestory.thrive.records import record_current_view, record_grouping
from wholestory.thrive.suggest_rules import RULES_ENV

runner = CliRunner()
NOW = "2025-12-31T10:00:00+00:00"


def _run(*args: str) -> Result:
    return runner.invoke(app, list(args))


@pytest.fixture
def children(store_env: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Store:
    """R1 has a Current View; R2 has none, but self-harm and missed appointments."""
    monkeypatch.delenv(RULES_ENV, raising=False)
    rows = [rec(p, "SCHOOL", "CONTACT", "2025-06-01") for p in ("R1", "R2")]
    rows += [rec("R2", "ED", "SELF_HARM", d) for d in ("2025-03-01", "2025-06-01", "2025-09-01")]
    rows += [rec("R2", "GP", "APPOINTMENT_MISSED", d) for d in ("2025-04-01", "2025-05-01")]
    planted(store_env, tmp_path, rows)
    day = dt.date(2025, 11, 1)
    answers = {"problems": {"low_mood": "moderate"}, "contextual": {"home": "mild"}}
    view = current_view("WS-R1", day, "Hana Ito", "CAMHS", answers, day)
    record_current_view(store_env, view, agency="CAMHS", recorded_by="hana.camhs", now=NOW)
    return store_env


def _entries(store: Store) -> list[audit.Entry]:
    return audit.entries(store, newest_first=False)


def test_a_suggestion_is_printed_with_its_reasons_and_evidence(children: Store) -> None:
    result = _run("thrive", "suggest", "SCHOOL", "R2")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert (
        "Suggested THRIVE grouping for WS-R2 (records to 1 September 2025): Getting Risk Support"
        in out
    )
    assert "Rule 1 of 'WholeStory default suggestion rules': Self-harm that is severe" in out
    assert (
        "- The chronology has 3 entries for self harm in the 12 months to 1 September 2025." in out
    )
    assert (
        "Chronology entries:\n- 1 Mar 2025, Emergency department: self harm (/people/WS-R2?" in out
    )
    assert "What this could not see:\n- No Current View is recorded for this child" in out
    assert "never a verdict" in out
    (entry,) = _entries(children)
    assert (entry.action, entry.person, entry.target) == (
        "view",
        "WS-R2",
        "thrive suggestion WS-R2",
    )
    assert entry.actor.startswith("cli")


def test_a_suggestion_as_json_from_the_current_view(children: Store) -> None:
    result = _run("thrive", "suggest", "WS-R1", "--as-of", "2025-12-31", "--json")
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    assert (found["grouping"], found["title"], found["rule_number"]) == ("help", "Getting Help", 3)
    assert found["reasons"] == ["1 problem is rated Moderate or above: Depression or low mood "
                                "(Moderate)."]  # fmt: skip
    assert found["items"] == [{"part": "problems", "item": "low_mood", "words":
                               "Depression or low mood", "rating": "moderate",
                               "rating_words": "Moderate"}]  # fmt: skip
    assert found["current_view"]["recorded_by"] == "Hana Ito"
    assert found["unseen"] == ["29 of the 30 problems on the Current View are rated Not known: "
                               "they count as no problem."]  # fmt: skip
    assert found["as_of"] == "2025-12-31" and found["chosen"] is None
    assert "no official way" in found["prompt"]


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("SCHOOL", "NOPE"), "Error: SCHOOL has no person NOPE in the store."),
        (("R1",), "Error: Give the agency's own id for the person too"),
        (("SCHOOL", "R1", "--as-of", "last week"),
         "Error: --as-of must be a date written YYYY-MM-DD, not 'last week'"),
    ],
)  # fmt: skip
def test_bad_input_is_one_line_and_reads_nothing(
    children: Store, args: tuple[str, ...], said: str
) -> None:
    result = _run("thrive", "suggest", *args)
    assert result.exit_code == 2
    assert result.stderr.startswith(said) and result.stderr.count("\n") == 1
    assert "Traceback" not in result.output and result.stdout == ""
    assert _entries(children) == []


def test_a_bad_rule_file_is_one_line_and_reads_nothing(
    children: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = tmp_path / "rules.yaml"
    bad.write_text("name: ours\nrules: []\n", encoding="utf-8")
    monkeypatch.setenv(RULES_ENV, str(bad))
    result = _run("thrive", "suggest", "SCHOOL", "R1")
    assert result.exit_code == 2
    assert result.stderr == f"Error: {bad}: rules: give a list of at least one rule\n"
    assert _entries(children) == []


def _grouping(store: Store, child: str, chosen: str, suggested: str) -> None:
    g = Grouping(person=f"WS-{child}", grouping=chosen, recorded_on=dt.date(2025, 11, 2),
                 recorded_by="Hana Ito", agency="CAMHS", reason="Talked it through",
                 childs_view="Fine with it", agreement="agreed", review_on=dt.date(2026, 2, 1),
                 suggested=suggested)  # fmt: skip
    record_grouping(store, g, agency="CAMHS", recorded_by="hana.camhs", now=NOW)


def test_the_agreement_rate_as_the_board_sees_it(children: Store) -> None:
    for n in range(7):
        _grouping(children, f"A{n}", "advice", "advice")
    for n in range(5):
        _grouping(children, f"T{n}", "thriving", "advice")
    _grouping(children, "R2", "risk_support", "")  # suggested nothing: not counted
    shown = _run("thrive", "agreement", "--json")
    assert shown.exit_code == 0, shown.output
    found = json.loads(shown.stdout)
    assert (found["agreed"]["count"], found["total"]["count"], found["share_agreed"]) == (7, 12, 58)
    advice = next(r for r in found["by_suggested"] if r["suggested"] == "advice")
    assert advice["chosen"]["thriving"]["shown"] == "5" and advice["share_agreed"] == 58
    words = _run("thrive", "agreement", "--since", "2025-11-02")
    assert words.exit_code == 0, words.output
    assert "Practitioners chose the grouping suggested in 7 of 12 groupings (58%)." in words.stdout
    assert "Suggested Getting Advice and Signposting: 12 groupings, 58% chose it\n" in words.stdout
    assert "  chosen: Thriving 5; Getting Advice and Signposting 7\n" in words.stdout
    assert "Getting Help" not in words.stdout  # never suggested, so not listed
    assert [(e.action, e.target) for e in _entries(children)] == [
        ("view", "thrive agreement"), ("view", "thrive agreement")]  # fmt: skip


def test_small_agreement_counts_are_not_printed(children: Store) -> None:
    for n in range(3):
        _grouping(children, f"A{n}", "advice", "advice")
    found = json.loads(_run("thrive", "agreement", "--json").stdout)
    assert found["agreed"] == {"count": None, "shown": "fewer than 5"}
    assert found["share_agreed"] is None
    bad = _run("thrive", "agreement", "--since", "soon")
    assert bad.exit_code == 2 and "Error: --since must be a date" in bad.stderr
