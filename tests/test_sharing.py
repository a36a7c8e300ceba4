"""The information sharing agreement (issue 18): the defaults, the reducer, restricted records,
checking a changed agreement and the report's words."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from wholestory.access import NO_CASE_DATA
from wholestory.chronology.model import Entry, Source
from wholestory.cli.main import app
from wholestory.sharing import (
    ALWAYS_RESTRICTED,
    FULL,
    INVOLVEMENT,
    NONE,
    RESTRICTED,
    AgreementError,
    ViewerTable,
    default_agreement,
    holds_relationship,
    level_for,
    parse,
    reduce_to_involvement,
    shape_entry,
)
from wholestory.sharing.words import report

DEFAULT = default_agreement()
HEALTH = ("GP", "ED", "CAMHS", "ADULT_MH", "HEALTH_VISITING", "SCHOOL_NURSING")
NON_HEALTH = ("POLICE", "SCHOOL", "HOUSING", "PROBATION", "DA_SERVICE", "YOUTH_JUSTICE")
CASEWORK_SOURCES = NON_HEALTH
MOTHER_GP_1 = "Mother: depression and anxiety, started antidepressants"
MOTHER_GP_2 = "Mother disclosed alcohol dependence"
BOY_CAMHS = "Low mood, poor sleep; referred to CAMHS"


def _source(agency: str, summary: str, *, own: bool, event_type: str, n: int) -> Source:
    return Source(
        agency=agency, record_id=f"R{n}", person_id=f"P{n}", name="Someone", role="SUBJECT",
        date="2023-03-0" + str(n), approximate=False, event_type=event_type, inferred=False,
        summary=summary, action=f"action {n}", outcome=f"outcome {n}",
        practitioner=f"Dr Practitioner {n}", team="Team A", own=own,
    )  # fmt: skip


def _entry(*sources: Source, household: bool) -> Entry:
    first = sources[0]
    return Entry(
        id=f"{first.agency}:{first.record_id}", day=dt.date(2023, 3, 1), date=first.date,
        approximate=False, agency=first.agency, agencies=[s.agency for s in sources],
        event_type=first.event_type, event_types=[s.event_type for s in sources],
        inferred=False, role="HOUSEHOLD" if household else "SUBJECT", household=household,
        summary=" | ".join(s.summary for s in sources),
        action="; ".join(s.action for s in sources),
        outcome="; ".join(s.outcome for s in sources), category="health", sources=list(sources),
    )  # fmt: skip


def _boys_chronology() -> list[Entry]:
    """The issue's example: his mother's GP entries through the household, and his own CAMHS."""
    return [
        _entry(_source("GP", MOTHER_GP_1, own=False, event_type="PARENT_MENTAL_HEALTH", n=1),
               household=True),
        _entry(_source("GP", MOTHER_GP_2, own=False, event_type="SUBSTANCE_MISUSE", n=2),
               household=True),
        _entry(_source("CAMHS", BOY_CAMHS, own=True, event_type="CAMHS_REFERRAL", n=3),
               household=False),
    ]  # fmt: skip


def _visible_text(shown: list[Any]) -> str:
    return repr([s.entry.as_dict() for s in shown])


# --- the defaults the issue asks for ---------------------------------------------------------


def test_police_practitioner_sees_the_boys_gp_and_camhs_entries_without_what_was_written() -> None:
    table = ViewerTable(DEFAULT, "POLICE", "practitioner")
    shown = [s for e in _boys_chronology() if (s := shape_entry(e, table)) is not None]
    assert [s.entry.agency for s in shown] == ["GP", "GP", "CAMHS"]
    assert all(s.level == INVOLVEMENT for s in shown)
    assert [s.entry.date for s in shown] == ["2023-03-01", "2023-03-02", "2023-03-03"]
    assert shown[2].entry.event_type == "CAMHS_REFERRAL"
    text = _visible_text(shown)
    for sentence in (
        MOTHER_GP_1,
        MOTHER_GP_2,
        BOY_CAMHS,
        "action 1",
        "action 3",
        "Dr Practitioner",
    ):
        assert sentence not in text
    assert "outcome 3" in text
    assert [s.rules[0].id for s in shown] == [
        "household-health-elsewhere", "household-health-elsewhere", "health-elsewhere",
    ]  # fmt: skip


def test_childrens_social_care_practitioner_sees_all_three_sentences() -> None:
    table = ViewerTable(DEFAULT, "CSC", "practitioner")
    shown = [s for e in _boys_chronology() if (s := shape_entry(e, table)) is not None]
    assert all(s.level == FULL for s in shown)
    text = _visible_text(shown)
    for sentence in (MOTHER_GP_1, MOTHER_GP_2, BOY_CAMHS):
        assert sentence in text


@pytest.mark.parametrize("source", HEALTH)
@pytest.mark.parametrize("role", ["practitioner", "manager", "lead"])
def test_health_records_are_full_to_health_csc_and_early_help_and_involvement_elsewhere(
    source: str, role: str
) -> None:
    for viewer in (*HEALTH, "CSC", "EARLY_HELP"):
        assert level_for(DEFAULT, viewer, role, source, "health", False, False)[0] == FULL
    for viewer in (*NON_HEALTH, "SOME_OTHER_AGENCY"):
        level = level_for(DEFAULT, viewer, role, source, "health", False, False)[0]
        assert level == INVOLVEMENT, (viewer, source)


@pytest.mark.parametrize("source", HEALTH)
def test_an_adults_health_record_through_the_household_is_involvement_except_to_csc(
    source: str,
) -> None:
    for viewer in (*NON_HEALTH, "EARLY_HELP"):
        level, rule = level_for(DEFAULT, viewer, "practitioner", source, "health", True, False)
        assert (level, rule.id) == (INVOLVEMENT, "household-health-elsewhere"), viewer
    assert level_for(DEFAULT, "CSC", "practitioner", source, "health", True, False)[0] == FULL
    for viewer in HEALTH:
        assert level_for(DEFAULT, viewer, "practitioner", source, "health", True, False)[0] == FULL


@pytest.mark.parametrize("source", CASEWORK_SOURCES)
def test_casework_agencies_records_are_full_to_every_casework_role(source: str) -> None:
    for viewer in (*HEALTH, *NON_HEALTH, "CSC", "EARLY_HELP"):
        for role in ("practitioner", "manager", "lead"):
            assert (
                level_for(DEFAULT, viewer, role, source, "police and justice", False, False)[0]
                == FULL
            )


def test_roles_without_case_data_see_nothing_even_of_their_own_agency() -> None:
    for role in NO_CASE_DATA:
        level, rule = level_for(DEFAULT, "GP", role, "GP", "health", False, False)
        assert (level, rule.id) == (NONE, "no-case-data")


def test_an_agency_always_sees_its_own_records_in_full() -> None:
    assert level_for(DEFAULT, "GP", "practitioner", "GP", "health", True, False)[0] == FULL
    assert level_for(DEFAULT, "GP", "practitioner", "GP", "health", False, True)[0] == FULL


# --- the reducer -----------------------------------------------------------------------------


def test_involvement_drops_summary_action_and_practitioner_and_keeps_the_rest() -> None:
    source = _source("GP", MOTHER_GP_1, own=False, event_type="PARENT_MENTAL_HEALTH", n=1)
    reduced = reduce_to_involvement(source)
    assert (reduced.summary, reduced.action, reduced.practitioner) == ("", "", "")
    assert (reduced.agency, reduced.date, reduced.event_type, reduced.outcome) == (
        "GP", "2023-03-01", "PARENT_MENTAL_HEALTH", "outcome 1",
    )  # fmt: skip


def test_a_merged_entry_keeps_only_the_text_of_records_shown_in_full() -> None:
    police = _source(
        "POLICE", "Officers attended a disturbance", own=True, event_type="DA_INCIDENT", n=1
    )
    gp = _source("GP", MOTHER_GP_2, own=True, event_type="SUBSTANCE_MISUSE", n=2)
    shown = shape_entry(_entry(gp, police, household=False), ViewerTable(DEFAULT, "SCHOOL", "lead"))
    assert shown is not None and shown.level == FULL and shown.hidden == 0
    entry = shown.entry
    assert MOTHER_GP_2 not in repr(entry.as_dict())
    assert entry.summary == "Officers attended a disturbance"
    assert entry.id == "POLICE:R1" and entry.agency == "POLICE"
    assert entry.outcome == "outcome 2; outcome 1"
    assert [r.id for r in shown.rules] == ["health-elsewhere", "casework-records"]


def test_a_viewer_class_is_decided_once_per_kind_of_record_not_once_per_entry() -> None:
    table = ViewerTable(DEFAULT, "POLICE", "practitioner")
    entries = _boys_chronology() * 500
    for entry in entries:
        shape_entry(entry, table)
    assert len(table.known) == 3  # three kinds of record (GP household x2, CAMHS), not 1,500


# --- restricted records ----------------------------------------------------------------------


def test_a_restricted_record_never_leaves_its_agency_under_the_default() -> None:
    clinic = _source(
        "GP", "Sexual health consultation", own=True, event_type="APPOINTMENT_ATTENDED", n=4
    )
    entry = _entry(clinic, household=False)
    restricted = {("GP", "R4")}
    own = shape_entry(entry, ViewerTable(DEFAULT, "GP", "practitioner"), restricted)
    assert own is not None and own.entry.summary == "Sexual health consultation"
    for viewer in ("CSC", "ED", "POLICE", "PARTNERSHIP"):
        for role in ("practitioner", "lead", "reviewer", "qa"):
            shown = shape_entry(entry, ViewerTable(DEFAULT, viewer, role), restricted)
            assert shown is not None and shown.level == RESTRICTED
            assert shown.entry.summary == "A restricted record"
            text = repr(shown.entry.as_dict())
            assert "Sexual health" not in text and "APPOINTMENT_ATTENDED" not in text
            assert "outcome" not in shown.entry.outcome and "Team A" not in text


def test_a_restricted_record_is_not_shown_at_all_when_the_agreement_says_hidden() -> None:
    text = (
        Path(DEFAULT_PATH)
        .read_text(encoding="utf-8")
        .replace("elsewhere: marker", "elsewhere: hidden")
    )
    agreement = parse(text, "hidden.yaml")
    clinic = _source("GP", "Termination", own=True, event_type="HOSPITAL_ADMISSION", n=5)
    shown = shape_entry(
        _entry(clinic, household=False), ViewerTable(agreement, "CSC", "lead"), {("GP", "R5")}
    )
    assert shown is None


DEFAULT_PATH = Path(__file__).parent.parent / "src/wholestory/sharing/default.yaml"


# --- teams -----------------------------------------------------------------------------------


def test_police_and_health_trusts_relate_by_team_and_the_rest_by_agency() -> None:
    assert DEFAULT.grain("POLICE") == "team" and DEFAULT.grain("CAMHS") == "team"
    assert DEFAULT.grain("SCHOOL") == "agency-wide" and DEFAULT.grain("GP") == "agency-wide"
    assert holds_relationship(
        DEFAULT, "POLICE", "Public Protection", "POLICE", "public  protection"
    )
    assert not holds_relationship(
        DEFAULT, "POLICE", "Roads Policing", "POLICE", "Public Protection"
    )
    assert holds_relationship(DEFAULT, "POLICE", "Roads Policing", "POLICE", "")  # no team: agency
    assert holds_relationship(DEFAULT, "SCHOOL", "Year 7", "SCHOOL", "Safeguarding")
    assert not holds_relationship(DEFAULT, "SCHOOL", "Year 7", "GP", "Year 7")


# --- checking a changed agreement ------------------------------------------------------------


def _default_data() -> dict[str, Any]:
    data = yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _check(tmp_path: Path, data: dict[str, Any]) -> tuple[int, str]:
    path = tmp_path / "agreement.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    result = CliRunner().invoke(app, ["sharing", "check", str(path)])
    return result.exit_code, result.output


def test_check_accepts_the_shipped_agreement() -> None:
    result = CliRunner().invoke(app, ["sharing", "check", str(DEFAULT_PATH)])
    assert result.exit_code == 0, result.output
    assert "can be used" in result.output


def test_check_refuses_a_rule_showing_a_restricted_category_to_another_agency(
    tmp_path: Path,
) -> None:
    data = _default_data()
    data["rules"].insert(0, {
        "id": "share-sexual-health", "source": "GP", "category": "SEXUAL_HEALTH", "viewer": "CSC",
        "level": "involvement", "purpose": "p", "basis": "safeguarding", "reason": "r",
    })  # fmt: skip
    code, output = _check(tmp_path, data)
    assert code == 2
    lines = [line for line in output.splitlines() if line.startswith("Problem:")]
    assert len(lines) == 1
    assert "agreement.yaml, line " in lines[0]
    assert (
        'rule "share-sexual-health" would show SEXUAL_HEALTH records to another agency' in lines[0]
    )
    assert "Traceback" not in output


def test_check_refuses_an_agreement_that_drops_an_always_restricted_category(
    tmp_path: Path,
) -> None:
    data = _default_data()
    data["restricted"]["categories"].remove("ADOPTION")
    code, output = _check(tmp_path, data)
    assert code == 2 and "must include ADOPTION" in output


def test_check_names_the_file_the_rule_and_the_line_of_each_problem(tmp_path: Path) -> None:
    data = _default_data()
    rules = {rule["id"]: rule for rule in data["rules"]}
    rules["household-health-to-health"]["level"] = "most"
    rules["household-health-to-social-care"]["viewer"] = "the police"
    rules["health-to-health"]["roles"] = ["wizard"]
    code, output = _check(tmp_path, data)
    assert code == 2
    problems = [line for line in output.splitlines() if line.startswith("Problem:")]
    assert len(problems) == 3, output
    assert all("agreement.yaml, line " in line for line in problems)
    assert 'rule "household-health-to-health": level must be full, involvement or none' in output
    assert '"the police" is not an agency code or a group' in output
    assert '"wizard" is not a role or a role group' in output


def test_check_says_plainly_when_the_file_is_not_yaml(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("rules: [\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["sharing", "check", str(path)])
    assert result.exit_code == 2
    assert "broken.yaml, line 2: this is not a readable agreement" in result.output
    assert "Traceback" not in result.output


def test_parse_raises_one_error_with_every_problem() -> None:
    with pytest.raises(AgreementError) as raised:
        parse("rules:\n  - id: a\n    sorce: GP\n", "mine.yaml")
    assert all(p.startswith("mine.yaml, line 2") for p in raised.value.problems)
    assert any('"sorce" is not a field a rule has' in p for p in raised.value.problems)


_AGENCIES = st.sampled_from(["GP", "POLICE", "CSC", "SCHOOL", "CLINIC", "*", "health"])
_RULE = st.fixed_dictionaries({
    "id": st.text(alphabet="abcdefgh", min_size=1, max_size=6),
    "source": st.one_of(_AGENCIES, st.lists(_AGENCIES, min_size=1, max_size=3)),
    "category": st.sampled_from([*sorted(ALWAYS_RESTRICTED), "FAMILY_SECRET", "health", "*"]),
    "viewer": st.one_of(_AGENCIES, st.lists(_AGENCIES, min_size=1, max_size=3)),
    "roles": st.lists(st.sampled_from(["practitioner", "lead", "reviewer", "*"]), min_size=1),
    "level": st.sampled_from(["full", "involvement", "none"]),
    "purpose": st.just("p"), "basis": st.just("b"), "reason": st.just("r"),
})  # fmt: skip


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rules=st.lists(_RULE, min_size=1, max_size=6),
    elsewhere=st.sampled_from(["marker", "hidden"]),
    viewer=st.sampled_from(["GP", "POLICE", "CSC", "SCHOOL", "CLINIC", "ED"]),
    role=st.sampled_from(["practitioner", "manager", "lead", "reviewer", "qa"]),
    source=st.sampled_from(["GP", "POLICE", "CSC", "CLINIC", "ED"]),
    household=st.booleans(),
)
def test_no_agreement_that_passes_check_gives_another_agency_a_restricted_record(
    rules: list[dict[str, Any]], elsewhere: str, viewer: str, role: str, source: str,
    household: bool,
) -> None:  # fmt: skip
    for number, rule in enumerate(rules):
        rule["id"] = f"{rule['id']}-{number}"
    data = {
        "groups": {"health": ["GP", "ED"]},
        "restricted": {
            "categories": [*sorted(ALWAYS_RESTRICTED), "FAMILY_SECRET"], "elsewhere": elsewhere,
        },
        "rules": rules,
    }  # fmt: skip
    try:
        agreement = parse(yaml.safe_dump(data), "generated.yaml")
    except AgreementError:
        return
    for category in ("health", *sorted(ALWAYS_RESTRICTED), "FAMILY_SECRET"):
        level, _ = level_for(agreement, viewer, role, source, category, household, True)
        if viewer != source:
            assert level in (RESTRICTED, NONE)
    clinic = dataclasses.replace(
        _source(source, "SECRET WORDS", own=True, event_type="INJURY", n=6), practitioner="X"
    )
    shown = shape_entry(
        _entry(clinic, household=household), ViewerTable(agreement, viewer, role), {(source, "R6")}
    )
    if viewer != source and shown is not None:
        assert "SECRET WORDS" not in repr(shown.entry.as_dict())


# --- the report ------------------------------------------------------------------------------


def test_report_says_what_police_see_of_gp_entries_and_why() -> None:
    lines = report(DEFAULT)
    police_health = next(
        line for line in lines
        if line.startswith("Police practitioners, managers and safeguarding leads see the date")
        and "about an adult" not in line
    )  # fmt: skip
    assert "GP practice" in police_health
    assert "entries, not what was written, because health records are confidential" in police_health
    assert "(rule health-elsewhere)" in police_health
    text = "\n".join(lines)
    assert "Article 6(1)(e)" in text and "Article 9(2)(g)" in text
    assert "Schedule 1, paragraph 18" in text
    assert "breaking glass never opens them" in text
    assert "Board members, administrators" in text


def test_report_command_prints_the_default_or_a_named_file(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["sharing", "report"])
    assert result.exit_code == 0 and "Police practitioners" in result.output
    bad = tmp_path / "bad.yaml"
    bad.write_text("rules: 3\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["sharing", "report", "--agreement", str(bad)])
    assert result.exit_code == 2 and "bad.yaml" in result.output


def test_report_says_what_a_rule_for_one_category_does() -> None:
    data = _default_data()
    data["rules"].insert(0, {
        "id": "gp-domestic-abuse-to-police", "source": "GP", "category": "domestic abuse",
        "viewer": "POLICE", "roles": ["casework"], "level": "full",
        "purpose": "protecting victims of domestic abuse", "basis": "safeguarding",
        "reason": "the police act on domestic abuse a GP records",
    })  # fmt: skip
    text = "\n".join(report(parse(yaml.safe_dump(data, sort_keys=False), "mine.yaml")))
    assert (
        "Police practitioners, managers and safeguarding leads see GP practice entries about "
        "domestic abuse as they were written, because the police act on domestic abuse"
    ) in text
    assert (
        "GP practice entries about education, health, household, other, police and justice " in text
    )


def test_a_parents_health_record_joined_to_the_childs_own_entry_is_still_the_parents() -> None:
    child = _source("CAMHS", BOY_CAMHS, own=True, event_type="CAMHS_REFERRAL", n=1)
    mother = _source(
        "ADULT_MH",
        "Mother's psychiatric review",
        own=False,
        event_type="MENTAL_HEALTH_CONTACT",
        n=2,
    )
    shown = shape_entry(
        _entry(child, mother, household=False), ViewerTable(DEFAULT, "EARLY_HELP", "practitioner")
    )
    assert shown is not None
    assert [r.id for r in shown.rules] == ["health-to-social-care", "household-health-elsewhere"]
    assert BOY_CAMHS in shown.entry.summary
    assert "psychiatric" not in repr(shown.entry.as_dict())
