"""Grouping linked source persons into people, without ever chaining two people together.

Pairwise links are not enough: if A links to B and B to C, plain clustering
makes A and C one person even when they are twins with different NHS numbers.
So links are applied one at a time, strongest first, and a link that would
join two groups that contradict each other is refused and sent for review:

- a person decided they are different;
- two different valid NHS numbers;
- two ids from the same agency (the agency already says they are two people),
  unless the link is directly between those two ids and strong enough on its own,
  or other links bring them together and their own pair is strong too, or the
  agency gives a new id per episode (an emergency department);
- dates of birth that cannot be the same date written differently;
- one date of birth but given names that cannot be one person's (twins).

People's decisions come first: "same" is applied before any machine link and is
never undone, "different" is never overridden.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Container, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Final, NamedTuple

from wholestory.identity.contradictions import (
    Node,
    dates_clash,
    generation_apart,
    names_differ,
    seen_before_birth,
)
from wholestory.records.keys import split_key


class Edge(NamedTuple):
    """A link proposed by the model (a named tuple: there are millions)."""

    key_l: str
    key_r: str
    weight: float


@dataclass(frozen=True)
class Refusal:
    """A link the model proposed that would have made a contradictory person.

    ``settled`` when the records themselves say two people (two valid NHS
    numbers, births a generation apart): a person reading them would decide
    the same, so the pair does not wait for one.
    """

    key_l: str
    key_r: str
    reason: str
    settled: bool = False


@dataclass(slots=True)
class _Group:
    members: list[str]
    nhs: set[str] = field(default_factory=set)
    dobs: set[str] = field(default_factory=set)
    ids_by_agency: dict[str, set[str]] = field(default_factory=dict)
    different: set[str] = field(default_factory=set)
    # Shared with the node until a join makes new ones: most groups are never joined.
    given: frozenset[str] = frozenset()
    groups: frozenset[str] = frozenset()
    family: frozenset[str] = frozenset()
    first_seen: str | None = None


def _seen_before_birth(a: _Group, b: _Group) -> str | None:
    return seen_before_birth(a.first_seen, b.dobs) if not a.dobs else None


class Clustering:
    """Union-find over source persons with the contradiction checks of this module."""

    def __init__(
        self,
        nodes: Iterable[Node],
        *,
        agency_rule: bool = True,
        episode_agencies: frozenset[str] = frozenset(),
        vouched: Iterable[tuple[str, str]] = (),
    ) -> None:
        self._agency_rule = agency_rule
        self._episodes = episode_agencies
        self._vouched = {frozenset(pair) for pair in vouched}
        # Groups are made when a node is first joined or checked: most of a
        # million source persons are in one or two links, many in none.
        self._nodes: dict[str, Node] = {node.key: node for node in nodes}
        self._parent: dict[str, str] = {}  # a member -> its parent; roots are not here
        self._groups: dict[str, _Group] = {}  # a root -> its group, once it has one
        self.refused: list[Refusal] = []

    def find(self, key: str) -> str:
        parent = self._parent
        if key not in parent:
            return key
        root = key
        while root in parent:
            root = parent[root]
        while key != root:
            parent[key], key = root, parent[key]
        return root

    def _group(self, root: str) -> _Group:
        """The group of ``root``, made from its node the first time it is needed."""
        group = self._groups.get(root)
        if group is None:
            node = self._nodes[root]
            agency, _ = split_key(root)
            group = _Group(
                members=[root],
                ids_by_agency={agency: {root}},
                given=node.given,
                groups=node.groups,
                family=node.family,
                first_seen=node.first_seen,
            )
            if node.nhs:
                group.nhs.add(node.nhs)
            if node.dob:
                group.dobs.add(node.dob)
            self._groups[root] = group
        return group

    def mark_different(self, a: str, b: str) -> None:
        """Record a person's "different" decision: these two may never share a group."""
        self._group(self.find(a)).different.add(b)
        self._group(self.find(b)).different.add(a)

    def force(self, a: str, b: str) -> None:
        """Join two groups whatever they hold: a person decided, or they were one person before."""
        self._union(self.find(a), self.find(b))

    def propose(self, edge: Edge) -> bool:
        """Join the groups of a machine link, unless that would contradict; True if joined."""
        ra, rb = self.find(edge.key_l), self.find(edge.key_r)
        if ra == rb:
            return True
        found = self._contradiction(self._group(ra), self._group(rb), edge)
        if found:
            reason, settled = found
            self.refused.append(Refusal(edge.key_l, edge.key_r, reason, settled))
            return False
        self._union(ra, rb)
        return True

    def _contradiction(self, a: _Group, b: _Group, edge: Edge) -> tuple[str, bool] | None:
        """Why the two groups cannot be one person, and whether the records settle it."""
        if (a.different and not a.different.isdisjoint(b.members)) or (
            b.different and not b.different.isdisjoint(a.members)
        ):
            return "a person decided these are different people", True
        if a.nhs and b.nhs and a.nhs != b.nhs:
            clash = ", ".join(sorted(a.nhs | b.nhs))
            return f"would join two different NHS numbers ({clash})", True
        for agency, ids in a.ids_by_agency.items() if self._agency_rule else ():
            if agency in self._episodes:  # a new id per episode: two ids say nothing
                continue
            others = b.ids_by_agency.get(agency)
            if (
                others
                and others != ids
                and not self._direct(edge, ids, others)
                and not self._all_vouched(ids, others)
            ):
                both = ", ".join(sorted(ids | others))
                return (
                    f"would join two ids of one agency ({both}), "
                    "which that agency holds as two people"
                ), False
        before = _seen_before_birth(a, b) or _seen_before_birth(b, a)
        if before:
            return before, True
        dates = dates_clash(a.dobs, b.dobs)
        if dates:
            dob_a, dob_b = dates
            settled = generation_apart(dob_a, dob_b)
            return f"dates of birth {dob_a} and {dob_b} cannot be one person's", settled
        if (
            a.given.isdisjoint(b.given)  # cheap tests first: most joins share a given name
            and a.groups.isdisjoint(b.groups)
            and a.nhs.isdisjoint(b.nhs)  # twins never share an NHS number
            and not a.dobs.isdisjoint(b.dobs)
        ):
            shared = sorted(d for d in a.dobs & b.dobs if len(d) == 10)
            if shared and names_differ(a.given, a.groups, b.given, b.groups, a.family | b.family):
                names = ", ".join(sorted(a.given | b.given))
                why = f"same date of birth ({shared[0]}) but different given names ({names})"
                return why, False
        return None

    def settled_between(self, a: str, b: str) -> str | None:
        """Why the people now holding ``a`` and ``b`` are, on their records, two people.

        For a pair the model was unsure of: if the two people it would join
        hold different NHS numbers, or were born a generation apart, a person
        reading their records decides at once, so the pair is not queued.
        """
        if a not in self._nodes or b not in self._nodes:
            return None
        ga, gb = self._group(self.find(a)), self._group(self.find(b))
        if ga is gb:
            return None
        if ga.nhs and gb.nhs and not ga.nhs & gb.nhs:
            return (
                "the two people have different NHS numbers ("
                + ", ".join(sorted(ga.nhs | gb.nhs))
                + ")"
            )
        for dob_a in sorted(ga.dobs):
            for dob_b in sorted(gb.dobs):
                if generation_apart(dob_a, dob_b):
                    return f"born a generation apart ({dob_a}, {dob_b}): a parent and child"
        return None

    def ambiguous(self, edges: Sequence[Edge]) -> dict[str, str]:
        """Records whose links reach two people about equally strongly, and why.

        After clustering, each record's strongest link into its own person, and
        into each person its own plainly is not (different NHS numbers, births
        that cannot be one): if the best of those is within
        :data:`AMBIGUITY_BITS` of its own, the record could be either's. (Two
        people kept apart only because one agency holds them under two ids
        may be a duplicate there: that waits for review as it is.)
        """
        # Only a record with a refused link can reach a person other than its own.
        candidates = {k for r in self.refused for k in (r.key_l, r.key_r)}
        best: dict[str, dict[str, float]] = {}
        for edge in edges:
            if edge.key_l not in candidates and edge.key_r not in candidates:
                continue
            for key, other in ((edge.key_l, edge.key_r), (edge.key_r, edge.key_l)):
                if key not in candidates:
                    continue
                people = best.setdefault(key, {})
                root = self.find(other)
                people[root] = max(people.get(root, float("-inf")), edge.weight)
        torn: dict[str, str] = {}
        for key, people in best.items():
            own = self.find(key)
            strengths = {
                root: w
                for root, w in people.items()
                if root != own and self._plainly_two(self._group(own), self._group(root))
            }
            own_best = people.get(own)
            if not strengths or own_best is None:
                continue
            rival, weight = max(strengths.items(), key=lambda item: item[1])
            if own_best - weight < AMBIGUITY_BITS:
                torn[key] = (
                    "fits two people about equally well (as well as it fits "
                    f"{self._group(rival).members[0]}'s person): a person decides which"
                )
        return torn

    def replace_groups(self, keys: set[str], other: Clustering) -> None:
        """Take ``other``'s grouping (and refusals) for ``keys``, which it grouped on its own."""
        for root in {self.find(k) for k in keys}:
            self._groups.pop(root, None)
        for key in keys:
            root = other.find(key)
            if root == key:
                self._parent.pop(key, None)
            else:
                self._parent[key] = root
        for root, group in other._groups.items():
            self._groups[root] = group
        self.refused = [
            r for r in self.refused if not (r.key_l in keys and r.key_r in keys)
        ] + other.refused

    @staticmethod
    def _plainly_two(a: _Group, b: _Group) -> bool:
        """Two groups that identifiers or births say are two people (not just an agency's ids)."""
        return bool((a.nhs and b.nhs and not a.nhs & b.nhs) or dates_clash(a.dobs, b.dobs))

    def _all_vouched(self, ids: set[str], others: set[str]) -> bool:
        """Every two ids of the agency, one from each side, scored as one person on their own.

        A duplicate registration is often joined through another agency (the
        GP links to both of a child's school ids); the chain alone must not
        join two of an agency's ids, but a chain with each direct pair
        strong as well is a duplicate at that agency, not two people.
        """
        return all(frozenset((a, b)) in self._vouched for a in ids for b in others)

    @staticmethod
    def _direct(edge: Edge, ids: set[str], others: set[str]) -> bool:
        """A same-agency pair may join only by their own direct link, one id each side."""
        pair = {edge.key_l, edge.key_r}
        return len(ids) == 1 and len(others) == 1 and pair == ids | others

    def _union(self, ra: str, rb: str) -> None:
        if ra == rb:
            return
        a, b = self._group(ra), self._group(rb)
        if len(a.members) < len(b.members):
            ra, rb, a, b = rb, ra, b, a
        a.members.extend(b.members)
        a.nhs |= b.nhs
        a.dobs |= b.dobs
        a.different |= b.different
        if b.first_seen and (not a.first_seen or b.first_seen < a.first_seen):
            a.first_seen = b.first_seen
        if not b.given <= a.given:
            a.given = a.given | b.given
        if not b.groups <= a.groups:
            a.groups = a.groups | b.groups
        if not b.family <= a.family:
            a.family = a.family | b.family
        for agency, ids in b.ids_by_agency.items():
            a.ids_by_agency.setdefault(agency, set()).update(ids)
        self._parent[rb] = ra
        del self._groups[rb]

    def members(self, root: str) -> list[str]:
        """The source persons in the group whose root is ``root``."""
        group = self._groups.get(root)
        return group.members if group else [root]

    def groups(self) -> list[list[str]]:
        """Every group, members sorted, groups in order of their first member."""
        joined = [sorted(g.members) for g in self._groups.values()]
        alone = [[k] for k in self._nodes if k not in self._parent and k not in self._groups]
        return sorted(joined + alone, key=lambda m: m[0])


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause Python's cycle collector while millions of small objects are made.

    The nodes, edges and groups hold no reference cycles, so nothing waits
    for the collector; left on, it walks every object again and again as
    they are made, which took a third of a full link's clustering time.
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


