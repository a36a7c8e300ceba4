"""Each indicator at its boundary: the pattern fires, the near miss does not."""

from __future__ import annotations

from pathlib import Path

import pytest

from indicator_entries import entry, flags
from wholestory.chronology.indicators import INDICATORS
from wholestory.chronology.thresholds import IndicatorThresholds

MOTHER, PARTNER = ("WS-M", "VICTIM"), ("WS-P", "SUSPECT")


#: The indicators' specification, in the shared folder beside the checkout.
SPEC = Path(__file__).parents[2] / "shared" / "spec" / "indicators.md"
#: Where the product's own words describe every indicator it raises.
DOCS = Path(__file__).parents[1] / "docs" / "chronology.md"
#: Codes an issue added after the specification's twelve (each in DOCS).
LATER = frozenset({"NEEDS_NOT_MET"})  # issue 14


def test_every_code_of_the_specification_is_built() -> None:
    """Checked against the specification itself: without it, this test fails, never passes."""
    if not SPEC.is_file():
        pytest.fail(
            f"The indicators' specification is missing ({SPEC}): the shared folder must sit "
            "beside the checkout, as it does in CI, for the codes to be checked against it."
        )
    text = SPEC.read_text(encoding="utf-8")
    codes = set(INDICATORS)
    assert {c for c in codes if f"`{c}`" in text} == codes - LATER
    assert len(codes - LATER) == 12 and codes >= LATER
    documented = DOCS.read_text(encoding="utf-8")
    assert {c for c in codes if f"| `{c}` |" in documented} == codes


# DA_ESCALATION and CHILD_DA_VICTIM


def test_three_incidents_within_a_year_escalate() -> None:
    raised = flags([entry(d, "DA_INCIDENT") for d in ("2020-01-10", "2020-06-01", "2021-01-09")])
    f = raised["DA_ESCALATION"]
    assert f.severity == "high" and len(f.entries) == 3
    assert "3 domestic abuse incidents" in f.explanation
    assert "3 in 12 months is the Marac escalation criterion" in f.explanation
    assert "CHILD_DA_VICTIM" in raised


def test_three_incidents_a_day_over_a_year_do_not_escalate() -> None:
    raised = flags([entry(d, "DA_INCIDENT") for d in ("2020-01-10", "2020-06-01", "2021-01-10")])
    assert "DA_ESCALATION" not in raised
    assert "CHILD_DA_VICTIM" in raised


def test_two_incidents_do_not_escalate() -> None:
    raised = flags([entry(d, "DA_INCIDENT") for d in ("2020-01-10", "2020-02-01")])
    assert "DA_ESCALATION" not in raised


def test_household_incidents_count_only_when_the_setting_says() -> None:
    incidents = [
        entry("2020-01-10", "DA_INCIDENT"),
        entry("2020-03-10", "DA_INCIDENT", household=True),
        entry("2020-05-10", "DA_INCIDENT", household=True),
    ]
    assert "DA_ESCALATION" in flags(incidents)
    assert "DA_ESCALATION" not in flags(incidents, household_da_counts=False)


def test_no_incident_no_victim_flag() -> None:
    assert "CHILD_DA_VICTIM" not in flags([entry("2020-01-01", "DA_SERVICE_CONTACT", own=False)])


def test_a_changed_threshold_changes_the_flag_and_its_words() -> None:
    incidents = [entry(d, "DA_INCIDENT") for d in ("2020-01-10", "2020-03-01")]
    f = flags(incidents, da_escalation_incidents=2)["DA_ESCALATION"]
    assert "2 in 12 months" in f.explanation


# MARAC_CRITERIA


def _dash(yes: int) -> str:
    return f"DASH risk checklist completed: {yes} of 27 questions answered yes. Risk level: x"


def test_dash_with_fourteen_yes_meets_marac() -> None:
    incident = entry("2021-05-01", "DA_INCIDENT")
    incident.sources.append(
        entry("2021-05-01", "DASH_ASSESSMENT", own=False, summary=_dash(14)).sources[0]
    )
    f = flags([incident])["MARAC_CRITERIA"]
    assert "14 'yes' answers" in f.explanation


def test_dash_with_thirteen_yes_does_not() -> None:
    incident = entry("2021-05-01", "DA_INCIDENT")
    incident.sources.append(
        entry("2021-05-01", "DASH_ASSESSMENT", own=False, summary=_dash(13)).sources[0]
    )
    assert "MARAC_CRITERIA" not in flags([incident])


