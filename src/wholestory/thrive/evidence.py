"""The Current View's complexity factors that the records evidence, proposed for the
practitioner to confirm (issue 16, item 2).

Seven of the fourteen factors are things agencies already record. WholeStory proposes
each it finds, with the chronology's entries that show it; the practitioner confirms or
corrects it, and the Current View keeps which proposals were confirmed
(``CurrentView.confirmed``). Nothing is ever filled in silently: this module only reads.

What evidences each factor, on or before the day of the Current View (``as_of``):

* **Child in need, current protection plan, looked after**: the plan open that day, by
  the rule the allocations use (``engagement.leads``): a start of the child's own
  (CIN_PLAN_START, CP_PLAN_START, LOOKED_AFTER_START) that no end of the same plan, nor a
  CASE_CLOSED, at the same agency for the same agency person has followed by then.
  ``leads.open_start_sql`` asks whether a plan is open *now*; a Current View is read as of
  its own day, so the same rule is asked of the day here, from leads' own plan names.
* **Youth justice contact**: any record of the child's at the youth justice service, or
  the child's own arrest, offence as a suspect, custody or release (not one where the
  child was a victim, a witness or present).
* **Abuse or neglect**: a child protection plan of the child's, open or ended (a plan is
  made under a category of neglect or physical, emotional or sexual abuse, *Working
  Together*), and the domestic abuse incidents that the ``CHILD_DA_VICTIM`` indicator
  counts (a child who sees, hears or experiences domestic abuse is a victim in their own
  right, Domestic Abuse Act 2021 s3). An enquiry (S47) alone is not evidence: it asks
  whether there was harm.
* **Parental health issues**: a parent's mental health or substance misuse
  (PARENT_MENTAL_HEALTH, PARENT_SUBSTANCE_MISUSE) in the child's records or a household
  member's.
* **Young carer**: the template has no code for it, so a record of the child's whose
  summary, action or outcome says "young carer". The practitioner reads the entry.

The other seven (learning disability, serious physical health issues, pervasive
developmental disorders, neurological issues, refugee or asylum seeker, war, torture or
trafficking, financial difficulty) the records do not say reliably, so none is proposed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Final

from wholestory.chronology.building import build_entries, describe_person
from wholestory.chronology.display import parse_iso
from wholestory.chronology.material import Material, load_material
from wholestory.chronology.model import Entry, Source
from wholestory.chronology.thresholds import IndicatorThresholds
from wholestory.chronology.view import View
from wholestory.engagement.leads import CASE_CLOSED, PLANS
from wholestory.store.connection import Store
from wholestory.thrive.vocabulary import COMPLEXITY

YOUTH_JUSTICE: Final = "YOUTH_JUSTICE"
#: The child's own records of these types are contact with youth justice...
YOUTH_JUSTICE_TYPES: Final = frozenset({"ARREST", "OFFENCE_SUSPECT", "CUSTODY", "RELEASE"})
#: ...unless the child's part in them is one of these.
NOT_THE_CHILDS_OFFENCE: Final = frozenset({"VICTIM", "WITNESS", "PRESENT"})
PARENTAL_HEALTH_TYPES: Final = ("PARENT_MENTAL_HEALTH", "PARENT_SUBSTANCE_MISUSE")
YOUNG_CARER_WORDS: Final = re.compile(r"\byoung[\s-]+carers?\b", re.IGNORECASE)

#: What evidences each factor, in words for the practitioner beside the proposal.
EVIDENCED: Final[dict[str, str]] = {
    "looked_after": "Looked after on the day, in the records.",
    "young_carer": "A record of the child's says they are a young carer.",
    "protection_plan": "A child protection plan open on the day, in the records.",
    "child_in_need": "A child in need plan open on the day, in the records.",
    "abuse_neglect": (
        "A child protection plan, or domestic abuse the child saw, heard or lived with."
    ),
    "parental_health": "A parent's mental health or substance misuse, in the records.",
    "youth_justice": "The child's own contact with the police or youth justice as a suspect.",
}

Rule = Callable[[View, IndicatorThresholds], list[Entry]]


def evidenced_factors(
    store: Store, person: str, as_of: dt.date, thresholds: IndicatorThresholds | None = None
) -> dict[str, list[Entry]]:
    """The complexity factors the records of ``person`` (a WholeStory id, or an unlinked
    ``AGENCY:PERSON_ID``) evidence on ``as_of``, each with its entries, oldest first; in
    the tool's order, and only those with evidence."""
    return factors_in(load_material(store, person), as_of, thresholds)


