"""The indicators of ../shared/spec/indicators.md, one pure function each, and the table
that names them: the specification's twelve, and ``NEEDS_NOT_MET`` (issue 14, its rule in
:mod:`~wholestory.chronology.needs_met`).

Every rule reads a :class:`~wholestory.chronology.view.View` of one child's
entries and the :class:`~wholestory.chronology.thresholds.IndicatorThresholds`, and
returns a :class:`~wholestory.chronology.model.Flag` or None. Each explanation
quotes the threshold in force, so a flag reads the same as the rule that raised
it. They are pure: the same entries and thresholds always give the same flags,
which is what lets them be tested at their boundaries. How the rules read the
entries is told in :mod:`~wholestory.chronology.view`.
"""

from __future__ import annotations

import datetime as dt
from typing import Final

from wholestory.chronology.checklists import JUDGEMENT_WORDS
from wholestory.chronology.display import event_label
from wholestory.chronology.model import Entry, Flag
from wholestory.chronology.needs_met import needs_not_met as _needs_not_met
from wholestory.chronology.rule_helpers import (
    DNA_WORDS,
    Indicator,
    dash_yes,
    flag,
    months,
    people_in,
    repeated,
    span,
    when,
    windows,
)

# Re-exported (``as``) only until cli/chronology.py imports it from thresholds.
from wholestory.chronology.thresholds import IndicatorThresholds
from wholestory.chronology.view import (
    ACE_HOUSEHOLD,
    ACE_OWN,
    ACE_PLAN,
    CLOSURES,
    CONCERNS,
    HIGH,
    SIGNALS,
    View,
)
from wholestory.chronology.vocabulary import agency_name
from wholestory.words import count_words


def da_escalation(v: View, t: IndicatorThresholds) -> Flag | None:
    return repeated(
        INDICATORS["DA_ESCALATION"],
        "high",
        v.da_incidents(t),
        (t.da_escalation_incidents, t.year_days),
        "domestic abuse incident",
        "{hits} involving the household {span} ({count} in {months} is the Marac escalation "
        "criterion).",
    )


def child_da_victim(v: View, t: IndicatorThresholds) -> Flag | None:
    incidents = v.da_incidents(t)
    if not incidents:
        return None
    recorded = sum(1 for e in incidents if not e.household)
    who = (
        f"the child named in {'it' if len(incidents) == 1 else f'{recorded} of them'}"
        if recorded
        else "the child living in the household"
    )
    return flag(
        INDICATORS["CHILD_DA_VICTIM"],
        "medium",
        incidents,
        f"{count_words(len(incidents), 'domestic abuse incident')} in the child's household, "
        f"the first on {when(incidents[0].day)}, {who}: a child who sees, hears or "
        "experiences domestic abuse is a victim in their own right.",
    )


def marac_criteria(v: View, t: IndicatorThresholds) -> Flag | None:
    for e in v.entries:
        for s in e.sources:
            if s.event_type == "DASH_ASSESSMENT" and dash_yes(s.summary) >= t.marac_dash_yes:
                return flag(
                    INDICATORS["MARAC_CRITERIA"],
                    "high",
                    [e],
                    f"A DASH risk checklist on {when(e.day)} recorded {dash_yes(s.summary)} "
                    f"'yes' answers ({t.marac_dash_yes} or more meets the Marac referral "
                    "criterion).",
                )
    for e in v.entries:
        for s in e.sources:
            if s.event_type == "DASH_ASSESSMENT" and JUDGEMENT_WORDS in s.summary:
                return flag(
                    INDICATORS["MARAC_CRITERIA"],
                    "high",
                    [e],
                    f"A Dash risk checklist on {when(e.day)} scored {dash_yes(s.summary)} 'yes' "
                    "answers, and the practitioner refers to Marac on professional judgement "
                    "(judgement raises a case, whatever the score).",
                )
    referrals = v.own(["MARAC_REFERRAL"]) + v.household(["MARAC_REFERRAL"])
    for incident in v.da_incidents(t):
        for referral in referrals:
            gap = (incident.day - referral.day).days
            same_couple = people_in(incident, "VICTIM") & people_in(
                referral, "VICTIM"
            ) and people_in(incident, "SUSPECT") & people_in(referral, "SUSPECT")
            if incident is not referral and 0 < gap <= t.year_days and same_couple:
                return flag(
                    INDICATORS["MARAC_CRITERIA"],
                    "high",
                    [referral, incident],
                    f"A further incident between the same victim and perpetrator on "
                    f"{when(incident.day)}, {gap} days after a Marac referral on "
                    f"{when(referral.day)} (within {months(t.year_days)} is a repeat Marac case).",
                )
    return None