def test_a_further_incident_between_the_same_couple_after_marac() -> None:
    referral = entry("2021-01-01", "MARAC_REFERRAL", involved=(MOTHER, PARTNER))
    again = entry("2021-10-01", "DA_INCIDENT", involved=(MOTHER, PARTNER))
    assert "MARAC_CRITERIA" in flags([referral, again])
    other = entry("2021-10-01", "DA_INCIDENT", involved=(MOTHER, ("WS-Q", "SUSPECT")))
    assert "MARAC_CRITERIA" not in flags([referral, other])
    late = entry("2022-01-02", "DA_INCIDENT", involved=(MOTHER, PARTNER))
    assert "MARAC_CRITERIA" not in flags([referral, late])


# WAS_NOT_BROUGHT


def test_two_missed_health_appointments_within_a_year() -> None:
    missed = [entry(d, "APPOINTMENT_MISSED", agency="GP") for d in ("2019-01-01", "2019-12-31")]
    assert "WAS_NOT_BROUGHT" in flags(missed)
    apart = [entry(d, "APPOINTMENT_MISSED", agency="GP") for d in ("2019-01-01", "2020-01-02")]
    assert "WAS_NOT_BROUGHT" not in flags(apart)


def test_a_missed_appointment_elsewhere_than_health_does_not_count() -> None:
    missed = [entry(d, "APPOINTMENT_MISSED", agency="SCHOOL") for d in ("2019-01-01", "2019-02-01")]
    assert "WAS_NOT_BROUGHT" not in flags(missed)


def test_discharge_after_non_attendance() -> None:
    discharge = entry("2022-03-01", "CAMHS_DISCHARGE", agency="CAMHS", outcome="DNA")
    assert "WAS_NOT_BROUGHT" in flags([discharge])
    goals = entry("2022-03-01", "CAMHS_DISCHARGE", agency="CAMHS", outcome="CLOSED")
    assert "WAS_NOT_BROUGHT" not in flags([goals])


def test_one_missed_appointment_during_a_protection_plan() -> None:
    plan = [
        entry("2020-01-01", "CP_PLAN_START", agency="CSC"),
        entry("2020-09-01", "CP_PLAN_END", agency="CSC"),
    ]
    during = entry("2020-05-01", "APPOINTMENT_MISSED", agency="HEALTH_VISITING")
    f = flags([*plan, during])["WAS_NOT_BROUGHT"]
    assert f.severity == "high" and "child protection plan" in f.explanation
    after = entry("2020-10-01", "APPOINTMENT_MISSED", agency="HEALTH_VISITING")
    assert "WAS_NOT_BROUGHT" not in flags([*plan, after])


# REPEAT_REFERRAL


def test_a_second_referral_within_a_year() -> None:
    two = [entry(d, "REFERRAL", agency="CSC") for d in ("2018-01-01", "2018-12-31")]
    assert "REPEAT_REFERRAL" in flags(two)
    apart = [entry(d, "REFERRAL", agency="CSC") for d in ("2018-01-01", "2019-01-02")]
    assert "REPEAT_REFERRAL" not in flags(apart)


def test_three_no_further_actions_within_two_years_start_again() -> None:
    three = [
        entry("2018-01-01", "REFERRAL_NFA", agency="CSC"),
        entry("2019-02-01", "ASSESSMENT", agency="CSC", outcome="NFA"),
        entry("2019-12-31", "ASSESSMENT_NFA", agency="CSC"),
    ]
    f = flags(three)["REPEAT_REFERRAL"]
    assert "started again" in f.explanation
    two = [*three[:2], entry("2020-01-02", "ASSESSMENT_NFA", agency="CSC")]
    assert "REPEAT_REFERRAL" not in flags(two)


# MISSING_REPEAT, SELF_HARM


def test_three_missing_episodes_within_a_year() -> None:
    assert "MISSING_REPEAT" in flags(
        [entry(d, "MISSING_EPISODE") for d in ("2024-01-01", "2024-05-01", "2024-12-31")]
    )
    assert "MISSING_REPEAT" not in flags(
        [entry(d, "MISSING_EPISODE") for d in ("2024-01-01", "2024-05-01", "2025-01-01")]
    )


