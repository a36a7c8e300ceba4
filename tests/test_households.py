"""Households over time, on both databases: each kind of evidence, its dates, and the limits."""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from factories import event_row, write_csv
from wholestory.identity import (
    MAX_HOUSEHOLD,
    Member,
    household_members,
    household_of,
    normalised_address,
    rebuild_household_links,
    refresh_sources,
)
from wholestory.ingest import ingest_paths
from wholestory.records.template import RELATIONSHIP_COLUMNS
from wholestory.store import Store

_numbers = itertools.count(1)
Link = tuple[str, str, str, str, str | None, str | None]


@pytest.fixture
def db(store: Store) -> Store:
    """The store with no identity rows: conftest empties only the ingest tables between tests."""
    store.execute("DELETE FROM ws_household_link")
    store.execute("DELETE FROM ws_source_person")
    return store


def rec(
    agency: str, person: str, date: str, *, event: str = "", address: str = "", postcode: str = ""
) -> dict[str, str]:
    """One record of ``person``; no event, address or postcode unless given."""
    n = next(_numbers)
    return event_row(
        n,
        agency=agency,
        record_id=f"R{n}",
        person_id=person,
        event_id=event,
        event_date=date,
        address=address,
        postcode=postcode,
    )


def load(
    store: Store,
    tmp_path: Path,
    records: list[dict[str, str]],
    relationships: Iterable[tuple[str, str, str, str]] = (),
    people: dict[str, str] | None = None,
) -> int:
    """Ingest, make source persons, link them as ``people`` says (key to id), rebuild links."""
    batch = next(_numbers)
    paths = [write_csv(tmp_path / f"events{batch}.csv", records)]
    related = [dict(zip(RELATIONSHIP_COLUMNS, r, strict=True)) for r in relationships]
    if related:
        paths.append(
            write_csv(tmp_path / f"relationships{batch}.csv", related, RELATIONSHIP_COLUMNS)
        )
    result = ingest_paths(store, paths, None)
    assert not result.failed and result.totals()["quarantined"] == 0
    refresh_sources(store)
    store.executemany(
        "UPDATE ws_source_person SET ws_person_id = ? WHERE key = ?",
        [(ws, key) for key, ws in (people or {}).items()],
    )
    return rebuild_household_links(store)


def links(store: Store, basis: str | None = None) -> list[Link]:
    rows = store.query(
        "SELECT key_a, key_b, basis, detail, first_date, last_date FROM ws_household_link"
    )
    return sorted(r for r in rows if basis is None or r[2] == basis)  # type: ignore[misc]


def ws(n: int) -> str:
    return f"WS-{n:07d}"


def test_each_recorded_relationship_is_one_undated_link(db: Store, tmp_path: Path) -> None:
    records = [rec("CSC", p, "2020-02-01") for p in ("C1", "C2", "C3", "C4")]
    related = [
        ("CSC", "C1", "C2", "MOTHER"),
        ("CSC", "C3", "C1", "SIBLING"),
        ("CSC", "C4", "C4", "OTHER"),  # a slip in the agency's table: nobody is their own kin
    ]
    assert load(db, tmp_path, records, related) == 2
    expected = [
        ("CSC:C1", "CSC:C2", "relationship", "MOTHER", None, None),
        ("CSC:C1", "CSC:C3", "relationship", "SIBLING", None, None),  # keys in order
    ]
    assert links(db) == expected
    assert rebuild_household_links(db) == 2  # rebuilt whole, never duplicated
    assert links(db) == expected


def test_members_read_a_relationship_the_right_way_round(db: Store, tmp_path: Path) -> None:
    records = [rec("CSC", p, "2020-02-01") for p in ("C1", "C2", "C3")]
    related = [("CSC", "C1", "C2", "MOTHER"), ("CSC", "C3", "C2", "MOTHER")]
    load(db, tmp_path, records, related, {"CSC:C1": ws(1), "CSC:C2": ws(2), "CSC:C3": ws(3)})
    child = household_members(db, ws(1))
    assert [(m.ws_person_id, m.relationship, m.bases) for m in child] == [
        (ws(2), "MOTHER", ("relationship",))
    ]
    mother = household_members(db, ws(2))
    assert [(m.ws_person_id, m.relationship) for m in mother] == [
        (ws(1), "CHILD"),
        (ws(3), "CHILD"),
    ]


