"""Reading the person index: one person with all their source records and why they are linked.

This is what a worker sees before trusting a joined-up history: every agency's
record of the person as that agency wrote it, and for every link the evidence
field by field, and whether a machine or a person made it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from wholestory.identity.features import describe_names
from wholestory.identity.household_reading import household_members
from wholestory.records.keys import source_key
from wholestory.store.connection import Row, Store


@dataclass(frozen=True)
class SourceRecord:
    """One agency's record of the person, as that agency wrote it."""

    agency: str
    person_id: str
    given_name: str | None
    family_name: str | None
    other_names: str | None
    date_of_birth: str | None
    sex: str | None
    nhs_number: str | None
    upn: str | None
    postcode: str | None
    address: str | None
    names_recorded: dict[str, list[str]]
    linked_by: str | None
    first_seen: str | None
    last_seen: str | None


@dataclass(frozen=True)
class Link:
    """Why two source records are one person: the evidence and who decided."""

    a: str
    b: str
    made_by: str
    match_probability: float | None
    evidence: dict[str, float]
    decision_reason: str | None = None
    decided_by: str | None = None


@dataclass
class PersonView:
    """A person as ``wholestory person`` shows them."""

    id: str
    status: str
    merged_into: str | None
    source_records: list[SourceRecord]
    links: list[Link] = field(default_factory=list)
    history: list[dict[str, Any]] = field(default_factory=list)
    household: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def person_for_source(store: Store, agency: str, person_id: str) -> str | None:
    """The WholeStory id of one agency's person, or None if unknown or not linked yet."""
    found = store.scalar(
        "SELECT ws_person_id FROM ws_source_person WHERE key = ?", [source_key(agency, person_id)]
    )
    return str(found) if found is not None else None


def current_id(store: Store, person: str) -> str | None:
    """Follow merges from an id someone kept (a bookmark) to the person it is now."""
    seen: set[str] = set()
    while person not in seen:
        seen.add(person)
        rows = store.query("SELECT status, merged_into FROM ws_person WHERE id = ?", [person])
        if not rows:
            return None
        status, merged_into = rows[0]
        if status != "merged" or not merged_into:
            return person
        person = str(merged_into)
    return person


_SOURCE_COLUMNS = (
    "agency, person_id, given_name, family_name, other_names, date_of_birth, sex, nhs_number, "
    "upn, postcode, address, names, linked_by, first_seen, last_seen, key"
)


def view_person(store: Store, person: str) -> PersonView | None:
    """Everything about one WholeStory person, following merges from an old id."""
    current = current_id(store, person)
    if current is None:
        return None
    status, merged_into = store.query(
        "SELECT status, merged_into FROM ws_person WHERE id = ?", [current]
    )[0]
    rows = store.query(
        f"SELECT {_SOURCE_COLUMNS} FROM ws_source_person WHERE ws_person_id = ? "
        "ORDER BY agency, person_id",
        [current],
    )
    sources = [_source(row) for row in rows]
    keys = [str(row[-1]) for row in rows]
    view = PersonView(
        current,
        str(status),
        merged_into,
        sources,
        _links(store, keys),
        _history(store, person, current),
        [asdict(m) for m in household_members(store, current)],
    )
    return view


def _source(row: tuple[Any, ...]) -> SourceRecord:
    names = row[11] if isinstance(row[11], str) or row[11] is None else json.dumps(row[11])
    fields = [
        *("agency", "person_id", "given_name", "family_name", "other_names", "date_of_birth"),
        *("sex", "nhs_number", "upn", "postcode", "address"),
    ]
    values = {f: (str(v) if v is not None else None) for f, v in zip(fields, row, strict=False)}
    return SourceRecord(
        agency=str(values.pop("agency")),
        person_id=str(values.pop("person_id")),
        **values,
        names_recorded=describe_names(names),
        linked_by=row[12],
        first_seen=row[13],
        last_seen=row[14],
    )