def test_self_harm_is_high_when_repeated_within_a_year() -> None:
    once = flags([entry("2024-01-01", "SELF_HARM", agency="ED")])["SELF_HARM"]
    assert once.severity == "medium"
    twice = [entry(d, "SELF_HARM", agency="ED") for d in ("2024-01-01", "2024-12-30")]
    assert flags(twice)["SELF_HARM"].severity == "high"
    assert "SELF_HARM" not in flags([entry("2024-01-01", "MENTAL_HEALTH_CONTACT", agency="CAMHS")])


# EDUCATION_DISRUPTION


@pytest.mark.parametrize(
    "kind", ["PERMANENT_EXCLUSION", "ATTENDANCE_CONCERN", "CHILD_MISSING_EDUCATION"]
)
def test_one_serious_education_event_is_enough(kind: str) -> None:
    assert "EDUCATION_DISRUPTION" in flags([entry("2023-03-01", kind, agency="SCHOOL")])


def test_suspensions_and_home_education() -> None:
    two = [entry(d, "SUSPENSION", agency="SCHOOL") for d in ("2023-01-01", "2023-12-31")]
    assert "EDUCATION_DISRUPTION" in flags(two)
    one = [entry("2023-01-01", "SUSPENSION", agency="SCHOOL")]
    assert "EDUCATION_DISRUPTION" not in flags(one)
    ehe = entry("2023-06-01", "ELECTIVE_HOME_EDUCATION", agency="SCHOOL")
    assert "EDUCATION_DISRUPTION" in flags([*one, ehe])
    assert "EDUCATION_DISRUPTION" not in flags([ehe])
    late = entry("2024-01-03", "ELECTIVE_HOME_EDUCATION", agency="SCHOOL")
    assert "EDUCATION_DISRUPTION" not in flags([*one, late])


# EXPLOITATION_RISK


def test_two_signals_within_a_year_between_ten_and_seventeen() -> None:
    signals = [
        entry("2023-02-01", "MISSING_EPISODE"),
        entry("2023-09-01", "EXPLOITATION_CONCERN"),
    ]
    f = flags(signals, born="2010-01-01")["EXPLOITATION_RISK"]
    assert "missing episode" in f.explanation and "exploitation concern" in f.explanation
    assert "EXPLOITATION_RISK" not in flags(signals, born="2013-10-01")  # aged 9 then
    assert "EXPLOITATION_RISK" not in flags(signals, born="2004-01-01")  # aged 19 then
    assert "EXPLOITATION_RISK" not in flags(signals[:1], born="2010-01-01")


def test_a_parents_substance_misuse_is_not_the_childs_signal() -> None:
    signals = [
        entry("2023-02-01", "MISSING_EPISODE"),
        entry("2023-03-01", "SUBSTANCE_MISUSE", household=True),
    ]
    assert "EXPLOITATION_RISK" not in flags(signals, born="2010-01-01")


# ACE_PROFILE


def test_four_categories_make_an_ace_profile() -> None:
    three = [
        entry("2015-01-01", "PARENT_SEPARATION", agency="SCHOOL"),
        entry("2016-01-01", "PARENT_MENTAL_HEALTH", agency="SCHOOL"),
        entry("2017-01-01", "PARENT_IMPRISONMENT", agency="SCHOOL"),
    ]
    assert "ACE_PROFILE" not in flags(three)
    plan = entry(
        "2018-01-01",
        "CP_PLAN_START",
        agency="CSC",
        summary="Made subject to a child protection plan under the category of neglect",
    )
    f = flags([*three, plan])["ACE_PROFILE"]
    assert "neglect" in f.explanation and f.explanation.startswith("4 adverse")


def test_a_household_adults_records_count_for_aces_when_set() -> None:
    three = [
        entry("2015-01-01", "PARENT_SEPARATION", agency="SCHOOL"),
        entry("2016-01-01", "PARENT_MENTAL_HEALTH", agency="SCHOOL"),
        entry("2017-01-01", "PARENT_IMPRISONMENT", agency="SCHOOL"),
        entry("2018-01-01", "SUBSTANCE_MISUSE", agency="GP", household=True),
    ]
    assert "ACE_PROFILE" in flags(three)
    assert "ACE_PROFILE" not in flags(three, household_ace_counts=False)


# UNCONNECTED_CONCERNS


def _three_agencies() -> list:
    return [
        entry("2022-01-10", "CONCERN", agency="SCHOOL"),
        entry("2022-04-10", "APPOINTMENT_MISSED", agency="GP"),
        entry("2023-01-10", "INJURY", agency="ED"),
    ]


