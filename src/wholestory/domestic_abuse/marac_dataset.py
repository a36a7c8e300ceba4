"""The SafeLives Marac dataset for a quarter: meeting-level counts, no individual's data.

A *case* is a victim heard at a Marac meeting. Cases come from two places, merged
by victim and day: meetings built here (``ws_marac_case``), and the ``MARAC_MEETING``
records agencies send (a partnership whose coordinator keeps another system). Each
case's referral is the victim's latest Marac referral on or before the meeting (a
record or a case here); it says who referred, and whether the case is a repeat (a
referral within 12 months of the last, as SafeLives counts).

The measures are those in ``shared/spec/domestic-abuse.md``. Cases per 10,000 adult
women are counted over the 12 months to the quarter's end, as the published figure
is, over the partnership's population setting (:func:`.figures.adult_females`).
Ethnicity, sexuality and disability are not in the agency template, so those three
measures are reported as not recorded rather than guessed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any, Final

from wholestory.chronology.display import age_on, as_day
from wholestory.domestic_abuse.figures import RECOMMENDED_PER_10K, adult_females
from wholestory.domestic_abuse.marac import REFERRAL, Event, read_events
from wholestory.domestic_abuse.marac_meetings import REPEAT_DAYS, is_repeat
from wholestory.identity.household_reading import people_of
from wholestory.identity.people import births_of
from wholestory.records.keys import source_key
from wholestory.store.connection import Store

#: Published national figures (SafeLives, England and Wales, year to 30 September 2024).
NATIONAL: Final[dict[str, float]] = {
    "cases_per_10k": 47.0,
    "repeat_share": 0.31,
    "partner_agency_share": 0.361,
}
NATIONAL_PERIOD: Final = "England and Wales, year to 30 September 2024 (SafeLives)"
NOT_IN_TEMPLATE: Final = "not recorded: the agency template has no field for it"
#: The parts a household's child plays in a Marac meeting record.
_CHILD_ROLES: Final = ("HOUSEHOLD_MEMBER", "PRESENT", "WITNESS", "SIBLING")


class QuarterError(ValueError):
    """A quarter that is not YYYYQn."""


@dataclass(frozen=True, slots=True)
class HeardCase:
    """One victim heard at one meeting, with what the dataset counts of the case."""

    victim: str
    day: dt.date
    referred_by: str
    repeat: bool
    perpetrators: tuple[str, ...]
    children: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Dataset:
    """The quarter's measures, beside the national figures where they are published."""

    quarter: str
    start: dt.date
    end: dt.date
    meetings: int
    cases: int
    cases_same_quarter_last_year: int
    children: int
    repeats: int
    referred_by_partners: int
    referrers_known: int
    male_victims: int
    victims_16_17: int
    perpetrators_17_or_under: int
    cases_last_12_months: int
    adult_females: int | None
    by_agency: dict[str, int] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    @property
    def year_on_year(self) -> float | None:
        last = self.cases_same_quarter_last_year
        return None if not last else (self.cases - last) / last

    @property
    def cases_per_10k(self) -> float | None:
        if not self.adult_females:
            return None
        return self.cases_last_12_months * 10_000 / self.adult_females

    def share(self, count: int, of: int | None = None) -> float | None:
        total = self.cases if of is None else of
        return count / total if total else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "quarter": self.quarter,
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "meetings": self.meetings,
            "cases": self.cases,
            "cases_same_quarter_last_year": self.cases_same_quarter_last_year,
            "year_on_year_change": self.year_on_year,
            "children_in_households": self.children,
            "cases_last_12_months": self.cases_last_12_months,
            "adult_females": self.adult_females,
            "cases_per_10k_adult_females": self.cases_per_10k,
            "recommended_per_10k": RECOMMENDED_PER_10K,
            "repeat_cases": self.repeats,
            "repeat_share": self.share(self.repeats),
            "referred_by_partner_agencies": self.referred_by_partners,
            "partner_agency_share": self.share(self.referred_by_partners, self.referrers_known),
            "referrals_by_agency": dict(sorted(self.by_agency.items())),
            "male_victims": self.male_victims,
            "male_victim_share": self.share(self.male_victims),
            "victims_aged_16_17": self.victims_16_17,
            "victims_aged_16_17_share": self.share(self.victims_16_17),
            "perpetrators_aged_17_or_under": self.perpetrators_17_or_under,
            "black_asian_minoritised_share": NOT_IN_TEMPLATE,
            "lgbt_share": NOT_IN_TEMPLATE,
            "disabled_share": NOT_IN_TEMPLATE,
            "national": {**NATIONAL, "period": NATIONAL_PERIOD},
            "notes": list(self.notes),
        }