def was_not_brought(v: View, t: IndicatorThresholds) -> Flag | None:
    missed = v.own(["APPOINTMENT_MISSED"], t.health_agencies)
    ind = INDICATORS["WAS_NOT_BROUGHT"]
    plans = [s for s in v.spells() if s.kind == "Child protection plan"]
    on_plan = [e for e in missed for s in plans if s.start <= e.day <= s.end]
    if on_plan:
        return flag(
            ind,
            "high",
            on_plan,
            f"A health appointment was missed on {when(on_plan[0].day)} while the child was on a "
            "child protection plan.",
        )
    often = repeated(
        ind,
        "medium",
        missed,
        (t.missed_appointments, t.year_days),
        "health appointment",
        "{hits} missed {span} ({count} in {months} is the was-not-brought threshold).",
    )
    if often:
        return often
    for e in v.own(["CAMHS_DISCHARGE", "CASE_CLOSED"], t.health_agencies):
        discharge = [s for s in e.sources if s.own and s.agency in t.health_agencies]
        if any(
            (s.outcome or "").upper() == "DNA" or DNA_WORDS.search(s.summary) for s in discharge
        ):
            return flag(
                ind,
                "medium",
                [e],
                f"Discharged by {agency_name(e.agency)} on {when(e.day)} after not being brought "
                "to appointments.",
            )
    return None


def _nfa(e: Entry, t: IndicatorThresholds) -> bool:
    return any(
        s.own
        and s.agency in t.social_care_agencies
        and (
            s.event_type in ("REFERRAL_NFA", "ASSESSMENT_NFA")
            or (s.event_type in ("REFERRAL", "ASSESSMENT") and s.outcome.upper() == "NFA")
        )
        for s in e.sources
    )


def repeat_referral(v: View, t: IndicatorThresholds) -> Flag | None:
    ind = INDICATORS["REPEAT_REFERRAL"]
    referrals = v.own(["REFERRAL", "REFERRAL_NFA"], t.social_care_agencies)
    return repeated(
        ind,
        "medium",
        referrals,
        (t.repeat_referrals, t.year_days),
        "referral",
        "{hits} to children's social care {span}, each within {months} of the one before "
        "(a re-referral).",
    ) or repeated(
        ind,
        "medium",
        [e for e in v.entries if _nfa(e, t)],
        (t.nfa_outcomes, t.two_years_days),
        ("referral or assessment", "referrals or assessments"),
        "{hits} ended in no further action {span}: each started again ({count} in {months}).",
    )


def missing_repeat(v: View, t: IndicatorThresholds) -> Flag | None:
    return repeated(
        INDICATORS["MISSING_REPEAT"],
        "high",
        v.own(["MISSING_EPISODE"]),
        (t.missing_episodes, t.year_days),
        "missing episode",
        "{hits} {span} ({count} in {months}).",
    )


def self_harm(v: View, t: IndicatorThresholds) -> Flag | None:
    found = v.own(["SELF_HARM"])
    if not found:
        return None
    repeated = windows(found, t.self_harm_high, t.year_days)
    severity = "high" if repeated else "medium"
    tail = f" ({t.self_harm_high} or more in {months(t.year_days)})" if repeated else ""
    return flag(
        INDICATORS["SELF_HARM"],
        severity,
        found,
        f"{count_words(len(found), 'self-harm presentation')}, the latest on "
        f"{when(found[-1].day)}{tail}.",
    )


def education_disruption(v: View, t: IndicatorThresholds) -> Flag | None:
    ind = INDICATORS["EDUCATION_DISRUPTION"]
    for types, words, severity in (
        (["PERMANENT_EXCLUSION"], "Permanently excluded", "high"),
        (["CHILD_MISSING_EDUCATION"], "Recorded as missing education", "high"),
        (["ATTENDANCE_CONCERN"], "Persistent absence recorded", "medium"),
    ):
        found = v.own(types)
        if found:
            return flag(ind, severity, found, f"{words} on {when(found[0].day)}.")
    suspended = repeated(
        ind,
        "medium",
        v.own(["SUSPENSION"]),
        (t.suspensions, t.year_days),
        "suspension",
        "{hits} from school {span} ({count} in {months}).",
    )
    if suspended:
        return suspended
    worries = v.own(["SUSPENSION", "ATTENDANCE_CONCERN", "PERMANENT_EXCLUSION"]) + [
        e for e in v.own(["CONCERN"], ["SCHOOL"])
    ]
    for ehe in v.own(["ELECTIVE_HOME_EDUCATION"]):
        before = [w for w in worries if 0 <= (ehe.day - w.day).days <= t.year_days]
        if before:
            return flag(
                ind,
                "medium",
                [*before, ehe],
                f"Moved to home education on {when(ehe.day)}, "
                f"{(ehe.day - before[-1].day).days} days after a school concern.",
            )
    return None


