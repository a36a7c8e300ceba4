"""Grade distributions across audits: by domain, by agency and by period, the CSV's cells by
domain and agency, and each domain's share of grades "good or better" per period.

All of them count the same grades of record (:mod:`.theme_rows`), so they are protected
together (:mod:`.theme_suppression`): each figure is a sum of the finest cells, one
period, one domain, one agency and one grade, and a figure hidden in one table cannot be
worked out from the others.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Collection, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from wholestory.assurance import theme_words as words
from wholestory.assurance.theme_rows import GradeOfRecord
from wholestory.assurance.theme_suppression import (
    Count,
    Part,
    Unit,
    hidden,
    published,
    share_parts,
)
from wholestory.assurance.tools import Scale
from wholestory.chronology.vocabulary import agency_name

Atom = tuple[str, str, str, str]  # (period, domain, agency, grade)
#: One axis of the grid as a figure fixes it: one value, some values, or (None) all of them.
Axis = str | Collection[str] | None

#: Which figure is hidden first when one must be, to protect a small one: a row's total
#: (its cells still say the most), then the CSV's finer cells, then a chart's point (the
#: chart says it left the period out), and the tables' own cells last.
TOTALS, CELLS, SHARES, TABLES = 0, 1, 2, 3


@dataclass(frozen=True, slots=True)
class GradeScale:
    """A tool's scale as the themes count it: its grades best first, and which are "good"."""

    grades: tuple[str, ...]
    good: frozenset[str]
    good_words: str

    @classmethod
    def of(cls, scale: Scale) -> GradeScale:
        """Named grades: the better half (Outstanding and Good of four). Points: from the
        middle of the range up (5 to 10 of 0 to 10), each point its own column."""
        if scale.grades:
            better = scale.grades[: max(1, len(scale.grades) // 2)]
            return cls(scale.grades, frozenset(better), words.GOOD_GRADES.format(grade=better[-1]))
        assert scale.lowest is not None and scale.highest is not None
        middle = math.ceil((scale.lowest + scale.highest) / 2)
        points = tuple(str(p) for p in range(scale.highest, scale.lowest - 1, -1))
        return cls(
            points,
            frozenset(str(p) for p in range(middle, scale.highest + 1)),
            words.GOOD_POINTS.format(low=middle, high=scale.highest),
        )


@dataclass(frozen=True, slots=True)
class Row:
    """One row of a distribution: its counts in the scale's order, and their total."""

    label: str
    counts: tuple[Count, ...]
    total: Count

    def as_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "counts": [c.as_dict() for c in self.counts],
            "total": self.total.as_dict(),
        }


@dataclass(frozen=True, slots=True)
class Distribution:
    """A table of grades: a row for each domain, agency or period, a column for each grade."""

    title: str
    heading: str
    grades: tuple[str, ...]
    rows: tuple[Row, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "heading": self.heading,
            "grades": list(self.grades),
            "rows": [r.as_dict() for r in self.rows],
        }


@dataclass(frozen=True, slots=True)
class Cell:
    """The CSV's row: one domain, one agency, one grade, and how many grades of record."""

    domain: str
    domain_title: str
    agency: str
    grade: str
    count: Count

    @property
    def agency_name(self) -> str:
        return agency_name(self.agency)


@dataclass(frozen=True, slots=True)
class Share:
    """One domain's share of grades good or better in one period: a per cent, or None when
    too few to show or there are no grades (``graded`` says which)."""

    domain: str
    period: str
    per_cent: float | None
    graded: bool = True  # whether the domain had any grade in the period


@dataclass(frozen=True, slots=True)
class GradeThemes:
    by_domain: Distribution
    by_agency: Distribution
    by_period: Distribution
    cells: tuple[Cell, ...]
    shares: tuple[Share, ...]
    basis: str


def grade_themes(
    grades: Sequence[GradeOfRecord],
    scale: GradeScale,
    domains: Sequence[tuple[str, str]],
    period_of: Mapping[int, str],
) -> GradeThemes:
    """Every grade figure, protected together. ``domains``: (code, title) in the tool's
    order; ``period_of``: each programme's period label, the labels in time order."""
    periods = list(dict.fromkeys(period_of.values()))
    agencies = sorted({g.agency for g in grades}, key=agency_name)
    counted = Counter((period_of[g.programme], g.domain, g.agency, g.grade) for g in grades)
    grid = _Grid(periods, [d for d, _ in domains], agencies, scale, counted)
    why = hidden(grid.units())
    return GradeThemes(
        by_domain=grid.table(words.BY_DOMAIN, words.DOMAIN, "domain", domains, why),
        by_agency=grid.table(
            words.BY_AGENCY, words.AGENCY, "agency", [(a, agency_name(a)) for a in agencies], why
        ),
        by_period=grid.table(
            words.BY_PERIOD, words.PERIOD, "period", [(p, p) for p in periods], why
        ),
        cells=tuple(
            grid.cell(d, title, a, g, why)
            for d, title in domains
            for a in agencies
            for g in scale.grades
        ),
        shares=tuple(grid.share(d, p, why) for d, _ in domains for p in periods),
        basis=_basis(grades),
    )


class _Grid:
    """The finest cells (period, domain, agency, grade) and every figure made of them."""

    def __init__(
        self,
        periods: Sequence[str],
        domains: Sequence[str],
        agencies: Sequence[str],
        scale: GradeScale,
        counted: Counter[Atom],
    ) -> None:
        self.axes = {
            "period": periods,
            "domain": domains,
            "agency": agencies,
            "grade": scale.grades,
        }
        self.scale, self.counted = scale, counted

    def atoms(
        self,
        period: Axis = None,
        domain: Axis = None,
        agency: Axis = None,
        grade: Axis = None,
    ) -> frozenset[Atom]:
        """The cells with each axis named at the value (or among the values) given."""
        return frozenset(
            itertools.product(
                _values(period, self.axes["period"]),
                _values(domain, self.axes["domain"]),
                _values(agency, self.axes["agency"]),
                _values(grade, self.axes["grade"]),
            )
        )

    def sum(self, **fixed: Axis) -> int:
        return self._total(self.atoms(**fixed))

    def count(self, key: Hashable, tier: int, **fixed: Axis) -> Unit:
        atoms = self.atoms(**fixed)
        return Unit(key, (Part(atoms, self._total(atoms)),), tier)

    def units(self) -> list[Unit]:
        """Every figure the grades are shown as, each with the cells it adds up."""
        found = []
        for axis in ("domain", "agency", "period"):
            for value in self.axes[axis]:
                found.append(self.count((axis, value, ""), TOTALS, **{axis: value}))
                found += [
                    self.count((axis, value, g), TABLES, **{axis: value, "grade": g})
                    for g in self.scale.grades
                ]
        found += [
            self.count(("cell", d, a, g), CELLS, domain=d, agency=a, grade=g)
            for d in self.axes["domain"]
            for a in self.axes["agency"]
            for g in self.scale.grades
        ]
        found += [self.share_unit(d, p) for d in self.axes["domain"] for p in self.axes["period"]]
        return found

    def share_unit(self, domain: str, period: str) -> Unit:
        """A chart's point: a domain's grades good or better of all its grades in a period."""
        every = self.atoms(domain=domain, period=period)
        good = self.atoms(domain=domain, period=period, grade=self.scale.good)
        parts = share_parts(every, good, self._total(every), self._total(good))
        return Unit(("share", domain, period), parts, SHARES)

    def _total(self, atoms: frozenset[Atom]) -> int:
        return sum(self.counted[a] for a in atoms)

    def table(
        self,
        title: str,
        heading: str,
        axis: str,
        rows: Sequence[tuple[str, str]],
        why: Mapping[Hashable, str],
    ) -> Distribution:
        found = tuple(self.row(axis, code, label, why) for code, label in rows)
        return Distribution(title, heading, self.scale.grades, found)

    def row(self, axis: str, code: str, label: str, why: Mapping[Hashable, str]) -> Row:
        """One row of a table: the count of each grade, and the row's total."""
        counts = tuple(
            published(self.sum(**{axis: code, "grade": g}), why.get((axis, code, g)))
            for g in self.scale.grades
        )
        return Row(label, counts, published(self.sum(**{axis: code}), why.get((axis, code, ""))))

    def cell(
        self, domain: str, title: str, agency: str, grade: str, why: Mapping[Hashable, str]
    ) -> Cell:
        """The CSV's row for one domain, agency and grade."""
        count = self.sum(domain=domain, agency=agency, grade=grade)
        return Cell(
            domain, title, agency, grade, published(count, why.get(("cell", domain, agency, grade)))
        )

    def share(self, domain: str, period: str, why: Mapping[Hashable, str]) -> Share:
        every = self.sum(domain=domain, period=period)
        if not every or ("share", domain, period) in why:
            return Share(domain, period, None, graded=bool(every))
        good = self.sum(domain=domain, period=period, grade=self.scale.good)
        return Share(domain, period, round(100 * good / every, 1))


def _values(given: Axis, every: Sequence[str]) -> Sequence[str] | Collection[str]:
    if given is None:
        return every
    return [given] if isinstance(given, str) else given


def _basis(grades: Sequence[GradeOfRecord]) -> str:
    """Where the grades came from, in words: no count, so nothing small is given away."""
    if not grades:
        return words.NO_GRADES
    moderated = sum(g.moderated for g in grades)
    if moderated == len(grades):
        return words.ALL_MODERATED
    return words.SOME_MODERATED if moderated else words.NONE_MODERATED
