"""Small numbers kept small in the themes across audits: which figures to hide, and why.

Every figure the board sees is a count of grades, answers or cases. A count from 1 to 4
is shown as "fewer than 5" (:data:`wholestory.figures.SUPPRESS_BELOW`): that is the
*primary* suppression. It is not enough on its own: the themes show the same grades
several ways (by domain, by agency, by period, and the CSV by domain and agency), with row
totals, and the charts show shares. A hidden 3 in one table could be worked out by
subtraction, from its row total, or from another table that adds up to the same number.

So each figure is described by what it adds up (its *atoms*: the finest cells, such as the
grades of one domain, one agency, one period and one grade), and a hidden small figure is
checked against everything shown: if the shown figures add and subtract to it exactly
(it lies in their linear span, worked out here with exact fractions), one more figure that
shares its atoms is hidden (a *secondary* suppression, shown as "not shown"), and the check
runs again, until no small figure can be worked out. The figure hidden second is one of
those the working out used, chosen by the caller's order (``tier``: for the grades, row
totals first, then the CSV's cells, a chart's points, and the tables' own cells last),
then the smallest count of 5 or more.

A figure shown as 0 tells the reader that every atom in it is 0, so those atoms are
known and taken out before the check. What this does not guard against is reasoning
from ranges (two hidden figures that are each 1 to 4 and must add up to 2 are both 1);
it removes exact recovery by adding and subtracting, which is what the issue asks.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Final

from wholestory.assurance.theme_words import FEWER, NOT_SHOWN
from wholestory.figures import SUPPRESS_BELOW

#: Why a figure is hidden: it is small itself, or it would let a small one be worked out.
SMALL: Final = "small"
PROTECTS: Final = "protects"
#: The modulus of the exact arithmetic (a Mersenne prime, 2**61 - 1).
_PRIME: Final = (1 << 61) - 1


@dataclass(frozen=True, slots=True)
class Part:
    """One count a figure reveals: the atoms it adds up, and its value."""

    atoms: frozenset[Hashable]
    value: int


@dataclass(frozen=True, slots=True)
class Unit:
    """A figure shown or hidden whole: one count, or a share (its numerator, denominator and
    what is left, each a part). ``tier``: the lower, the sooner it is hidden second."""

    key: Hashable
    parts: tuple[Part, ...]
    tier: int

    @property
    def small(self) -> bool:
        return any(0 < p.value < SUPPRESS_BELOW for p in self.parts)

    @property
    def size(self) -> int:
        return max((p.value for p in self.parts), default=0)


def share_parts(
    all_atoms: frozenset[Hashable], some_atoms: frozenset[Hashable], total: int, some: int
) -> tuple[Part, ...]:
    """A share's parts: the numerator, the denominator and the rest (the rest may be small
    too: 7 of 9 tells the reader that 2 were not)."""
    return (
        Part(some_atoms, some),
        Part(all_atoms, total),
        Part(all_atoms - some_atoms, total - some),
    )


def hidden(units: Sequence[Unit]) -> dict[Hashable, str]:
    """The figures to hide, each with why (:data:`SMALL` or :data:`PROTECTS`)."""
    why: dict[Hashable, str] = {u.key: SMALL for u in units if u.small}
    order = {u.key: n for n, u in enumerate(units)}
    while True:
        seconds = _seconds([u for u in units if u.key not in why], units, why, order)
        if not seconds:
            return why
        why.update(dict.fromkeys(seconds, PROTECTS))


def _seconds(
    shown: Sequence[Unit],
    units: Sequence[Unit],
    why: dict[Hashable, str],
    order: dict[Hashable, int],
) -> set[Hashable]:
    """For each small hidden count the shown figures add up to, one of the figures in that
    sum, to hide: one that holds some of the count's own cells if the sum has one (hiding a
    figure only used to cancel others out tends to need more hidden after it), the first by
    tier, then the smallest count of 5 or more."""
    known_zero = {a for u in shown for p in u.parts if p.value == 0 for a in p.atoms}
    basis = _Basis()
    owners: list[Unit] = []
    for unit in shown:
        for part in unit.parts:
            if part.value:
                basis.add(part.atoms - known_zero, len(owners))
                owners.append(unit)
    chosen: set[Hashable] = set()
    for unit in units:
        if why.get(unit.key) != SMALL:
            continue
        for part in unit.parts:
            if not 0 < part.value < SUPPRESS_BELOW:
                continue
            atoms = part.atoms - known_zero
            used = basis.made_of(atoms)
            if used is None or {owners[i].key for i in used} & chosen:
                continue
            sum_of = [owners[i] for i in used]
            direct = [u for u in sum_of if _touches(u, atoms)]
            chosen.add(min(direct or sum_of, key=lambda u: _rank(u, order)).key)
    return chosen


def _touches(unit: Unit, atoms: frozenset[Hashable]) -> bool:
    """Whether ``unit`` adds up any of ``atoms`` itself (hiding it hides them from sight)."""
    return any(p.value and p.atoms & atoms for p in unit.parts)


def _rank(unit: Unit, order: dict[Hashable, int]) -> tuple[int, bool, int, int]:
    return unit.tier, unit.size < SUPPRESS_BELOW, unit.size, order[unit.key]


class _Basis:
    """Row-reduced sums of atoms, to ask whether a sum can be made from those shown, and
    from which.

    Each row is a mapping atom -> coefficient with the sums it was made from; a row added
    is reduced by those before it, so each keeps a pivot no later row has, and a vector
    lies in the span exactly when reducing it in order leaves nothing. The arithmetic is
    exact, modulo a prime far larger than any coefficient these sums of 0s and 1s reach
    (fractions were ten times slower).
    """

    def __init__(self) -> None:
        self._rows: list[tuple[Hashable, dict[Hashable, int], dict[int, int]]] = []

    def add(self, atoms: Iterable[Hashable], number: int) -> None:
        rest, made = self._reduce(dict.fromkeys(atoms, 1), {number: 1})
        if rest:
            pivot = next(iter(rest))
            inverse = pow(rest[pivot], -1, _PRIME)
            self._rows.append((pivot, _scaled(rest, inverse), _scaled(made, inverse)))

    def made_of(self, atoms: Iterable[Hashable]) -> set[int] | None:
        """The numbers of the sums that make ``atoms`` exactly, or None if none do."""
        wanted = dict.fromkeys(atoms, 1)
        if not wanted:
            return None
        rest, made = self._reduce(wanted, {})
        return None if rest else set(made)

    def _reduce(
        self, vector: dict[Hashable, int], made: dict[int, int]
    ) -> tuple[dict[Hashable, int], dict[int, int]]:
        for pivot, row, origin in self._rows:
            factor = vector.get(pivot)
            if factor:
                _subtract(vector, row, factor)
                _subtract(made, origin, factor)
        return vector, made


def _subtract(vector: dict[Any, int], row: dict[Any, int], factor: int) -> None:
    for key, coefficient in row.items():
        value = (vector.get(key, 0) - factor * coefficient) % _PRIME
        if value:
            vector[key] = value
        else:
            vector.pop(key, None)


def _scaled(vector: dict[Any, int], by: int) -> dict[Any, int]:
    return {k: c * by % _PRIME for k, c in vector.items()}


@dataclass(frozen=True, slots=True)
class Count:
    """A count as published: its value when shown, or None, and its words either way."""

    value: int | None
    words: str

    @property
    def shown(self) -> bool:
        return self.value is not None

    def as_dict(self) -> dict[str, Any]:
        return {"count": self.value, "shown": self.words}


def published(value: int, why: str | None) -> Count:
    """``value`` as the board may see it, given why it is hidden (None: it is not).

    A hidden count of 1 to 4 reads "fewer than 5"; any other hidden count (one hidden to
    protect a small one, or a share's total hidden because what is left is small) reads
    "not shown", never "fewer than 5", which it is not.
    """
    if why is None:
        return Count(value, f"{value:,}")
    return Count(None, FEWER if 0 < value < SUPPRESS_BELOW else NOT_SHOWN)
