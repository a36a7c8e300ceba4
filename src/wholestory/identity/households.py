"""Households over time: who was living with, or recorded alongside, whom, and when.

The risk to a child often comes from the adults around them, and no agency
sees the whole household: social care knows the mother, the police know her
new partner from a call-out, housing knows who was on the tenancy. Three
kinds of evidence join two people, and each link keeps its basis, its detail
and its dates so that a worker can judge it rather than take it on trust:

* ``relationship``: an agency recorded how two of its people are related;
* ``event``: an agency recorded both people in one event (the mother, her
  partner and a child at one domestic abuse incident);
* ``address``: agencies recorded both people at one address at about the
  same time.

Links join source persons (``AGENCY:PERSON_ID``), because that is what the
evidence names; reading them back translates to WholeStory ids, so that once
people are linked a household shows up once across all the agencies.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

import polars as pl

from wholestory.identity.addresses import compact_postcode, normalised_address
from wholestory.identity.sources import split_key
from wholestory.store.connection import Store

#: An address where more distinct people than this were recorded is a hostel,
#: refuge, office or care home, not a household, and gives no address links.
MAX_PEOPLE_AT_ADDRESS: Final = 12

#: Two people recorded at one address this many days apart may still have
#: overlapped there: records are sparse, and nobody is recorded every week.
ADDRESS_GAP_DAYS: Final = 365

#: The most people :func:`household_of` returns (see there for why).
MAX_HOUSEHOLD: Final = 50

#: ``ws_household_link`` as a frame, in the table's column names.
LINK_SCHEMA: Final[dict[str, pl.DataType]] = {
    name: pl.String() for name in ("key_a", "key_b", "basis", "detail", "first_date", "last_date")
}

#: What the related person is to the recording person, read the other way round.
INVERSE: Final[dict[str, str]] = {
    "MOTHER": "CHILD",
    "FATHER": "CHILD",
    "STEP_PARENT": "STEP_CHILD",
    "PARENT_PARTNER": "PARTNER_CHILD",
    "SIBLING": "SIBLING",
    "HALF_SIBLING": "HALF_SIBLING",
    "GRANDPARENT": "GRANDCHILD",
    "CARER": "CARED_FOR",
    "OTHER": "OTHER",
}

_RECORD_SCHEMA: Final[dict[str, pl.DataType]] = {
    name: pl.String()
    for name in (
        "agency",
        "record_id",
        "person_id",
        "event_id",
        "event_date",
        "event_start",
        "postcode",
        "address",
    )
}
_RELATIONSHIP_SCHEMA: Final[dict[str, pl.DataType]] = {
    name: pl.String() for name in ("agency", "person_id", "related_person_id", "relationship")
}
_PEOPLE_SCHEMA: Final[dict[str, pl.DataType]] = {"key": pl.String(), "ws_person_id": pl.String()}
_RECORDS_SQL: Final = (
    "SELECT agency, record_id, person_id, event_id, event_date, CAST(event_date_start AS TEXT), "
    "postcode, address FROM ws_record WHERE event_id IS NOT NULL OR address IS NOT NULL"
)
_RELATIONSHIPS_SQL: Final = (
    "SELECT agency, person_id, related_person_id, relationship FROM ws_relationship"
)


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
class _Link:
    """One row of ``ws_household_link`` seen from one side: ``mine`` is the person's key."""

    mine: str
    theirs: str
    basis: str
    detail: str
    first_date: str | None
    last_date: str | None


# Building the links


def rebuild_household_links(store: Store) -> int:
    """Recompute every household link from the records, replacing the old ones; returns how many.

    The table is rebuilt whole rather than patched, so it is always a function
    of the records: a corrected address or a withdrawn relationship cannot
    leave a link behind. Run it after linking people, because the crowded
    address rule counts people by WholeStory id (see :func:`household_links`).
    """
    links = household_links(
        store.query_frame(_RELATIONSHIPS_SQL, [], _RELATIONSHIP_SCHEMA),
        store.query_frame(_RECORDS_SQL, [], _RECORD_SCHEMA),
        store.query_frame("SELECT key, ws_person_id FROM ws_source_person", [], _PEOPLE_SCHEMA),
    )
    with store.transaction():
        store.execute("DELETE FROM ws_household_link")
        store.insert_frame("ws_household_link", links)
    return links.height


