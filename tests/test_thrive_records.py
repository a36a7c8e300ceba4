"""THRIVE's language and the checks on what a practitioner records (issue 16, items 1-2).

The Current View has exactly the items ../shared/spec/thrive.md lists; a grouping carries
what THRIVE's principles ask (the child's and family's view and whether they agreed, never
assumed; goals and a date for help; a review date).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from wholestory.thrive.current_view import CurrentViewError, current_view, read_answers
from wholestory.thrive.groupings import Grouping, GroupingError, checked
from wholestory.thrive.vocabulary import (
    AGREEMENT,
    COMPLEXITY,
    CONTEXTUAL,
    EET,
    GROUPINGS,
    PRINCIPLES,
    PROBLEMS,
    SEVERITIES,
)

TODAY = dt.date(2026, 3, 1)


def test_the_tool_has_the_items_the_spec_lists() -> None:
    assert len(PROBLEMS) == 30 and len(COMPLEXITY) == 14 and len(CONTEXTUAL) == 4
    assert list(EET) == ["attendance", "attainment"]
    assert list(SEVERITIES.values()) == ["None", "Mild", "Moderate", "Severe", "Not known"]
    assert list(GROUPINGS.values()) == [
        "Thriving",
        "Getting Advice and Signposting",
        "Getting Help",
        "Getting More Help",
        "Getting Risk Support",
    ]
    assert PROBLEMS["self_harm"] == "Self-harm" and COMPLEXITY["young_carer"] == "Young carer"
    assert len(PRINCIPLES) == 8
    for table in (PROBLEMS, COMPLEXITY, CONTEXTUAL, EET, GROUPINGS, AGREEMENT):
        assert len(set(table.values())) == len(table), "each item's words are its own"


def test_answers_are_read_as_codes_or_words_and_blanks_are_not_known() -> None:
    read = read_answers(
        {
            "problems": {"self_harm": "Severe", "low_mood": "moderate", "panics": ""},
            "complexity": {"young_carer": "Yes", "looked_after": "not known"},
        }
    )
    assert read["problems"]["self_harm"] == "severe"
    assert read["problems"]["low_mood"] == "moderate"
    assert read["problems"]["panics"] == "not_known"
    assert read["complexity"] == {code: "not_known" for code in COMPLEXITY} | {"young_carer": "yes"}
    assert set(read["contextual"].values()) == {"not_known"} and len(read["eet"]) == 2


def test_every_fault_is_named_at_once() -> None:
    with pytest.raises(CurrentViewError) as raised:
        read_answers(
            {
                "problems": {"self_harm": "very bad", "flying": "mild"},
                "complexity": {"young_carer": "severe"},
                "mood": {},
            }
        )
    assert raised.value.faults == [
        "The Current View has no part 'mood'.",
        "'flying' is not one of the problems items.",
        "Self-harm: 'very bad' is not one of None, Mild, Moderate, Severe, Not known.",
        "Young carer: 'severe' is not one of Yes, No, Not known.",
    ]


def test_a_current_view_is_dated_no_later_than_today() -> None:
    found = current_view("WS-1", TODAY, "hana", "CAMHS", {"problems": {"eating": "mild"}}, TODAY)
    assert found.rated("mild") == ["eating"]
    assert found.as_dict()["problems"]["eating"] == "mild"
    with pytest.raises(CurrentViewError, match="in the future"):
        current_view("WS-1", TODAY + dt.timedelta(days=1), "hana", "CAMHS", {}, TODAY)


GETTING_HELP = Grouping(
    person="WS-1",
    grouping="help",
    recorded_on=TODAY,
    recorded_by="hana",
    agency="CAMHS",
    reason="Low mood for six months, affecting school.",
    childs_view="Wants help to feel able to go to school.",
    agreement="agreed",
    review_on=TODAY + dt.timedelta(days=90),
    goals="Back at school full time.",
    success_by=TODAY + dt.timedelta(days=84),
)


def test_a_grouping_with_what_thrive_asks_is_kept() -> None:
    assert checked(GETTING_HELP, TODAY) is GETTING_HELP
    assert GETTING_HELP.title == "Getting Help"
    assert GETTING_HELP.agrees_with_suggestion is None
    suggested = replace(GETTING_HELP, suggested="more_help")
    assert suggested.agrees_with_suggestion is False
    assert suggested.as_dict()["agrees_with_suggestion"] is False
    advice = replace(GETTING_HELP, grouping="advice", goals="", success_by=None)
    assert checked(advice, TODAY) is advice


def test_help_without_goals_or_a_date_for_them_is_refused() -> None:
    with pytest.raises(GroupingError) as raised:
        checked(replace(GETTING_HELP, goals=" ", success_by=None), TODAY)
    assert raised.value.faults == [
        "Goals: Getting Help needs the goals agreed.",
        "By when: say when success, as the goals describe it, is due.",
    ]


def test_agreement_is_never_assumed_and_the_view_is_asked_for() -> None:
    with pytest.raises(GroupingError) as raised:
        checked(replace(GETTING_HELP, agreement="", childs_view=""), TODAY)
    assert raised.value.faults[0].startswith("Whether the child and family agreed: choose one")
    assert "The child's and family's view" in raised.value.faults[1]
    unable = replace(GETTING_HELP, agreement="unable", childs_view="")
    assert checked(unable, TODAY) is unable


def test_days_must_make_sense() -> None:
    with pytest.raises(GroupingError) as raised:
        checked(
            replace(
                GETTING_HELP,
                recorded_on=TODAY + dt.timedelta(days=1),
                review_on=TODAY,
                success_by=TODAY,
            ),
            TODAY,
        )
    assert [f.split(":")[0] for f in raised.value.faults] == ["Date", "Review date", "By when"]
    with pytest.raises(GroupingError, match="not one of Thriving"):
        checked(replace(GETTING_HELP, grouping="crisis"), TODAY)
