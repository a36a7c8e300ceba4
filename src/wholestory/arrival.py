"""How records arrived, and what access that gives: records are the basis of access.

An agency's worker sees a person because the agency holds records of them, so
putting a record in must be as guarded as breaking glass (docs/security.md,
"Records are the basis of access"):

* A record from an agency's feed (``wholestory ingest``, run on the server) is
  the agency's own, and gives its agency access.
* A record uploaded by hand on the web gives its agency access only once a
  second person at that agency, a safeguarding lead, confirms the upload.
  Until then the agency's access through it is like breaking glass: it ends a
  day after the upload, every view is audited as such, and the leads of the
  agencies already involved are told.
* Whenever an agency's first record of a person arrives, however it came, the
  leads of the other agencies involved are told, and the person's page says
  when and how the agency became involved, and through whose import.

This module is plain SQL over the store; the web layer and the CLI call it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any, Final

from wholestory.chronology.vocabulary import agency_name
from wholestory.store.connection import Store
from wholestory.store.imports import FEED, UPLOAD

#: How long an unconfirmed upload gives its agency access: as long as a break-glass.
UNCONFIRMED_HOURS: Final = 24


def moment(value: Any) -> dt.datetime:
    """A stored timestamp (text on SQLite, a datetime on PostgreSQL) as an aware UTC time."""
    found = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    return found if found.tzinfo else found.replace(tzinfo=dt.UTC)


def _people_condition(store: Store, people: Sequence[str]) -> tuple[str, list[Any]]:
    """Source persons linked to ``people``, or named by an ``AGENCY:ID`` while unlinked."""
    linked, params = store.keys_in("s.ws_person_id", list(people))
    keys = [p for p in people if ":" in p]
    if not keys:
        return linked, params
    named, more = store.keys_in("s.key", keys)
    return f"({linked} OR {named})", [*params, *more]


def standing(store: Store, people: Sequence[str]) -> tuple[set[str], dict[str, dt.datetime]]:
    """Which agencies hold confirmed records of ``people``, and which hold only unconfirmed ones.

    Returns (agencies whose records give access, {agency: when its oldest unconfirmed
    upload arrived} for agencies with nothing else). An agency person any of whose
    records came by an unconfirmed upload counts as unconfirmed as a whole, because
    the upload may have changed the details that linked it (a name, a date of birth).
    """
    held = holding(store, people)
    return set(held.confirmed), held.waiting


@dataclass(frozen=True, slots=True)
class Holding:
    """Which agencies, and at team-level agencies which teams, hold records of some people.

    Teams are compared as :func:`wholestory.access.team_key` writes them (case and
    spacing do not matter); ``""`` stands for records that name no team.
    """

    confirmed: frozenset[str]  # agencies whose records give access
    waiting: dict[str, dt.datetime]  # agencies with only unconfirmed uploads: the oldest's time
    # Per team-level agency, the teams of its confirmed records.
    teams: dict[str, frozenset[str]]
    # Per team-level agency, the teams only unconfirmed uploads relate, and the oldest's time.
    waiting_teams: dict[str, dict[str, dt.datetime]]


def holding(store: Store, people: Sequence[str], teams_at: Collection[str] | None = ()) -> Holding:
    """:func:`standing`, and which teams hold the records at the agencies ``teams_at``.

    ``teams_at`` names the agencies whose relationships are team-level (``None``: every
    agency); only their records' teams are asked for, one more query, which reads the
    distinct teams of those agencies' records of ``people`` (a handful of rows), never
    each record in Python. A source person with a record brought by an unconfirmed
    upload relates its teams only like the upload (as in :func:`standing`).
    """
    from wholestory.access import team_key

    if not people:
        return Holding(frozenset(), {}, {}, {})
    condition, params = _people_condition(store, people)
    # Per source person, the oldest unconfirmed upload that brought one of its records.
    # Asked from the (few) unconfirmed uploads' side, so that a person with thousands of
    # records costs an index look-up per upload waiting, not a pass over every record.
    rows = store.query(
        "SELECT s.agency, s.key, (SELECT MIN(i.started_at) FROM ws_import i "
        "WHERE i.route = ? AND i.confirmed_at IS NULL AND EXISTS (SELECT 1 FROM ws_record r "
        "WHERE r.agency = s.agency AND r.person_id = s.person_id AND r.import_id = i.id)) "
        f"FROM ws_source_person s WHERE {condition} AND EXISTS (SELECT 1 FROM ws_record r "
        "WHERE r.agency = s.agency AND r.person_id = s.person_id)",
        [UPLOAD, *params],
    )
    confirmed: set[str] = set()
    waiting: dict[str, dt.datetime] = {}
    since: dict[tuple[str, str], dt.datetime | None] = {}
    for agency, key, oldest in rows:
        at = None if oldest is None else moment(oldest)
        since[(str(agency), str(key))] = at
        if at is None:
            confirmed.add(str(agency))
        else:
            waiting[str(agency)] = min(waiting.get(str(agency), at), at)
    teams: dict[str, set[str]] = {}
    waiting_teams: dict[str, dict[str, dt.datetime]] = {}
    for agency, key, team in _teams_of(store, condition, params, teams_at, since):
        if (agency, key) not in since:
            continue  # its first record arrived between the two queries: next time
        at, name = since[(agency, key)], team_key(team)
        if at is None:
            teams.setdefault(agency, set()).add(name)
        else:
            told = waiting_teams.setdefault(agency, {})
            told[name] = min(told.get(name, at), at)
    return Holding(
        frozenset(confirmed),
        {a: at for a, at in waiting.items() if a not in confirmed},
        {a: frozenset(t) for a, t in teams.items()},
        {
            agency: {t: at for t, at in told.items() if t not in teams.get(agency, ())}
            for agency, told in waiting_teams.items()
        },
    )


def _teams_of(
    store: Store,
    condition: str,
    params: list[Any],
    teams_at: Collection[str] | None,
    since: dict[tuple[str, str], dt.datetime | None],
) -> list[tuple[str, str, str]]:
    """(agency, source person, team) once each, for the agencies ``teams_at`` (None: all)."""
    held = {agency for agency, _ in since}
    agencies = sorted(held if teams_at is None else held & set(teams_at))
    if not agencies:
        return []
    within, more = store.keys_in("s.agency", agencies)
    return [
        (str(agency), str(key), str(team or ""))
        for agency, key, team in store.query(
            "SELECT DISTINCT s.agency, s.key, r.team FROM ws_source_person s JOIN ws_record r "
            "ON r.agency = s.agency AND r.person_id = s.person_id "
            f"WHERE {condition} AND {within}",
            [*params, *more],
        )
    ]


# -- an agency's first record of a person -------------------------------------------------


@dataclass(frozen=True, slots=True)
class Involvement:
    """When and how an agency's first record of a person arrived."""

    agency: str
    at: dt.datetime
    route: str
    by: str
    confirmed_by: str | None
    import_id: int

    @property
    def waiting(self) -> bool:
        """A hand upload no lead of the agency has confirmed."""
        return self.route == UPLOAD and not self.confirmed_by

    def words(self) -> str:
        """One plain sentence for the person's page and the leads' notices."""
        name = agency_name(self.agency)
        said = f"{name} became involved: its first record of this person"
        if self.route != UPLOAD:
            return f"{said} came from {name}'s own system" + (
                f" (imported by {self.by})." if self.by else "."
            )
        if self.confirmed_by:
            return (
                f"{said} was uploaded by hand by {self.by} and confirmed by "
                f"{self.confirmed_by}, a {name} safeguarding lead."
            )
        return (
            f"{said} was uploaded by hand by {self.by}. No {name} safeguarding lead has "
            "confirmed it yet."
        )