#: How much better, in bits of match weight, a record must fit one person than any other
#: before it is linked without a person: 64 times as likely.
AMBIGUITY_BITS: Final = 6.0


def cluster(
    nodes: Iterable[Node],
    edges: Sequence[Edge],
    same: Iterable[tuple[str, str]] = (),
    different: Iterable[tuple[str, str]] = (),
    fixed: Iterable[Sequence[str]] = (),
    *,
    agency_rule: bool = True,
    episode_agencies: frozenset[str] = frozenset(),
    vouched: Iterable[tuple[str, str]] = (),
) -> Clustering:
    """Cluster ``nodes``: people's "same" first, then ``fixed`` groups, then links strongest first.

    ``fixed`` holds groups that must stay together (existing people, when new
    records are linked incrementally). ``agency_rule`` off is for sources that
    hold duplicates by design (a benchmark file), never for a partnership.
    ``episode_agencies`` give a new id per episode: two of their ids are no
    contradiction (see :mod:`wholestory.identity.agencies`). ``vouched`` are
    pairs of one agency's ids strong enough on their own to be joined when
    other links bring them together.

    A record that fits two people about equally well (a name and an address
    with no date of birth, shared by a father and his son) is linked to
    neither: its links wait for a person (:data:`AMBIGUITY_BITS`).
    """
    nodes, same, different, fixed, vouched = (
        list(nodes), list(same), list(different), [list(g) for g in fixed], list(vouched)
    )  # fmt: skip

    def run(
        members: Sequence[Node],
        kept: Sequence[Edge],
        within: Callable[[str, str], bool] = lambda a, b: True,
    ) -> Clustering:
        clustering = Clustering(
            members, agency_rule=agency_rule, episode_agencies=episode_agencies, vouched=vouched
        )
        for a, b in different:
            if within(a, b):
                clustering.mark_different(a, b)
        for a, b in same:
            if within(a, b):
                clustering.force(a, b)
        for group in fixed:
            for other in group[1:]:
                if within(group[0], other):
                    clustering.force(group[0], other)
        for edge in strongest_first(kept):
            clustering.propose(edge)
        return clustering

    with paused_gc():
        return _two_passes(nodes, edges, run)


