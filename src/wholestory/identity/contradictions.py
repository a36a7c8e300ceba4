"""The contradiction checks: when two people's records say they cannot be one person.

Dates of birth that cannot be one date written differently (a generation
apart, or no recording slip away), records that start long before a birth,
and given names that cannot be one person's (twins). Clustering
(:mod:`wholestory.identity.clusters`) refuses a link these checks forbid, and
a pair whose own records settle it (:func:`settled_apart`) does not wait for
a person.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Final, NamedTuple

from jellyfish import jaro_winkler_similarity


class Node(NamedTuple):
    """What the contradiction checks need to know of one source person.

    A named tuple, not a dataclass: a million are made for each full link,
    and a tuple is made several times faster.
    """

    key: str
    nhs: str | None = None
    dob: str | None = None
    #: Every given name the agency recorded, and their nickname groups (for twins).
    given: frozenset[str] = frozenset()
    groups: frozenset[str] = frozenset()
    family: frozenset[str] = frozenset()
    #: The date of the agency's earliest record of them (ISO), if known.
    first_seen: str | None = None


#: Years between two births that make a parent and child, not one person.
GENERATION_YEARS: Final = 12

#: Given names a hospital writes before a baby has one: no name at all, for telling twins apart.
PLACEHOLDER_NAMES: Final = frozenset(
    {"baby", "babyof", "infant", "unborn", "unknown", "unnamed", "twin", "boy", "girl", "male",
     "female", "newborn", "child", "bb", "nk"}
)  # fmt: skip


#: Days before a birth that records of the child may start: a pre-birth assessment,
#: antenatal care. Earlier records are someone else's (a parent of the same name).
BEFORE_BIRTH_DAYS: Final = 280


def seen_before_birth(first_seen: str | None, dobs: Iterable[str]) -> str | None:
    """Why records from ``first_seen`` cannot be those of someone born on ``dobs``."""
    full = [d for d in dobs if len(d) == 10]
    if not first_seen or len(first_seen) < 10 or not full:
        return None
    try:
        born = min(dt.date.fromisoformat(d) for d in full)
        seen = dt.date.fromisoformat(first_seen[:10])
    except ValueError:
        return None
    if (born - seen).days > BEFORE_BIRTH_DAYS:
        return (
            f"records from {first_seen[:10]}, before a birth on {born.isoformat()}: "
            "someone else's, such as a parent of the same name"
        )
    return None


def dates_clash(mine: set[str], theirs: set[str]) -> tuple[str, str] | None:
    """Two dates of birth, one from each group, that cannot both be this person's.

    Any two a generation apart clash (a parent and a child). Otherwise some
    date on one side must be compatible with some date on the other: a group
    that already holds slipped dates (the 20th, and the 21st a year out) may
    meet one of them, but not a sibling's birthday. A sibling's birthday
    recorded by mistake on a child's record is no way in for the sibling:
    they share a birth with it but not a given name (the twins check).
    """
    if mine == theirs or not mine or not theirs:
        return None  # nothing new on either side (or nothing at all) to clash
    pairs = [(a, b) for a in sorted(mine) for b in sorted(theirs)]
    for dob_a, dob_b in pairs:
        if generation_apart(dob_a, dob_b):
            return dob_a, dob_b
    if pairs and not any(dates_compatible(a, b) for a, b in pairs):
        return pairs[0]
    return None


def generation_apart(a: str, b: str) -> bool:
    """Births at least :data:`GENERATION_YEARS` apart: a parent and child, never one person."""
    if len(a) < 4 or len(b) < 4 or not (a[:4].isdigit() and b[:4].isdigit()):
        return False
    return abs(int(a[:4]) - int(b[:4])) >= GENERATION_YEARS


def names_differ(
    given_a: Iterable[str],
    groups_a: Iterable[str],
    given_b: Iterable[str],
    groups_b: Iterable[str],
    family: Iterable[str] = (),
) -> bool:
    """Given names that cannot be one person's written differently (Ella and Evie).

    Not if any recorded given name is shared, or a nickname group (Jamie,
    James), or two names are close in spelling, or one side's given name is
    the other's family name (names written in each other's boxes).
    """
    names_a, names_b = set(given_a) - PLACEHOLDER_NAMES, set(given_b) - PLACEHOLDER_NAMES
    if not names_a or not names_b or names_a & names_b or set(groups_a) & set(groups_b):
        return False
    if (names_a | names_b) & set(family):
        return False
    return all(jaro_winkler_similarity(x, y) < 0.8 for x in names_a for y in names_b)


def settled_apart(a: Node, b: Node) -> str | None:
    """Why two source persons' own records say they are two people, if they do.

    For pairs the model was unsure of: a person reading the two records
    would decide the same at once, so they are not queued for one.
    """
    if a.nhs and b.nhs and a.nhs != b.nhs:
        return f"different NHS numbers ({a.nhs}, {b.nhs})"
    if a.dob and b.dob and generation_apart(a.dob, b.dob):
        return f"born a generation apart ({a.dob}, {b.dob}): a parent and child"
    for early, other in ((a, b), (b, a)):
        if not early.dob and other.dob:
            why = seen_before_birth(early.first_seen, [other.dob])
            if why:
                return why
    if (
        a.dob
        and a.dob == b.dob
        and len(a.dob) == 10
        and a.family & b.family
        and names_differ(a.given, a.groups, b.given, b.groups, a.family | b.family)
    ):
        return f"same birth and family name, different given names: twins or siblings ({a.dob})"
    return None


def dates_compatible(a: str, b: str) -> bool:
    """Whether two recorded dates of birth could be one date.

    Equal, one partial and agreeing, day and month swapped, one slip, or
    the year or the day one out (2009-12-20 for 2010-12-20; the 19th for
    the 20th): the commonest errors in typed dates, which a slip of one
    character does not cover when the number rolls over.
    """
    if a == b:
        return True
    if len(a) < 10 or len(b) < 10:
        short, long = sorted((a, b), key=len)
        return long.startswith(short)
    if a[:5] == b[:5] and a[5:7] == b[8:10] and a[8:10] == b[5:7]:
        return True
    return _one_slip(a, b) or _one_out(a, b)


def _one_out(a: str, b: str) -> bool:
    """The same date but for the year, or the day, one out."""
    if not (a[:4].isdigit() and b[:4].isdigit() and a[8:10].isdigit() and b[8:10].isdigit()):
        return False
    if a[4:] == b[4:]:
        return abs(int(a[:4]) - int(b[:4])) == 1
    return a[:8] == b[:8] and abs(int(a[8:10]) - int(b[8:10])) == 1


def _one_slip(a: str, b: str) -> bool:
    """One character changed, or two neighbours swapped (Damerau distance of one)."""
    if len(a) != len(b):
        return False
    diffs = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
    if len(diffs) == 1:
        return True
    return (
        len(diffs) == 2
        and diffs[1] == diffs[0] + 1
        and a[diffs[0]] == b[diffs[1]]
        and a[diffs[1]] == b[diffs[0]]
    )
