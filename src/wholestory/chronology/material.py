"""What a chronology is built from, read from the store for one person or for all.

Building is a pure function of a :class:`Material`; this module is the only
part that reads the database. One person's material is read with a few
indexed queries (the page and the CLI); everyone's is read once in bulk and
cut into per-person materials (the nightly build), so both paths build
exactly the same chronology.

A person's material holds:

* their own records (every source person linked to them);
* everyone else's rows of the same events (same agency, same ``event_id``):
  the mother as victim and her partner as suspect at the incident the child
  was present at, and the victim's DASH checklist of it;
* their household members, with what each is to them and when;
* those members' records of the kinds that touch a child (domestic abuse, a
  parent's mental illness, substance misuse or imprisonment, moves,
  evictions, new partners), with the other rows of those events;
* the communication and engagement needs agencies recorded of the person and of
  everyone with a row in their events (a mother at her baby's health visit), which
  the ``NEEDS_NOT_MET`` indicator reads against the contacts that followed.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

from wholestory.chronology.checklists import Checklists
from wholestory.chronology.display import parse_iso, period_end
from wholestory.chronology.rows import RecordedNeed, Row, dates_of_birth
from wholestory.chronology.vocabulary import HOUSEHOLD_TYPES
from wholestory.identity import INVERSE
from wholestory.identity.household_reading import links_from, people_of
from wholestory.records.keys import key_agency, source_key, split_key
from wholestory.store.connection import Store

if TYPE_CHECKING:
    from wholestory.engagement.needs import Need

#: ``ws_record`` columns in :class:`Row` order (``person`` is added after reading).
_COLUMNS: Final = (
    "agency, record_id, person_id, given_name, family_name, date_of_birth, sex, nhs_number, "
    "upn, postcode, address, role, event_id, event_date, event_date_approximate, "
    "event_date_start, event_type, event_type_inferred, summary, action, outcome, "
    "practitioner, team, date_of_death, restricted, address_confidential"
)


@dataclass(frozen=True, slots=True)
class Member:
    """Someone in the person's household: what they are to the person, and when."""

    person: str
    relation: str  # relationship codes as agencies recorded them ("MOTHER"), or ""
    first: str | None  # ISO prefix, None when the evidence is undated (a relationship)
    last: str | None

    def covers(self, day: dt.date, slack_days: int) -> bool:
        """Whether the member may have lived with the person on ``day``."""
        first, last = parse_iso(self.first or ""), period_end(self.last or "")
        if first is None or last is None:
            return True
        slack = dt.timedelta(days=slack_days)
        return first - slack <= day <= last + slack


@dataclass(slots=True)
class Material:
    """Everything one person's chronology is built from."""

    person: str
    keys: list[str]
    rows: list[Row]  # own records and the other rows of their events
    household_rows: list[Row]  # members' records that touch a child, and their events' rows
    members: dict[str, Member] = field(default_factory=dict)
    #: Needs of the person and of everyone with a row in ``rows``, oldest recorded first.
    needs: list[RecordedNeed] = field(default_factory=list)


def _row(values: Sequence[Any], person: str) -> Row:
    day = values[15]
    if not isinstance(day, dt.date):
        day = dt.date.fromisoformat(str(day)[:10])
    text = [None if v is None else str(v) for v in values[:12]]
    return Row(
        str(text[0]),
        str(text[1]),
        str(text[2]),
        text[3] or "",
        text[4] or "",
        text[5],
        text[6],
        text[7],
        text[8],
        text[9],
        text[10],
        text[11] or "SUBJECT",
        values[12],
        str(values[13]),
        bool(values[14]),
        day,
        str(values[16]),
        bool(values[17]),
        str(values[18]),
        values[19],
        values[20],
        values[21],
        values[22],
        person,
        None if values[23] is None else str(values[23]),
        None if values[24] is None else str(values[24]),
        bool(values[25]),
        source_key(str(text[0]), str(text[2])),
    )


# One person


