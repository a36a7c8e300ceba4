"""Marac meetings: the cases on each, who each case is about, and the agenda's order.

A coordinator builds a meeting from the referral list (:mod:`.marac`): a candidate
they accepted, or a referral a practitioner made, becomes a *case* on the meeting.
The case is linked to the victim, each perpetrator and every child in the household
(``ws_marac_case_person``), so a person's Marac history can be found from any of them.

The agenda follows SafeLives' suggested order (``shared/spec/domestic-abuse.md``):
the confidentiality statement, incomplete actions from earlier meetings, cases with
children (children's services may then leave), adult-only cases, and cases reaching
12 months since their referral, listed for review.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Final

from wholestory.chronology.display import as_day
from wholestory.chronology.thresholds import IndicatorThresholds
from wholestory.domestic_abuse import marac_words as words
from wholestory.domestic_abuse.marac import REFERRAL, Event, ReferralList, gather
from wholestory.domestic_abuse.marac_decisions import decisions
from wholestory.domestic_abuse.marac_kept import kept_referral_list
from wholestory.identity.sources import now_iso
from wholestory.store.connection import Store

#: A referral within this many days of the victim's last one is a repeat (SafeLives).
REPEAT_DAYS: Final = 365
#: The parts a person plays in a case.
VICTIM, PERPETRATOR, CHILD = "VICTIM", "PERPETRATOR", "CHILD"
#: With no earlier meeting, cases reaching 12 months within this many days before the
#: meeting are listed for review (Maracs commonly meet every two to four weeks).
FIRST_REVIEW_DAYS: Final = 28


class MeetingError(ValueError):
    """What cannot be done to a meeting, in the coordinator's words."""


@dataclass(frozen=True, slots=True)
class Meeting:
    id: int
    held_on: dt.date
    created_by: str
    confidentiality_by: str | None

    @property
    def confidentiality_read(self) -> bool:
        return self.confidentiality_by is not None


@dataclass(frozen=True, slots=True)
class Case:
    """A victim's case on a meeting, and everyone it is about."""

    id: int
    meeting: int
    victim: str
    criterion: str
    source: str
    referred_by: str
    referred_on: dt.date
    repeat: bool
    perpetrators: tuple[str, ...] = ()
    children: tuple[str, ...] = ()

    @property
    def criterion_words(self) -> str:
        return words.CRITERIA.get(self.criterion, self.criterion)

    @property
    def people(self) -> tuple[str, ...]:
        return (self.victim, *self.perpetrators, *self.children)


@dataclass(frozen=True, slots=True)
class Offer:
    """Something a coordinator may put on a meeting: an accepted candidate or a referral."""

    source: str
    victim: str
    criterion: str
    referred_by: str
    referred_on: dt.date
    perpetrators: tuple[str, ...]
    children: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Agenda:
    """A meeting's agenda, in the suggested order."""

    meeting: Meeting
    open_actions: list[tuple[Case, Action]]
    with_children: list[Case]
    adults: list[Case]
    twelve_months: list[Case]


@dataclass(frozen=True, slots=True)
class Action:
    """One action of a case's plan."""

    id: int
    case: int
    agency: str
    owner: str
    action: str
    due_on: dt.date
    completed_on: dt.date | None
    completed_by: str | None

    def overdue(self, today: dt.date) -> bool:
        return self.completed_on is None and self.due_on < today


# Meetings


def create_meeting(store: Store, held_on: dt.date, by: str) -> Meeting:
    """A new meeting on ``held_on``; two meetings on one day are refused."""
    if store.scalar("SELECT 1 FROM ws_marac_meeting WHERE held_on = ?", [held_on.isoformat()]):
        raise MeetingError(words.MEETING_THAT_DAY)
    with store.transaction():
        made = store.scalar(
            "INSERT INTO ws_marac_meeting (held_on, created_by, created_at) VALUES (?, ?, ?) "
            "RETURNING id",
            [held_on.isoformat(), by, now_iso()],
        )
    return Meeting(int(made), held_on, by, None)


_MEETING: Final = "SELECT id, held_on, created_by, confidentiality_by FROM ws_marac_meeting"


def meetings(store: Store) -> list[Meeting]:
    """Every meeting, the latest first."""
    return [_meeting(r) for r in store.query(f"{_MEETING} ORDER BY held_on DESC")]


def meeting(store: Store, meeting_id: int) -> Meeting | None:
    rows = store.query(f"{_MEETING} WHERE id = ?", [meeting_id])
    return _meeting(rows[0]) if rows else None


def _meeting(row: tuple[object, ...]) -> Meeting:
    by = row[3]
    return Meeting(int(str(row[0])), as_day(row[1]), str(row[2]), str(by) if by else None)


