"""Reading a household back: who is in a person's household, on a day, and why.

The links are built in :mod:`wholestory.identity.households` between source persons
(``AGENCY:PERSON_ID``); here they are read back as WholeStory people, so that once people
are linked a household shows up once across all the agencies, each member with the
evidence that puts them there.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from wholestory.identity.households import INVERSE, MAX_HOUSEHOLD, RELATIONSHIPS_SQL
from wholestory.records.keys import source_key, split_key
from wholestory.store.connection import Store


@dataclass(frozen=True)
class Member:
    """Someone in a person's household, with the evidence that puts them there.

    ``relationship`` is what the member is to the person as an agency recorded
    it (``MOTHER``; ``CHILD`` when the agency recorded it the other way round),
    several joined by ", " when agencies differ. ``first_date`` and
    ``last_date`` span the dated evidence; a relationship alone has none.
    ``via`` names the source persons, the person's own and the member's, that
    the links join, so every member can be traced to the records behind them.
    """

    ws_person_id: str
    relationship: str | None
    bases: tuple[str, ...]
    first_date: str | None
    last_date: str | None
    via: tuple[str, ...]


@dataclass(frozen=True)
class LinkFromOneSide:
    """One row of ``ws_household_link`` seen from one side: ``mine`` is the person's key."""

    mine: str
    theirs: str
    basis: str
    detail: str
    first_date: str | None
    last_date: str | None


# Reading households


def household_members(store: Store, ws_person_id: str, on: str | None = None) -> list[Member]:
    """The people directly linked to this person, one :class:`Member` each.

    ``on`` (``YYYY-MM-DD``) keeps only links whose period covers that day;
    links without dates (relationships) always count, since an agency said so
    without saying when. A source person not yet linked stands as its own key
    (``POLICE:PN1``) rather than vanishing: an unlinked adult in a child's
    household is exactly who must not drop out of view. Undated members come
    first (their evidence holds always), then by first date and id.
    """
    day = None if on is None else dt.date.fromisoformat(on).isoformat()
    mine = _source_keys(store, [ws_person_id])
    links = [link for link in links_from(store, mine) if _covers(link, day)]
    ids = people_of(store, {link.theirs for link in links})
    words = _relationship_words(store, [link for link in links if link.basis == "relationship"])
    grouped: dict[str, list[LinkFromOneSide]] = {}
    for link in links:  # never the person themself: no link has both ends among ``mine``
        grouped.setdefault(ids[link.theirs], []).append(link)
    members = [_member(other, group, words) for other, group in grouped.items()]
    return sorted(
        members, key=lambda m: (m.first_date is not None, m.first_date or "", m.ws_person_id)
    )


def _covers(link: LinkFromOneSide, day: str | None) -> bool:
    """Whether a link's period includes ``day``, at the precision the period was recorded."""
    if day is None:
        return True
    after_start = link.first_date is None or link.first_date <= day[: len(link.first_date)]
    before_end = link.last_date is None or link.last_date >= day[: len(link.last_date)]
    return after_start and before_end


def _period_end(date: str) -> str:
    """The last day a partial ISO date can mean, for ordering: ``2019`` sorts as 2019-12-31."""
    return date + "-12-31"[len(date) - 4 :]


def _member(
    other: str, links: list[LinkFromOneSide], words: dict[tuple[str, str], set[str]]
) -> Member:
    firsts = [link.first_date for link in links if link.first_date]
    lasts = [link.last_date for link in links if link.last_date]
    said = {w for link in links for w in words.get((link.mine, link.theirs), set())}
    return Member(
        ws_person_id=other,
        relationship=", ".join(sorted(said)) or None,
        bases=tuple(sorted({link.basis for link in links})),
        first_date=min(firsts, default=None),
        last_date=max(lasts, key=_period_end, default=None),
        via=tuple(sorted({k for link in links for k in (link.mine, link.theirs)})),
    )


def _relationship_words(
    store: Store, links: list[LinkFromOneSide]
) -> dict[tuple[str, str], set[str]]:
    """What ``theirs`` is to ``mine`` for each relationship link, read the right way round.

    The link table orders its keys, which loses who is whose mother; the
    relationship table keeps it, so the words are read from there.
    """
    if not links:
        return {}
    one_pair = "(agency = ? AND person_id = ? AND related_person_id = ?)"
    params = [
        p
        for link in links
        for p in (*_pair_params(link.mine, link.theirs), *_pair_params(link.theirs, link.mine))
    ]
    rows = store.query(
        f"{RELATIONSHIPS_SQL} WHERE {' OR '.join([one_pair] * len(links) * 2)}", params
    )
    said: dict[tuple[str, str], set[str]] = {}
    for agency, one, other, word in rows:
        a, b = source_key(agency, one), source_key(agency, other)
        said.setdefault((a, b), set()).add(str(word))  # b is a's MOTHER
        said.setdefault((b, a), set()).add(INVERSE.get(str(word), str(word)))  # a is b's CHILD
    return said


def _pair_params(key: str, related: str) -> tuple[str, str, str]:
    agency, person_id = split_key(key)
    return agency, person_id, split_key(related)[1]


def household_of(store: Store, ws_person_id: str) -> list[str]:
    """Everyone connected to this person through household links, the person included, sorted.

    Breadth first, nearest people first, stopping at :data:`MAX_HOUSEHOLD`
    people: one shared address that escaped the crowded address rule, or a
    chain of lodgers, can join household to household until a whole town is
    "one household", which tells a worker nothing and is slow to draw. The
    nearest fifty are the ones that matter; a list of exactly that many may
    have been cut short. An unknown id gives an empty list.
    """
    frontier = _source_keys(store, [ws_person_id])
    found = {ws_person_id} if frontier else set()
    while frontier and len(found) < MAX_HOUSEHOLD:
        ids = people_of(store, {link.theirs for link in links_from(store, frontier)})
        new = sorted(set(ids.values()) - found)[: MAX_HOUSEHOLD - len(found)]
        found.update(new)
        frontier = _source_keys(store, new)
    return sorted(found)


def _source_keys(store: Store, people: Sequence[str]) -> list[str]:
    """The source keys of these people; a source key standing as a person is its own."""
    if not people:
        return []
    condition, params = store.keys_in("ws_person_id", list(people))
    rows = store.query(f"SELECT key FROM ws_source_person WHERE {condition}", params)
    return sorted({str(r[0]) for r in rows} | {p for p in people if ":" in p})


def people_of(store: Store, keys: Iterable[str]) -> dict[str, str]:
    """Each source key's WholeStory id, or the key itself while it is not linked."""
    wanted = sorted(set(keys))
    if not wanted:
        return {}
    condition, params = store.keys_in("key", wanted)
    rows = store.query(f"SELECT key, ws_person_id FROM ws_source_person WHERE {condition}", params)
    linked = {str(k): str(p) for k, p in rows if p is not None}
    return {key: linked.get(key, key) for key in wanted}


def links_from(store: Store, keys: Sequence[str]) -> list[LinkFromOneSide]:
    """The household links with one end among ``keys`` and the other outside them."""
    if not keys:
        return []
    mine = set(keys)
    either, params = store.either_in(("key_a", "key_b"), list(keys))
    rows = store.query(
        "SELECT key_a, key_b, basis, detail, first_date, last_date FROM ws_household_link "
        f"WHERE {either}",
        params,
    )
    return [
        LinkFromOneSide(a if a in mine else b, b if a in mine else a, basis, detail, first, last)
        for a, b, basis, detail, first, last in rows
        if (a in mine) != (b in mine)
    ]
