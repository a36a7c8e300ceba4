"""The Marac referral list: every victim whose records meet a criterion, and why.

SafeLives' four criteria (``shared/spec/domestic-abuse.md``), read from every
agency's records of the people WholeStory has linked:

* **visible high risk**: a Dash checklist with 14 or more "yes" answers (the
  partnership's ``marac_dash_yes``), from the structured ``dash`` table where an
  agency sent one, or else the count a ``DASH_ASSESSMENT`` summary records;
* **professional judgement**: a Dash on which the practitioner recorded it;
* **potential escalation**: ``da_escalation_incidents`` domestic abuse events
  (any agency's, not only the police's) within ``year_days`` of each other;
* **repeat**: abuse between the same victim and perpetrator within ``year_days``
  of the last Marac referral naming them both.

The victim and perpetrator are WholeStory people (an agency's person while not
yet linked), so one victim known to the police and to a health visitor is one
candidate. A referral a practitioner made (a ``MARAC_REFERRAL`` record) is kept
apart from the candidates the records suggest: :class:`ReferralList` holds both.
Each candidate carries its evidence as record ids (``AGENCY:RECORD_ID``, which is
also the id of the chronology entry the record starts) and the children of the
victim's household, who are victims in their own right.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Final

from wholestory.chronology.display import as_day
from wholestory.chronology.rule_helpers import dash_yes
from wholestory.chronology.thresholds import IndicatorThresholds
from wholestory.domestic_abuse import marac_words as words
from wholestory.domestic_abuse.dash import stored_checklists
from wholestory.domestic_abuse.marac_household import children_of
from wholestory.identity.household_reading import people_of
from wholestory.records.keys import source_key
from wholestory.store.connection import Store

#: The record types the list reads.
INCIDENT, DASH, REFERRAL = "DA_INCIDENT", "DASH_ASSESSMENT", "MARAC_REFERRAL"
#: Roles that put a child in an event (the child was there, or lives there).
CHILD_ROLES: Final = frozenset({"PRESENT", "WITNESS", "HOUSEHOLD_MEMBER", "SIBLING", "VICTIM"})


@dataclass(frozen=True, slots=True)
class Event:
    """One agency's event of domestic abuse: its records, and who had which part in it."""

    agency: str
    event: str
    day: dt.date
    kind: str
    records: tuple[str, ...]
    victims: frozenset[str]
    suspects: frozenset[str]
    others: frozenset[str]
    dash_score: int | None = None
    judgement: bool = False


@dataclass(frozen=True, slots=True)
class Candidate:
    """A victim whose records meet one criterion, with the evidence and the children."""

    victim: str
    criterion: str
    met_on: dt.date
    detail: str
    evidence: tuple[str, ...]
    perpetrators: tuple[str, ...]
    children: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        """What a coordinator's decision is about: a new qualifying event is a new candidate."""
        return f"{self.victim}|{self.criterion}|{self.met_on.isoformat()}"

    @property
    def words(self) -> str:
        return words.CRITERIA[self.criterion]

    def as_dict(self) -> dict[str, Any]:
        return {
            "victim": self.victim,
            "criterion": self.criterion,
            "criterion_words": self.words,
            "met_on": self.met_on.isoformat(),
            "detail": self.detail,
            "evidence": list(self.evidence),
            "perpetrators": list(self.perpetrators),
            "children": list(self.children),
            "key": self.key,
        }


@dataclass(frozen=True, slots=True)
class Referral:
    """A Marac referral a practitioner made: an agency's ``MARAC_REFERRAL`` record."""

    victim: str
    agency: str
    day: dt.date
    evidence: tuple[str, ...]
    perpetrators: tuple[str, ...]
    children: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "victim": self.victim,
            "agency": self.agency,
            "day": self.day.isoformat(),
            "criterion": words.PROFESSIONAL_JUDGEMENT,
            "evidence": list(self.evidence),
            "perpetrators": list(self.perpetrators),
            "children": list(self.children),
        }


@dataclass(slots=True)
class ReferralList:
    """The list a coordinator works from: candidates and practitioners' referrals, apart."""

    candidates: list[Candidate] = field(default_factory=list)
    referrals: list[Referral] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "candidates": [c.as_dict() for c in self.candidates],
            "referrals": [r.as_dict() for r in self.referrals],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ReferralList:
        """The list back from :meth:`as_dict` (the kept list, ``marac_kept``)."""
        return cls(
            [
                Candidate(c["victim"], c["criterion"], dt.date.fromisoformat(c["met_on"]),
                          c["detail"], tuple(c["evidence"]), tuple(c["perpetrators"]),
                          tuple(c["children"]))
                for c in data["candidates"]
            ],
            [
                Referral(r["victim"], r["agency"], dt.date.fromisoformat(r["day"]),
                         tuple(r["evidence"]), tuple(r["perpetrators"]), tuple(r["children"]))
                for r in data["referrals"]
            ],
        )  # fmt: skip


# Reading the store


