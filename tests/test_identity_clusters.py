"""Grouping links into people: contradictions refused, people's decisions first, ids stable."""

from __future__ import annotations

from wholestory.identity import (
    Edge,
    Node,
    assign_ids,
    cluster,
    dates_compatible,
    format_id,
    settled_apart,
)


def _explain(kind: str, a: object, b: object) -> str:
    return f"{kind} for a test"


def test_dates_that_can_be_one_date() -> None:
    assert dates_compatible("2015-03-04", "2015-03-04")
    assert dates_compatible("2015-03-04", "2015-04-03")  # day and month swapped
    assert dates_compatible("2015-03", "2015-03-04")  # partial
    assert dates_compatible("2015", "2015-03-04")
    assert dates_compatible("2015-03-04", "2015-03-14")  # one slip
    assert dates_compatible("2015-03-04", "2015-30-04")  # neighbours swapped
    assert not dates_compatible("2015-03-04", "1985-03-04")
    assert not dates_compatible("2015-03-04", "2016-07-22")
    assert not dates_compatible("2014", "2015-03-04")


def test_a_chain_cannot_join_two_nhs_numbers() -> None:
    """A links to B, B links to C; A and C have different NHS numbers: C stays apart."""
    nodes = [
        Node("GP:1", nhs="9434765919"),
        Node("SCHOOL:1"),
        Node("HV:1", nhs="9434765870"),
    ]
    edges = [Edge("GP:1", "SCHOOL:1", 20.0), Edge("HV:1", "SCHOOL:1", 12.0)]
    result = cluster(nodes, edges)
    assert sorted(result.groups()) == [["GP:1", "SCHOOL:1"], ["HV:1"]]
    assert len(result.refused) == 1
    assert "two different NHS numbers" in result.refused[0].reason


def test_a_record_that_fits_two_people_equally_is_linked_to_neither() -> None:
    """A father and son of one name at one address; the housing record has no birth date."""
    nodes = [
        Node("GP:1", dob="1984-11-02"),
        Node("GP:2", dob="2012-10-19"),
        Node("HOUSING:1"),
        Node("SCHOOL:2", dob="2012-10-19"),
    ]
    edges = [
        Edge("HOUSING:1", "GP:1", 11.9),
        Edge("HOUSING:1", "SCHOOL:2", 11.9),
        Edge("GP:2", "SCHOOL:2", 25.0),
    ]
    result = cluster(nodes, edges)
    assert result.groups() == [["GP:1"], ["GP:2", "SCHOOL:2"], ["HOUSING:1"]]
    torn = [r for r in result.refused if "fits two people" in r.reason]
    assert len(torn) == 2 and not any(r.settled for r in torn)  # both wait for a person


def test_two_ids_of_one_agency_are_not_chained_together() -> None:
    nodes = [Node("POLICE:1"), Node("CSC:9"), Node("POLICE:2")]
    edges = [Edge("POLICE:1", "CSC:9", 20.0), Edge("CSC:9", "POLICE:2", 19.0)]
    result = cluster(nodes, edges)
    assert ["POLICE:2"] in result.groups()
    assert "two ids of one agency" in result.refused[0].reason


def test_a_direct_strong_link_may_join_two_ids_of_one_agency() -> None:
    """Overwhelming evidence between the two ids themselves (a duplicate record) is enough."""
    result = cluster([Node("POLICE:1"), Node("POLICE:2")], [Edge("POLICE:1", "POLICE:2", 30.0)])
    assert result.groups() == [["POLICE:1", "POLICE:2"]]


def test_incompatible_dates_of_birth_are_refused() -> None:
    nodes = [Node("GP:1", dob="1985-02-01"), Node("SCHOOL:1", dob="2015-06-20")]
    result = cluster(nodes, [Edge("GP:1", "SCHOOL:1", 12.0)])
    assert len(result.groups()) == 2
    assert "cannot be one person's" in result.refused[0].reason


def test_people_decisions_win() -> None:
    nodes = [Node("GP:1", nhs="9434765919"), Node("SCHOOL:1"), Node("HV:1")]
    edges = [Edge("GP:1", "SCHOOL:1", 25.0), Edge("HV:1", "SCHOOL:1", 25.0)]
    result = cluster(nodes, edges, same=[], different=[("HV:1", "SCHOOL:1")])
    assert ["HV:1"] in result.groups()
    assert "decided these are different" in result.refused[0].reason
    # "same" holds even against the model and a contradiction
    forced = cluster(
        [Node("GP:1", nhs="9434765919"), Node("HV:1", nhs="9434765870")],
        [],
        same=[("GP:1", "HV:1")],
    )
    assert forced.groups() == [["GP:1", "HV:1"]]