def resolve_person(store: Store, agency: str, person_id: str) -> str | None:
    """The WholeStory id of an agency's person; their own key while unlinked; None if unknown."""
    key = source_key(agency.upper(), person_id)
    found = store.query("SELECT ws_person_id FROM ws_source_person WHERE key = ?", [key])
    if found:
        return str(found[0][0]) if found[0][0] else key
    known = store.scalar(
        "SELECT 1 FROM ws_record WHERE agency = ? AND person_id = ? LIMIT 1",
        [agency.upper(), person_id],
    )
    return key if known else None


def load_material(store: Store, person: str) -> Material:
    """One person's material (``person`` is a WholeStory id or an unlinked AGENCY:PERSON_ID)."""
    keys = keys_of(store, [person]).get(person, [])
    if ":" in person and not keys:
        keys = [person]
    rows = _with_event_rows(store, _records_of_keys(store, keys))
    members = _members(store, person, keys)
    member_keys = keys_of(store, list(members))
    theirs = [
        r
        for r in _records_of_keys(store, [k for ks in member_keys.values() for k in ks])
        if r.event_type in HOUSEHOLD_TYPES
    ]
    household_rows = _with_event_rows(store, theirs)
    victims = [*keys, person, *_keys_and_ids(member_keys)]
    checklists = Checklists.about(store, victims, [*rows, *household_rows])
    rows = _named(store, checklists.apply(rows, [*keys, person], lambda _: person))
    household_rows = checklists.apply(household_rows, _keys_and_ids(member_keys), lambda v: v)
    # engagement.needs imports chronology.model: imported here, not at the top, so that
    # importing either package first works.
    from wholestory.engagement.needs import needs_of_people

    found = needs_of_people(store, [person, *{r.person for r in rows}])
    needs = story_needs(person, rows, found)
    return Material(person, keys, rows, _named(store, household_rows), members, needs)


def story_needs(
    person: str, rows: Sequence[Row], found: Mapping[str, Sequence[Need]]
) -> list[RecordedNeed]:
    """The needs ``found`` (by WholeStory id) of ``person`` and of everyone in ``rows``."""
    whose = [p for p in dict.fromkeys([person, *(r.person for r in rows)]) if p in found]
    if not whose:
        return []  # most stories: nobody in them has a need recorded
    born = dates_of_birth(rows)
    needs = [
        RecordedNeed(
            person=who,
            own=who == person,
            need=n.need,
            detail=n.detail,
            agency=n.agency,
            record_id=n.record_id,
            recorded_on=dt.date.fromisoformat(n.recorded_on),
            born=born.get(who),
        )
        for who in whose
        for n in found[who]
    ]
    return sorted(needs, key=lambda n: (n.recorded_on, n.agency, n.record_id, n.person))


def _keys_and_ids(keys: dict[str, list[str]]) -> list[str]:
    """Each member's WholeStory id and source keys, as a checklist names its victim."""
    return [x for person, ks in keys.items() for x in (person, *ks)]


def keys_of(store: Store, people: Sequence[str]) -> dict[str, list[str]]:
    """Source keys of each WholeStory id."""
    if not people:
        return {}
    condition, params = store.keys_in("ws_person_id", list(people))
    found: dict[str, list[str]] = defaultdict(list)
    for key, ws in store.query(
        f"SELECT key, ws_person_id FROM ws_source_person WHERE {condition} ORDER BY key", params
    ):
        found[str(ws)].append(str(key))
    for p in people:
        if ":" in p and p not in found:
            found[p] = [p]
    return dict(found)


def _records_of_keys(store: Store, keys: Sequence[str]) -> list[Row]:
    """Every record of these source persons (``person`` filled in later)."""
    rows: list[Row] = []
    by_agency: dict[str, list[str]] = defaultdict(list)
    for key in keys:
        agency, person_id = split_key(key)
        by_agency[agency].append(person_id)
    for agency, ids in sorted(by_agency.items()):
        condition, params = store.keys_in("person_id", ids)
        found = store.query(
            f"SELECT {_COLUMNS} FROM ws_record WHERE agency = ? AND {condition}",
            [agency, *params],
        )
        rows.extend(_row(values, "") for values in found)
    return rows