_SQL: Final = (
    "SELECT agency, record_id, person_id, role, event_id, event_date_start, event_type, summary "
    "FROM ws_record WHERE event_type IN (?, ?, ?) ORDER BY event_date_start, agency, record_id"
)


def read_events(store: Store) -> list[Event]:
    """Every domestic abuse incident, Dash and Marac referral, people as WholeStory ids."""
    rows = store.query(_SQL, [INCIDENT, DASH, REFERRAL])
    keys = people_of(store, {f"{r[0]}:{r[2]}" for r in rows})
    grouped: dict[tuple[str, str, str], list[Sequence[Any]]] = defaultdict(list)
    for row in rows:
        grouped[(str(row[0]), str(row[4] or f"record:{row[1]}"), str(row[6]))].append(row)
    events = [
        _event(agency, event, kind, group, keys) for (agency, event, kind), group in grouped.items()
    ]
    return _with_suspects(events)


def _event(
    agency: str, event: str, kind: str, rows: list[Sequence[Any]], keys: dict[str, str]
) -> Event:
    def who(roles: Iterable[str]) -> frozenset[str]:
        return frozenset(keys[f"{r[0]}:{r[2]}"] for r in rows if str(r[3]) in roles)

    day = rows[0][5]
    day = as_day(day)
    victims = who({"VICTIM"}) or (who({"SUBJECT"}) if kind != INCIDENT else frozenset())
    score = max(dash_yes(str(r[7])) for r in rows) if kind == DASH else None
    return Event(
        agency,
        event,
        day,
        kind,
        _victims_records(rows, kind),
        victims,
        who({"SUSPECT"}),
        who(CHILD_ROLES - {"VICTIM"}),
        score,
    )


def _victims_records(rows: list[Sequence[Any]], kind: str) -> tuple[str, ...]:
    """The evidence of an event about a victim: her own record of it (all, if none is hers)."""
    roles = {"VICTIM"} if kind == INCIDENT else {"VICTIM", "SUBJECT"}
    hers = [r for r in rows if str(r[3]) in roles] or rows
    return tuple(f"{r[0]}:{r[1]}" for r in hers)


def _with_suspects(events: list[Event]) -> list[Event]:
    """A Dash names the perpetrator through its incident: the same agency's event."""
    suspects = {(e.agency, e.event): e.suspects for e in events if e.kind == INCIDENT}
    return [
        e if e.suspects or e.kind != DASH else _replace(e, suspects.get((e.agency, e.event)))
        for e in events
    ]


def _replace(event: Event, suspects: frozenset[str] | None) -> Event:
    return replace(event, suspects=suspects) if suspects else event


def structured_dash(store: Store) -> list[Event]:
    """Checklists from the ``dash`` table, as :func:`gather` reads events.

    A checklist names its event when the agency gave one, so that it stands for the
    free-text Dash record of the same event (:func:`gather`).
    """
    found = stored_checklists(store)
    keys = people_of(store, {k for c in found for k in (c.victim, c.perpetrator) if k})
    return [
        Event(
            c.agency,
            c.event_id or f"record:{c.record_id}",
            c.assessed_on,
            DASH,
            (source_key(c.agency, c.record_id),),
            frozenset({keys[c.victim]}),
            frozenset({keys[c.perpetrator]}) if c.perpetrator else frozenset(),
            frozenset(),
            c.score,
            c.professional_judgement,
        )
        for c in found
    ]


def gather(store: Store) -> list[Event]:
    """Every event the list reads: a structured Dash stands for the free-text one of its event."""
    structured = structured_dash(store)
    covered = {(e.agency, e.event) for e in structured}
    read = [e for e in read_events(store) if e.kind != DASH or (e.agency, e.event) not in covered]
    return sorted([*read, *structured], key=lambda e: (e.day, e.records))


def referral_list(store: Store, thresholds: IndicatorThresholds | None = None) -> ReferralList:
    """The whole list, each victim's household children added (a few queries per victim)."""
    events = gather(store)
    found = ReferralList(candidates(events, thresholds), referrals(events))
    named = _children_named(events)
    kids: dict[str, tuple[str, ...]] = {}
    for victim in {c.victim for c in found.candidates} | {r.victim for r in found.referrals}:
        kids[victim] = children_of(store, victim, named.get(victim, set()))
    found.candidates = [replace(c, children=kids[c.victim]) for c in found.candidates]
    found.referrals = [replace(r, children=kids[r.victim]) for r in found.referrals]
    return found


# The criteria


def candidates(
    events: Sequence[Event], thresholds: IndicatorThresholds | None = None
) -> list[Candidate]:
    """Every (victim, criterion) the events meet, newest first; children not yet added."""
    t = thresholds or IndicatorThresholds()
    found = [
        *_by_dash(events, t),
        *_escalation(events, t),
        *_repeats(events, t),
    ]
    order = list(words.CRITERIA)
    return sorted(found, key=lambda c: (-c.met_on.toordinal(), c.victim, order.index(c.criterion)))