def test_strongest_links_go_first() -> None:
    """B could join A or C but not both (different NHS numbers): the stronger link wins."""
    nodes = [Node("GP:1", nhs="9434765919"), Node("SCHOOL:1"), Node("HV:1", nhs="9434765870")]
    edges = [Edge("GP:1", "SCHOOL:1", 10.0), Edge("HV:1", "SCHOOL:1", 30.0)]
    assert ["HV:1", "SCHOOL:1"] in cluster(nodes, edges).groups()


def test_fixed_groups_stay_together() -> None:
    result = cluster([Node("A:1"), Node("B:1"), Node("C:1")], [], fixed=[["A:1", "B:1"]])
    assert ["A:1", "B:1"] in result.groups()


def test_ids_are_kept_when_nothing_changes() -> None:
    previous: dict[str, str | None] = {"A:1": "WS-0000001", "B:1": "WS-0000001", "C:1": None}
    result = assign_ids([["A:1", "B:1"], ["C:1"]], previous, 2, _explain)
    assert result.ids == {"A:1": "WS-0000001", "B:1": "WS-0000001", "C:1": format_id(2)}
    assert result.created == ["WS-0000002"]
    assert result.changes == []


def test_a_merge_keeps_the_oldest_id_and_says_so() -> None:
    previous: dict[str, str | None] = {"A:1": "WS-0000007", "B:1": "WS-0000003"}
    result = assign_ids([["A:1", "B:1"]], previous, 8, _explain)
    assert set(result.ids.values()) == {"WS-0000003"}
    assert [(c.kind, c.person, c.other) for c in result.changes] == [
        ("merged", "WS-0000003", "WS-0000007")
    ]
    assert result.created == []


def test_a_split_gives_the_smaller_part_a_new_id() -> None:
    previous: dict[str, str | None] = {
        "A:1": "WS-0000001",
        "B:1": "WS-0000001",
        "C:1": "WS-0000001",
    }
    result = assign_ids([["A:1", "B:1"], ["C:1"]], previous, 2, _explain)
    assert result.ids["A:1"] == result.ids["B:1"] == "WS-0000001"
    assert result.ids["C:1"] == "WS-0000002"
    assert [(c.kind, c.person, c.other) for c in result.changes] == [
        ("split", "WS-0000002", "WS-0000001")
    ]


def _child(key: str, given: str, **values: object) -> Node:
    return Node(
        key,
        dob=str(values.get("dob", "2012-07-19")),
        given=frozenset({given}),
        groups=frozenset(values.get("groups", ())),  # type: ignore[call-overload]
        family=frozenset({"rowland"}),
        nhs=values.get("nhs"),  # type: ignore[arg-type]
    )


def test_twins_with_no_identifier_are_never_joined() -> None:
    """Ella and Evie share a birth, a home and a surname; only their given names differ."""
    nodes = [_child("SCHOOL:1", "ella"), _child("POLICE:1", "evie"), _child("CSC:1", "ella")]
    edges = [Edge("SCHOOL:1", "CSC:1", 20.0), Edge("POLICE:1", "CSC:1", 12.0)]
    result = cluster(nodes, edges)
    assert sorted(result.groups()) == [["CSC:1", "SCHOOL:1"], ["POLICE:1"]]
    assert "different given names" in result.refused[0].reason
    assert not result.refused[0].settled  # no identifier says so: a person looks


def test_a_nickname_or_a_slip_is_not_a_twin() -> None:
    jamie = _child("POLICE:1", "jamie", groups={"james"})
    james = _child("GP:1", "james", groups={"james"})
    slip = _child("CSC:1", "jamei")
    result = cluster([jamie, james, slip], [Edge("POLICE:1", "GP:1", 20), Edge("CSC:1", "GP:1", 9)])
    assert result.groups() == [["CSC:1", "GP:1", "POLICE:1"]]


def test_an_episode_agency_may_hold_one_person_under_many_ids() -> None:
    nodes = [Node("ED:1"), Node("GP:9"), Node("ED:2")]
    edges = [Edge("ED:1", "GP:9", 20.0), Edge("ED:2", "GP:9", 18.0)]
    as_persons = cluster(nodes, edges)  # an agency with one id per person: held apart
    assert as_persons.groups() == [["ED:1", "GP:9"], ["ED:2"]]
    result = cluster(nodes, edges, episode_agencies=frozenset({"ED"}))
    assert result.groups() == [["ED:1", "ED:2", "GP:9"]] and not result.refused


