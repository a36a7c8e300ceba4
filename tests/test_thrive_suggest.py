"""The suggested THRIVE grouping, its reasons and evidence, and the agreement rate (issue 16,
item 3), on both databases.

Children are planted with records (tests/assurance_support.py) and Current Views recorded
as a practitioner records them. Each default rule fires on the child planted for it and a
near miss falls to the next rule down; the first rule met wins; a partnership's rule file
replaces the default, and a bad one is one line naming the file and the fault; a child
with no Current View is suggested from the chronology alone, and the suggestion says so.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from urllib.parse import urlencode

import pytest

from assurance_support import planted, rec
from wholestory.store import Store
from wholestory.thrive.agreement import agreement_rate
from wholestory.thrive.current_view import current_view
from wholestory.thrive.groupings import Grouping
from wholestory.thrive.records import record_current_view, record_grouping
from wholestory.thrive.suggest import suggest
from wholestory.thrive.suggest_rules import RULES_ENV, RulesError, load_rules, rules_from_text
from wholestory.thrive.vocabulary import PROBLEMS, WITH_GOALS

AS_OF = dt.date(2025, 12, 31)
NOW = "2025-12-31T10:00:00+00:00"


def _records() -> list[dict[str, str]]:
    """Every planted child's records (each has at least one, so the store knows them)."""
    rows = [rec(p, "SCHOOL", "CONTACT", "2025-06-01") for p in KNOWN]
    rows += [rec("R2", "ED", "SELF_HARM", d) for d in ("2025-03-01", "2025-06-01", "2025-09-01")]
    rows += [rec("R2", "GP", "APPOINTMENT_MISSED", d) for d in ("2025-04-01", "2025-05-01")]
    rows += [rec("R3", "POLICE", "MISSING_EPISODE", d) for d in ("2025-02-01", "2025-03-01",
                                                                  "2025-04-01")]  # fmt: skip
    # Near miss: frequent self-harm, but the missed appointments were two years ago.
    rows += [rec("N2", "ED", "SELF_HARM", d) for d in ("2025-03-01", "2025-06-01", "2025-09-01")]
    rows += [rec("N2", "GP", "APPOINTMENT_MISSED", d) for d in ("2023-04-01", "2023-05-01")]
    rows.append(rec("H2", "ED", "SELF_HARM", "2025-10-01"))
    rows.append(rec("H3", "ED", "SELF_HARM", "2024-11-30"))  # 13 months before: a near miss
    return rows


KNOWN = ("R1", "R2", "R3", "N1", "N2", "M1", "M2", "M3", "M4", "H1", "H2", "H3",
         "A1", "A2", "A3", "T1")  # fmt: skip
#: The Current Views recorded (children not here have none).
VIEWS: dict[str, dict[str, dict[str, str]]] = {
    "R1": {"problems": {"self_harm": "severe"}, "contextual": {"service_engagement": "moderate"}},
    "R3": {"problems": {"self_harm": "severe"}},
    "N1": {"problems": {"self_harm": "severe"}, "contextual": {"service_engagement": "mild"}},
    "M1": {"problems": {"low_mood": "moderate", "panics": "moderate", "eating": "moderate"}},
    "M2": {"problems": {"low_mood": "moderate", "panics": "moderate", "eating": "mild"}},
    "M3": {"problems": {"low_mood": "moderate"},
           "complexity": {"looked_after": "yes", "young_carer": "yes"}},
    "M4": {"problems": {"low_mood": "moderate"}, "complexity": {"looked_after": "yes"}},
    "H1": {"problems": {"self_harm": "mild"}},
    "A1": {"problems": {"panics": "mild", "eating": "mild"}},
    "A2": {"contextual": {"home": "moderate"}},
    "A3": {"problems": {code: "none" for code in ("panics", "eating", "self_harm")}},
}  # fmt: skip