def exploitation_risk(v: View, t: IndicatorThresholds) -> Flag | None:
    def aged(day: dt.date) -> bool:
        age = v.age_on(day)
        return age is not None and t.exploitation_min_age <= age <= t.exploitation_max_age

    signals = [e for e in v.own(SIGNALS) if aged(e.day)]
    hits = windows(signals, t.exploitation_signals, t.year_days)
    if not hits:
        return None
    kinds = sorted(
        {
            SIGNALS[s.event_type]
            for e in hits
            for s in e.sources
            if s.own and s.event_type in SIGNALS
        }
    )
    return flag(
        INDICATORS["EXPLOITATION_RISK"],
        "high",
        hits,
        f"{count_words(len(hits), 'sign')} of exploitation risk {span(hits)} while aged "
        f"{t.exploitation_min_age} to {t.exploitation_max_age}: {', '.join(kinds)} "
        f"({t.exploitation_signals} in {months(t.year_days)}).",
    )


def ace_evidence(v: View, t: IndicatorThresholds) -> dict[str, list[Entry]]:
    """Each ACE category evidenced, with the entries that evidence it (worked out once)."""
    key = ("ace", t.household_ace_counts)
    if key not in v.cache:
        v.cache[key] = _ace_evidence(v, t)
    found: dict[str, list[Entry]] = v.cache[key]
    return found


def _ace_evidence(v: View, t: IndicatorThresholds) -> dict[str, list[Entry]]:
    found: dict[str, list[Entry]] = {}
    for e in v.entries:
        for s in e.sources:
            category = None
            if s.own and s.event_type in ACE_OWN:
                category = ACE_OWN[s.event_type]
            elif s.own and s.event_type == "CP_PLAN_START":
                text = s.summary.lower()
                for phrase, name in ACE_PLAN.items():
                    if phrase in text:
                        found.setdefault(name, []).append(e)
            elif e.household and t.household_ace_counts and s.event_type in ACE_HOUSEHOLD:
                category = ACE_HOUSEHOLD[s.event_type]
            if category:
                found.setdefault(category, []).append(e)
    return {c: list({id(e): e for e in es}.values()) for c, es in found.items()}


def ace_profile(v: View, t: IndicatorThresholds) -> Flag | None:
    found = ace_evidence(v, t)
    if len(found) < t.ace_categories:
        return None
    return flag(
        INDICATORS["ACE_PROFILE"],
        "medium",
        [e for es in found.values() for e in es],
        f"{len(found)} adverse childhood experiences evidenced: {', '.join(sorted(found))} "
        f"({t.ace_categories} or more is linked with markedly poorer outcomes).",
    )


def unconnected_concerns(v: View, t: IndicatorThresholds) -> Flag | None:
    concerns = [
        (e.day, s.agency, e)
        for e in v.entries
        for s in e.sources
        if s.own and s.event_type in CONCERNS
    ]
    plans = [(s.start, s.end) for s in v.spells()] + [
        (e.day, e.day + dt.timedelta(days=t.marac_open_days)) for e in v.own(["MARAC_REFERRAL"])
    ]
    for day, _, _ in sorted(concerns, key=lambda c: c[0]):
        end = day + dt.timedelta(days=t.year_days)
        inside = [c for c in concerns if day <= c[0] <= end]
        agencies = sorted({a for _, a, _ in inside})
        if len(agencies) < t.unconnected_agencies:
            continue
        if any(start <= end and stop >= day for start, stop in plans):
            continue
        entries = [e for _, _, e in inside]
        names = ", ".join(agency_name(a) for a in agencies)
        return flag(
            INDICATORS["UNCONNECTED_CONCERNS"],
            "high",
            entries,
            f"Concerns from {len(agencies)} agencies ({names}) {span(entries)} while no "
            "multi-agency plan (child in need, child protection, early help or Marac) was open.",
        )
    return None