def factors_in(
    material: Material, as_of: dt.date, thresholds: IndicatorThresholds | None = None
) -> dict[str, list[Entry]]:
    """:func:`evidenced_factors` from a person's material (what the chronology is built of)."""
    subject = describe_person(material)
    born = dt.date.fromisoformat(subject.date_of_birth) if subject.date_of_birth else None
    died = dt.date.fromisoformat(subject.date_of_death) if subject.date_of_death else None
    entries, _ = build_entries(material, born, died)
    view = View([e for e in entries if e.day <= as_of], born, as_of)
    t = thresholds or IndicatorThresholds.current()
    found = {code: _in_order(rule(view, t)) for code, rule in RULES.items()}
    return {code: found[code] for code in COMPLEXITY if found.get(code)}


def confirmed(complexity: Mapping[str, str], proposed: Iterable[str]) -> tuple[str, ...]:
    """The proposed factors the practitioner answered "yes" (``complexity`` is the Current
    View's answers): what ``CurrentView.confirmed`` keeps, in the tool's order."""
    wanted = set(proposed)
    return tuple(c for c in COMPLEXITY if c in wanted and complexity.get(c) == "yes")


def as_dict(found: Mapping[str, list[Entry]]) -> dict[str, dict[str, Any]]:
    """For JSON: each factor's words, what evidences it, and its entries in brief."""
    return {
        code: {
            "factor": COMPLEXITY[code],
            "evidenced_by": EVIDENCED[code],
            "entries": [
                {"id": e.id, "date": e.date, "agency": e.agency, "summary": e.summary}
                for e in entries
            ],
        }
        for code, entries in found.items()
    }


def _in_order(entries: Iterable[Entry]) -> list[Entry]:
    """Each entry once, as the chronology orders them."""
    return sorted({e.id: e for e in entries}.values(), key=lambda e: (e.day, e.agency, e.id))


def _day(source: Source) -> dt.date:
    return parse_iso(source.date) or dt.date.min


def _open_plan(plan: str) -> Rule:
    """The rule for a plan open on the view's day (the allocations' rule, see the module)."""
    start, end = PLANS[plan]

    def rule(v: View, _: IndicatorThresholds) -> list[Entry]:
        closes = [
            (s.agency, s.person_id, _day(s))
            for e in v.entries
            for s in e.sources
            if s.own and s.event_type in (end, CASE_CLOSED) and _day(s) <= v.as_of
        ]
        return [
            e
            for e in v.entries
            for s in e.sources
            if s.own and s.event_type == start and _day(s) <= v.as_of
            if not any(
                (agency, person_id) == (s.agency, s.person_id) and day >= _day(s)
                for agency, person_id, day in closes
            )
        ]

    return rule


def _youth_justice(v: View, _: IndicatorThresholds) -> list[Entry]:
    return [
        e
        for e in v.entries
        if any(
            s.own
            and (
                s.agency == YOUTH_JUSTICE
                or (s.event_type in YOUTH_JUSTICE_TYPES and s.role not in NOT_THE_CHILDS_OFFENCE)
            )
            for s in e.sources
        )
    ]


def _abuse_neglect(v: View, t: IndicatorThresholds) -> list[Entry]:
    return [*v.own([PLANS["CP_PLAN"][0]]), *v.da_incidents(t)]


def _parental_health(v: View, _: IndicatorThresholds) -> list[Entry]:
    return [e for e in v.entries if e.has(*PARENTAL_HEALTH_TYPES)]


def _young_carer(v: View, _: IndicatorThresholds) -> list[Entry]:
    return [
        e
        for e in v.entries
        if any(
            s.own and YOUNG_CARER_WORDS.search(f"{s.summary} {s.action} {s.outcome}")
            for s in e.sources
        )
    ]


#: How each factor the records can show is found.
RULES: Final[dict[str, Rule]] = {
    "looked_after": _open_plan("LOOKED_AFTER"),
    "young_carer": _young_carer,
    "protection_plan": _open_plan("CP_PLAN"),
    "child_in_need": _open_plan("CIN_PLAN"),
    "abuse_neglect": _abuse_neglect,
    "parental_health": _parental_health,
    "youth_justice": _youth_justice,
}
