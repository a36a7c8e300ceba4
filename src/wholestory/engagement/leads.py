"""A child's allocated workers and their lead professional (issue 14, part 4).

The history has to reach the worker who holds the child, so WholeStory must know who
that is. The agencies already say so in their records; a safeguarding lead can say it
here when the records do not, or are wrong.

**An allocation from the records** is the ``practitioner`` and ``team`` of a plan still
open at an agency: a ``*_START`` record (CP_PLAN_START, CIN_PLAN_START,
LOOKED_AFTER_START, EARLY_HELP_START) of the person's own (any role: a record is theirs,
as the chronology counts their plans) that no ``*_END`` of the same plan, nor a
CASE_CLOSED, at the same agency for the same agency person has followed on or after its
day. An agency opens and closes a plan on its own record of the child, so a start is
paired with the ends of the same agency id; a same-day end closes it, as the chronology
pairs a plan's spell. When one agency has several open starts of one plan (a worker
newly allocated without the plan closing), the newest start is the allocation: its
worker is the one allocated now. A start that names no practitioner is still an
allocation (the plan is open at that agency), with ``practitioner`` "".

**An allocation set in the app** (``ws_lead_professional``) is a lead professional a
safeguarding lead recorded here: agreed between the agencies (at a strategy meeting, a
review) where the records do not show it. At most one is open per person; setting
another ends it, and ending keeps it, so the history stays.

**The lead professional** is the one allocation that leads: one set in the app always
(a lead said so, knowing what the records say); otherwise the open plan of the highest
level, child protection > looked after > child in need > early help, since the plan
of the highest level is the one the other agencies work to; among plans of one level
the newest start (the latest allocation), then agency and practitioner in order, so
the answer never depends on the order rows come back in.

The rule is SQL (:func:`open_start_sql`) so that the home pages' lists can ask it of
a whole agency or of every child at once; :func:`allocations` asks it of some people
in one query. The partial index ``ws_record_plan`` holds only the records named in
:data:`PLAN_EVENTS` (about one in forty), with the columns the rule reads, so these
queries read plan records alone, and the rule from the index alone.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from wholestory.store.connection import Store

#: Each plan that allocates a worker: its start and end record types.
PLANS: Final[dict[str, tuple[str, str]]] = {
    "CP_PLAN": ("CP_PLAN_START", "CP_PLAN_END"),
    "LOOKED_AFTER": ("LOOKED_AFTER_START", "LOOKED_AFTER_END"),
    "CIN_PLAN": ("CIN_PLAN_START", "CIN_PLAN_END"),
    "EARLY_HELP": ("EARLY_HELP_START", "EARLY_HELP_END"),
}
#: The plan of an allocation set in the app.
SET_HERE: Final = "SET_HERE"
#: Where an allocation comes from.
RECORDS, APP = "records", "app"
#: Which allocation leads: set here first, then the plans from the highest level down.
LEAD_ORDER: Final[dict[str, int]] = {SET_HERE: 0, "CP_PLAN": 1, "LOOKED_AFTER": 2,
                                     "CIN_PLAN": 3, "EARLY_HELP": 4}  # fmt: skip
CASE_CLOSED: Final = "CASE_CLOSED"
#: Every record type that opens or closes an allocation. The partial index ws_record_plan
#: (store migration 0026) names exactly these, in this order, and SQLite uses a partial
#: index only when the query repeats its condition word for word: keep the three alike.
PLAN_EVENTS: Final = (
    "CP_PLAN_START", "CP_PLAN_END", "CIN_PLAN_START", "CIN_PLAN_END", "LOOKED_AFTER_START",
    "LOOKED_AFTER_END", "EARLY_HELP_START", "EARLY_HELP_END", "CASE_CLOSED",
)  # fmt: skip
_STARTS: Final = {start: plan for plan, (start, _) in PLANS.items()}
LEAD_TABLE: Final = "ws_lead_professional"


def _listed(values: Sequence[str]) -> str:
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


def plan_record_sql(alias: str = "r") -> str:
    """SQL: ``alias`` (a ``ws_record``) opens or closes an allocation: the condition of the
    partial index ``ws_record_plan``, as it must be written for the index to be used."""
    return f"{alias}.event_type IN {_listed(PLAN_EVENTS)}"


def open_start_sql(alias: str = "r") -> str:
    """SQL: ``alias`` (a ``ws_record``) is a plan start still open (the module's rule).

    Its end is the start's type with ``_END`` for ``_START`` (the template names them so),
    or a case closed; either on or after the start's day, at the same agency, of the same
    agency person.
    """
    return (
        f"{plan_record_sql(alias)} AND {alias}.event_type IN {_listed(list(_STARTS))} "
        f"AND NOT EXISTS (SELECT 1 FROM ws_record e WHERE e.agency = {alias}.agency "
        f"AND e.person_id = {alias}.person_id AND {plan_record_sql('e')} "
        f"AND e.event_type IN (REPLACE({alias}.event_type, '_START', '_END'), '{CASE_CLOSED}') "
        f"AND e.event_date_start >= {alias}.event_date_start)"
    )


@dataclass(frozen=True, slots=True)
class Allocation:
    """A worker allocated to a person at one agency, from the records or set here."""

    person: str  # WholeStory id (or AGENCY:PERSON_ID before linking)
    agency: str
    practitioner: str  # name as the agency sends it ('' when unknown)
    team: str
    plan: str  # 'CP_PLAN', 'CIN_PLAN', 'LOOKED_AFTER', 'EARLY_HELP', or 'SET_HERE'
    since: dt.date
    source: str  # 'records' or 'app'
    # The plan's start record is restricted (ADOPTION, say): only its agency reads its
    # worker, as only it reads the record (the pages shape an allocation as its record).
    restricted: bool = False

    def as_dict(self) -> dict[str, Any]:
        """For JSON (``wholestory lead --json``)."""
        return {"person": self.person, "agency": self.agency, "practitioner": self.practitioner,
                "team": self.team, "plan": self.plan, "since": self.since.isoformat(),
                "source": self.source, "restricted": self.restricted}  # fmt: skip


def lead_order(a: Allocation) -> tuple[Any, ...]:
    """How allocations are ordered, the lead first (see the module's rule)."""
    return (LEAD_ORDER.get(a.plan, 9), -a.since.toordinal(), a.agency, a.practitioner, a.team)


def practitioner_matches(name_a: str | None, name_b: str | None) -> bool:
    """Whether two practitioner names are one: case and spacing do not matter, and a name
    that is empty (not known) matches nothing, so an unnamed worker is nobody's child."""
    a, b = _name_key(name_a), _name_key(name_b)
    return bool(a) and a == b


def _name_key(name: str | None) -> str:
    return " ".join((name or "").split()).casefold()


def name_like(name: str) -> str:
    """A SQL ``LIKE`` pattern, for ``LOWER(column)``, that every name matching ``name`` (as
    :func:`practitioner_matches` and ``access.team_key`` match) fits: a cheap first cut in
    the database, checked exactly in Python after. Only ASCII letters and digits are kept
    (SQLite lowers nothing else); anything else, spacing included, may be anything."""
    kept = re.sub(r"[^a-z0-9]+", "%", _name_key(name).encode("ascii", "replace").decode().lower())
    return "%" + kept.strip("%") + "%" if kept.strip("%") else "%"


def _day(value: Any) -> dt.date:
    """A stored date or timestamp (text on SQLite, a date or datetime on PostgreSQL)."""
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).date() if value.tzinfo else value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _people_condition(store: Store, people: Sequence[str], alias: str) -> tuple[str, list[Any]]:
    """Source persons of ``people``: linked to a WholeStory id, or named by an unlinked key."""
    linked, params = store.keys_in(f"{alias}.ws_person_id", list(people))
    keys = [p for p in people if ":" in p]
    if not keys:
        return linked, params
    named, more = store.keys_in(f"{alias}.key", keys)
    return f"({linked} OR ({alias}.ws_person_id IS NULL AND {named}))", [*params, *more]


def from_records(store: Store, people: Sequence[str]) -> list[Allocation]:
    """The open allocations the records give ``people``: one query, plan records only."""
    if not people:
        return []
    condition, params = _people_condition(store, people, "s")
    rows = store.query(
        "SELECT COALESCE(s.ws_person_id, s.key), r.agency, r.event_type, r.practitioner, "
        "r.team, r.event_date_start, r.record_id, r.restricted FROM ws_source_person s "
        "JOIN ws_record r "
        f"ON r.agency = s.agency AND r.person_id = s.person_id WHERE {condition} "
        f"AND {open_start_sql('r')}",
        params,
    )
    return newest_per_plan(rows)


def newest_per_plan(rows: Sequence[Sequence[Any]]) -> list[Allocation]:
    """Allocations from rows of (person, agency, start type, practitioner, team, day,
    record id, restricted): per person, agency and plan, the newest start only."""
    newest: dict[tuple[str, str, str], tuple[dt.date, str, Allocation]] = {}
    for person, agency, kind, practitioner, team, day, record, restricted in rows:
        plan = _STARTS[str(kind)]
        found = Allocation(str(person), str(agency), str(practitioner or "").strip(),
                           str(team or "").strip(), plan, _day(day), RECORDS,
                           bool(restricted))  # fmt: skip
        key, rank = (found.person, found.agency, plan), (found.since, str(record))
        if key not in newest or rank > newest[key][:2]:
            newest[key] = (*rank, found)
    return [a for _, _, a in newest.values()]


def set_here(store: Store, people: Sequence[str]) -> list[Allocation]:
    """The open lead professionals set in the app for ``people``."""
    if not people:
        return []
    condition, params = store.keys_in("ws_person_id", sorted(set(people)))
    rows = store.query(
        f"SELECT ws_person_id, agency, practitioner, team, set_at FROM {LEAD_TABLE} "
        f"WHERE {condition} AND ended_at IS NULL",
        params,
    )
    return [Allocation(str(p), str(a), str(n or ""), str(t or ""), SET_HERE, _day(at), APP)
            for p, a, n, t, at in rows]  # fmt: skip


def allocations(store: Store, people: Sequence[str]) -> dict[str, list[Allocation]]:
    """Every open allocation of each of ``people`` that has one, the lead first.

    Two queries, whatever the number of people: the records' open plans, and those set
    here. People with none are left out.
    """
    found: dict[str, list[Allocation]] = {}
    for a in [*from_records(store, people), *set_here(store, people)]:
        found.setdefault(a.person, []).append(a)
    return {p: sorted(every, key=lead_order) for p, every in found.items()}


def lead_professionals(store: Store, people: Sequence[str]) -> dict[str, Allocation]:
    """The one lead professional of each of ``people`` who has one (the module's rule)."""
    return {p: every[0] for p, every in allocations(store, people).items()}


@dataclass(frozen=True, slots=True)
class LeadSetHere:
    """A lead professional set in the app, open or ended: the history of who said so."""

    person: str
    agency: str
    practitioner: str
    team: str
    set_by: str
    set_at: dt.datetime
    ended_by: str
    ended_at: dt.datetime | None


def history(store: Store, person: str) -> list[LeadSetHere]:
    """Every lead professional set here for ``person``, the newest first."""
    from wholestory.arrival import moment

    rows = store.query(
        "SELECT ws_person_id, agency, practitioner, team, set_by, set_at, ended_by, ended_at "
        f"FROM {LEAD_TABLE} WHERE ws_person_id = ? ORDER BY set_at DESC, id DESC",
        [person],
    )
    return [
        LeadSetHere(str(p), str(a), str(n or ""), str(t or ""), str(by or ""), moment(at),
                    str(ended_by or ""), moment(ended) if ended else None)
        for p, a, n, t, by, at, ended_by, ended in rows
    ]  # fmt: skip


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(sep=" ")


def set_lead(
    store: Store, person: str, agency: str, practitioner: str, team: str, set_by: str,
    now: str | None = None,
) -> None:  # fmt: skip
    """Record ``practitioner`` at ``agency`` as ``person``'s lead professional, ending the
    one set before (kept, with who ended it), in one transaction."""
    at = now or _now()
    with store.transaction():
        _end(store, person, set_by, at)
        store.execute(
            f"INSERT INTO {LEAD_TABLE} (ws_person_id, agency, practitioner, team, set_by, "
            "set_at, ended_by) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [person, agency, " ".join(practitioner.split()), " ".join(team.split()), set_by,
             at, ""],
        )  # fmt: skip


def end_lead(store: Store, person: str, ended_by: str, now: str | None = None) -> bool:
    """End the lead professional set here for ``person``; False when none was open. The
    records' allocations lead again."""
    with store.transaction():
        return _end(store, person, ended_by, now or _now())


def _end(store: Store, person: str, ended_by: str, at: str) -> bool:
    open_one = f"FROM {LEAD_TABLE} WHERE ws_person_id = ? AND ended_at IS NULL"
    if not store.scalar(f"SELECT COUNT(*) {open_one}", [person]):
        return False
    store.execute(f"UPDATE {LEAD_TABLE} SET ended_at = ?, ended_by = ? WHERE ws_person_id = ? "
                  "AND ended_at IS NULL", [at, ended_by, person])  # fmt: skip
    return True