def _two_passes(
    nodes: Sequence[Node],
    edges: Sequence[Edge],
    run: Callable[[Sequence[Node], Sequence[Edge], Callable[[str, str], bool]], Clustering],
) -> Clustering:
    """Cluster, then group again without their links the people whose records are torn."""
    first = run(nodes, edges, lambda a, b: True)
    torn = first.ambiguous(edges)
    if not torn:
        return first
    # Group again only the people the torn records were in, without their links;
    # everyone else stays as the first pass grouped them.
    touched = {key for root in {first.find(k) for k in torn} for key in first.members(root)}
    again = run(
        [n for n in nodes if n.key in touched],
        [e for e in edges if e.key_l in touched and e.key_r in touched and not _touches(e, torn)],
        lambda a, b: a in touched and b in touched,
    )
    first.replace_groups(touched, again)
    for edge in edges:
        key = edge.key_l if edge.key_l in torn else edge.key_r if edge.key_r in torn else None
        if key is not None and first.find(edge.key_l) != first.find(edge.key_r):
            first.refused.append(Refusal(edge.key_l, edge.key_r, torn[key]))
    return first


def strongest_first(edges: Iterable[Edge]) -> list[Edge]:
    """Edges by weight, strongest first, ties in key order (the same result every run).

    Two sorts on plain tuples (the second stable) rather than one on a key
    built per edge: several times faster for a million edges.
    """
    ordered = sorted(edges)
    ordered.sort(key=itemgetter(2), reverse=True)
    return ordered


def _touches(edge: Edge, keys: Container[str]) -> bool:
    return edge.key_l in keys or edge.key_r in keys