def involvement(store: Store, person: str) -> list[Involvement]:
    """Each agency's first record of ``person``: when it arrived, how, and through whom.

    One query, run on every view of the person's page: the first record of each agency
    (by arrival), the import that first brought it (its oldest kept version's, if it has
    one), and that import's route and people.
    """
    condition, params = _people_condition(store, [person])
    rows = store.query(
        "SELECT f.agency, f.created_at, i.route, i.imported_by, i.confirmed_by, i.id FROM ("
        "SELECT r.agency, r.record_id, r.created_at, r.import_id, ROW_NUMBER() OVER ("
        "PARTITION BY r.agency ORDER BY r.created_at, r.id) AS n FROM ws_record r "
        "JOIN ws_source_person s ON s.agency = r.agency AND s.person_id = r.person_id "
        f"WHERE {condition}) f JOIN ws_import i ON i.id = COALESCE(("
        "SELECT v.import_id FROM ws_record_version v WHERE v.agency = f.agency "
        "AND v.record_id = f.record_id ORDER BY v.id LIMIT 1), f.import_id) WHERE f.n = 1",
        params,
    )
    found = [
        Involvement(
            str(agency),
            moment(created),
            str(route or FEED),
            str(by or ""),
            confirmed_by,
            int(import_id),
        )
        for agency, created, route, by, confirmed_by, import_id in rows
    ]
    return sorted(found, key=lambda i: (i.at, i.agency))


def records_version(store: Store) -> tuple[Any, ...]:
    """What changes whenever any person's records or links change: the newest import, how
    many uploads are confirmed, the newest link run and how many have finished. A view that
    keeps :func:`involvement` keeps it under this, so a confirmation shows at once."""
    row = store.query(
        "SELECT (SELECT MAX(id) FROM ws_import), (SELECT COUNT(confirmed_at) FROM ws_import), "
        "(SELECT MAX(id) FROM ws_link_run), (SELECT COUNT(finished_at) FROM ws_link_run)"
    )[0]
    return tuple(row)


