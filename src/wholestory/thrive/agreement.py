"""How often practitioners chose the grouping WholeStory suggested: the disagreement rate
the partnership reviews, and changes its rules from (issue 16, item 3).

Every kept grouping that records what WholeStory suggested at the time (``suggested``)
is one decision: the practitioner chose the same grouping, or another. They are counted
as a small table, suggested by chosen, with the share that agreed overall and for each
grouping suggested. A disagreement is not a fault: the suggestion is a prompt, and the
child's and family's view may rightly change the choice. A high rate for one grouping is
a question for the rules.

Shown to the board, a count from 1 to 4 reads "fewer than 5", and a figure that would let
one be worked out by adding and subtracting (a row total, a share) is hidden too, by the
rule the audit themes use (:mod:`~wholestory.assurance.theme_suppression`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any, Final

from wholestory.assurance.theme_suppression import Count, Part, Unit, hidden, published, share_parts
from wholestory.store import Store
from wholestory.store.thrive import GROUPINGS_TABLE
from wholestory.thrive.vocabulary import GROUPINGS

_TOTAL: Final = "total"


@dataclass(frozen=True, slots=True)
class Agreement:
    """Suggested against chosen, over the kept groupings that record a suggestion."""

    cells: dict[tuple[str, str], int]  # (suggested, chosen) -> how many groupings
    since: dt.date | None = None

    @property
    def agreed(self) -> int:
        return sum(n for (suggested, chosen), n in self.cells.items() if suggested == chosen)

    @property
    def total(self) -> int:
        return sum(self.cells.values())

    @property
    def disagreed(self) -> int:
        return self.total - self.agreed

    def count(self, suggested: str, chosen: str) -> int:
        return self.cells.get((suggested, chosen), 0)

    def row_total(self, suggested: str) -> int:
        return sum(self.count(suggested, chosen) for chosen in GROUPINGS)

    def as_dict(self) -> dict[str, Any]:
        """Every count as it is: for the partnership's own analysts, not the board."""
        return {
            "since": self.since.isoformat() if self.since else None,
            "agreed": self.agreed,
            "total": self.total,
            "table": {s: {c: self.count(s, c) for c in GROUPINGS} for s in GROUPINGS},
        }

    def shown(self) -> dict[str, Any]:
        """The counts as the board may see them (see the module), each with its words."""
        why = hidden(self._units())

        def count(key: Hashable, value: int) -> Count:
            return published(value, why.get(key))

        return {
            "since": self.since.isoformat() if self.since else None,
            "agreed": count(_TOTAL, self.agreed).as_dict(),
            "total": count(_TOTAL, self.total).as_dict(),
            "share_agreed": None if _TOTAL in why else _share(self.agreed, self.total),
            "by_suggested": [self._row(s, why) for s in GROUPINGS],
        }

    def _row(self, suggested: str, why: dict[Hashable, str]) -> dict[str, Any]:
        cells = {c: published(self.count(suggested, c), why.get((suggested, c))) for c in GROUPINGS}
        total = published(self.row_total(suggested), why.get(suggested))
        same = cells[suggested]
        share = _share(same.value, total.value) if same.shown and total.shown else None
        return {
            "suggested": suggested,
            "title": GROUPINGS[suggested],
            "total": total.as_dict(),
            "chosen": {c: cell.as_dict() for c, cell in cells.items()},
            "share_agreed": share,
        }

    def _units(self) -> list[Unit]:
        """Every figure shown, by what it adds up: row totals first (hidden second before
        the rest), then the overall share, then the table's cells."""
        atoms = {s: frozenset((s, c) for c in GROUPINGS) for s in GROUPINGS}
        every = frozenset(a for row in atoms.values() for a in row)
        same = frozenset((s, s) for s in GROUPINGS)
        units = [Unit(s, (Part(atoms[s], self.row_total(s)),), 0) for s in GROUPINGS]
        units.append(Unit(_TOTAL, share_parts(every, same, self.total, self.agreed), 1))
        units += [
            Unit((s, c), (Part(frozenset({(s, c)}), self.count(s, c)),), 2)
            for s in GROUPINGS
            for c in GROUPINGS
        ]
        return units


def agreement_rate(store: Store, since: dt.date | None = None) -> Agreement:
    """Suggested against chosen over every kept grouping that records a suggestion, from
    every agency and the app (recorded on or after ``since``, if given)."""
    sql = (
        f"SELECT suggested, grouping, COUNT(*) FROM {GROUPINGS_TABLE} "
        "WHERE suggested IS NOT NULL AND suggested <> ''"
    )
    params: list[Any] = []
    if since is not None:
        sql += " AND recorded_on >= ?"
        params.append(since.isoformat())
    rows = store.query(f"{sql} GROUP BY suggested, grouping", params)
    cells = {(str(s), str(g)): int(n) for s, g, n in rows if s in GROUPINGS and g in GROUPINGS}
    return Agreement(cells, since)


def _share(some: int | None, total: int | None) -> float | None:
    """A share as a whole percentage (None when there is nothing to share)."""
    if some is None or not total:
        return None
    return round(100 * some / total)