def update_household_links(store: Store, keys: Sequence[str]) -> int:
    """Recompute the household links of the people ``keys`` only; returns how many they have.

    For a daily feed, where a full rebuild would read every record. A person's
    links are complete from the records that share an event or a postcode (or,
    without a postcode, an address) with their own, and their relationships,
    so only those are read. Links between other people are left as they are;
    the next full ``wholestory link`` rebuilds everything (an address that
    newly passes the crowding limit is corrected then).
    """
    touched = sorted(set(keys))
    if not touched:
        return 0
    own = _records_of(store, touched)
    scope = _records_sharing(store, own)
    relationships = _relationships_of(store, touched)
    records = pl.concat([own, scope]).unique()
    in_scope = (records["agency"] + ":" + records["person_id"]).unique().to_list()
    condition, params = store.keys_in("key", in_scope)
    people = store.query_frame(
        f"SELECT key, ws_person_id FROM ws_source_person WHERE {condition}", params, _PEOPLE_SCHEMA
    )
    links = household_links(relationships, records, people)
    mine = links.filter(pl.col("key_a").is_in(touched) | pl.col("key_b").is_in(touched))
    with store.transaction():
        for column in ("key_a", "key_b"):
            condition, params = store.keys_in(column, touched)
            store.execute(f"DELETE FROM ws_household_link WHERE {condition}", params)
        store.insert_frame("ws_household_link", mine)
    return mine.height


def _records_of(store: Store, keys: Sequence[str]) -> pl.DataFrame:
    by_agency: dict[str, list[str]] = {}
    for key in keys:
        agency, _, person_id = key.partition(":")
        by_agency.setdefault(agency, []).append(person_id)
    frames = [pl.DataFrame(schema=_RECORD_SCHEMA)]
    for agency, ids in sorted(by_agency.items()):
        condition, params = store.keys_in("person_id", ids)
        sql = f"{_RECORDS_SQL} AND agency = ? AND {condition}"
        frames.append(store.query_frame(sql, [agency, *params], _RECORD_SCHEMA))
    return pl.concat(frames)


def _records_sharing(store: Store, own: pl.DataFrame) -> pl.DataFrame:
    """Records at the same postcodes or addresses as ``own``, or of the same events."""
    postcodes = own["postcode"].drop_nulls().unique().to_list()
    addresses = own.filter(pl.col("postcode").is_null())["address"].drop_nulls().unique()
    events = own.filter(pl.col("event_id").is_not_null())
    event_keys = (events["agency"] + "|" + events["event_id"]).unique().to_list()
    conditions, params = [], []
    for column, values in (
        ("postcode", postcodes),
        ("address", addresses.to_list()),
        ("agency || '|' || event_id", event_keys),
    ):
        if values:
            condition, more = store.keys_in(column, values)
            conditions.append(condition)
            params.extend(more)
    if not conditions:
        return pl.DataFrame(schema=_RECORD_SCHEMA)
    sql = f"{_RECORDS_SQL} AND ({' OR '.join(conditions)})"
    return store.query_frame(sql, params, _RECORD_SCHEMA)


def _relationships_of(store: Store, keys: Sequence[str]) -> pl.DataFrame:
    condition_a, params_a = store.keys_in("agency || ':' || person_id", keys)
    condition_b, params_b = store.keys_in("agency || ':' || related_person_id", keys)
    return store.query_frame(
        f"{_RELATIONSHIPS_SQL} WHERE {condition_a} OR {condition_b}",
        [*params_a, *params_b],
        _RELATIONSHIP_SCHEMA,
    )


def household_links(
    relationships: pl.DataFrame, records: pl.DataFrame, people: pl.DataFrame
) -> pl.DataFrame:
    """Every household link the evidence supports, one row per (key_a, key_b, basis, detail).

    ``records`` carries ``event_start``, the first day of each ``event_date``
    (dates may be partial: ``2019``, ``2019-03``). ``people`` maps source keys
    to WholeStory ids where linking has made one; an address counts its people
    by those ids, so that a family of four known to five agencies is four
    people there, not twenty, and is not mistaken for a hostel.
    """
    dated = _with_periods(records)
    links = pl.concat(
        [_relationship_links(relationships), _event_links(dated), _address_links(dated, people)]
    )
    # One (pair, basis, detail) once: two postcodes can share an address as written.
    merged = links.group_by("key_a", "key_b", "basis", "detail").agg(
        pl.col("first_date").min(), pl.col("last_date").max()
    )
    return merged.sort("key_a", "key_b", "basis", "detail").select(list(LINK_SCHEMA))


def _key(person: str) -> pl.Expr:
    return pl.concat_str("agency", pl.lit(":"), person)