def read_confidentiality(store: Store, meeting_id: int, by: str) -> None:
    """Record that the confidentiality statement was read and signed, and by whose hand."""
    with store.transaction():
        store.execute(
            "UPDATE ws_marac_meeting SET confidentiality_by = ?, confidentiality_at = ? "
            "WHERE id = ?",
            [by, now_iso(), meeting_id],
        )


# Cases


def offers(store: Store, found: ReferralList | None = None) -> list[Offer]:
    """What may go on a meeting: accepted candidates and practitioners' referrals not yet on one.

    A candidate goes on a meeting only once the coordinator accepted it (with a reason).
    """
    found = found or kept_referral_list(store, IndicatorThresholds.current())
    made = decisions(store)
    taken = {str(r[0]) for r in store.query("SELECT source FROM ws_marac_case")}
    out = [
        Offer(c.key, c.victim, c.criterion, "", c.met_on, c.perpetrators, c.children)
        for c in found.candidates
        if (d := made.get(c.key)) and d.decision == words.ACCEPTED and c.key not in taken
    ]
    out += [
        Offer(f"referral|{r.evidence[0]}|{r.victim}", r.victim, words.PROFESSIONAL_JUDGEMENT,
              r.agency, r.day, r.perpetrators, r.children)
        for r in found.referrals
        if r.evidence and f"referral|{r.evidence[0]}|{r.victim}" not in taken
    ]  # fmt: skip
    return out


def add_case(store: Store, meeting_id: int, offer: Offer, by: str) -> Case:
    """Put ``offer`` on the meeting, linked to its victim, perpetrators and children."""
    if meeting(store, meeting_id) is None:
        raise MeetingError(words.NO_SUCH_MEETING)
    if store.scalar(
        "SELECT 1 FROM ws_marac_case WHERE meeting_id = ? AND victim = ?",
        [meeting_id, offer.victim],
    ):
        raise MeetingError(words.ALREADY_ON_MEETING)
    repeat = is_repeat(earlier_referrals(store, offer.victim, gather(store)), offer.referred_on)
    with store.transaction():
        case_id = int(
            store.scalar(
                "INSERT INTO ws_marac_case (meeting_id, victim, criterion, source, referred_by, "
                "referred_on, repeat, added_by, added_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "RETURNING id",
                [
                    meeting_id,
                    offer.victim,
                    offer.criterion,
                    offer.source,
                    offer.referred_by,
                    offer.referred_on.isoformat(),
                    repeat,
                    by,
                    now_iso(),
                ],
            )
        )
        parts = [(offer.victim, VICTIM)]
        parts += [(p, PERPETRATOR) for p in offer.perpetrators]
        parts += [(c, CHILD) for c in offer.children]
        store.executemany(
            "INSERT INTO ws_marac_case_person (case_id, person, part) VALUES (?, ?, ?)",
            [(case_id, person, part) for person, part in parts],
        )
    found = case(store, case_id)
    assert found is not None
    return found


def earlier_referrals(store: Store, victim: str, events: list[Event]) -> list[dt.date]:
    """Every day the victim was referred to Marac: agencies' records and cases here."""
    days = [e.day for e in events if e.kind == REFERRAL and victim in e.victims]
    days += [
        as_day(r[0])
        for r in store.query("SELECT referred_on FROM ws_marac_case WHERE victim = ?", [victim])
    ]
    return days


def is_repeat(referrals: list[dt.date], day: dt.date) -> bool:
    """A referral is a repeat when the last one before it was within 12 months."""
    before = [d for d in referrals if d < day]
    return bool(before) and (day - max(before)).days <= REPEAT_DAYS


_CASE: Final = (
    "SELECT id, meeting_id, victim, criterion, source, referred_by, referred_on, repeat "
    "FROM ws_marac_case"
)


def cases_of(store: Store, meeting_id: int) -> list[Case]:
    """A meeting's cases, in the order they were added."""
    return _cases(store, f"{_CASE} WHERE meeting_id = ? ORDER BY id", [meeting_id])


def case(store: Store, case_id: int) -> Case | None:
    found = _cases(store, f"{_CASE} WHERE id = ?", [case_id])
    return found[0] if found else None


def cases_about(store: Store, person: str) -> list[Case]:
    """Every case a person is part of, as victim, perpetrator or child; the latest first."""
    return _cases(
        store,
        f"{_CASE} WHERE id IN (SELECT case_id FROM ws_marac_case_person WHERE person = ?) "
        "ORDER BY referred_on DESC, id DESC",
        [person],
    )