def test_three_agencies_worried_and_no_plan() -> None:
    f = flags(_three_agencies())["UNCONNECTED_CONCERNS"]
    assert "3 agencies" in f.explanation and "School" in f.explanation


def test_three_agencies_over_more_than_a_year_are_not_unconnected() -> None:
    spread = [*_three_agencies()[:2], entry("2023-01-11", "INJURY", agency="ED")]
    assert "UNCONNECTED_CONCERNS" not in flags(spread)


def test_an_open_plan_connects_the_concerns() -> None:
    plan = [
        entry("2022-02-01", "CIN_PLAN_START", agency="CSC"),
        entry("2022-11-01", "CIN_PLAN_END", agency="CSC"),
    ]
    assert "UNCONNECTED_CONCERNS" not in flags(_three_agencies() + plan)
    marac = entry("2021-03-01", "MARAC_REFERRAL", agency="POLICE")
    assert "UNCONNECTED_CONCERNS" not in flags([*_three_agencies(), marac])


# CLOSED_THEN_ESCALATED


def test_a_serious_event_within_six_months_of_closure() -> None:
    closed = entry("2021-01-01", "CIN_PLAN_END", agency="CSC")
    f = flags([closed, entry("2021-07-03", "DA_INCIDENT")])["CLOSED_THEN_ESCALATED"]
    assert "183 days later" in f.explanation and "Child in need plan ended" in f.explanation
    assert "CLOSED_THEN_ESCALATED" not in flags([closed, entry("2021-07-04", "DA_INCIDENT")])
    assert "CLOSED_THEN_ESCALATED" not in flags([closed, entry("2021-02-01", "APPOINTMENT_MISSED")])


# Every flag has its evidence


def test_every_flag_names_its_entries_and_records() -> None:
    raised = flags(
        [entry(d, "DA_INCIDENT") for d in ("2020-01-10", "2020-06-01", "2020-09-09")]
        + [entry("2020-10-01", "SELF_HARM", agency="ED")]
    )
    for f in raised.values():
        assert f.entries and f.evidence and f.explanation.endswith(".")
        assert f.first <= f.last
        assert f.code in INDICATORS


def test_thresholds_come_from_a_file(tmp_path: Path) -> None:
    settings = tmp_path / "indicators.yaml"
    settings.write_text("missing_episodes: 2\n")
    t = IndicatorThresholds.load(settings)
    assert t.missing_episodes == 2 and t.year_days == 365
    settings.write_text("missing_episode: 2\n")
    with pytest.raises(ValueError, match="unknown indicator setting"):
        IndicatorThresholds.load(settings)
    settings.write_text("missing_episodes: two\n")
    with pytest.raises(ValueError, match="whole number"):
        IndicatorThresholds.load(settings)


def test_the_packaged_defaults_are_those_of_the_specification() -> None:
    assert IndicatorThresholds.load() == IndicatorThresholds()


def test_a_broken_thresholds_file_is_named_in_plain_words(tmp_path: Path) -> None:
    settings = tmp_path / "indicators.yaml"
    settings.write_text("missing_episodes: [2\n")
    with pytest.raises(ValueError, match="is not valid YAML"):
        IndicatorThresholds.load(settings)
    settings.write_text("- 2\n- 3\n")
    with pytest.raises(ValueError, match="'name: value' lines"):
        IndicatorThresholds.load(settings)
    with pytest.raises(ValueError, match="cannot be read"):
        IndicatorThresholds.load(tmp_path / "missing.yaml")


def test_the_current_thresholds_are_read_again_when_the_file_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pages ask for the partnership's thresholds on every request; the file is parsed
    once, and again as soon as it is changed."""
    assert IndicatorThresholds.current() == IndicatorThresholds()
    settings = tmp_path / "indicators.yaml"
    settings.write_text("da_escalation_incidents: 4\n")
    monkeypatch.setenv("WHOLESTORY_INDICATORS", str(settings))
    first = IndicatorThresholds.current()
    assert first.da_escalation_incidents == 4 and IndicatorThresholds.current() is first
    settings.write_text("da_escalation_incidents: 5\nyear_days: 366\n")
    assert IndicatorThresholds.current().da_escalation_incidents == 5
    settings.unlink()
    with pytest.raises(ValueError, match="cannot be read"):
        IndicatorThresholds.current()