def test_people_in_the_same_events_get_one_link_per_pair(db: Store, tmp_path: Path) -> None:
    records = [
        rec("POLICE", "PN1", "2020-01-05", event="E1"),
        rec("POLICE", "PN2", "2020-01-05", event="E1"),
        rec("POLICE", "PN3", "2020-01-05", event="E1"),
        rec("POLICE", "PN1", "2020-03", event="E2"),
        rec("POLICE", "PN2", "2020-03", event="E2"),
        rec("POLICE", "PN1", "2019-11-20", event="E3"),
        rec("POLICE", "PN1", "2019-11-20", event="E3"),  # victim and witness: one person
        rec("POLICE", "PN2", "2019-11-20", event="E3"),
        rec("POLICE", "PN4", "2020-01-05", event="E4"),  # alone at an event
        rec("ED", "X1", "2020-01-05", event="E1"),  # another agency's E1 is another event
    ]
    assert load(db, tmp_path, records) == 3
    assert links(db) == [
        ("POLICE:PN1", "POLICE:PN2", "event", "POLICE: 3 shared events", "2019-11-20", "2020-03"),
        ("POLICE:PN1", "POLICE:PN3", "event", "POLICE: 1 shared event", "2020-01-05", "2020-01-05"),
        ("POLICE:PN2", "POLICE:PN3", "event", "POLICE: 1 shared event", "2020-01-05", "2020-01-05"),
    ]


def test_an_address_links_people_recorded_there_within_a_year(db: Store, tmp_path: Path) -> None:
    def at(agency: str, person: str, date: str, address: str = "12 High Street") -> dict[str, str]:
        return rec(agency, person, date, address=address, postcode="XW4 7QT")

    records = [
        at("HOUSING", "H1", "2018-01-10"),
        at("HOUSING", "H1", "2019-06-01", "12, HIGH  street."),  # the same address, written badly
        at("GP", "G1", "2019-01-01", "12 high street"),
        at("GP", "G1", "2020-01-01"),
        at("SCHOOL", "S1", "2020-05-31"),  # 365 days after H1 was last recorded there
        at("SCHOOL", "S2", "2020-06-01", "12 HIGH STREET"),  # 366 days after
        rec("ED", "X1", "2019-03-01", address="12 High Street", postcode="XW4 7QU"),
    ]
    load(db, tmp_path, records)
    detail = "12 High Street"  # as first written
    assert links(db) == [
        ("GP:G1", "HOUSING:H1", "address", detail, "2019-01-01", "2019-06-01"),  # the overlap
        ("GP:G1", "SCHOOL:S1", "address", detail, "2020-01-01", "2020-05-31"),  # the gap
        ("GP:G1", "SCHOOL:S2", "address", detail, "2020-01-01", "2020-06-01"),
        ("HOUSING:H1", "SCHOOL:S1", "address", detail, "2019-06-01", "2020-05-31"),
        ("SCHOOL:S1", "SCHOOL:S2", "address", detail, "2020-05-31", "2020-06-01"),
    ]


def test_an_address_is_read_as_linking_reads_it(db: Store, tmp_path: Path) -> None:
    # Agencies abbreviate street kinds and write in capitals; households must read "12 Oak
    # Rd" and "12 OAK ROAD" as one address, as linking does, or a family linked as one
    # household by linking would be two households here.
    records = [
        rec("ED", "X1", "2020-01-10", address="12 Oak Rd", postcode="XW4 7QT"),
        rec("POLICE", "PN1", "2020-02-01", address="12 OAK ROAD", postcode="XW47QT"),
        rec("SCHOOL", "S1", "2020-03-01", address="12, Oak Road.", postcode="xw4 7qt"),
        rec("GP", "G1", "2020-03-01", address="12 Oak Road", postcode="XW4 7QU"),  # next door
    ]
    load(db, tmp_path, records)
    detail = "12 Oak Rd"  # as first written
    assert links(db) == [
        ("ED:X1", "POLICE:PN1", "address", detail, "2020-01-10", "2020-02-01"),
        ("ED:X1", "SCHOOL:S1", "address", detail, "2020-01-10", "2020-03-01"),
        ("POLICE:PN1", "SCHOOL:S1", "address", detail, "2020-02-01", "2020-03-01"),
    ]


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("12 Oak Rd", "12 oak road"),
        ("12, OAK  ROAD.", "12 oak road"),
        ("Flat 3a; Mill Ln", "flat 3a mill lane"),
        ("7 Elm Cl", "7 elm close"),
        ("Rue Émile 5", "rue emile 5"),
        (" -- ", None),
        ("", None),
        (None, None),
    ],
)
def test_the_one_address_spelling(written: str | None, read: str | None) -> None:
    frame = pl.DataFrame({"address": [written]}, schema={"address": pl.String})
    assert frame.select(normalised_address(pl.col("address"))).item() == read