def _with_periods(records: pl.DataFrame) -> pl.DataFrame:
    """Each record's key and the first and last day its (maybe partial) date can mean."""
    start = pl.col("event_start").str.to_date("%Y-%m-%d")
    length = pl.col("event_date").str.len_chars()
    end = (
        pl.when(length == 4)
        .then(start.dt.offset_by("1y").dt.offset_by("-1d"))
        .when(length == 7)
        .then(start.dt.month_end())
        .otherwise(start)
    )
    return records.with_columns(key=_key("person_id"), start=start, end=end)


def _relationship_links(relationships: pl.DataFrame) -> pl.DataFrame:
    """One link per recorded relationship; its word is the detail, and it has no dates."""
    pairs = relationships.select(
        one=_key("person_id"), other=_key("related_person_id"), detail="relationship"
    ).filter(pl.col("one") != pl.col("other"))
    return pairs.select(
        key_a=pl.min_horizontal("one", "other"),
        key_b=pl.max_horizontal("one", "other"),
        basis=pl.lit("relationship"),
        detail="detail",
        first_date=pl.lit(None, pl.String),
        last_date=pl.lit(None, pl.String),
    )


def _pairs(members: pl.DataFrame, group: Sequence[str]) -> pl.DataFrame:
    """Every two different people of each group, once each, by a self-join on the group.

    The pair comes out as ``key_a < key_b`` with the second person's columns
    suffixed ``_b``; ``members`` must hold each key at most once per group.
    """
    joined = members.join(members, on=list(group), suffix="_b")
    return joined.filter(pl.col("key") < pl.col("key_b")).rename({"key": "key_a"})


def _event_links(records: pl.DataFrame) -> pl.DataFrame:
    """One link per pair of people an agency recorded in the same events, however many.

    A household at a dozen call-outs would otherwise be a dozen rows per pair;
    the count and the span of dates say the same thing in one.
    """
    rows = records.filter(pl.col("event_id").is_not_null())
    # An event's rows can disagree on its date; the earliest stands for the event.
    events = rows.group_by("agency", "event_id").agg(
        date=pl.col("event_date").sort_by("start", "event_date").first(),
        start=pl.col("start").min(),
        end=pl.col("end").sort_by("start", "event_date").first(),
    )
    people = rows.select("agency", "event_id", "key").unique()
    shared = _pairs(people, ["agency", "event_id"]).join(events, on=["agency", "event_id"])
    per_pair = shared.group_by("key_a", "key_b", "agency").agg(
        events=pl.col("event_id").n_unique(),
        first_date=pl.col("date").sort_by("start", "date").first(),
        last_date=pl.col("date").sort_by("end", "date").last(),
    )
    plural = pl.when(pl.col("events") == 1).then(pl.lit("")).otherwise(pl.lit("s"))
    return per_pair.select(
        "key_a",
        "key_b",
        basis=pl.lit("event"),
        detail=pl.format("{}: {} shared event{}", "agency", "events", plural),
        first_date="first_date",
        last_date="last_date",
    )


def _place(address: pl.Expr, postcode: pl.Expr) -> pl.Expr:
    """An address as a key: the address as linking reads it, plus the postcode.

    The same normalisation as linking (:func:`~wholestory.identity.addresses.normalised_address`:
    case, punctuation, "Rd" for "Road"), so "12 Oak Rd" and "12 OAK ROAD" at one
    postcode are one address here as they are to linking.
    """
    words = normalised_address(address)
    code = compact_postcode(postcode).fill_null("")
    return pl.when(words.is_not_null()).then(pl.concat_str(words, pl.lit("|"), code))


def _address_links(records: pl.DataFrame, people: pl.DataFrame) -> pl.DataFrame:
    """Links between people recorded at one address at about the same time.

    Addresses where more than :data:`MAX_PEOPLE_AT_ADDRESS` distinct people
    were recorded (hostels, refuges, offices) give no links: everyone who
    passed through a hostel is not one household. Two people link when the
    periods they were recorded there overlap or lie within
    :data:`ADDRESS_GAP_DAYS` of each other; the link's dates are the overlap,
    or when there is none the gap between them, the time they may have shared.
    """
    at = records.with_columns(place=_place(pl.col("address"), pl.col("postcode"))).filter(
        pl.col("place").is_not_null()
    )
    who = at.join(people, on="key", how="left").select(
        "place", who=pl.coalesce("ws_person_id", "key")
    )
    crowded = who.group_by("place").agg(pl.col("who").n_unique().alias("n"))
    at = at.join(crowded.filter(pl.col("n") > MAX_PEOPLE_AT_ADDRESS), on="place", how="anti")
    written = (
        at.sort("start", "agency", "record_id")
        .group_by("place")
        .agg(detail=pl.col("address").first())
    )
    stays = at.group_by("place", "key").agg(
        first=pl.col("event_date").sort_by("start", "event_date").first(),
        start=pl.col("start").min(),
        last=pl.col("event_date").sort_by("end", "event_date").last(),
        end=pl.col("end").max(),
    )
    return _shared_periods(_pairs(stays, ["place"]).join(written, on="place"))


