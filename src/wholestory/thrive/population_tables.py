"""Tables of counts with row and column totals, small numbers hidden so that no hidden
count can be worked out from those shown (``assurance.theme_suppression``: a count from 1
to 4 reads "fewer than 5"; another hidden to protect it reads "not shown").

Each cell's atom is its (row, column) pair; a row total adds up its row's atoms, a column
total its column's, the grand total all of them. Cells are hidden second before totals,
so the board keeps the totals it reads first.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from wholestory.assurance.theme_suppression import Count, Part, Unit, hidden, published

#: A row's or column's key and title.
Heading = tuple[str, str]


@dataclass(frozen=True, slots=True)
class Table:
    """A published table: its headings, each cell, each total, and the grand total."""

    title: str
    rows: tuple[Heading, ...]
    columns: tuple[Heading, ...]
    cells: dict[tuple[str, str], Count]
    row_totals: dict[str, Count]
    column_totals: dict[str, Count]
    total: Count | None

    def as_dict(self) -> dict[str, Any]:
        """The table as plain data: only what may be published, never a hidden value."""
        return {
            "title": self.title,
            "columns": [{"key": k, "title": t} for k, t in self.columns],
            "rows": [
                {
                    "key": k,
                    "title": t,
                    "cells": [self.cells[(k, c)].as_dict() for c, _ in self.columns],
                    "total": self.row_totals[k].as_dict() if self.row_totals else None,
                }
                for k, t in self.rows
            ],
            "column_totals": [self.column_totals[c].as_dict() for c, _ in self.columns]
            if self.column_totals
            else None,
            "total": self.total.as_dict() if self.total else None,
        }


def crosstab(
    title: str,
    rows: Sequence[Heading],
    columns: Sequence[Heading],
    counts: Mapping[tuple[str, str], int],
    *,
    totals: bool = True,
) -> Table:
    """A table of ``counts`` (missing cells are 0), with totals unless ``totals`` is False,
    every small count hidden and every count that would reveal one."""
    r_keys, c_keys = [k for k, _ in rows], [k for k, _ in columns]
    value = {(r, c): int(counts.get((r, c), 0)) for r in r_keys for c in c_keys}
    units = [_unit(("cell", r, c), {(r, c)}, value, 1) for r in r_keys for c in c_keys]
    if totals:
        units += [_unit(("row", r), {(r, c) for c in c_keys}, value, 2) for r in r_keys]
        units += [_unit(("col", c), {(r, c) for r in r_keys}, value, 2) for c in c_keys]
        units.append(_unit(("all",), set(value), value, 3))
    why = hidden(units)
    shown = {u.key: published(u.parts[0].value, why.get(u.key)) for u in units}
    return Table(
        title,
        tuple(rows),
        tuple(columns),
        {(r, c): shown[("cell", r, c)] for r in r_keys for c in c_keys},
        {r: shown[("row", r)] for r in r_keys} if totals else {},
        {c: shown[("col", c)] for c in c_keys} if totals else {},
        shown[("all",)] if totals else None,
    )


def _unit(
    key: Hashable, atoms: set[tuple[str, str]], value: Mapping[tuple[str, str], int], tier: int
) -> Unit:
    return Unit(key, (Part(frozenset(atoms), sum(value[a] for a in atoms)),), tier)
