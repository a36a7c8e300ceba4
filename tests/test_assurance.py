"""Quality assurance, the core (issue 15): audit tools, reproducible audit samples, and the
practice-quality measures on planted data, numerator and denominator exactly.

Stores are small partnerships written here (tests/assurance_support.py), on both
databases; the tools need none.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pytest

from assurance_support import ADULT, looked, planted, rec, selection_rows
from wholestory.assurance.children import NotBuiltError, people
from wholestory.assurance.measures import (
    MonthError,
    concern_to_referral_days,
    high_flags_with_plan,
    history_read_first,
    last_whole_month,
    month_days,
    practice_measures,
    was_not_brought_followed_up,
)
from wholestory.assurance.programmes import check_programme, create_programme, programme
from wholestory.assurance.selection import (
    Criteria,
    SelectionError,
    criteria,
    draw,
    eligible_children,
    select,
)
from wholestory.assurance.tools import GRADE, ToolError, default_tool, load_tool
from wholestory.chronology.thresholds import IndicatorThresholds
from wholestory.store import Store

T = IndicatorThresholds.load()
JAN, JUN = dt.date(2025, 1, 1), dt.date(2025, 6, 30)
EVERY_CHILD = [f"WS-C{n:02d}" for n in range(1, 13)]


# Audit tools


def test_the_default_tool_has_the_seven_domains_and_ofsteds_grades() -> None:
    tool = default_tool()
    assert [d.title for d in tool.domains] == [
        "Recognition of need and risk",
        "Assessment",
        "Planning and intervention",
        "Joint working and information sharing",
        "Impact and outcomes",
        "Reasonable adjustments and engagement",
        "Overall",
    ]
    assert tool.scale.grades == ("Outstanding", "Good", "Requires improvement", "Inadequate")
    assessment = {q.code for q in tool.domains[1].questions}
    assert {"timely", "analytical", "uses_history", "holistic", "childs_voice",
            "trauma_informed"} <= assessment  # fmt: skip
    assert all(any(q.answer == GRADE for q in d.questions) for d in tool.domains)
    assert {q.answer for d in tool.domains for q in d.questions} == {
        "grade", "yes_no_partly", "number", "text"
    }  # fmt: skip
    assert tool.scale.allows("Good") and not tool.scale.allows("Fine")


def test_a_partnership_may_grade_on_its_own_scale(tmp_path: Path) -> None:
    path = tmp_path / "tool.yaml"
    path.write_text(
        "name: Our audit\nscale: {lowest: 0, highest: 10}\ndomains:\n"
        "  - code: overall\n    title: Overall\n    questions:\n"
        "      - {code: grade, text: Overall, answer: grade}\n"
        "      - {code: visits, text: Visits, answer: number, lowest: 0, highest: 50}\n",
        encoding="utf-8",
    )
    tool = load_tool(path)
    assert tool.name == "Our audit" and tool.scale.words() == "0 to 10 (10 best)"
    assert tool.scale.allows(10) and not tool.scale.allows(11) and not tool.scale.allows("Good")
    assert tool.domains[0].questions[1].highest == 50
    assert tool.text == path.read_text(encoding="utf-8")  # kept as written, comments and all


GOOD_DOMAIN = "domains:\n  - code: a\n    title: A\n    questions:\n      - {code: g, text: G, answer: grade}\n"  # noqa: E501


@pytest.mark.parametrize(
    ("text", "fault"),
    [
        ("name: [unclosed\n", "is not valid YAML"),
        ("- a list\n", "an audit tool is a mapping of name, scale and domains"),
        ("scale: {grades: [A, B]}\n" + GOOD_DOMAIN, "name: give the tool a name"),
        ("name: X\nscale: {grades: [A, A]}\n" + GOOD_DOMAIN, "at least two different grades"),
        ("name: X\nscale: {grades: [A, B], lowest: 0, highest: 4}\n" + GOOD_DOMAIN, "not both"),
        ("name: X\nscale: {lowest: 5, highest: 1}\n" + GOOD_DOMAIN, "lowest below highest"),
        ("name: X\nscale: {grades: [A, B]}\ndomains: []\n", "at least one domain"),
        ("name: X\nscale: {grades: [A, B]}\n" + GOOD_DOMAIN.replace("grade}", "maybe}"),
         "domain 1 (a), question 1: answer 'maybe' is not one of grade, yes_no_partly"),
        ("name: X\nscale: {grades: [A, B]}\n" + GOOD_DOMAIN.replace("questions", "questons"),
         "domain 1 (a): unknown key 'questons'"),
        ("name: X\nscale: {grades: [A, B]}\n" + GOOD_DOMAIN + GOOD_DOMAIN.split("\n", 1)[1],
         "domains: a domain's code 'a' is used twice"),
        ("name: X\nscale: {grades: [A, B]}\n" + GOOD_DOMAIN.replace("code: a", "code: A b"),
         "domain 1: code 'A b' must be lower-case letters"),
    ],
)  # fmt: skip
def test_a_bad_tool_is_one_message_naming_the_file_and_the_fault(
    tmp_path: Path, text: str, fault: str
) -> None:
    path = tmp_path / "tool.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ToolError) as raised:
        load_tool(path)
    message = str(raised.value)
    assert message.startswith(f"{path}: ") and fault in message and "\n" not in message.strip()


def test_a_missing_tool_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ToolError, match=r"nowhere\.yaml: the audit tool cannot be read"):
        load_tool(tmp_path / "nowhere.yaml")


# Audit selection


@pytest.fixture
def children(store: Store, tmp_path: Path) -> Store:
    return planted(store, tmp_path, selection_rows())


def _ids(store: Store, chosen_by: Criteria) -> list[str]:
    return [p.id for p in eligible_children(store, chosen_by, T)]


def test_criteria_choose_exactly_the_children_they_describe(children: Store) -> None:
    assert _ids(children, criteria(JAN, JUN)) == EVERY_CHILD
    assert _ids(children, criteria(JAN, JUN, flags=["missing_repeat"])) == EVERY_CHILD[:4]
    assert _ids(children, criteria(JAN, JUN, plan=True)) == ["WS-C01", "WS-C05"]
    assert _ids(children, criteria(JAN, JUN, plan=False)) == [
        c for c in EVERY_CHILD if c not in ("WS-C01", "WS-C05")
    ]
    assert _ids(children, criteria(JAN, JUN, age_from=11)) == ["WS-C06"]
    assert _ids(children, criteria(JAN, JUN, age_to=9)) == ["WS-C07"]
    assert _ids(children, criteria(JAN, JUN, age_from=10, age_to=10)) == [
        c for c in EVERY_CHILD if c not in ("WS-C06", "WS-C07")
    ]
    assert _ids(children, criteria(JAN, JUN, agencies=["gp"])) == ["WS-C01", "WS-C02", "WS-C08"]
    assert _ids(children, criteria(JAN, JUN, agencies=["GP", "POLICE"])) == ["WS-C01", "WS-C02"]
    both = criteria(JAN, JUN, flags=["MISSING_REPEAT"], plan=False, agencies=["GP"])
    assert _ids(children, both) == ["WS-C02"]
    # The period: only C13 has records in 2024; a flag's evidence must fall in the period.
    year_before = criteria(dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    assert _ids(children, year_before) == ["WS-C09", "WS-C13"]
    assert _ids(children, criteria(dt.date(2025, 4, 1), JUN, flags=["MISSING_REPEAT"])) == []


def test_the_sample_is_reproducible_from_its_seed_and_criteria(children: Store) -> None:
    chosen_by = criteria(JAN, JUN)
    first = select(children, chosen_by, 4, seed=2025, thresholds=T)
    again = select(children, chosen_by, 4, seed=2025, thresholds=T)
    other = select(children, chosen_by, 4, seed=7, thresholds=T)
    assert first.chosen == again.chosen and len(set(first.chosen)) == 4
    assert other.chosen != first.chosen
    assert first.eligible == tuple(EVERY_CHILD) and first.as_of == JUN
    # Anyone can check it: the method is the standard library's, on the sorted ids.
    assert list(first.chosen) == random.Random(2025).sample(sorted(EVERY_CHILD), 4)
    assert draw(list(reversed(EVERY_CHILD)), 4, 2025) == list(first.chosen)
    flagged = select(children, criteria(JAN, JUN, flags=["MISSING_REPEAT"]), 2, 2025, T)
    assert set(flagged.chosen) <= set(EVERY_CHILD[:4])


def test_a_programme_keeps_what_repeats_its_choice_and_checks_it(
    children: Store, tmp_path: Path
) -> None:
    chosen = select(children, criteria(JAN, JUN, agencies=["SCHOOL"]), 3, 99, T)
    made = create_programme(children, " Use of history ", default_tool(), chosen, "cli:qa")
    kept = programme(children, made.id)
    assert kept is not None and kept.theme == "Use of history"
    assert [c.person for c in kept.cases] == list(chosen.chosen)
    assert [c.position for c in kept.cases] == [1, 2, 3]
    assert kept.cases[0].name == f"Kid{chosen.chosen[0][3:]} Planted"
    assert (kept.seed, kept.sample, kept.eligible) == (99, 3, 12)
    assert kept.criteria == chosen.criteria and kept.tool().name == default_tool().name
    assert kept.tool_yaml == default_tool().text
    check = check_programme(children, kept)
    assert check.same_cases and check.same_eligible and check.eligible_now == 12

    # A new child at the school: the records changed, and the check says so.
    planted(children, tmp_path, [rec("C15", "SCHOOL", "CONTACT", "2025-03-03")], "more")
    check = check_programme(children, kept)
    assert not check.same_eligible and (check.eligible_then, check.eligible_now) == (12, 13)


def test_criteria_and_samples_that_cannot_choose_say_why(children: Store) -> None:
    with pytest.raises(SelectionError, match="there is no flag 'NOT_A_FLAG': the flags are"):
        criteria(JAN, JUN, flags=["NOT_A_FLAG"])
    with pytest.raises(SelectionError, match="must end on or after its start"):
        criteria(JUN, JAN)
    with pytest.raises(SelectionError, match=r"lowest age \(12\) is above the highest \(3\)"):
        criteria(JAN, JUN, age_from=12, age_to=3)
    with pytest.raises(SelectionError, match="a child's age, 0 to 17, not 30"):
        criteria(JAN, JUN, age_to=30)
    with pytest.raises(SelectionError, match="no agency 'HEALTH' has sent records"):
        eligible_children(children, criteria(JAN, JUN, agencies=["HEALTH"]), T)
    with pytest.raises(SelectionError, match="only 12 children meet the criteria, fewer than"):
        select(children, criteria(JAN, JUN), 13, 1, T)
    with pytest.raises(SelectionError, match="at least 1 case"):
        select(children, criteria(JAN, JUN), 0, 1, T)
    with pytest.raises(SelectionError, match="the seed must be a whole number"):
        select(children, criteria(JAN, JUN), 1, -1, T)


def test_nothing_is_chosen_before_chronologies_are_built(store: Store) -> None:
    with pytest.raises(NotBuiltError, match="run wholestory chronologies first"):
        select(store, criteria(JAN, JUN), 1, 1, T)


# Practice measures, March 2025


def test_months_are_read_and_the_default_is_the_last_whole_one(children: Store) -> None:
    assert month_days("2024-02") == (dt.date(2024, 2, 1), dt.date(2024, 2, 29))
    for bad in ("2025-13", "2025-3", "March", "2025-03-01"):
        with pytest.raises(MonthError, match="YYYY-MM"):
            month_days(bad)
    assert last_whole_month(children) == "2025-06"  # the records run to 30 June
    children.execute("DELETE FROM ws_record WHERE event_date = '2025-06-30'")
    assert last_whole_month(children) == "2025-04"  # now they run to 1 May


def test_assessments_whose_agency_opened_the_chronology_first(store: Store, tmp_path: Path) -> None:
    planted(store, tmp_path, [
        rec("A", "CSC", "ASSESSMENT", "2025-03-10"),  # looked 18 days before: counts
        rec("A", "CSC", "ASSESSMENT", "2025-03-10"),  # the same assessment, recorded twice
        rec("B", "CSC", "ASSESSMENT", "2025-03-15"),  # no look by CSC in the 30 days before
        rec("C", "EARLY_HELP", "ASSESSMENT", "2025-03-31"),  # looked exactly 30 days before
        rec("D", "CSC", "ASSESSMENT", "2025-03-05"),  # downloaded it that day: counts
        rec("E", "CSC", "ASSESSMENT", "2025-03"),  # no day: not counted
        rec("F", "ADULT_SOCIAL_CARE", "ASSESSMENT", "2025-03-12", ADULT),  # not a child
        rec("G", "CSC", "ASSESSMENT", "2025-04-01"),  # next month
    ])  # fmt: skip
    looked(store, "WS-A", "CSC", "2025-02-20T09:00:00")
    looked(store, "WS-B", "CSC", "2025-02-01T09:00:00")  # 42 days before
    looked(store, "WS-B", "POLICE", "2025-03-14T09:00:00")  # another agency
    looked(store, "WS-B", "CSC", "2025-03-16T09:00:00")  # after
    looked(store, "WS-B", "CSC", "2025-03-14T09:00:00", action="denied", outcome="denied")
    # A case file auditor at the agency looking under an audit grant is not practice.
    looked(store, "WS-B", "CSC", "2025-03-13T09:00:00", role="auditor")
    looked(store, "WS-C", "EARLY_HELP", "2025-03-01T00:00:00")
    looked(store, "WS-D", "CSC", "2025-03-05T23:00:00", action="download")
    looked(store, "WS-F", "ADULT_SOCIAL_CARE", "2025-03-01T09:00:00")
    looked(store, "WS-G", "CSC", "2025-03-30T09:00:00")
    measure = history_read_first(store, people(store), "2025-03", T)
    assert (measure.numerator, measure.denominator, measure.value) == (3, 4, 0.75)
    assert measure.counts() == "the chronology opened first for 3 of 4 assessments begun"
    april = history_read_first(store, people(store), "2025-04", T)
    assert (april.numerator, april.denominator) == (1, 1)


def test_children_with_high_flags_on_a_plan(store: Store, tmp_path: Path) -> None:
    def missing(person: str, born: str = "2018-01-01", year: int = 2024) -> list[dict[str, str]]:
        return [rec(person, "POLICE", "MISSING_EPISODE", f"{year}-{m}-01", born)
                for m in ("10", "11", "12")]  # fmt: skip

    planted(store, tmp_path, [
        *missing("H"), rec("H", "CSC", "CP_PLAN_START", "2025-02-01"),  # on a plan
        *missing("I"), rec("I", "CSC", "CIN_PLAN_START", "2024-05-01"),
        rec("I", "CSC", "CIN_PLAN_END", "2025-01-15"),  # ended before the day: no plan
        *missing("L"), rec("L", "EARLY_HELP", "EARLY_HELP_START", "2025-03-31"),  # began that day
        *missing("M"), rec("M", "CSC", "CIN_PLAN_START", "2024-12-01"),
        rec("M", "CSC", "CIN_PLAN_END", "2025-03-31"),  # ended that day: on a plan that day
        rec("J", "POLICE", "MISSING_EPISODE", "2025-04-02"),
        rec("J", "POLICE", "MISSING_EPISODE", "2025-04-09"),
        rec("J", "POLICE", "MISSING_EPISODE", "2025-04-16"),  # flagged only after March
        *missing("K", born="2007-01-01", year=2023),  # 18 by March 2025: not a child
        rec("N", "ED", "SELF_HARM", "2025-01-05"),  # one presentation: a medium flag
    ])  # fmt: skip
    severities = dict(store.query("SELECT ws_person_id, severity FROM ws_flag WHERE code IN "
                                  "('MISSING_REPEAT', 'SELF_HARM')"))  # fmt: skip
    assert severities == {p: "high" for p in ("WS-H", "WS-I", "WS-J", "WS-K", "WS-L", "WS-M")} | {
        "WS-N": "medium"
    }
    measure = high_flags_with_plan(store, people(store), "2025-03", dt.date(2025, 4, 16), T)
    assert (measure.numerator, measure.denominator, measure.value) == (3, 4, 0.75)
    assert "latest build (2025-04-16)" in measure.note
    # Counted on the day the records end when that is before the month's end.
    april = high_flags_with_plan(store, people(store), "2025-04", dt.date(2025, 4, 16), T)
    assert (april.numerator, april.denominator) == (2, 5)  # H and L; M's plan ended in March
    assert "run to 2025-04-16" in april.note


def test_was_not_brought_sequences_followed_up_within_30_days(store: Store, tmp_path: Path) -> None:
    missed, kept = "APPOINTMENT_MISSED", "APPOINTMENT_ATTENDED"
    planted(store, tmp_path, [
        # P: two missed at the GP, a call 15 days after the last: followed up.
        rec("P", "GP", missed, "2025-02-20"), rec("P", "GP", missed, "2025-03-05"),
        rec("P", "GP", "CONTACT", "2025-03-20"),
        # Q: two missed, the GP's next record 36 days after: not followed up.
        rec("Q", "GP", missed, "2025-03-01"), rec("Q", "GP", missed, "2025-03-10"),
        rec("Q", "GP", "CONTACT", "2025-04-15"),
        # R: two missed by health visiting, a referral to social care 30 days after: followed.
        rec("R", "HEALTH_VISITING", missed, "2025-03-02"),
        rec("R", "HEALTH_VISITING", missed, "2025-03-09"),
        rec("R", "CSC", "REFERRAL", "2025-04-08"),
        # S: an appointment kept between two missed: no sequence.
        rec("S", "GP", missed, "2025-03-03"), rec("S", "GP", kept, "2025-03-06"),
        rec("S", "GP", missed, "2025-03-12"),
        # T: the sequence's last missed appointment is in April.
        rec("T", "GP", missed, "2025-03-20"), rec("T", "GP", missed, "2025-04-03"),
        # U: CAMHS's missed appointment between the GP's two does not break the GP's run, and
        # a police record is no follow-up.
        rec("U", "GP", missed, "2025-03-01"), rec("U", "CAMHS", missed, "2025-03-02"),
        rec("U", "GP", missed, "2025-03-08"), rec("U", "POLICE", "CONTACT", "2025-03-10"),
        # V: an adult: not counted.
        rec("V", "GP", missed, "2025-03-01", ADULT), rec("V", "GP", missed, "2025-03-08", ADULT),
        # W: three missed, a letter the day of the last: followed up.
        rec("W", "GP", missed, "2025-03-01"), rec("W", "GP", missed, "2025-03-08"),
        rec("W", "GP", missed, "2025-03-15"), rec("W", "GP", "CONTACT", "2025-03-15"),
    ])  # fmt: skip
    as_of = dt.date(2025, 4, 15)
    measure = was_not_brought_followed_up(store, people(store), "2025-03", as_of, T)
    assert (measure.numerator, measure.denominator, measure.value) == (3, 5, 0.6)
    assert measure.note == ""
    april = was_not_brought_followed_up(store, people(store), "2025-04", as_of, T)
    assert (april.numerator, april.denominator) == (0, 1)  # T, 12 days before the records end
    assert april.note.startswith("1 ended less than 30 days before the records end")


def test_days_from_a_third_agencys_concern_to_a_referral(store: Store, tmp_path: Path) -> None:
    planted(store, tmp_path, [
        # X: the third agency's concern on 1 February, the referral 30 days later.
        rec("X", "POLICE", "DA_INCIDENT", "2025-01-05"),
        rec("X", "SCHOOL", "ATTENDANCE_CONCERN", "2025-01-20"),
        rec("X", "GP", "INJURY", "2025-02-01"), rec("X", "CSC", "REFERRAL", "2025-03-03"),
        # Y: 10 days.
        rec("Y", "SCHOOL", "CONCERN", "2024-12-01"),
        rec("Y", "POLICE", "MISSING_EPISODE", "2025-02-10"),
        rec("Y", "ED", "SELF_HARM", "2025-03-01"), rec("Y", "CSC", "REFERRAL", "2025-03-11"),
        # Z: three agencies were worried before the last referral, which answered them; two
        # since: this referral did not follow a third agency's concern.
        rec("Z", "POLICE", "CONCERN", "2024-05-01"), rec("Z", "SCHOOL", "CONCERN", "2024-05-15"),
        rec("Z", "GP", "CONCERN", "2024-05-20"), rec("Z", "CSC", "REFERRAL", "2024-06-01"),
        rec("Z", "POLICE", "CONCERN", "2025-01-10"), rec("Z", "SCHOOL", "CONCERN", "2025-02-01"),
        rec("Z", "CSC", "REFERRAL_NFA", "2025-03-20"),
        # ZZ: three agencies within a year only from 1 May 2024 (the police's 2023 concern is
        # more than a year before the GP's): 308 days.
        rec("ZZ", "POLICE", "CONCERN", "2023-01-01"), rec("ZZ", "SCHOOL", "CONCERN", "2023-06-01"),
        rec("ZZ", "GP", "CONCERN", "2024-03-01"), rec("ZZ", "ED", "INJURY", "2024-05-01"),
        rec("ZZ", "CSC", "REFERRAL", "2025-03-05"),
        # X2: referred the day of the third concern, by two agencies: one referral, 0 days.
        rec("X2", "POLICE", "CONCERN", "2025-03-01"), rec("X2", "SCHOOL", "CONCERN", "2025-03-02"),
        rec("X2", "GP", "CONCERN", "2025-03-04"), rec("X2", "CSC", "REFERRAL", "2025-03-04"),
        rec("X2", "POLICE", "REFERRAL", "2025-03-04"),
        # Not counted: an adult's, and a referral in April.
        rec("AD", "POLICE", "CONCERN", "2025-01-01", ADULT),
        rec("AD", "SCHOOL", "CONCERN", "2025-01-02", ADULT),
        rec("AD", "GP", "CONCERN", "2025-01-03", ADULT),
        rec("AD", "CSC", "REFERRAL", "2025-03-03", ADULT),
        rec("X", "CSC", "REFERRAL", "2025-04-03"),
    ])  # fmt: skip
    measure = concern_to_referral_days(store, people(store), "2025-03", T)
    assert (measure.numerator, measure.denominator) == (4, 5)  # X, Y, ZZ, X2 of those and Z
    assert measure.value == 20.0  # the median of 0, 10, 30 and 308 days
    assert measure.unit == "days" and measure.figure() == "a median of 20 days"
    april = concern_to_referral_days(store, people(store), "2025-04", T)
    assert (april.numerator, april.denominator, april.value) == (0, 1, None)  # X's second


def test_all_four_measures_together_and_nothing_before_a_build(
    store: Store, tmp_path: Path
) -> None:
    with pytest.raises(NotBuiltError):
        practice_measures(store, "2025-03", T)
    planted(store, tmp_path, [rec("A", "CSC", "ASSESSMENT", "2025-03-10")])
    found = practice_measures(store, "2025-03", T)
    assert [m.code for m in found] == [
        "history_read_first", "high_flags_with_plan", "was_not_brought_followed_up",
        "concern_to_referral_days",
    ]  # fmt: skip
    assert [(m.numerator, m.denominator) for m in found] == [(0, 1), (0, 0), (0, 0), (0, 0)]
    assert found[1].value is None and found[1].figure() == "nothing to measure this month"


def test_a_qa_officers_home_page_lists_the_programmes(children: Store) -> None:
    """The partnership's quality assurance officer finds their work on their home page
    (issue 14): each programme's theme, period and cases chosen, naming no child."""
    from django.test import Client

    from web_support import PASSWORD, serving
    from wholestory.web.accounts.users import add_user

    chosen = select(children, criteria(JAN, JUN, agencies=["SCHOOL"]), 3, 99, T)
    create_programme(children, "Use of history in assessment", default_tool(), chosen, "cli:qa")
    with serving(children.url):
        add_user("quinn.qa", "PARTNERSHIP", "qa", PASSWORD, check_password=False)
        client = Client()
        assert (
            client.post("/login", {"username": "quinn.qa", "password": PASSWORD}).status_code == 302
        )
        body = client.get("/").content.decode()
    listed = body[body.index('id="programmes"') :]
    assert "Use of history in assessment" in listed and "3 of 12" in listed
    assert "Planted" not in body  # the cases' names are not shown here