def first_records_since(store: Store, since: str) -> list[tuple[str, str]]:
    """(person, agency) for each agency whose first record of a linked person arrived since
    ``since`` (a store timestamp taken before the import)."""
    rows = store.query(
        "SELECT s.ws_person_id, r.agency FROM ws_record r JOIN ws_source_person s "
        "ON s.agency = r.agency AND s.person_id = r.person_id WHERE s.ws_person_id IN ("
        "SELECT s2.ws_person_id FROM ws_record r2 JOIN ws_source_person s2 "
        "ON s2.agency = r2.agency AND s2.person_id = r2.person_id "
        "WHERE r2.created_at >= ? AND s2.ws_person_id IS NOT NULL) "
        "GROUP BY s.ws_person_id, r.agency HAVING MIN(r.created_at) >= ? ORDER BY 1, 2",
        [since, since],
    )
    return [(str(p), str(a)) for p, a in rows]


@dataclass(frozen=True, slots=True)
class Notice:
    """A message for an agency's safeguarding leads about a person."""

    agency: str
    person: str
    message: str


def first_record_notices(store: Store, since: str) -> list[Notice]:
    """Notices for the leads of the agencies already involved with a person whose first record
    at another agency arrived since ``since``, saying when, how and through whom.

    The caller keeps them with the break-glass notices (the web layer's Notification), so
    leads read them in one place.
    """
    notices: list[Notice] = []
    for person, agency in first_records_since(store, since):
        others = sorted(_agencies_holding(store, person) - {agency})
        if not others:
            continue
        came = next(i for i in involvement(store, person) if i.agency == agency)
        message = f"{_whose(store, person)}: {came.words()}"
        if came.waiting:
            ends = came.at + dt.timedelta(hours=UNCONFIRMED_HOURS)
            message += (
                f" Until one does, {agency_name(agency)} can see this person only as if "
                f"breaking glass, until {ends:%d %b %Y %H:%M} (UTC)."
            )
        notices += [Notice(other, person, message) for other in others]
    return notices


def _agencies_holding(store: Store, person: str) -> set[str]:
    condition, params = _people_condition(store, [person])
    return {
        str(a)
        for (a,) in store.query(
            f"SELECT DISTINCT s.agency FROM ws_source_person s WHERE {condition}", params
        )
    }


def _whose(store: Store, person: str) -> str:
    name = store.scalar("SELECT display_name FROM ws_chronology WHERE ws_person_id = ?", [person])
    return f"{name} ({person})" if name else person


# -- a lead confirms a hand upload ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Upload:
    """A hand upload waiting for a lead of its agency to confirm it."""

    import_id: int
    file: str
    by: str
    at: dt.datetime
    records: int


def waiting_uploads(store: Store, agency: str) -> list[Upload]:
    """The agency's hand uploads that brought records in and no lead has confirmed, oldest first."""
    return [
        Upload(int(i), str(f).rsplit("/", 1)[-1], str(by), moment(at), int(n))
        for i, f, by, at, n in store.query(
            "SELECT id, file_name, imported_by, started_at, rows_inserted + rows_updated "
            "FROM ws_import WHERE route = ? AND agency = ? AND confirmed_at IS NULL "
            "AND rows_inserted + rows_updated > 0 ORDER BY id",
            [UPLOAD, agency],
        )
    ]


#: What a lead sees of each uploaded record before confirming it.
UPLOAD_COLUMNS: Final = (
    "record_id", "given_name", "family_name", "date_of_birth", "postcode", "address",
    "address_confidential", "event_date", "event_type", "summary",
)  # fmt: skip


def upload_records(store: Store, import_id: int, limit: int = 200) -> list[dict[str, Any]]:
    """The records an upload brought (as they stand now), for its lead to check."""
    rows = store.query(
        f"SELECT {', '.join(UPLOAD_COLUMNS)} FROM ws_record WHERE import_id = ? "
        "ORDER BY source_row, id LIMIT ?",
        [import_id, limit],
    )
    return [dict(zip(UPLOAD_COLUMNS, row, strict=True)) for row in rows]


def confirm_upload(
    store: Store, import_id: int, lead: str, agency: str, now: dt.datetime | None = None
) -> str:
    """A lead confirms their agency's hand upload; returns why not, or "" when confirmed.

    The lead must be a second person: whoever uploaded the file cannot confirm it.
    """
    row = store.query(
        "SELECT agency, imported_by, confirmed_at FROM ws_import WHERE id = ? AND route = ?",
        [import_id, UPLOAD],
    )
    if not row or row[0][0] != agency:
        return "There is no upload of your agency's waiting to be confirmed with that number."
    if row[0][2] is not None:
        return "That upload has already been confirmed."
    if row[0][1] == lead:
        return (
            "You uploaded this file, so another safeguarding lead of your agency must confirm it."
        )
    when = (now or dt.datetime.now(dt.UTC)).isoformat(sep=" ")
    with store.transaction():
        store.execute(
            "UPDATE ws_import SET confirmed_by = ?, confirmed_at = ? "
            "WHERE id = ? AND confirmed_at IS NULL",
            [lead, when, import_id],
        )
    return ""
