"""Stable WholeStory ids: people keep their id when links are recomputed.

A worker bookmarks a child by their WholeStory id. When new records arrive and
people are re-grouped, each old id goes to the new group holding most of its
source persons. A group that inherits several ids is a merge: the oldest id
survives and the others point to it. Source persons that leave their old
group are a split: their new group gets a new id. Both are returned with a
reason, to be written as person events, so nobody silently becomes someone else.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

#: How ids look: "WS-" and seven digits, so they sort in the order they were made.
ID_PREFIX = "WS-"


def format_id(number: int) -> str:
    return f"{ID_PREFIX}{number:07d}"


def id_number(person_id: str) -> int:
    return int(person_id.removeprefix(ID_PREFIX))


@dataclass(frozen=True)
class Change:
    """A merge (``other`` merged into ``person``) or a split (``person`` split from ``other``)."""

    kind: str
    person: str
    other: str
    reason: str


@dataclass
class Assignment:
    """Who each source person now is, which ids are new, and what merged or split."""

    ids: dict[str, str] = field(default_factory=dict)
    created: list[str] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)

    @property
    def merged_away(self) -> list[Change]:
        return [c for c in self.changes if c.kind == "merged"]


def assign_ids(
    groups: Sequence[Sequence[str]],
    previous: Mapping[str, str | None],
    next_number: int,
    explain: Callable[[str, Sequence[str], Sequence[str]], str],
) -> Assignment:
    """Give each group an id, keeping old ids where their people still are.

    ``previous`` maps source keys to their old id (or None if new);
    ``next_number`` is the first unused id number; ``explain(kind, part_a,
    part_b)`` words the reason two parts were joined or separated.
    """
    keeper = _keepers(groups, previous)
    result = Assignment()
    for index, group in enumerate(groups):
        kept = sorted((pid for pid, g in keeper.items() if g == index), key=id_number)
        if kept:
            person = kept[0]
            for other in kept[1:]:
                joined = [k for k in group if previous.get(k) == other]
                rest = [k for k in group if previous.get(k) != other]
                result.changes.append(
                    Change("merged", person, other, explain("merged", rest, joined))
                )
        else:
            person = format_id(next_number)
            next_number += 1
            result.created.append(person)
        olds = {p for k in group if (p := previous.get(k)) is not None}
        for old in sorted(olds - set(kept)):
            moved = [k for k in group if previous.get(k) == old]
            stayed = [k for k, v in previous.items() if v == old and k not in set(group)]
            result.changes.append(Change("split", person, old, explain("split", moved, stayed)))
        for key in group:
            result.ids[key] = person
    return result


def _keepers(groups: Sequence[Sequence[str]], previous: Mapping[str, str | None]) -> dict[str, int]:
    """For each old id, the index of the group that keeps it: the one holding most of its people."""
    counts: dict[str, Counter[int]] = {}
    for index, group in enumerate(groups):
        for key in group:
            old = previous.get(key)
            if old is not None:
                counts.setdefault(old, Counter())[index] += 1
    return {
        old: min(c.items(), key=lambda item: (-item[1], item[0]))[0] for old, c in counts.items()
    }