@given(st.text(max_size=40))
def test_an_address_spelt_once_stays_spelt_so(text: str) -> None:
    frame = pl.DataFrame({"address": [text, text.upper()]}, schema={"address": pl.String})
    once = frame.select(normalised_address(pl.col("address")))["address"]
    twice = once.to_frame().select(normalised_address(pl.col("address")))["address"]
    assert once.to_list() == twice.to_list()  # a spelling of a spelling is itself
    if text.isascii():
        assert once[0] == once[1]  # capitals never make two addresses


def test_a_partial_date_at_an_address_spans_its_whole_period(db: Store, tmp_path: Path) -> None:
    def at(person: str, date: str) -> dict[str, str]:
        return rec("GP", person, date, address="Flat 3, Mill Lane")

    # A's "2019" lasts to 31 December, C's "2018-01" to 31 January; from their first
    # days, neither A and B nor C and D would be within a year of each other.
    records = [at("A", "2019"), at("B", "2020-06-01"), at("C", "2018-01"), at("D", "2019-01-20")]
    # C and D are one person the GP holds twice.
    load(db, tmp_path, records, people={"GP:A": ws(1), "GP:B": ws(2), "GP:C": ws(3), "GP:D": ws(3)})
    detail = "Flat 3, Mill Lane"
    assert links(db) == [
        ("GP:A", "GP:B", "address", detail, "2019", "2020-06-01"),
        ("GP:A", "GP:C", "address", detail, "2018-01", "2019"),
        ("GP:A", "GP:D", "address", detail, "2019-01-20", "2019-01-20"),
        ("GP:C", "GP:D", "address", detail, "2018-01", "2019-01-20"),
    ]
    # The later end wins by the period it means: "2019" runs past 2019-01-20.
    via_c_and_d = Member(ws(3), None, ("address",), "2018-01", "2019", ("GP:A", "GP:C", "GP:D"))
    assert household_members(db, ws(1)) == [
        via_c_and_d,
        Member(ws(2), None, ("address",), "2019", "2020-06-01", ("GP:A", "GP:B")),
    ]
    # The link between C and D joins the person to themself: not a household member.
    assert [m.ws_person_id for m in household_members(db, ws(3))] == [ws(1)]


def test_an_address_of_more_than_twelve_people_gives_no_links(db: Store, tmp_path: Path) -> None:
    def crowd(address: str, people: int) -> list[dict[str, str]]:
        return [
            rec("HOUSING", f"{address[:1]}{i}", "2020-01-01", address=address)
            for i in range(people)
        ]

    records = [
        *crowd("1 Station Road", 13),
        *crowd("2 Station Road", 12),
        *crowd("3 Station Road", 13),
    ]
    # Two of the thirteen records at number 3 are one person known twice: twelve people.
    load(db, tmp_path, records, people={"HOUSING:30": ws(1), "HOUSING:31": ws(1)})
    per_address = Counter(detail for _, _, _, detail, _, _ in links(db, "address"))
    assert per_address == {"2 Station Road": 66, "3 Station Road": 78}