def _by_dash(events: Sequence[Event], t: IndicatorThresholds) -> list[Candidate]:
    high: dict[str, list[Event]] = defaultdict(list)
    judged: dict[str, list[Event]] = defaultdict(list)
    for e in (e for e in events if e.kind == DASH):
        for victim in e.victims:
            if (e.dash_score or 0) >= t.marac_dash_yes:
                high[victim].append(e)
            elif e.judgement:
                judged[victim].append(e)
    found = [
        _candidate(v, words.VISIBLE_HIGH_RISK, es, words.dash_detail(
            max(e.dash_score or 0 for e in es), t.marac_dash_yes))
        for v, es in high.items()
    ]  # fmt: skip
    found += [
        _candidate(v, words.PROFESSIONAL_JUDGEMENT, es, words.judgement_detail())
        for v, es in judged.items()
    ]
    return found


def _escalation(events: Sequence[Event], t: IndicatorThresholds) -> list[Candidate]:
    """Victims with ``da_escalation_incidents`` events (by day) within ``year_days``."""
    need = t.da_escalation_incidents
    by_victim: dict[str, dict[dt.date, list[Event]]] = defaultdict(lambda: defaultdict(list))
    for e in events:
        if e.kind == INCIDENT:
            for victim in e.victims:
                by_victim[victim][e.day].append(e)
    found = []
    for victim, days in by_victim.items():
        ordered = sorted(days)
        hit: set[dt.date] = set()
        for i in range(len(ordered) - need + 1):
            if need > 0 and (ordered[i + need - 1] - ordered[i]).days <= t.year_days:
                hit.update(ordered[i : i + need])
        if hit:
            evidence = [e for d in sorted(hit) for e in days[d]]
            detail = words.escalation_detail(len(hit), need, t.year_days)
            found.append(_candidate(victim, words.POTENTIAL_ESCALATION, evidence, detail))
    return found


def _repeats(events: Sequence[Event], t: IndicatorThresholds) -> list[Candidate]:
    """Abuse between a referred victim and perpetrator within ``year_days`` of the referral."""
    referrals: dict[tuple[str, str], list[Event]] = defaultdict(list)
    for e in events:
        if e.kind == REFERRAL:
            for pair in _pairs(_named_perpetrator(e, events, t)):
                referrals[pair].append(e)
    hits: dict[str, list[tuple[Event, Event, int]]] = defaultdict(list)
    for e in events:
        if e.kind != INCIDENT:
            continue
        for pair in _pairs(e):
            before = [r for r in referrals.get(pair, []) if r.day < e.day]
            if before:
                last = max(before, key=lambda r: r.day)
                gap = (e.day - last.day).days
                if gap <= t.year_days:
                    hits[pair[0]].append((last, e, gap))
    found = []
    for victim, found_hits in hits.items():
        evidence = [x for last, incident, _ in found_hits for x in (last, incident)]
        gap = max(found_hits, key=lambda h: h[1].day)[2]
        found.append(
            _candidate(victim, words.REPEAT, evidence, words.repeat_detail(gap, t.year_days))
        )
    return found


def _named_perpetrator(referral: Event, events: Sequence[Event], t: IndicatorThresholds) -> Event:
    """A referral that names no perpetrator is about the victim's latest incident's.

    Some agencies record a Marac referral against the victim alone; the referral
    follows an incident, so the perpetrator of her last incident before it (within
    ``year_days``) is the one a repeat is counted against.
    """
    if referral.suspects:
        return referral
    earlier = [
        e
        for e in events
        if e.kind == INCIDENT
        and e.victims & referral.victims
        and e.suspects
        and 0 <= (referral.day - e.day).days <= t.year_days
    ]
    if not earlier:
        return referral
    return replace(referral, suspects=max(earlier, key=lambda e: e.day).suspects)


def _pairs(event: Event) -> list[tuple[str, str]]:
    return [(v, s) for v in sorted(event.victims) for s in sorted(event.suspects)]


def _candidate(victim: str, criterion: str, evidence: Sequence[Event], detail: str) -> Candidate:
    ordered = sorted({id(e): e for e in evidence}.values(), key=lambda e: (e.day, e.records))
    return Candidate(
        victim=victim,
        criterion=criterion,
        met_on=ordered[-1].day,
        detail=detail,
        evidence=tuple(dict.fromkeys(r for e in ordered for r in e.records)),
        perpetrators=tuple(sorted({s for e in ordered for s in e.suspects})),
    )


def referrals(events: Sequence[Event]) -> list[Referral]:
    """Each victim of each practitioner's Marac referral, newest first."""
    found = [
        Referral(v, e.agency, e.day, e.records, tuple(sorted(e.suspects)))
        for e in events
        if e.kind == REFERRAL
        for v in sorted(e.victims)
    ]
    return sorted(found, key=lambda r: (-r.day.toordinal(), r.victim, r.agency))


def _children_named(events: Sequence[Event]) -> dict[str, set[str]]:
    """The people each victim's events name beside her: the children there or living there."""
    named: dict[str, set[str]] = defaultdict(set)
    for e in events:
        for victim in e.victims:
            named[victim] |= e.others
    return named