def quarter_days(quarter: str) -> tuple[dt.date, dt.date]:
    """The first and last day of ``2026Q3``."""
    match = re.fullmatch(r"(\d{4})Q([1-4])", quarter.strip().upper())
    if not match:
        raise QuarterError(f"{quarter!r} is not a quarter: write it as 2026Q3 (year, Q, 1 to 4)")
    year, q = int(match[1]), int(match[2])
    start = dt.date(year, 3 * q - 2, 1)
    end = dt.date(year + (q == 4), 1 if q == 4 else 3 * q + 1, 1) - dt.timedelta(days=1)
    return start, end


def marac_dataset(store: Store, quarter: str) -> Dataset:
    """The SafeLives dataset for ``quarter`` (``2026Q3``)."""
    start, end = quarter_days(quarter)
    every = heard_cases(store)
    cases = [c for c in every if start <= c.day <= end]
    last_start, last_end = quarter_days(f"{start.year - 1}Q{(start.month + 2) // 3}")
    days = {c.day for c in cases} | {
        as_day(r[0])
        for r in store.query(
            "SELECT held_on FROM ws_marac_meeting WHERE held_on >= ? AND held_on <= ?",
            [start.isoformat(), end.isoformat()],
        )
    }
    people = sorted({p for c in cases for p in (c.victim, *c.perpetrators)})
    born, sexes = births_of(store, people), _sexes(store, [c.victim for c in cases])
    known = [c for c in cases if c.referred_by]
    females, notes = adult_females()
    return Dataset(
        quarter=quarter.strip().upper(),
        start=start,
        end=end,
        meetings=len(days),
        cases=len(cases),
        cases_same_quarter_last_year=sum(last_start <= c.day <= last_end for c in every),
        children=sum(len(c.children) for c in cases),
        repeats=sum(c.repeat for c in cases),
        referred_by_partners=sum(c.referred_by != "POLICE" for c in known),
        referrers_known=len(known),
        male_victims=sum(sexes.get(c.victim) == "M" for c in cases),
        victims_16_17=sum(_aged(born, c.victim, c.day, 16, 17) for c in cases),
        perpetrators_17_or_under=len(
            {p for c in cases for p in c.perpetrators if _aged(born, p, c.day, 0, 17)}
        ),
        cases_last_12_months=sum(0 <= (end - c.day).days < REPEAT_DAYS for c in every),
        adult_females=females,
        by_agency=dict(Counter(c.referred_by or "not known" for c in cases)),
        notes=tuple(notes),
    )


def heard_cases(store: Store) -> list[HeardCase]:
    """Every victim heard at a meeting, from meetings here and agencies' records, oldest first."""
    events = read_events(store)
    referrals: dict[str, list[Event]] = defaultdict(list)
    for e in events:
        if e.kind == REFERRAL:
            for v in e.victims:
                referrals[v].append(e)
    found = {(c.victim, c.day): c for c in _recorded_meetings(store, referrals)}
    found |= {(c.victim, c.day): c for c in _meetings_here(store, referrals)}
    return sorted(found.values(), key=lambda c: (c.day, c.victim))


def _recorded_meetings(store: Store, referrals: dict[str, list[Event]]) -> list[HeardCase]:
    rows = store.query(
        "SELECT agency, event_id, record_id, person_id, role, event_date_start FROM ws_record "
        "WHERE event_type = 'MARAC_MEETING'"
    )
    keys = people_of(store, (source_key(str(r[0]), str(r[3])) for r in rows))
    events: dict[tuple[str, str], list[tuple[str, str, dt.date]]] = defaultdict(list)
    for agency, event, record, person, role, day in rows:
        who = keys[source_key(str(agency), str(person))]
        events[(str(agency), str(event or f"record:{record}"))].append(
            (who, str(role), as_day(day))
        )
    cases = []
    for parts in events.values():
        victims = {p for p, role, _ in parts if role in ("VICTIM", "SUBJECT")}
        children = tuple(sorted({p for p, role, _ in parts if role in _CHILD_ROLES}))
        for victim in sorted(victims):
            cases.append(_case(victim, parts[0][2], children, referrals.get(victim, [])))
    return cases