def test_members_across_agencies_are_wholestory_people(db: Store, tmp_path: Path) -> None:
    def home(agency: str, person: str, date: str, event: str = "") -> dict[str, str]:
        return rec(agency, person, date, event=event, address="7 Oak Road", postcode="XW4 7QT")

    records = [
        rec("CSC", "C1", "2020-02-01"),
        home("CSC", "C2", "2020-02-01"),
        home("POLICE", "PN1", "2020-01-05", event="E1"),
        rec("POLICE", "PN2", "2020-01-05", event="E1"),
        home("SCHOOL", "S1", "2020-03-01"),
        home("HOUSING", "H9", "2020-04-01"),  # a lodger nobody has linked yet
    ]
    people = {
        "CSC:C2": ws(1),  # the mother, known to social care and the police
        "POLICE:PN1": ws(1),
        "CSC:C1": ws(2),  # the child, known to social care and the school
        "SCHOOL:S1": ws(2),
        "POLICE:PN2": ws(3),  # the mother's partner
    }
    load(db, tmp_path, records, [("CSC", "C1", "C2", "MOTHER")], people)
    assert household_members(db, ws(1)) == [
        Member(
            "HOUSING:H9",
            None,
            ("address",),
            "2020-01-05",
            "2020-04-01",
            ("CSC:C2", "HOUSING:H9", "POLICE:PN1"),
        ),
        Member(
            ws(2),
            "CHILD",
            ("address", "relationship"),
            "2020-01-05",
            "2020-03-01",
            ("CSC:C1", "CSC:C2", "POLICE:PN1", "SCHOOL:S1"),
        ),
        Member(ws(3), None, ("event",), "2020-01-05", "2020-01-05", ("POLICE:PN1", "POLICE:PN2")),
    ]
    child = household_members(db, ws(2))
    assert [(m.ws_person_id, m.relationship) for m in child] == [
        (ws(1), "MOTHER"),  # from 2020-01-05: the mother's police record at the address
        ("HOUSING:H9", None),  # from 2020-03-01, when the school recorded the child there
    ]
    everyone = ["HOUSING:H9", ws(1), ws(2), ws(3)]
    assert household_of(db, ws(2)) == everyone
    assert household_of(db, "HOUSING:H9") == everyone  # an unlinked person stands as their key
    assert household_of(db, ws(99)) == []
    assert household_members(db, ws(99)) == []


def test_on_keeps_the_links_that_cover_the_day(db: Store, tmp_path: Path) -> None:
    records = [
        rec("HOUSING", "M", "2018-01-01", address="5 Elm Close"),
        rec("HOUSING", "M", "2018-12-01", address="5 Elm Close"),
        rec("POLICE", "A", "2018-03-01", address="5 Elm Close"),
        rec("POLICE", "A", "2018-09", address="5 Elm Close"),  # some time in September
        rec("HOUSING", "M", "2021-01-01", address="9 Ash Grove"),
        rec("HOUSING", "M", "2021-06-01", address="9 Ash Grove"),
        rec("GP", "B", "2021-02-01", address="9 Ash Grove"),
        rec("GP", "B", "2021-12-01", address="9 Ash Grove"),
        rec("HOUSING", "K", "2019-05-01"),
    ]
    people = {"HOUSING:M": ws(1), "POLICE:A": ws(2), "GP:B": ws(3), "HOUSING:K": ws(4)}
    load(db, tmp_path, records, [("HOUSING", "K", "M", "MOTHER")], people)

    def on(day: str | None) -> list[str]:
        return [m.ws_person_id for m in household_members(db, ws(1), on=day)]

    assert on(None) == [ws(4), ws(2), ws(3)]  # undated relationship first, then by first date
    assert on("2018-03-01") == [ws(4), ws(2)]
    assert on("2018-09-30") == [ws(4), ws(2)]  # "2018-09" covers the whole month
    assert on("2018-10-01") == [ws(4)]
    assert on("2018-02-28") == [ws(4)]
    assert on("2021-03-01") == [ws(4), ws(3)]
    with pytest.raises(ValueError):
        on("next Tuesday")


def test_household_of_stops_at_the_nearest_fifty(db: Store, tmp_path: Path) -> None:
    chain = [f"P{i:02d}" for i in range(60)]
    records = [rec("CSC", p, "2020-01-01") for p in chain]
    records.append(rec("CSC", "LONER", "2020-01-01"))
    related = [("CSC", a, b, "OTHER") for a, b in itertools.pairwise(chain)]
    people = {f"CSC:{p}": ws(i) for i, p in enumerate(chain)} | {"CSC:LONER": ws(99)}
    load(db, tmp_path, records, related, people)
    assert household_of(db, ws(0)) == [ws(i) for i in range(MAX_HOUSEHOLD)]
    # From the middle: 24 steps each way is 49 people, then the lower id of the next two.
    assert household_of(db, ws(30)) == [ws(i) for i in range(5, 55)]
    assert household_of(db, ws(99)) == [ws(99)]


def test_household_of_a_small_family_is_all_of_it(db: Store, tmp_path: Path) -> None:
    records = [rec("CSC", p, "2020-01-01") for p in ("A", "B", "C", "D")]
    related = [("CSC", "A", "B", "MOTHER"), ("CSC", "C", "B", "MOTHER")]
    load(db, tmp_path, records, related, {f"CSC:{p}": ws(i) for i, p in enumerate("ABCD")})
    assert household_of(db, ws(0)) == [ws(0), ws(1), ws(2)]
    assert household_of(db, ws(3)) == [ws(3)]