def _cases(store: Store, sql: str, params: list[object]) -> list[Case]:
    rows = store.query(sql, params)
    if not rows:
        return []
    condition, args = store.keys_in("case_id", [int(str(r[0])) for r in rows])
    parts: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for case_id, person, part in store.query(
        f"SELECT case_id, person, part FROM ws_marac_case_person WHERE {condition} ORDER BY id",
        args,
    ):
        parts[int(str(case_id))][str(part)].append(str(person))
    return [
        Case(int(str(r[0])), int(str(r[1])), str(r[2]), str(r[3]), str(r[4]), str(r[5]),
             as_day(r[6]), bool(r[7]), tuple(parts[int(str(r[0]))][PERPETRATOR]),
             tuple(parts[int(str(r[0]))][CHILD]))
        for r in rows
    ]  # fmt: skip


# Actions


def add_action(
    store: Store, case_id: int, agency: str, owner: str, action: str, due_on: dt.date, by: str
) -> Action:
    """Add an action to a case's plan; every part is needed."""
    if not (agency.strip() and owner.strip() and action.strip()):
        raise MeetingError(words.ACTION_INCOMPLETE)
    with store.transaction():
        made = store.scalar(
            "INSERT INTO ws_marac_action (case_id, agency, owner, action, due_on, created_by, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
            [case_id, agency.strip(), owner.strip(), action.strip(), due_on.isoformat(), by,
             now_iso()],
        )  # fmt: skip
    return Action(int(made), case_id, agency.strip(), owner.strip(), action.strip(), due_on,
                  None, None)  # fmt: skip


def complete_action(store: Store, action_id: int, on: dt.date, by: str) -> None:
    """Record an action's completion (once: a completed action stays as first recorded)."""
    with store.transaction():
        store.execute(
            "UPDATE ws_marac_action SET completed_on = ?, completed_by = ? "
            "WHERE id = ? AND completed_on IS NULL",
            [on.isoformat(), by, action_id],
        )


_ACTION: Final = (
    "SELECT id, case_id, agency, owner, action, due_on, completed_on, completed_by "
    "FROM ws_marac_action"
)


def action(store: Store, action_id: int) -> Action | None:
    rows = store.query(f"{_ACTION} WHERE id = ?", [action_id])
    return _action(rows[0]) if rows else None


def actions_of(store: Store, case_ids: list[int]) -> dict[int, list[Action]]:
    """Each case's actions, in the order they were agreed."""
    if not case_ids:
        return {}
    condition, args = store.keys_in("case_id", case_ids)
    found: dict[int, list[Action]] = defaultdict(list)
    for row in store.query(f"{_ACTION} WHERE {condition} ORDER BY id", args):
        made = _action(row)
        found[made.case].append(made)
    return dict(found)


def _action(r: tuple[object, ...]) -> Action:
    return Action(int(str(r[0])), int(str(r[1])), str(r[2]), str(r[3]), str(r[4]), as_day(r[5]),
                  as_day(r[6]) if r[6] else None, str(r[7]) if r[7] else None)  # fmt: skip


# The agenda


def agenda(store: Store, meeting_id: int) -> Agenda:
    """The meeting's agenda: earlier meetings' open actions, then its cases in the set order."""
    this = meeting(store, meeting_id)
    if this is None:
        raise MeetingError(words.NO_SUCH_MEETING)
    earlier = [m for m in meetings(store) if m.held_on < this.held_on]
    earlier_cases = [c for m in earlier for c in cases_of(store, m.id)]
    acts = actions_of(store, [c.id for c in earlier_cases])
    open_actions = [
        (c, a) for c in earlier_cases for a in acts.get(c.id, []) if a.completed_on is None
    ]
    mine = cases_of(store, meeting_id)
    return Agenda(
        this,
        open_actions,
        [c for c in mine if c.children],
        [c for c in mine if not c.children],
        _reaching_twelve_months(this, earlier, earlier_cases, {c.victim for c in mine}),
    )


def _reaching_twelve_months(
    this: Meeting, earlier: list[Meeting], cases: list[Case], on_list: set[str]
) -> list[Case]:
    """Earlier cases whose 12 months from referral ended since the last meeting."""
    since = earlier[0].held_on if earlier else this.held_on - dt.timedelta(FIRST_REVIEW_DAYS)
    latest: dict[str, Case] = {}
    for c in cases:
        if c.victim not in latest or c.referred_on > latest[c.victim].referred_on:
            latest[c.victim] = c
    return [
        c
        for c in latest.values()
        if c.victim not in on_list
        and since < c.referred_on + dt.timedelta(REPEAT_DAYS) <= this.held_on
    ]
