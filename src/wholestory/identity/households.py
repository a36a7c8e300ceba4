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

from collections.abc import Sequence
from typing import Final

import polars as pl

from wholestory.identity.addresses import compact_postcode, normalised_address
from wholestory.records.keys import source_key_sql
from wholestory.store.changes import HOUSEHOLD_LINKS, count_change
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
RELATIONSHIPS_SQL: Final = (
    "SELECT agency, person_id, related_person_id, relationship FROM ws_relationship"
)


# Building the links


def rebuild_household_links(store: Store) -> int:
    """Recompute every household link from the records, replacing the old ones; returns how many.

    The table is rebuilt whole rather than patched, so it is always a function
    of the records: a corrected address or a withdrawn relationship cannot
    leave a link behind. Run it after linking people, because the crowded
    address rule counts people by WholeStory id (see :func:`household_links`).
    """
    links = household_links(
        store.query_frame(RELATIONSHIPS_SQL, [], _RELATIONSHIP_SCHEMA),
        store.query_frame(_RECORDS_SQL, [], _RECORD_SCHEMA),
        store.query_frame("SELECT key, ws_person_id FROM ws_source_person", [], _PEOPLE_SCHEMA),
    )
    with store.transaction():
        store.execute("DELETE FROM ws_household_link")
        store.insert_frame("ws_household_link", links)
        count_change(store, HOUSEHOLD_LINKS)
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
        count_change(store, HOUSEHOLD_LINKS)
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
    condition_a, params_a = store.keys_in(source_key_sql(), keys)
    condition_b, params_b = store.keys_in(source_key_sql(person_id="related_person_id"), keys)
    return store.query_frame(
        f"{RELATIONSHIPS_SQL} WHERE {condition_a} OR {condition_b}",
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