def closed_then_escalated(v: View, t: IndicatorThresholds) -> Flag | None:
    closures = v.own(CLOSURES)
    high = v.own(HIGH)
    for c in closures:
        for h in high:
            gap = (h.day - c.day).days
            if 0 < gap <= t.closed_escalation_days:
                what = next(s for s in c.sources if s.own and s.event_type in CLOSURES)
                event = next(s for s in h.sources if s.own and s.event_type in HIGH)
                return flag(
                    INDICATORS["CLOSED_THEN_ESCALATED"],
                    "high",
                    [c, h],
                    f"{_closure_words(what.event_type, what.agency)} on {when(c.day)}; "
                    f"{event_label(event.event_type).lower()} recorded {gap} days later "
                    f"(within {months(t.closed_escalation_days)}).",
                )
    return None


def needs_not_met(v: View, t: IndicatorThresholds) -> Flag | None:
    return _needs_not_met(INDICATORS["NEEDS_NOT_MET"], v, t)


def _closure_words(event_type: str, agency: str) -> str:
    return {
        "CASE_CLOSED": f"Case closed by {agency_name(agency)}",
        "CIN_PLAN_END": "Child in need plan ended",
        "CP_PLAN_END": "Child protection plan ended",
        "EARLY_HELP_END": "Early help ended",
        "LOOKED_AFTER_END": "Ceased to be looked after",
        "CAMHS_DISCHARGE": "Discharged from CAMHS",
    }.get(event_type, "Closed")


INDICATORS: Final[dict[str, Indicator]] = {
    ind.code: ind
    for ind in (
        Indicator(
            "DA_ESCALATION",
            "Escalating domestic abuse",
            "SafeLives Marac 'potential escalation' criterion",
            da_escalation,
        ),
        Indicator(
            "CHILD_DA_VICTIM",
            "Child affected by domestic abuse",
            "Domestic Abuse Act 2021 s3",
            child_da_victim,
        ),
        Indicator(
            "MARAC_CRITERIA",
            "Meets Marac criteria",
            "SafeLives Dash RIC and repeat-Marac definitions",
            marac_criteria,
        ),
        Indicator(
            "WAS_NOT_BROUGHT",
            "Not brought to health appointments",
            "RCGP and local 'Was Not Brought' policies",
            was_not_brought,
        ),
        Indicator(
            "REPEAT_REFERRAL",
            "Repeat referrals ('start again')",
            "DfE re-referral measure; Brandon et al. 2008",
            repeat_referral,
        ),
        Indicator(
            "MISSING_REPEAT",
            "Repeatedly missing",
            "Statutory guidance on children who run away or go missing",
            missing_repeat,
        ),
        Indicator("SELF_HARM", "Self-harm", "NICE NG225", self_harm),
        Indicator(
            "EDUCATION_DISRUPTION",
            "Education disrupted",
            "DfE attendance and exclusion guidance",
            education_disruption,
        ),
        Indicator(
            "EXPLOITATION_RISK",
            "Signs of exploitation risk",
            "Child exploitation guidance",
            exploitation_risk,
        ),
        Indicator(
            "ACE_PROFILE",
            "Several adverse childhood experiences",
            "Felitti et al. 1998 and later ACE studies",
            ace_profile,
        ),
        Indicator(
            "UNCONNECTED_CONCERNS",
            "Concerns from several agencies, no joint plan",
            "The partnership's 'start again' and joint-working findings",
            unconnected_concerns,
        ),
        Indicator(
            "CLOSED_THEN_ESCALATED",
            "Closed, then escalated",
            "Drift and premature closure findings in reviews",
            closed_then_escalated,
        ),
        Indicator(
            "NEEDS_NOT_MET",
            "A recorded need not shown as met",
            "NHS Accessible Information Standard (DAPB1605): meet the need at every contact",
            needs_not_met,
        ),
    )
}

SEVERITY_ORDER: Final = {"high": 0, "medium": 1, "low": 2}


def flag_title(code: str) -> str:
    """A flag's title in words, by its code (the code itself for one this version lacks)."""
    found = INDICATORS.get(code)
    return found.title if found else code


def raise_flags(v: View, t: IndicatorThresholds) -> list[Flag]:
    """Every flag the entries raise, most serious first."""
    flags = [f for ind in INDICATORS.values() if (f := ind.rule(v, t)) is not None]
    return sorted(flags, key=lambda f: (SEVERITY_ORDER.get(f.severity, 9), f.first, f.code))