def _case(victim: str, day: dt.date, children: tuple[str, ...], refs: list[Event]) -> HeardCase:
    """A recorded meeting's case: its referral is the latest on or before the meeting."""
    before = [r for r in refs if r.day <= day]
    last = max(before, key=lambda r: r.day) if before else None
    return HeardCase(
        victim,
        day,
        last.agency if last else "",
        bool(last) and is_repeat([r.day for r in refs], last.day if last else day),
        tuple(sorted(last.suspects)) if last else (),
        children,
    )


def _meetings_here(store: Store, referrals: dict[str, list[Event]]) -> list[HeardCase]:
    rows = store.query(
        "SELECT c.id, c.victim, m.held_on, c.referred_by, c.repeat, c.source "
        "FROM ws_marac_case c JOIN ws_marac_meeting m ON m.id = c.meeting_id"
    )
    parts: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for case_id, person, part in store.query(
        "SELECT case_id, person, part FROM ws_marac_case_person"
    ):
        parts[str(case_id)][str(part)].append(str(person))
    found = []
    for case_id, victim, day, referred_by, repeat, _source in rows:
        mine = parts[str(case_id)]
        by = str(referred_by) or _referrer(referrals.get(str(victim), []), as_day(day))
        found.append(
            HeardCase(str(victim), as_day(day), by, bool(repeat),
                      tuple(mine["PERPETRATOR"]), tuple(mine["CHILD"]))
        )  # fmt: skip
    return found


def _referrer(refs: list[Event], day: dt.date) -> str:
    """Who referred a candidate the coordinator found: the latest referral record, if any."""
    before = [r for r in refs if r.day <= day]
    return max(before, key=lambda r: r.day).agency if before else ""


def _aged(born: dict[str, dt.date], person: str, day: dt.date, low: int, high: int) -> bool:
    return person in born and low <= age_on(born[person], day) <= high


def _sexes(store: Store, people: list[str]) -> dict[str, str]:
    """Each person's sex as most of their agencies record it."""
    if not people:
        return {}
    either, params = store.either_in(("ws_person_id", "key"), sorted(set(people)))
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for person, sex in store.query(
        f"SELECT COALESCE(ws_person_id, key), sex FROM ws_source_person WHERE {either} "
        "AND sex IS NOT NULL",
        params,
    ):
        votes[str(person)][str(sex).strip().upper()[:1]] += 1
    return {p: v.most_common(1)[0][0] for p, v in votes.items()}


def dataset_rows(data: Dataset) -> list[tuple[str, str, str]]:
    """The dataset as (measure, here, national) lines, in the words the CLI and page show."""

    def pct(value: float | None) -> str:
        return "not known" if value is None else f"{value:.1%}"

    per_10k = data.cases_per_10k
    return [
        ("Meetings", str(data.meetings), ""),
        ("Cases discussed", str(data.cases), ""),
        ("Change on the same quarter last year", pct(data.year_on_year), ""),
        ("Children in the households", str(data.children), ""),
        (
            "Cases per 10,000 adult women (12 months)",
            "not known" if per_10k is None else f"{per_10k:.1f}",
            f"{NATIONAL['cases_per_10k']:.0f} (recommended {RECOMMENDED_PER_10K})",
        ),
        ("Repeat cases", f"{data.repeats} ({pct(data.share(data.repeats))})",
         pct(NATIONAL["repeat_share"])),
        ("Referred by partner agencies (not the police)",
         f"{data.referred_by_partners} "
         f"({pct(data.share(data.referred_by_partners, data.referrers_known))})",
         pct(NATIONAL["partner_agency_share"])),
        *[(f"Referrals from {agency}", str(n), "") for agency, n in sorted(data.by_agency.items())],
        ("Male victims", f"{data.male_victims} ({pct(data.share(data.male_victims))})", ""),
        ("Victims aged 16 or 17",
         f"{data.victims_16_17} ({pct(data.share(data.victims_16_17))})", ""),
        ("Perpetrators aged 17 or under", str(data.perpetrators_17_or_under), ""),
        ("Black, Asian and racially minoritised victims", NOT_IN_TEMPLATE, ""),
        ("LGBT+ victims", NOT_IN_TEMPLATE, ""),
        ("Disabled victims", NOT_IN_TEMPLATE, ""),
    ]  # fmt: skip