def _with_event_rows(store: Store, rows: list[Row]) -> list[Row]:
    """The rows plus every other row of the same agency events."""
    events: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        if r.event_id:
            events[r.agency].add(r.event_id)
    seen = {(r.agency, r.record_id) for r in rows}
    out = list(rows)
    for agency, ids in sorted(events.items()):
        condition, params = store.keys_in("event_id", sorted(ids))
        for values in store.query(
            # "event_id IN (...)" alone lets SQLite use the partial (agency, event_id) index.
            f"SELECT {_COLUMNS} FROM ws_record WHERE agency = ? AND {condition}",
            [agency, *params],
        ):
            if (values[0], values[1]) not in seen:
                seen.add((values[0], values[1]))
                out.append(_row(values, ""))
    return out


def _named(store: Store, rows: list[Row]) -> list[Row]:
    """The rows with ``person`` set to the WholeStory id of their source person."""
    people = people_of(store, (r.key for r in rows))
    return [r._replace(person=people.get(r.key, r.key)) for r in rows]


def _members(store: Store, person: str, keys: Sequence[str]) -> dict[str, Member]:
    """The person's household members, from the identity work's household links."""
    if not keys:
        return {}
    links = links_from(store, keys)
    owner = people_of(store, (link.theirs for link in links))
    member_keys = keys_of(store, sorted(set(owner.values())))
    words = _relationship_words(store, keys, [k for ks in member_keys.values() for k in ks])
    said = {
        member: ",".join(
            sorted({w for k in keys for t in ks for w in words.get((k, t), "").split(",") if w})
        )
        for member, ks in member_keys.items()
    }
    return combine_members(
        (
            (owner[t.theirs], said.get(owner[t.theirs], ""), t.first_date, t.last_date)
            for t in links
        ),
        exclude=person,
    )


def _relationship_words(
    store: Store, mine: Sequence[str], others: Sequence[str]
) -> dict[tuple[str, str], str]:
    """What each other key is to each of mine, from the relationships tables.

    Only the rows whose person is one of these keys are read (a row says something of a
    pair only if its person is one of the pair): the agencies' whole tables, read once for
    each of thousands of people a feed touches, made its rebuild quadratic.
    """
    if not others:
        return {}
    keys = [*mine, *others]
    agencies, agencies_params = store.keys_in("agency", sorted({key_agency(k) for k in keys}))
    people, people_params = store.keys_in("person_id", sorted({split_key(k)[1] for k in keys}))
    rows = store.query(
        f"SELECT agency, person_id, related_person_id, relationship FROM ws_relationship "
        f"WHERE {agencies} AND {people}",
        [*agencies_params, *people_params],
    )
    return relationship_words(rows, set(mine), set(others))


def relationship_words(
    rows: Iterable[Sequence[Any]], mine: set[str], others: set[str]
) -> dict[tuple[str, str], str]:
    """(my key, their key) → what they are to me, read the right way round."""
    said: dict[tuple[str, str], set[str]] = defaultdict(set)
    for agency, one, other, word in rows:
        a, b = source_key(agency, one), source_key(agency, other)
        if a in mine and b in others:
            said[(a, b)].add(str(word))  # b is a's MOTHER
        if b in mine and a in others:
            said[(b, a)].add(INVERSE.get(str(word), str(word)))
    return {pair: ",".join(sorted(words)) for pair, words in said.items()}


def combine_members(
    links: Iterable[tuple[str, str, str | None, str | None]], exclude: str
) -> dict[str, Member]:
    """One :class:`Member` per person from (person, relation, first, last) link rows."""
    grouped: dict[str, list[tuple[str, str | None, str | None]]] = defaultdict(list)
    for other, word, first, last in links:
        if other != exclude:
            grouped[other].append((word, first, last))
    members: dict[str, Member] = {}
    for other, found in grouped.items():
        words = sorted({c for w, _, _ in found if w for c in w.split(",")})
        dated = [(f, la) for _, f, la in found if f and la]
        undated = len(dated) < len(found)
        members[other] = Member(
            other,
            ",".join(words),
            None if undated else min(f for f, _ in dated),
            None if undated else max(la for _, la in dated),
        )
    return members