def _links(store: Store, keys: list[str]) -> list[Link]:
    if len(keys) < 2:
        return []
    members = set(keys)
    condition, params = store.keys_in("key_l", keys)
    pairs = store.query(
        "SELECT key_l, key_r, match_probability, evidence, state FROM ws_link_pair "
        f"WHERE {condition}",
        params,
    )
    decisions = {
        (str(a), str(b)): (str(why), str(by))
        for a, b, why, by in store.query(
            f"SELECT key_l, key_r, reason, decided_by FROM ws_link_decision WHERE {condition} "
            "AND decision = 'same'",
            params,
        )
        if str(b) in members
    }
    links: list[Link] = []
    for key_l, key_r, probability, evidence, state in pairs:
        if key_r not in members or state == "held":
            continue
        decided = decisions.pop((key_l, key_r), None)
        if state != "auto" and decided is None:
            continue
        parsed = evidence if isinstance(evidence, dict) else json.loads(evidence)
        links.append(
            Link(
                key_l,
                key_r,
                "person" if decided else "machine",
                float(probability),
                parsed,
                decided[0] if decided else None,
                decided[1] if decided else None,
            )
        )
    for (key_l, key_r), (why, by) in decisions.items():
        links.append(Link(key_l, key_r, "person", None, {}, why, by))
    return sorted(links, key=lambda link: (link.a, link.b))


def _history(store: Store, asked: str, current: str) -> list[dict[str, Any]]:
    ids = {asked, current}
    rows = store.query(
        "SELECT at, kind, ws_person_id, other_person_id, reason FROM ws_person_event "
        f"WHERE ws_person_id IN ({', '.join('?' for _ in ids)}) ORDER BY at, id",
        sorted(ids),
    )
    return [
        {"at": str(at), "kind": kind, "person": p, "other_person": o, "reason": reason}
        for at, kind, p, o, reason in rows
    ]


#: Columns of ``wholestory people export``.
EXPORT_COLUMNS = (
    "ws_person_id",
    "agency",
    "person_id",
    "linked_by",
    "given_name",
    "family_name",
    "date_of_birth",
)


def export_rows(store: Store) -> list[list[str]]:
    """The whole person index, one row per (person, agency, agency person id)."""
    rows = store.query(
        "SELECT ws_person_id, agency, person_id, linked_by, given_name, family_name, date_of_birth "
        "FROM ws_source_person WHERE ws_person_id IS NOT NULL "
        "ORDER BY ws_person_id, agency, person_id"
    )
    return [["" if v is None else str(v) for v in row] for row in rows]


def births_of(store: Store, people: list[str]) -> dict[str, dt.date]:
    """Each person's earliest recorded full date of birth; people with none are left out."""
    rows = _source_records(store, people, "date_of_birth", "AND date_of_birth IS NOT NULL")
    found: dict[str, dt.date] = {}
    for person, text in rows:
        try:
            born = dt.date.fromisoformat(str(text))
        except ValueError:
            continue
        found[str(person)] = min(born, found.get(str(person), born))
    return found


def names_of(store: Store, people: Sequence[str]) -> dict[str, str]:
    """A name for each person, as the first of their agencies' records gives it."""
    found: dict[str, str] = {}
    for person, given, family in _source_records(
        store, people, "given_name, family_name", "ORDER BY key"
    ):
        found.setdefault(str(person), f"{given or ''} {family or ''}".strip())
    return found


def _source_records(store: Store, people: Sequence[str], columns: str, rest: str) -> list[Row]:
    """Each person (linked, or an agency's ``AGENCY:ID``) with ``columns`` of their records."""
    if not people:
        return []
    either, params = store.either_in(("ws_person_id", "key"), people)
    return store.query(
        f"SELECT COALESCE(ws_person_id, key), {columns} FROM ws_source_person "
        f"WHERE {either} {rest}",
        params,
    )
