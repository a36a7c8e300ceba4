"""The indicators of ../shared/spec/indicators.md, each a small pure function.

Every rule reads a :class:`View` of one child's entries and returns a
:class:`~wholestory.chronology.model.Flag` or None. Thresholds come from
:class:`Thresholds` (``indicators.yaml`` beside this file, or the file named by
``WHOLESTORY_INDICATORS``), and each explanation quotes the threshold in force,
so a flag reads the same as the rule that raised it.

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
import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, fields
from importlib import resources
from pathlib import Path
from typing import Any, Final

import yaml

from wholestory.chronology.display import age_on, show_date
from wholestory.chronology.model import Entry, Flag, Source


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Every number an indicator uses. Defaults are those of indicators.md."""

    year_days: int = 365
    half_year_days: int = 183
    two_years_days: int = 730
    da_escalation_incidents: int = 3
    household_da_counts: bool = True
    marac_dash_yes: int = 14
    missed_appointments: int = 2
    repeat_referrals: int = 2
    nfa_outcomes: int = 3
    missing_episodes: int = 3
    self_harm_high: int = 2
    suspensions: int = 2
    exploitation_signals: int = 2
    exploitation_min_age: int = 10
    exploitation_max_age: int = 17
    ace_categories: int = 4
    household_ace_counts: bool = True
    unconnected_agencies: int = 3
    marac_open_days: int = 365
    closed_escalation_days: int = 183
    child_age_limit: int = 18
    health_agencies: tuple[str, ...] = (
        "GP", "HEALTH_VISITING", "SCHOOL_NURSING", "ED", "CAMHS", "ADULT_MH", "MIDWIFERY",
        "COMMUNITY_PAEDIATRICS", "HOSPITAL",
    )  # fmt: skip
    social_care_agencies: tuple[str, ...] = ("CSC",)

    @classmethod
    def load(cls, path: Path | None = None) -> Thresholds:
        """The thresholds in ``path``, ``WHOLESTORY_INDICATORS``, or the packaged defaults."""
        chosen = path or (Path(p) if (p := os.environ.get("WHOLESTORY_INDICATORS")) else None)
        if chosen is None:
            text = resources.files("wholestory.chronology").joinpath("indicators.yaml").read_text()
            origin = "the packaged indicators.yaml"
        else:
            origin = str(chosen)
            try:
                text = chosen.read_text(encoding="utf-8")
            except OSError as error:
                raise ValueError(f"{origin} cannot be read ({error.strerror or error})") from None
        try:
            values = yaml.safe_load(text) or {}
        except yaml.YAMLError as error:
            raise ValueError(f"{origin} is not valid YAML: {error}") from None
        if not isinstance(values, dict):
            raise ValueError(f"{origin} must hold settings as 'name: value' lines")
        return cls.from_mapping(values, origin)

    @classmethod
    def from_mapping(cls, values: dict[str, Any], origin: str = "settings") -> Thresholds:
        """Thresholds from a mapping; an unknown or mistyped key is a clear error."""
        known = {f.name: f for f in fields(cls)}
        unknown = sorted(set(values) - set(known))
        if unknown:
            raise ValueError(f"{origin}: unknown indicator setting(s): {', '.join(unknown)}")
        clean: dict[str, Any] = {}
        for name, value in values.items():
            default = getattr(cls(), name)
            if isinstance(default, tuple):
                if not isinstance(value, list):
                    raise ValueError(f"{origin}: {name} must be a list of agency codes")
                clean[name] = tuple(str(v).upper() for v in value)
            elif isinstance(default, bool):
                if not isinstance(value, bool):
                    raise ValueError(f"{origin}: {name} must be true or false")
                clean[name] = value
            else:
                if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                    raise ValueError(f"{origin}: {name} must be a whole number, 0 or more")
                clean[name] = value
        return cls(**clean)


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
_DASH: Final = re.compile(r"(\d+)\s+(?:of\s+27\s+)?(?:questions\s+)?answered\s+yes", re.I)
DNA_WORDS: Final = re.compile(
    r"\b(dna|did not attend|not brought|non-attendance|not attending)\b", re.I
)


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
        self, entries: Sequence[Entry], date_of_birth: dt.date | None, as_of: dt.date
    ) -> None:
        self.entries = list(entries)
        self.date_of_birth = date_of_birth
        self.as_of = as_of
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

    def da_incidents(self, t: Thresholds) -> list[Entry]:
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