# Everyone at once


class Everyone:
    """The whole store read once, cut into one :class:`Material` per person on demand."""

    def __init__(self, store: Store) -> None:
        people = {
            str(k): str(ws) if ws else str(k)
            for k, ws in store.query("SELECT key, ws_person_id FROM ws_source_person")
        }
        self.rows_by_key: dict[str, list[Row]] = defaultdict(list)
        self.rows_by_event: dict[tuple[str, str], list[Row]] = defaultdict(list)
        for values in store.query(f"SELECT {_COLUMNS} FROM ws_record"):
            key = source_key(values[0], values[2])
            row = _row(values, people.get(key, key))
            self.rows_by_key[key].append(row)
            if row.event_id:
                self.rows_by_event[row.event].append(row)
        self.keys_by_person: dict[str, list[str]] = defaultdict(list)
        for key in self.rows_by_key:
            self.keys_by_person[people.get(key, key)].append(key)
        self.links: dict[str, list[tuple[str, str | None, str | None]]] = defaultdict(list)
        for a, b, first, last in store.query(
            "SELECT key_a, key_b, first_date, last_date FROM ws_household_link"
        ):
            self.links[a].append((b, first, last))
            self.links[b].append((a, first, last))
        self.people = people
        self.checklists = Checklists.everything(store)
        from wholestory.engagement.needs import every_need  # see load_material

        self.needs = every_need(store)
        self.words: dict[tuple[str, str], set[str]] = defaultdict(set)
        for agency, one, other, word in store.query(
            "SELECT agency, person_id, related_person_id, relationship FROM ws_relationship"
        ):
            a, b = source_key(agency, one), source_key(agency, other)
            self.words[(a, b)].add(str(word))
            self.words[(b, a)].add(INVERSE.get(str(word), str(word)))

    def persons(self) -> list[str]:
        """Every person with records, WholeStory ids first, in a stable order."""
        return sorted(self.keys_by_person)

    def material(self, person: str) -> Material:
        """One person's material, the same as :func:`load_material` would read."""
        keys = sorted(self.keys_by_person.get(person, []))
        own = [r for k in keys for r in self.rows_by_key.get(k, [])]
        rows = self.checklists.apply(self._with_events(own), [*keys, person], lambda _: person)
        links = [
            (self.people.get(other, other), f, la)
            for k in keys
            for other, f, la in self.links.get(k, [])
            if self.people.get(other, other) != person
        ]
        said = {
            member: ",".join(
                sorted(
                    {
                        w
                        for k in keys
                        for theirs in self.keys_by_person.get(member, [member])
                        for w in self.words.get((k, theirs), ())
                    }
                )
            )
            for member in {m for m, _, _ in links}
        }
        members = combine_members(((m, said[m], f, la) for m, f, la in links), exclude=person)
        theirs = [
            r
            for m in members
            for k in self.keys_by_person.get(m, [])
            for r in self.rows_by_key.get(k, [])
            if r.event_type in HOUSEHOLD_TYPES
        ]
        household = self.checklists.apply(
            self._with_events(theirs),
            [x for m in members for x in (m, *self.keys_by_person.get(m, []))],
            lambda v: self.people.get(v, v),
        )
        needs = story_needs(person, rows, self.needs)
        return Material(person, keys, rows, household, members, needs)

    def _with_events(self, rows: list[Row]) -> list[Row]:
        seen = {(r.agency, r.record_id) for r in rows}
        out = list(rows)
        for event in dict.fromkeys(r.event for r in rows if r.event_id):
            for r in self.rows_by_event.get(event, []):
                if (r.agency, r.record_id) not in seen:
                    seen.add((r.agency, r.record_id))
                    out.append(r)
        return out