def test_records_that_settle_two_people_apart() -> None:
    father = Node("POLICE:1", dob="1984-11-02", given=frozenset({"james"}))
    son = Node("CSC:1", dob="2008-05-14", given=frozenset({"james"}))
    assert "generation apart" in (settled_apart(father, son) or "")
    assert "NHS" in (
        settled_apart(Node("A:1", nhs="9434765919"), Node("B:1", nhs="9434765870")) or ""
    )
    assert "twins" in (settled_apart(_child("A:1", "ella"), _child("B:1", "evie")) or "")
    assert settled_apart(_child("A:1", "ella"), _child("B:1", "ella")) is None
    nephew = Node("GP:2", dob="2008-05-21", given=frozenset({"james"}))
    assert settled_apart(son, nephew) is None  # a week apart: a person should look


def test_a_year_or_a_day_one_out_can_be_one_date() -> None:
    assert dates_compatible("2009-12-20", "2010-12-20")
    assert dates_compatible("1993-06-19", "1993-06-20")
    assert not dates_compatible("2009-12-20", "2011-12-20")
    assert not dates_compatible("1993-06-19", "1993-06-21")
    assert not dates_compatible("1993-06-19", "1994-06-20")


def test_a_shared_nhs_number_or_a_placeholder_name_is_no_twin() -> None:
    baby = _child("ED:1", "baby", nhs="9434765919")
    named = _child("GP:1", "reuben", nhs="9434765919")
    assert cluster([baby, named], [Edge("ED:1", "GP:1", 30)]).groups() == [["ED:1", "GP:1"]]
    nameless = _child("ED:2", "baby")
    other = _child("GP:2", "reuben")
    assert cluster([nameless, other], [Edge("ED:2", "GP:2", 30)]).groups() == [["ED:2", "GP:2"]]


def test_a_duplicate_joined_through_another_agency_needs_its_own_strong_pair() -> None:
    """Two school ids both linked to the GP record: one child only if their own pair is strong."""
    nodes = [Node("GP:1"), Node("SCHOOL:1"), Node("SCHOOL:2")]
    edges = [Edge("GP:1", "SCHOOL:1", 25.0), Edge("GP:1", "SCHOOL:2", 20.0)]
    alone = cluster(nodes, edges)
    assert alone.groups() == [["GP:1", "SCHOOL:1"], ["SCHOOL:2"]]
    vouched = cluster(nodes, edges, vouched=[("SCHOOL:1", "SCHOOL:2")])
    assert vouched.groups() == [["GP:1", "SCHOOL:1", "SCHOOL:2"]]


def test_people_with_different_nhs_numbers_are_settled_apart_whatever_the_pair() -> None:
    """The pair has no NHS number on either side, but the people they belong to do."""
    nodes = [
        Node("GP:1", nhs="9434765919"),
        Node("SCHOOL:1"),
        Node("GP:2", nhs="9434765870"),
        Node("POLICE:2"),
    ]
    result = cluster(nodes, [Edge("GP:1", "SCHOOL:1", 20), Edge("GP:2", "POLICE:2", 20)])
    assert "different NHS numbers" in (result.settled_between("SCHOOL:1", "POLICE:2") or "")
    assert result.settled_between("GP:1", "SCHOOL:1") is None  # one person already


def test_records_from_before_a_birth_are_someone_elses() -> None:
    """A mother and daughter of one name: the tenancy record (no birth date) is from 2016."""
    daughter = Node("GP:1", dob="2021-02-03", given=frozenset({"niamh"}))
    tenancy = Node("HOUSING:1", given=frozenset({"niamh"}), first_seen="2016-03-22")
    result = cluster([daughter, tenancy], [Edge("GP:1", "HOUSING:1", 17.0)])
    assert result.groups() == [["GP:1"], ["HOUSING:1"]]
    assert "before a birth" in result.refused[0].reason and result.refused[0].settled
    antenatal = Node("CSC:1", given=frozenset({"niamh"}), first_seen="2020-09-01")
    assert cluster([daughter, antenatal], [Edge("GP:1", "CSC:1", 17.0)]).groups() == [
        ["CSC:1", "GP:1"]
    ]  # a pre-birth assessment five months before is hers
    assert "before a birth" in (settled_apart(daughter, tenancy) or "")
