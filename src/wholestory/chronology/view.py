"""What the indicator rules read: one child's entries as a :class:`View`, and the
event types each rule counts.

How the rules read the entries:

* Counts are of *entries*, not records: the police incident, the school's
  Encompass notice and the referral it triggered are one entry, counted once.
* A rule about the child counts entries holding one of the child's own records
  of the type (the police list a child at an incident as PRESENT). The DASH
  checklist is the victim's record of an incident the child was in, so it
  counts through the shared entry. Household members' records count where
  the specification says so: domestic abuse while living with the child
  (``household_da_counts``) and the household's adversities for ACEs
  (``household_ace_counts``).
* "Within 12 months" means the first and last are at most ``year_days`` apart.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Final

from wholestory.chronology.display import age_on
from wholestory.chronology.model import Entry
from wholestory.chronology.rows import RecordedNeed
from wholestory.chronology.thresholds import IndicatorThresholds

# What the rules count

#: Events that show an agency was worried (UNCONNECTED_CONCERNS).
CONCERNS: Final = frozenset(
    {"DA_INCIDENT", "DASH_ASSESSMENT", "MARAC_REFERRAL", "DA_SERVICE_CONTACT",
     "ENCOMPASS_NOTIFICATION", "REFERRAL", "REFERRAL_NFA", "STRATEGY_DISCUSSION",
     "S47_ENQUIRY", "APPOINTMENT_MISSED", "INJURY", "SELF_HARM", "SUBSTANCE_MISUSE",
     "CAMHS_REFERRAL", "SUSPENSION", "PERMANENT_EXCLUSION", "ATTENDANCE_CONCERN",
     "CHILD_MISSING_EDUCATION", "MISSING_EPISODE", "ARREST", "OFFENCE_VICTIM",
     "OFFENCE_SUSPECT", "EXPLOITATION_CONCERN", "HOMELESSNESS", "EVICTION",
     "PARENT_MENTAL_HEALTH", "PARENT_SUBSTANCE_MISUSE", "PARENT_IMPRISONMENT", "CONCERN"}
)  # fmt: skip
#: A plan or a case closed (CLOSED_THEN_ESCALATED).
CLOSURES: Final = frozenset(
    {"CASE_CLOSED", "CIN_PLAN_END", "CP_PLAN_END", "EARLY_HELP_END", "LOOKED_AFTER_END",
     "CAMHS_DISCHARGE"}
)  # fmt: skip
#: High-severity events (CLOSED_THEN_ESCALATED).
HIGH: Final = frozenset(
    {"DA_INCIDENT", "MARAC_REFERRAL", "STRATEGY_DISCUSSION", "S47_ENQUIRY", "CP_PLAN_START",
     "LOOKED_AFTER_START", "SELF_HARM", "INJURY", "MISSING_EPISODE", "ARREST",
     "EXPLOITATION_CONCERN", "PERMANENT_EXCLUSION", "CUSTODY"}
)  # fmt: skip
#: Signs of exploitation risk, and the plain word for each.
SIGNALS: Final[dict[str, str]] = {
    "MISSING_EPISODE": "missing episode",
    "ARREST": "arrest",
    "OFFENCE_SUSPECT": "offence as suspect",
    "SUSPENSION": "suspension",
    "PERMANENT_EXCLUSION": "exclusion",
    "EXPLOITATION_CONCERN": "exploitation concern",
    "SUBSTANCE_MISUSE": "substance misuse",
}
#: Plans that connect agencies' concerns: (start, end, what it is called).
PLANS: Final = (
    ("CIN_PLAN_START", "CIN_PLAN_END", "Child in need plan"),
    ("CP_PLAN_START", "CP_PLAN_END", "Child protection plan"),
    ("EARLY_HELP_START", "EARLY_HELP_END", "Early help plan"),
)
LOOKED_AFTER: Final = ("LOOKED_AFTER_START", "LOOKED_AFTER_END", "Looked after")
#: The child's own records that evidence an ACE category.
ACE_OWN: Final[dict[str, str]] = {
    "DA_INCIDENT": "domestic abuse in the household",
    "PARENT_SUBSTANCE_MISUSE": "household substance misuse",
    "PARENT_MENTAL_HEALTH": "household mental illness",
    "PARENT_IMPRISONMENT": "household member in prison",
    "PARENT_SEPARATION": "parental separation",
}
#: A household adult's own records that evidence an ACE category.
ACE_HOUSEHOLD: Final[dict[str, str]] = {
    "DA_INCIDENT": "domestic abuse in the household",
    "SUBSTANCE_MISUSE": "household substance misuse",
    "PARENT_SUBSTANCE_MISUSE": "household substance misuse",
    "MENTAL_HEALTH_CONTACT": "household mental illness",
    "PARENT_MENTAL_HEALTH": "household mental illness",
    "CUSTODY": "household member in prison",
    "PARENT_IMPRISONMENT": "household member in prison",
    "PARENT_SEPARATION": "parental separation",
}
#: Categories of a child protection plan (its start record names one) as ACEs.
ACE_PLAN: Final[dict[str, str]] = {
    "neglect": "neglect",
    "physical abuse": "physical abuse",
    "emotional abuse": "emotional abuse",
    "sexual abuse": "sexual abuse",
}


@dataclass(frozen=True, slots=True)
class Spell:
    """A plan from its start to its end (or the as-of date while still open)."""

    kind: str
    start: dt.date
    end: dt.date
    open: bool
    start_entry: Entry
    end_entry: Entry | None


class View:
    """One child's entries, with the questions every rule asks of them."""

    def __init__(
        self,
        entries: Sequence[Entry],
        date_of_birth: dt.date | None,
        as_of: dt.date,
        needs: Sequence[RecordedNeed] = (),
    ) -> None:
        self.entries = list(entries)
        self.date_of_birth = date_of_birth
        self.as_of = as_of
        #: Needs recorded of the child and of those who took part in their events.
        self.needs = tuple(needs)
        # The child's own records by type, with the position of their entry: rules ask
        # "which entries hold an own record of these types" dozens of times.
        self._own: dict[str, list[tuple[int, str]]] = {}
        for i, e in enumerate(self.entries):
            for s in e.sources:
                if s.own:
                    self._own.setdefault(s.event_type, []).append((i, s.agency))
        self._spells: dict[tuple[tuple[str, str, str], ...], list[Spell]] = {}
        #: What rules and the summary both need, worked out once (ACE evidence).
        self.cache: dict[Any, Any] = {}

    def own(self, types: Iterable[str], agencies: Iterable[str] | None = None) -> list[Entry]:
        """Entries holding one of the child's own records of ``types`` (at ``agencies``)."""
        where = None if agencies is None else frozenset(agencies)
        found = {
            i
            for t in set(types)
            for i, agency in self._own.get(t, ())
            if where is None or agency in where
        }
        return [self.entries[i] for i in sorted(found)]

    def household(self, types: Iterable[str]) -> list[Entry]:
        """Household entries (a member's record, the child not in it) of ``types``."""
        wanted = frozenset(types)
        return [e for e in self.entries if e.household and wanted & set(e.event_types)]

    def da_incidents(self, t: IndicatorThresholds) -> list[Entry]:
        """Domestic abuse incidents the child was in, or (if counted) the household's."""
        found = self.own(["DA_INCIDENT"])
        if t.household_da_counts:
            found = sorted(
                {id(e): e for e in found + self.household(["DA_INCIDENT"])}.values(),
                key=lambda e: e.day,
            )
        return found

    def spells(self, plans: Iterable[tuple[str, str, str]] = PLANS) -> list[Spell]:
        """Each plan of the child's own records, paired start to end (worked out once)."""
        key = tuple(plans)
        if key not in self._spells:
            self._spells[key] = self._pair_spells(key)
        return self._spells[key]

    def _pair_spells(self, plans: Iterable[tuple[str, str, str]]) -> list[Spell]:
        found: list[Spell] = []
        for start_type, end_type, kind in plans:
            ends = self.own([end_type])
            for start in self.own([start_type]):
                end = next((e for e in ends if e.day >= start.day), None)
                if end is not None:
                    ends.remove(end)
                found.append(
                    Spell(
                        kind,
                        start.day,
                        end.day if end else self.as_of,
                        end is None,
                        start,
                        end,
                    )
                )
        return sorted(found, key=lambda s: s.start)

    def age_on(self, day: dt.date) -> int | None:
        """Whole years of age on ``day`` (None when the date of birth is not known)."""
        return None if self.date_of_birth is None else age_on(self.date_of_birth, day)