Rule = Callable[[View, Thresholds], "Flag | None"]


@dataclass(frozen=True, slots=True)
class Indicator:
    """One code of indicators.md: its title, grounding and rule."""

    code: str
    title: str
    grounding: str
    rule: Rule


# Helpers the rules share


def windows(entries: Sequence[Entry], k: int, days: int) -> list[Entry]:
    """Every entry in some run of ``k`` entries whose first and last are ``days`` apart at most."""
    ordered = sorted({id(e): e for e in entries}.values(), key=lambda e: e.day)
    if k <= 0:
        return ordered
    hit: dict[int, Entry] = {}
    for i in range(len(ordered) - k + 1):
        if (ordered[i + k - 1].day - ordered[i].day).days <= days:
            for e in ordered[i : i + k]:
                hit[id(e)] = e
    return sorted(hit.values(), key=lambda e: e.day)


def months(days: int) -> str:
    """``365`` → ``12 months``; ``183`` → ``6 months``; ``730`` → ``24 months``."""
    n = round(days / 30.44)
    return f"{n} month{'s' if n != 1 else ''}"


def when(day: dt.date) -> str:
    """A day as people write it: ``3 Mar 2012`` (as every output shows dates)."""
    return show_date(day)


def span(entries: Sequence[Entry]) -> str:
    """``between Jan 2012 and Nov 2012``, or ``on 3 Mar 2012`` for one day."""
    first, last = min(e.day for e in entries), max(e.day for e in entries)
    if first == last:
        return f"on {when(first)}"
    if (first.year, first.month) == (last.year, last.month):
        return f"in {first:%b %Y}"
    return f"between {first:%b %Y} and {last:%b %Y}"


def flag(ind: Indicator, severity: str, evidence: Sequence[Entry], explanation: str) -> Flag:
    """A flag with its evidence: the entries and every record behind them."""
    ordered = sorted({id(e): e for e in evidence}.values(), key=lambda e: e.day)
    records = dict.fromkeys((s.agency, s.record_id) for e in ordered for s in _raised_by(e))
    return Flag(
        code=ind.code,
        title=ind.title,
        severity=severity,
        first=ordered[0].day,
        last=ordered[-1].day,
        explanation=explanation,
        entries=tuple(e.id for e in ordered),
        evidence=tuple(records),
        grounding=ind.grounding,
    )


def _raised_by(entry: Entry) -> list[Source]:
    """The records of an entry a flag rests on: the child's own (and the victim's DASH).

    Other people's rows of the same event (a sibling's copy of a referral) are
    in the entry for the reader, but are not evidence about this child.
    """
    chosen = [s for s in entry.sources if s.own or s.event_type == "DASH_ASSESSMENT"]
    return chosen or entry.sources


def dash_yes(text: str) -> int:
    """The number of "yes" answers a DASH summary records (0 when it says none)."""
    found = _DASH.search(text)
    return int(found.group(1)) if found else 0


def people_in(entry: Entry, role: str) -> set[str]:
    """Who had ``role`` (VICTIM, SUSPECT) in an entry: by WholeStory id, and by name.

    The name counts too because one agency may hold too little about a person
    to link them safely (a domestic abuse service often records a perpetrator
    by name alone); within one child's story, the same full name in the same
    role is the same person for this purpose.
    """
    found = {i.person for i in entry.involved if i.role == role}
    found |= {"name:" + _plain(i.name) for i in entry.involved if i.role == role and i.name}
    found |= {"self" for s in entry.sources if s.own and s.role == role}
    return found


def _plain(name: str) -> str:
    return " ".join(re.sub(r"[^a-z ]", "", name.lower()).split())