def _everyone_none(answers: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    """The answers, every problem not named rated None (as a completed view is)."""
    return {
        **answers,
        "problems": {code: "none" for code in PROBLEMS} | answers.get("problems", {}),
    }


def record_view(store: Store, child: str, answers: dict[str, dict[str, str]],
                on: dt.date = dt.date(2025, 11, 1)) -> None:  # fmt: skip
    view = current_view(f"WS-{child}", on, "Hana Ito", "CAMHS", _everyone_none(answers), on)
    record_current_view(store, view, agency="CAMHS", recorded_by="hana.camhs", now=NOW)


@pytest.fixture
def children(store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Store:
    monkeypatch.delenv(RULES_ENV, raising=False)
    planted(store, tmp_path, _records())
    for child, answers in VIEWS.items():
        record_view(store, child, answers)
    return store


#: Each child, the grouping suggested and the rule (by its place in the default file).
EXPECTED = {
    "R1": ("risk_support", 1),  # severe self-harm, poor service engagement
    "R2": ("risk_support", 1),  # no Current View: 3 self-harm and 2 missed in the year
    "R3": ("risk_support", 1),  # severe self-harm and repeatedly missing (a high flag)
    "N1": ("more_help", 2),  # severe self-harm, engagement only mild: not risk support
    "N2": ("more_help", 2),  # frequent self-harm; the missed appointments are old
    "M1": ("more_help", 2),  # three moderate problems
    "M2": ("help", 3),  # two moderate problems: not more help
    "M3": ("more_help", 2),  # two complexity factors with a moderate problem
    "M4": ("help", 3),  # one complexity factor: not more help
    "H1": ("help", 3),  # mild self-harm
    "H2": ("help", 3),  # no Current View: self-harm in the year
    "H3": ("thriving", 5),  # no Current View: self-harm 13 months ago is out of the window
    "A1": ("advice", 4),  # mild problems only
    "A2": ("advice", 4),  # a contextual problem only
    "A3": ("thriving", 5),  # every problem None
    "T1": ("thriving", 5),  # no Current View and nothing in the chronology to say otherwise
}


def test_each_rule_fires_on_its_child_and_a_near_miss_falls_to_the_next(children: Store) -> None:
    found = {c: suggest(children, f"WS-{c}", AS_OF) for c in EXPECTED}
    assert {c: (s.grouping, s.rule_number) for c, s in found.items()} == EXPECTED
    rules = load_rules().rules
    for s in found.values():
        assert s.rule == rules[(s.rule_number or 0) - 1].words and s.reasons


def test_the_reasons_and_evidence_from_the_current_view(children: Store) -> None:
    s = suggest(children, "WS-R1", AS_OF)
    assert s.title == "Getting Risk Support"
    assert s.reasons == (
        "Self-harm is rated Severe on the Current View.",
        "Service engagement is rated Moderate on the Current View.",
    )
    assert [(i.words, i.rating_words) for i in s.items] == [
        ("Self-harm", "Severe"), ("Service engagement", "Moderate")]  # fmt: skip
    assert s.current_view is not None and s.current_view.view.recorded_by == "Hana Ito"
    assert s.entries == () and s.unseen == ()
    m1 = suggest(children, "WS-M1", AS_OF)
    assert m1.reasons == ("3 problems are rated Moderate or above: "
                          "Panics (Moderate); Depression or low mood (Moderate); Eating issues "
                          "(Moderate).",)  # fmt: skip


def test_no_current_view_suggests_from_the_chronology_alone_and_says_so(children: Store) -> None:
    s = suggest(children, "WS-R2", AS_OF)
    assert s.grouping == "risk_support" and s.current_view is None and s.items == ()
    assert s.reasons == (
        "The chronology has 3 entries for self harm in the 12 months to 31 December 2025.",
        "The chronology has 2 entries for appointment missed in the 12 months to 31 December 2025.",
        "The chronology is flagged 'Not brought to health appointments' (medium): 2 health "
        "appointments missed between Apr 2025 and May 2025 (2 in 12 months is the "
        "was-not-brought threshold). Aged 10 at the time.",
    )
    assert [(e.day.isoformat(), e.agency) for e in s.entries] == [
        ("2025-03-01", "ED"), ("2025-04-01", "GP"), ("2025-05-01", "GP"), ("2025-06-01", "ED"),
        ("2025-09-01", "ED")]  # fmt: skip
    for e in s.entries:
        assert e.link == f"/people/WS-R2?{urlencode({'entry': e.id})}#entry-{e.number}"
    assert s.entries[0].summary == "self harm"
    assert s.unseen[0].startswith("No Current View is recorded for this child by 31 December 2025")
    assert "chronology alone" in s.unseen[0]
    quiet = suggest(children, "WS-T1", AS_OF)
    assert quiet.reasons == ("No Current View is recorded, so nothing is rated.",)
    assert "chronology alone" in quiet.unseen[0]


def test_a_high_flag_is_cited_with_its_entries(children: Store) -> None:
    s = suggest(children, "WS-R3", AS_OF)
    assert any(r.startswith("The chronology is flagged 'Repeatedly missing' (high)")
               for r in s.reasons)  # fmt: skip
    assert [e.day.isoformat() for e in s.entries] == ["2025-02-01", "2025-03-01", "2025-04-01"]
    # A year later the flag's evidence is out of the window: no longer risk support.
    assert suggest(children, "WS-R3", dt.date(2026, 6, 1)).grouping == "more_help"


def test_the_view_and_chronology_are_read_as_they_stood(children: Store) -> None:
    record_view(children, "T1", {"problems": {"self_harm": "severe"}}, on=dt.date(2025, 12, 20))
    assert suggest(children, "WS-T1", dt.date(2025, 12, 19)).grouping == "thriving"
    assert suggest(children, "WS-T1", AS_OF).grouping == "more_help"
    assert suggest(children, "WS-H2", dt.date(2025, 9, 30)).grouping == "thriving"
    unknown = suggest(children, "WS-A2", AS_OF)  # the view names no problem: each "none"
    assert unknown.unseen == ()


def test_a_chronology_not_yet_built_is_built_to_suggest(children: Store) -> None:
    children.execute("DELETE FROM ws_chronology WHERE ws_person_id = 'WS-H2'")
    s = suggest(children, "WS-H2", AS_OF)
    assert (s.grouping, [e.day.isoformat() for e in s.entries]) == ("help", ["2025-10-01"])


def test_problems_not_known_are_said(children: Store) -> None:
    view = current_view(
        "WS-T1", AS_OF, "Hana Ito", "CAMHS", {"problems": {"panics": "mild"}}, AS_OF
    )
    record_current_view(children, view, agency="CAMHS", recorded_by="hana.camhs", now=NOW)
    s = suggest(children, "WS-T1", AS_OF)
    assert s.grouping == "advice"
    assert s.unseen == ("29 of the 30 problems on the Current View are rated Not known: they "
                        "count as no problem.",)  # fmt: skip


def test_the_first_rule_met_wins(children: Store) -> None:
    text = """
name: Two that both fit
rules:
  - {grouping: help, words: Any moderate problem., when: {problems: {rated: moderate}}}
  - {grouping: more_help, words: Any severe problem., when: {problems: {rated: severe}}}
"""
    both = suggest(children, "WS-N1", AS_OF, rules_from_text(text, "test"))
    assert (both.grouping, both.rule_number, both.rule) == ("help", 1, "Any moderate problem.")
    none = suggest(children, "WS-A3", AS_OF, rules_from_text(text, "test"))
    assert none.grouping is None and none.rule_number is None and none.title == ""
    assert none.rule == "No rule was met, so no grouping is suggested."


def test_a_partnership_rule_file_replaces_the_default(
    children: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    own = tmp_path / "our_rules.yaml"
    own.write_text(
        "name: Our partnership's rules\nrules:\n"
        "  - grouping: risk_support\n    words: Going missing at all.\n"
        "    when: {events: {types: [MISSING_EPISODE], within_months: 24}}\n"
        "  - grouping: advice\n    words: Everyone else.\n"
        "    when: {not: {events: {types: [MISSING_EPISODE]}}}\n",
        encoding="utf-8",
    )
    monkeypatch.setenv(RULES_ENV, str(own))
    s = suggest(children, "WS-R3", AS_OF)
    assert (s.grouping, s.rules_name, s.rule) == (
        "risk_support", "Our partnership's rules", "Going missing at all.")  # fmt: skip
    assert suggest(children, "WS-R1", AS_OF).grouping == "advice"


def _when(condition: str, grouping: str = "help") -> str:
    """A rule file of one rule, met ``when`` the condition (YAML flow style) is."""
    return f"name: x\nrules:\n  - {{grouping: {grouping}, words: w, when: {condition}}}"


@pytest.mark.parametrize(
    ("text", "fault"),
    [
        ("rules: [}", "the THRIVE rule file is not valid YAML (expected the node content, "
                      "but found '}' (line 1, column 9))"),
        ("name: x\n", "rules: give a list of at least one rule"),
        ("name: x\nrule: []\n", "'rule' is not known here; use name, rules"),
        (_when("{complexity: {at_least: 1}}", "helped"),
         "rule 1: grouping must be one of thriving, advice, help, more_help, risk_support, "
         "not 'helped'"),
        ("name: x\nrules:\n  - {grouping: help, words: w}",
         "rule 1 (help): say when the rule is met"),
        (_when("{any: [{problems: {rated: bad}}]}"),
         "rule 1 (help), when, any 1, problems: rated must be one of mild, moderate, severe, "
         "not 'bad'"),
        (_when("{problem: {item: sad, rated: mild}}"),
         "rule 1 (help), when, problem: 'sad' is not one of the problems items"),
        (_when("{events: {types: [SAD]}}"),
         "rule 1 (help), when, events: 'SAD' is not one of the known types"),
        (_when("{flags: {codes: [SAD]}}"),
         "rule 1 (help), when, flags: 'SAD' is not one of the known codes"),
        (_when("{complexity: {at_least: 0}}"),
         "rule 1 (help), when, complexity: at_least must be a whole number of 1 or more, not 0"),
        (_when("{sometimes: true}"),
         "rule 1 (help), when: 'sometimes' is not a condition; use one of problems, problem"),
    ],
)  # fmt: skip
def test_a_bad_rule_file_is_one_line_naming_the_file_and_fault(
    tmp_path: Path, text: str, fault: str
) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RulesError) as raised:
        load_rules(path)
    said = str(raised.value)
    assert said.startswith(f"{path}: {fault}") and "\n" not in said


def test_the_packaged_rules_say_they_are_a_prompt_with_no_official_mapping() -> None:
    from importlib import resources

    text = resources.files("wholestory.thrive").joinpath("default_rules.yaml").read_text()
    assert "THERE IS NO OFFICIAL MAPPING" in text and "never a verdict" in text
    assert [r.grouping for r in load_rules().rules] == [
        "risk_support", "more_help", "help", "advice", "thriving"]  # fmt: skip


def _grouping(store: Store, child: str, chosen: str, suggested: str) -> None:
    helped = chosen in WITH_GOALS  # help with goals needs them, and a day for them
    g = Grouping(person=f"WS-{child}", grouping=chosen, recorded_on=dt.date(2025, 11, 2),
                 recorded_by="Hana Ito", agency="CAMHS", reason="Talked it through",
                 childs_view="Wants help", agreement="agreed", review_on=dt.date(2026, 2, 1),
                 suggested=suggested, goals="Back at school" if helped else "",
                 success_by=dt.date(2026, 3, 1) if helped else None)  # fmt: skip
    record_grouping(store, g, agency="CAMHS", recorded_by="hana.camhs", now=NOW)


def test_the_practitioners_choice_is_shown_beside_the_suggestion(children: Store) -> None:
    _grouping(children, "M2", "more_help", "help")
    s = suggest(children, "WS-M2", AS_OF)
    assert s.grouping == "help" and s.chosen is not None
    assert s.chosen.grouping.grouping == "more_help"
    assert s.as_dict()["chosen"]["agrees_with_suggestion"] is False


def test_the_agreement_rate_with_small_numbers_hidden(children: Store) -> None:
    for n in range(6):
        _grouping(children, f"M{n}", "help", "help")
    for n in range(2):
        _grouping(children, f"D{n}", "more_help", "help")
    for n in range(5):
        _grouping(children, f"R{n}", "risk_support", "risk_support")
    _grouping(children, "X", "advice", "")  # no suggestion recorded: not counted
    found = agreement_rate(children)
    assert (found.agreed, found.total, found.disagreed) == (11, 13, 2)
    assert found.as_dict()["table"]["help"] == {
        "thriving": 0, "advice": 0, "help": 6, "more_help": 2, "risk_support": 0}  # fmt: skip
    shown = found.shown()
    help_row = shown["by_suggested"][2]
    assert help_row["chosen"]["help"] == {"count": 6, "shown": "6"}
    assert help_row["chosen"]["more_help"] == {"count": None, "shown": "fewer than 5"}
    assert help_row["total"] == {"count": None, "shown": "not shown"}  # 8 - 6 would tell
    assert shown["total"]["count"] is None and shown["share_agreed"] is None  # 13 - 11 too
    risk = shown["by_suggested"][4]
    assert risk["total"]["count"] == 5 and risk["share_agreed"] == 100
    everything = [c for r in shown["by_suggested"] for c in (r["total"], *r["chosen"].values())]
    assert not any(c["count"] is not None and 0 < c["count"] < 5 for c in everything)
    assert agreement_rate(children, since=dt.date(2025, 11, 3)).total == 0