def _shared_periods(pairs: pl.DataFrame) -> pl.DataFrame:
    """Keep pairs whose stays overlap or nearly do; date each by the time they shared."""
    later_start = pl.max_horizontal("start", "start_b")
    earlier_end = pl.min_horizontal("end", "end_b")
    near = (later_start - earlier_end).dt.total_days() <= ADDRESS_GAP_DAYS
    lo = pl.when(pl.col("start") >= pl.col("start_b")).then("first").otherwise("first_b")
    hi = pl.when(pl.col("end") <= pl.col("end_b")).then("last").otherwise("last_b")
    overlap = later_start <= earlier_end
    return pairs.filter(near).select(
        "key_a",
        "key_b",
        basis=pl.lit("address"),
        detail="detail",
        first_date=pl.when(overlap).then(lo).otherwise(hi),
        last_date=pl.when(overlap).then(hi).otherwise(lo),
    )


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
    links = [link for link in _links_from(store, mine) if _covers(link, day)]
    ids = _people_of(store, {link.theirs for link in links})
    words = _relationship_words(store, [link for link in links if link.basis == "relationship"])
    grouped: dict[str, list[_Link]] = {}
    for link in links:  # never the person themself: no link has both ends among ``mine``
        grouped.setdefault(ids[link.theirs], []).append(link)
    members = [_member(other, group, words) for other, group in grouped.items()]
    return sorted(
        members, key=lambda m: (m.first_date is not None, m.first_date or "", m.ws_person_id)
    )


def _covers(link: _Link, day: str | None) -> bool:
    """Whether a link's period includes ``day``, at the precision the period was recorded."""
    if day is None:
        return True
    after_start = link.first_date is None or link.first_date <= day[: len(link.first_date)]
    before_end = link.last_date is None or link.last_date >= day[: len(link.last_date)]
    return after_start and before_end


def _period_end(date: str) -> str:
    """The last day a partial ISO date can mean, for ordering: ``2019`` sorts as 2019-12-31."""
    return date + "-12-31"[len(date) - 4 :]


def _member(other: str, links: list[_Link], words: dict[tuple[str, str], set[str]]) -> Member:
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


def _relationship_words(store: Store, links: list[_Link]) -> dict[tuple[str, str], set[str]]:
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
        f"{_RELATIONSHIPS_SQL} WHERE {' OR '.join([one_pair] * len(links) * 2)}", params
    )
    said: dict[tuple[str, str], set[str]] = {}
    for agency, one, other, word in rows:
        a, b = f"{agency}:{one}", f"{agency}:{other}"
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
        ids = _people_of(store, {link.theirs for link in _links_from(store, frontier)})
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


def _people_of(store: Store, keys: Iterable[str]) -> dict[str, str]:
    """Each source key's WholeStory id, or the key itself while it is not linked."""
    wanted = sorted(set(keys))
    if not wanted:
        return {}
    condition, params = store.keys_in("key", wanted)
    rows = store.query(f"SELECT key, ws_person_id FROM ws_source_person WHERE {condition}", params)
    linked = {str(k): str(p) for k, p in rows if p is not None}
    return {key: linked.get(key, key) for key in wanted}


def _links_from(store: Store, keys: Sequence[str]) -> list[_Link]:
    """The household links with one end among ``keys`` and the other outside them."""
    if not keys:
        return []
    mine = set(keys)
    in_a, params_a = store.keys_in("key_a", list(keys))
    in_b, params_b = store.keys_in("key_b", list(keys))
    rows = store.query(
        "SELECT key_a, key_b, basis, detail, first_date, last_date FROM ws_household_link "
        f"WHERE {in_a} OR {in_b}",
        [*params_a, *params_b],
    )
    return [
        _Link(a if a in mine else b, b if a in mine else a, basis, detail, first, last)
        for a, b, basis, detail, first, last in rows
        if (a in mine) != (b in mine)
    ]
