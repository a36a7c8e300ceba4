"""The children each role's home page lists, most urgent first (issue 14, part 5).

Each list is asked of the whole partnership in SQL, a page at a time where the rule
can be written in SQL, so a home page costs the same at 100,000 children as at 100:

- **Allocated** (:func:`allocated_to`): the children allocated at an agency to one
  practitioner (a practitioner's "children you are the worker for") or to one team (a
  manager's "the team's children"): their open allocations (:mod:`.leads`) whose
  practitioner, or team, is the one named. A team's children are its allocations, not
  every child of whom the team holds a record: at the police or a hospital that would
  be thousands of children the team met once. Most urgent first, in the order a lead is
  picked in (one a safeguarding lead set here, then child protection, looked after, child
  in need, early help), then the child's most serious flag, then the newest.
- **News** (:func:`news_since`): the children an agency holds records of who have new
  records from other agencies since a moment (the user's last visit), the newest news
  first, with how many came from each agency. A restricted record is not counted: that
  one exists is not for other agencies to learn.
- **Flagged without a plan** (:func:`unplanned_high`): children with a high-severity
  flag and no plan open at any agency, by the allocations' rule (:mod:`.leads`: a case
  closed closes its plans, where the chronology's ``open_plan`` waits for the plan's own
  end), most high flags first, then the latest evidence.
- **No lead professional** (:func:`unled_concerns`): children with no open allocation
  (no plan open at any agency, none set here) but concerns at several agencies: their
  flags draw their evidence from the records of at least :data:`CONCERN_AGENCIES`
  agencies. Flags are the partnership's worked-out concerns, each with its evidence;
  evidence from two agencies is "several agencies worried, nobody leading". Most
  serious flag first, then the most agencies, then the latest evidence.

Each list is of children the agency holds records of (its own children: a child it sees
only through a sibling's record is on that sibling's agency's lists, not its own), found
through the index of people by agency; the pages still ask
:func:`wholestory.access.may_see_person` of each person shown. Measured on a copy of the
100,000-child benchmark store (SQLite, 2 cores, a month's arrivals), each list took
0.05 to 0.3 s, a team of 1,400 allocated children 0.4 s.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from wholestory.access import team_key
from wholestory.chronology.indicators import SEVERITY_ORDER
from wholestory.engagement.leads import (
    LEAD_TABLE,
    Allocation,
    allocations,
    lead_order,
    name_like,
    open_start_sql,
    plan_record_sql,
    practitioner_matches,
)
from wholestory.records.keys import source_key_sql
from wholestory.store.connection import Store

#: Concerns at this many agencies, with no lead professional, put a child on the leads' list.
CONCERN_AGENCIES: Final = 2
#: One agency's person's key, as ws_source_person.key writes it, from a record ``r``.
_KEY: Final = source_key_sql("r.agency", "r.person_id")
#: Everyone with a plan open at some agency, by the allocations' rule (``leads.open_start_sql``:
#: a case closed closes a plan too), found once a list through the covering index
#: ws_record_plan (a few tens of thousands of plan records at 100,000 children), then
#: left out by a hash look-up rather than asked person by person.
_OPEN_PLANS: Final = (
    "open_plans AS MATERIALIZED (SELECT DISTINCT COALESCE(p.ws_person_id, p.key) AS person "
    f"FROM ws_record r JOIN ws_source_person p ON p.key = {_KEY} WHERE {open_start_sql('r')})"
)
#: The most serious first, as SQL over a severity column.
_SEVERITY_RANK: Final = (
    "CASE {0} WHEN 'high' THEN 0 WHEN 'medium' THEN 1 WHEN 'low' THEN 2 ELSE 3 END"
)


@dataclass(frozen=True, slots=True)
class Allocated:
    """A child on a worker's or a team's caseload: the allocation, and who the child is."""

    allocation: Allocation
    name: str
    top_severity: str | None


@dataclass(frozen=True, slots=True)
class Child:
    """A child on a list, with what put them there."""

    person: str
    name: str
    top_severity: str | None = None
    latest: str = ""  # the latest evidence or arrival, ISO
    count: int = 0  # high flags, agencies with concerns, or new records
    flags: list[str] = field(default_factory=list)  # the titles of the flags that count
    agencies: dict[str, int] = field(default_factory=dict)  # agency -> records (or 0)


def allocated_to(
    store: Store, agency: str, *, practitioner: str = "", team: str = ""
) -> list[Allocated]:
    """The children allocated at ``agency`` to ``practitioner`` (or to ``team``), each once
    with their most urgent such allocation, the most urgent first.

    The database cuts to allocations whose name is like the one asked (:func:`name_like`);
    each candidate's allocations are then read whole (:func:`allocations`), so a child
    allocated anew to someone else is not theirs any more, and matched exactly.
    """
    column, wanted = ("team", team) if team else ("practitioner", practitioner)
    if not " ".join(wanted.split()):
        return []
    pattern = name_like(wanted)
    candidates = {
        str(p)
        for (p,) in store.query(
            f"SELECT COALESCE(s.ws_person_id, s.key) FROM ws_record r JOIN ws_source_person s "
            f"ON s.key = {_KEY} WHERE r.agency = ? AND {plan_record_sql('r')} "
            f"AND LOWER(r.{column}) LIKE ? AND {open_start_sql('r')} "
            f"UNION SELECT ws_person_id FROM {LEAD_TABLE} WHERE agency = ? "
            f"AND ended_at IS NULL AND LOWER({column}) LIKE ?",
            [agency, pattern, agency, pattern],
        )
    }
    if not candidates:
        return []
    children = _children(store, sorted(candidates))

    def matches(a: Allocation) -> bool:
        if a.agency != agency or a.person not in children:
            return False
        if team:
            return bool(team_key(a.team)) and team_key(a.team) == team_key(team)
        return practitioner_matches(a.practitioner, practitioner)

    found: list[Allocated] = []
    for person, every in allocations(store, sorted(candidates)).items():
        mine = [a for a in every if matches(a)]  # the lead's order: the most urgent first
        if mine:
            name, severity = children[person]
            found.append(Allocated(mine[0], name, severity))
    return sorted(found, key=_urgency)


def _urgency(c: Allocated) -> tuple[Any, ...]:
    """The allocation's place in the lead's order, the most serious flag, the newest."""
    a = c.allocation
    severity = SEVERITY_ORDER.get(c.top_severity or "", 9)
    return (lead_order(a)[0], severity, -a.since.toordinal(), c.name, a.person)


def _children(store: Store, people: Sequence[str]) -> dict[str, tuple[str, str | None]]:
    """Which of ``people`` are children (their stored chronology says so): name, top flag."""
    condition, params = store.keys_in("ws_person_id", list(people))
    rows = store.query(
        "SELECT ws_person_id, display_name, top_severity, is_child FROM ws_chronology "
        f"WHERE {condition}",
        params,
    )
    return {str(p): (str(n or ""), s) for p, n, s, child in rows if child}


def _window(offset: int, limit: int) -> str:
    return f" LIMIT {int(limit)} OFFSET {int(offset)}"


def news_since(
    store: Store, agency: str, since: str, offset: int = 0, limit: int = 25, team: str = ""
) -> tuple[list[Child], int]:
    """Children ``agency`` holds records of (with ``team``, records of that team's or of no
    team) with records from other agencies that arrived after ``since`` (an ISO time, UTC),
    the newest news first: a page of them, and how many there are.

    New records are found by when they arrived (the index ``ws_record_created``), so the
    cost is that of what arrived, not of the agency's whole population.
    """
    # What arrived first (the index on created_at), then whose it is: the planner is told to
    # keep that order (MATERIALIZED), or it may walk every person to find their new records.
    fresh = (
        "SELECT r.agency, r.person_id, r.created_at FROM ws_record r WHERE r.created_at > ? "
        "AND r.agency <> ? AND r.restricted IS NULL"
    )
    news = (
        "SELECT COALESCE(s.ws_person_id, s.key) AS person, MAX(r.created_at) AS latest "
        f"FROM fresh r JOIN ws_source_person s ON s.key = {_KEY} "
        "GROUP BY COALESCE(s.ws_person_id, s.key)"
    )
    params: list[Any] = [since, agency, agency]
    by_team = ""
    if team_key(team):
        by_team = (
            " AND EXISTS (SELECT 1 FROM ws_record t WHERE t.agency = k.agency "
            "AND t.person_id = k.person_id AND (t.team IS NULL OR TRIM(t.team) = '' "
            "OR LOWER(t.team) LIKE ?))"
        )
        params.append(name_like(team))
    sql = (
        f"WITH fresh AS MATERIALIZED ({fresh}), news AS ({news}) "
        "SELECT n.person, c.display_name, n.latest, COUNT(*) OVER () FROM news n "
        "JOIN ws_chronology c ON c.ws_person_id = n.person WHERE c.is_child "
        f"AND {_held('n.person', by_team)} ORDER BY n.latest DESC, n.person"
    )
    rows = store.query(sql + _window(offset, limit), params)
    if not rows:
        return [], _past_end(store, sql, params, offset)
    people = [str(r[0]) for r in rows]
    counts = _news_by_agency(store, agency, since, people)
    found = [Child(str(p), str(n or ""), latest=str(at), agencies=counts.get(str(p), {}),
                   count=sum(counts.get(str(p), {}).values())) for p, n, at, _ in rows]  # fmt: skip
    return found, int(rows[0][3])


def _news_by_agency(
    store: Store, agency: str, since: str, people: Sequence[str]
) -> dict[str, dict[str, int]]:
    """How many records each other agency sent about each of ``people`` after ``since``."""
    linked, params = store.keys_in("s.ws_person_id", list(people))
    keys, more = store.keys_in("s.key", list(people))
    rows = store.query(
        "SELECT COALESCE(s.ws_person_id, s.key), r.agency, COUNT(*) FROM ws_record r "
        f"JOIN ws_source_person s ON s.key = {_KEY} "
        "WHERE r.created_at > ? AND r.agency <> ? AND r.restricted IS NULL "
        f"AND ({linked} OR (s.ws_person_id IS NULL AND {keys})) "
        "GROUP BY COALESCE(s.ws_person_id, s.key), r.agency",
        [since, agency, *params, *more],
    )
    found: dict[str, dict[str, int]] = {}
    for person, source, n in rows:
        found.setdefault(str(person), {})[str(source)] = int(n)
    return {p: dict(sorted(c.items())) for p, c in found.items()}


def unplanned_high(
    store: Store, agency: str, offset: int = 0, limit: int = 25
) -> tuple[list[Child], int]:
    """Children ``agency`` may see with a high-severity flag and no plan open, the most high
    flags first, then the latest evidence: a page of them, and how many there are."""
    sql = (
        f"WITH {_OPEN_PLANS}, high AS MATERIALIZED (SELECT f.ws_person_id AS person, "
        "COUNT(*) AS n, MAX(f.last_date) AS latest FROM ws_flag f WHERE f.severity = 'high' "
        "GROUP BY f.ws_person_id) SELECT h.person, c.display_name, h.n, h.latest, "
        "COUNT(*) OVER () FROM high h JOIN ws_chronology c ON c.ws_person_id = h.person "
        f"WHERE c.is_child AND h.person NOT IN (SELECT person FROM open_plans) "
        f"AND {_held('h.person')} ORDER BY h.n DESC, h.latest DESC, h.person"
    )
    rows = store.query(sql + _window(offset, limit), [agency])
    if not rows:
        return [], _past_end(store, sql, [agency], offset)
    titles = _flags_of(store, [str(r[0]) for r in rows], high_only=True)
    found = [Child(str(p), str(name or ""), "high", str(latest), int(n),
                   titles.get(str(p), ([], {}))[0]) for p, name, n, latest, _ in rows]  # fmt: skip
    return found, int(rows[0][4])


def _past_end(store: Store, sql: str, params: Sequence[Any], offset: int) -> int:
    """How many a windowed query would count, when the page asked for is past its end."""
    if not offset:
        return 0
    rows = store.query(sql + _window(0, 1), params)
    return int(rows[0][-1]) if rows else 0


def _whose(alias: str, person: str) -> str:
    """SQL: source person ``alias`` is ``person`` (a column): linked to them, or their key."""
    linked, unlinked = f"{alias}.ws_person_id", f"{alias}.key"
    return f"({linked} = {person} OR ({linked} IS NULL AND {unlinked} = {person}))"


def _held(person: str, more: str = "") -> str:
    """SQL: the agency (a parameter) holds records of ``person`` (a column): a child it may
    see through its own records, as a list of its children means. (A child seen only
    through a sibling's record is not on its lists; ``may_see_person`` still decides.)"""
    return (
        f"EXISTS (SELECT 1 FROM ws_source_person k WHERE k.agency = ? AND {_whose('k', person)}"
        f"{more})"
    )


def _evidence_sql(store: Store) -> tuple[str, str]:
    """(the join that spreads each flag's evidence into rows, the agency of one), by database."""
    if store.backend == "sqlite":
        return "JOIN json_each(f.evidence) AS e", "json_extract(e.value, '$.agency')"
    return (
        "CROSS JOIN LATERAL jsonb_array_elements(CAST(f.evidence AS jsonb)) AS e",
        "e.value ->> 'agency'",
    )


def unled_concerns(
    store: Store, agency: str, offset: int = 0, limit: int = 25
) -> tuple[list[Child], int]:
    """Children ``agency`` may see with no lead professional and concerns at several
    agencies (the module's rule): a page of them, the most urgent first, and how many."""
    spread, agency_of = _evidence_sql(store)
    sql = (
        f"WITH {_OPEN_PLANS}, candidates AS MATERIALIZED (SELECT c.ws_person_id AS person, "
        "c.display_name AS name, c.top_severity AS top FROM ws_chronology c WHERE c.is_child "
        f"AND c.flag_count > 0 AND {_held('c.ws_person_id')} "
        "AND c.ws_person_id NOT IN (SELECT person FROM open_plans) "
        f"AND NOT EXISTS (SELECT 1 FROM {LEAD_TABLE} l WHERE l.ws_person_id = c.ws_person_id "
        "AND l.ended_at IS NULL)), "
        f"concern AS (SELECT f.ws_person_id AS person, {agency_of} AS agency, "
        f"f.last_date AS last_date FROM candidates k JOIN ws_flag f ON f.ws_person_id = k.person "
        f"{spread}), several AS (SELECT person, COUNT(DISTINCT agency) AS agencies, "
        "MAX(last_date) AS latest FROM concern GROUP BY person "
        f"HAVING COUNT(DISTINCT agency) >= {CONCERN_AGENCIES}) "
        "SELECT k.person, k.name, k.top, s.agencies, s.latest, COUNT(*) OVER () "
        "FROM several s JOIN candidates k ON k.person = s.person "
        f"ORDER BY {_SEVERITY_RANK.format('k.top')}, s.agencies DESC, s.latest DESC, k.person"
    )
    rows = store.query(sql + _window(offset, limit), [agency])
    if not rows:
        return [], _past_end(store, sql, [agency], offset)
    flags = _flags_of(store, [str(r[0]) for r in rows], high_only=False)
    found = []
    for p, name, top, n, latest, _ in rows:
        titles, agencies = flags.get(str(p), ([], {}))
        found.append(Child(str(p), str(name or ""), top, str(latest), int(n), titles, agencies))
    return found, int(rows[0][5])


def _flags_of(
    store: Store, people: Sequence[str], *, high_only: bool
) -> dict[str, tuple[list[str], dict[str, int]]]:
    """Each person's flags' titles (the most serious first) and the agencies their evidence
    comes from, with how many of its records each."""
    condition, params = store.keys_in("ws_person_id", list(people))
    rows = store.query(
        f"SELECT ws_person_id, title, severity, evidence FROM ws_flag WHERE {condition}"
        + (" AND severity = 'high'" if high_only else "")
        + " ORDER BY ws_person_id, last_date DESC, code",
        params,
    )
    rows.sort(key=lambda r: SEVERITY_ORDER.get(str(r[2]), 9))  # stable: dates stay in order
    found: dict[str, tuple[list[str], dict[str, int]]] = {}
    for person, title, _, evidence in rows:
        titles, agencies = found.setdefault(str(person), ([], {}))
        titles.append(str(title))
        for item in json.loads(str(evidence or "[]")):
            agencies[str(item["agency"])] = agencies.get(str(item["agency"]), 0) + 1
    return found


def news_window_start(previous_visit: dt.datetime | None, now: dt.datetime, days: int) -> str:
    """Where "since your last visit" starts, as the store's timestamps are written: the
    previous visit, but no further back than ``days`` (a first visit, or one long ago,
    would otherwise be everything)."""
    floor = now - dt.timedelta(days=days)
    start = max(previous_visit, floor) if previous_visit else floor
    return start.astimezone(dt.UTC).isoformat(sep=" ")
