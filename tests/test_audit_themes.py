"""The themes across case file audits (issue 15, item 4), the core, on both databases.

Audits are planted straight into the tables (tests/themes_support.py) with a ground truth
kept beside them: the grades of record (the moderator's overriding the auditor's), the
distributions by domain, agency and period, the repeated findings with their numerators
and denominators, the charts' points; and that no count from 1 to 4 can be read anywhere,
not even by subtracting shown figures from others (checked independently, by linear
algebra over the finest cells).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter
from collections.abc import Hashable, Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from themes_support import audit, graded, learn, moderate, programme
from wholestory.assurance.programmes import Programme, programmes
from wholestory.assurance.theme_grades import Distribution
from wholestory.assurance.theme_rows import GradeOfRecord, grades_of_record
from wholestory.assurance.theme_suppression import PROTECTS, SMALL, Count, Part, Unit, hidden
from wholestory.assurance.themes import Choice, Themes, ThemesError, themes
from wholestory.assurance.tools import tool_from_text
from wholestory.store import Store

GRADES = ("Outstanding", "Good", "Requires improvement", "Inadequate")
HISTORY = "Did it use the history other agencies held (the multi-agency chronology)?"
POINTS_TOOL = tool_from_text(
    "name: Points audit\nscale: {lowest: 0, highest: 10}\ndomains:\n"
    "  - code: overall\n    title: Overall\n    questions:\n"
    "      - {code: grade, text: Overall, answer: grade}\n",
    "test tool",
)


@dataclass
class Planted:
    """What was planted, as ground truth: (programme, agency, domain, grade of record)."""

    store: Store
    programmes: list[int] = field(default_factory=list)
    grades: list[tuple[int, str, str, str]] = field(default_factory=list)

    def plant(self, case: int, agency: str, given: dict[str, str],
              agreed: dict[str, str] | None = None, **answers: str) -> None:  # fmt: skip
        """An auditor's submitted grades, some moderated to ``agreed``; the truth kept."""
        auditor = audit(self.store, case, agency, graded(given, **answers))
        for domain, grade in (agreed or {}).items():
            moderate(self.store, auditor, domain, given[domain], grade)
        record = {**given, **(agreed or {})}
        programme_id = int(
            self.store.scalar("SELECT programme_id FROM ws_assurance_case WHERE id = ?", [case])
        )
        self.grades += [(programme_id, agency, d, g) for d, g in record.items()]


def three_programmes(store: Store) -> Planted:
    """Three programmes of ten cases, ending a quarter apart; every count 0 or 5 or more.

    Children's social care grades assessment Good for cases 1-5 and Requires improvement
    for 6-10, and overall Good; in the first programme the moderator changes the five Goods
    to Requires improvement. The police grade assessment Good and overall Outstanding.
    Health's auditor never submitted. The history question: answered no by children's
    social care in every case of the first programme, 6 of 10 in the second, and no 3 and
    partly 2 in the third; 'timely' is answered no only in the third.
    """
    planted = Planted(store)
    history = {1: ["no"] * 10, 2: ["no"] * 6 + ["yes"] * 4,
               3: ["no"] * 3 + ["partly"] * 2 + ["yes"] * 5}  # fmt: skip
    for n, end in enumerate(("2025-03-31", "2025-06-30", "2025-09-30"), start=1):
        made, cases = programme(store, f"Theme {n}", end, 10)
        planted.programmes.append(made)
        for i, case in enumerate(cases):
            good = i < 5
            planted.plant(
                case, "CSC", {"assessment": "Good" if good else "Requires improvement",
                              "overall": "Good"},
                {"assessment": "Requires improvement"} if n == 1 and good else None,
                assessment__uses_history=history[n][i],
                assessment__timely="no" if n == 3 and i < 6 else "yes",
            )  # fmt: skip
            planted.plant(case, "POLICE", {"assessment": "Good", "overall": "Outstanding"})
            if i < 3:
                audit(store, case, "HEALTH", graded({"overall": "Inadequate"}), submitted=False)
            if (n == 2 and i < 6) or (n == 3 and i < 5):
                learn(store, case, "CSC", "History not used", f"Child {case}'s worker said so")
            if n == 2 and i < 7:
                learn(store, case, "POLICE", "Information not shared")
    return planted


def _row(table: Distribution | None, label: str) -> list[str]:
    assert table is not None
    row = next(r for r in table.rows if r.label == label)
    return [c.words for c in (*row.counts, row.total)]


def _counts(found: Themes) -> Iterator[Count]:
    """Every count the themes publish."""
    for table in found.distributions:
        for row in table.rows:
            yield from (*row.counts, row.total)
    yield from (c.count for c in found.cells)
    yield from (t.cases for t in found.learning)
    for f in found.findings:
        yield from (f.numerator, f.denominator)
    yield from (p.cases for p in found.programmes)


# Grades of record


def test_the_grade_of_record_is_the_moderators_where_moderated(store: Store) -> None:
    made, (case, other) = programme(store, "History", "2025-06-30", 2)
    given = graded({"assessment": "Good", "planning": "good ", "impact": "Brilliant",
                    "overall": "Outstanding"})  # fmt: skip
    csc = audit(store, case, "CSC", given)
    moderate(store, csc, "assessment", "Good", "Requires improvement")  # changed
    moderate(store, csc, "overall", "Outstanding", "Outstanding")  # agreed
    moderate(store, csc, "engagement", "", "Inadequate")  # the auditor left it ungraded
    audit(store, other, "POLICE", graded({"assessment": "Good"}))
    audit(store, other, "HEALTH", graded({"assessment": "Inadequate"}), submitted=False)
    found = grades_of_record(store, [p for p in _programmes(store) if p.id == made])
    assert sorted(found, key=lambda g: (g.agency, g.domain)) == [
        GradeOfRecord(made, "CSC", "assessment", "Requires improvement", True),
        GradeOfRecord(made, "CSC", "engagement", "Inadequate", True),
        GradeOfRecord(made, "CSC", "overall", "Outstanding", True),
        GradeOfRecord(made, "CSC", "planning", "Good", False),  # as the scale spells it
        GradeOfRecord(made, "POLICE", "assessment", "Good", False),
    ]  # 'Brilliant' is on no scale; Health never submitted


def test_distributions_count_grades_of_record_by_domain_agency_and_period(store: Store) -> None:
    planted = three_programmes(store)
    found = themes(store)
    truth = Counter((d, g) for _, _, d, g in planted.grades)
    assert found.by_domain is not None and found.by_agency is not None
    for domain, title in (("assessment", "Assessment"), ("overall", "Overall")):
        expected = [truth[(domain, g)] for g in GRADES]
        assert _row(found.by_domain, title) == [str(n) for n in [*expected, sum(expected)]]
    assert _row(found.by_domain, "Assessment") == ["0", "40", "20", "0", "60"]  # 5 moderated down
    by_agency = Counter((a, g) for _, a, _, g in planted.grades)
    for agency, name in (("CSC", "Children's social care"), ("POLICE", "Police")):
        expected = [by_agency[(agency, g)] for g in GRADES]
        assert _row(found.by_agency, name) == [str(n) for n in [*expected, sum(expected)]]
    assert [r.label for r in found.by_agency.rows] == ["Children's social care", "Police"]
    by_period = Counter((p, g) for p, _, _, g in planted.grades)
    for number, p in enumerate(planted.programmes):
        expected = [by_period[(p, g)] for g in GRADES]
        label = ("No. {}, Mar 2025", "No. {}, Jun 2025", "No. {}, Sep 2025")[number].format(p)
        assert _row(found.by_period, label) == [str(n) for n in [*expected, sum(expected)]]
    cells = {(c.domain, c.agency, c.grade): c.count.words for c in found.cells}
    assert len(cells) == 7 * 2 * 4  # every domain, agency and grade, zeros too
    assert cells[("assessment", "CSC", "Requires improvement")] == "20"
    assert found.basis.startswith("Some grades here are the auditor's")
    assert [p.cases.words for p in found.programmes] == ["10", "10", "10"]


def test_periods_may_be_months_or_quarters_of_the_programmes_end(store: Store) -> None:
    planted = three_programmes(store)
    programme(store, "Same quarter", "2025-08-15", 1)
    by_quarter = themes(store, Choice(by="quarter"))
    assert by_quarter.by_period is not None
    assert [r.label for r in by_quarter.by_period.rows] == ["2025 Q1", "2025 Q2", "2025 Q3"]
    chosen = themes(store, Choice(programmes=tuple(planted.programmes[1:]), by="month"))
    assert chosen.by_period is not None
    assert [r.label for r in chosen.by_period.rows] == ["2025-06", "2025-09"]
    later = themes(store, Choice(ends_from=dt.date(2025, 7, 1)))
    assert [p.theme for p in later.programmes] == ["Same quarter", "Theme 3"]


def test_a_points_scale_is_counted_point_by_point(store: Store) -> None:
    _, cases = programme(store, "Points", "2025-06-30", 10, tool=POINTS_TOOL)
    for i, case in enumerate(cases):
        audit(store, case, "CSC", graded({"overall": str(3 if i < 5 else 8)}))
    found = themes(store)
    assert found.grades == tuple(str(p) for p in range(10, -1, -1))
    assert found.good == "5 or more (of 10)"
    assert _row(found.by_domain, "Overall")[found.grades.index("8")] == "5"
    assert _row(found.by_domain, "Overall")[-1] == "10"
    (trend,) = found.trends
    assert trend.chart is not None and trend.chart.points[0].value == 50.0


def test_programmes_on_another_scale_are_left_out_and_said(store: Store) -> None:
    three_programmes(store)
    programme(store, "Points", "2024-12-31", 5, tool=POINTS_TOOL)
    found = themes(store)
    assert len(found.programmes) == 3
    assert "Left out, being graded on another scale (0 to 10 (10 best)): No. 4" in found.left_out
    with pytest.raises(ThemesError, match="there is no audit programme 99"):
        themes(store, Choice(programmes=(99,)))


# Repeated findings and learning


def test_repeated_findings_are_sentences_with_their_counts(store: Store) -> None:
    three_programmes(store)
    found = themes(store)
    # 'Timely' was answered no in one programme only; 'information not shared' recorded in one.
    assert [f.sentence for f in found.findings] == [
        f"Assessment: {HISTORY} No or only partly in 11 of 20 agencies' answers. "
        "Found in 2 of the last 2 programmes.",
        "History not used: recorded for 11 of 20 cases audited. "
        "Found in 2 of the last 2 programmes.",
    ]
    assert [(f.numerator.value, f.denominator.value) for f in found.findings] == [(11, 20)] * 2
    wider = " ".join(f.sentence for f in themes(store, Choice(last=3)).findings)
    assert "No or only partly in 21 of 30 agencies' answers. Found in 3 of the last 3" in wider
    assert [(t.tag, t.cases.words) for t in found.learning] == [
        ("History not used", "11"), ("Information not shared", "7"),
    ]  # fmt: skip
    alone = themes(store, Choice(programmes=(1,)))
    assert alone.findings == ()
    assert alone.findings_note == "Repeated findings need at least two programmes."


def test_a_repeated_finding_with_small_counts_says_so_without_them(store: Store) -> None:
    three_programmes(store)
    for n, cases in ((2, 2), (3, 1)):
        for case in _cases(store, n)[:cases]:
            learn(store, case, "CSC", "Drift and delay", "Jamie waited a year")
    found = themes(store)
    drift = next(f for f in found.findings if f.sentence.startswith("Drift and delay"))
    assert drift.sentence == (
        "Drift and delay: recorded for some cases (too few to show how many). "
        "Found in 2 of the last 2 programmes."
    )
    assert (drift.numerator.words, drift.denominator.words) == ("fewer than 5", "not shown")
    assert ("Drift and delay", "fewer than 5") in [(t.tag, t.cases.words) for t in found.learning]
    assert "Jamie" not in repr(found.as_dict())  # free text is never in the themes


# Charts


def test_each_domain_is_charted_as_its_share_good_or_better(store: Store) -> None:
    three_programmes(store)
    found = themes(store)
    charts = {t.domain: t for t in found.trends}
    assessment = charts["assessment"].chart
    assert assessment is not None
    # Police's 10 Goods and children's social care's 0, 5 and 5 (moderated first), of 20.
    assert [(p.period, p.value) for p in assessment.points] == [
        ("No. 1, Mar 2025", 50.0), ("No. 2, Jun 2025", 75.0), ("No. 3, Sep 2025", 75.0)
    ]  # fmt: skip
    assert charts["assessment"].measure == "Assessment: share of grades Good or better"
    assert "Trial limits: fewer than 12 points." in charts["assessment"].summary()
    svg = charts["assessment"].svg
    assert svg.startswith("<svg") and "<script" not in svg and "style=" not in svg
    assert sorted(charts) == ["assessment", "overall"]  # no other domain was graded


# Small numbers


def test_a_small_count_and_the_total_beside_it_are_hidden() -> None:
    row = {"good": 3, "requires": 10, "inadequate": 12}
    units = [Unit(k, (Part(frozenset({k}), v),), 3) for k, v in row.items()]
    units.append(Unit("total", (Part(frozenset(row), sum(row.values())),), 0))
    assert hidden(units) == {"good": SMALL, "total": PROTECTS}


def test_no_count_from_1_to_4_can_be_read_or_worked_out(store: Store) -> None:
    """Small numbers everywhere: two programmes of six cases, four agencies."""
    for end in ("2025-03-31", "2025-06-30"):
        _, cases = programme(store, "Small", end, 6)
        for i, case in enumerate(cases):
            for j, agency in enumerate(("CSC", "POLICE", "HEALTH", "SCHOOL")[: 2 + i % 3]):
                grades = {"assessment": GRADES[(i + j) % 4], "overall": GRADES[j % 2]}
                history = "no" if i % 2 else "yes"
                audit(store, case, agency, graded(grades, assessment__uses_history=history))
                if j == 0 and i < 4:
                    learn(store, case, agency, "History not used")
    found = themes(store)
    shown = [c.value for c in _counts(found) if c.value is not None]
    assert shown and not [v for v in shown if 0 < v < 5]
    hidden_words = {c.words for c in _counts(found) if c.value is None}
    assert hidden_words == {"fewer than 5", "not shown"}
    assert not _recoverable(store, found)
    for table in found.distributions:
        for r in table.rows:
            if any(c.words == "fewer than 5" for c in r.counts):
                assert r.total.value is None or sum(c.value is None for c in r.counts) > 1
    for trend in found.trends:
        for point in trend.chart.points if trend.chart else ():
            assert _share_counts_are_safe(store, found, trend.domain, str(point.period))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.integers(0, 9), min_size=3, max_size=3), min_size=2, max_size=4))
def test_hidden_cells_cannot_be_worked_out_of_any_table(table: list[list[int]]) -> None:
    """A table with row and column totals: whatever its counts, every small one stays
    hidden, and none can be made by adding and subtracting the figures shown."""
    units = [
        Unit(("cell", r, c), (Part(frozenset({(r, c)}), v),), 2)
        for r, row in enumerate(table) for c, v in enumerate(row)
    ]  # fmt: skip
    for r, row in enumerate(table):
        units.append(Unit(("row", r), (Part(frozenset((r, c) for c in range(3)), sum(row)),), 0))
    for c in range(3):
        column = frozenset((r, c) for r in range(len(table)))
        units.append(Unit(("col", c), (Part(column, sum(row[c] for row in table)),), 1))
    why = hidden(units)
    assert all(u.key in why for u in units if any(0 < p.value < 5 for p in u.parts))
    atoms = sorted({a for u in units for p in u.parts for a in p.atoms}, key=repr)
    assert not _in_span(units, why, atoms)


# Helpers: an independent check, by numpy's rank, that no small hidden count is a sum and
# difference of shown ones (zeros shown make their cells known).


def _in_span(
    units: list[Unit], why: dict[Hashable, str], atoms: Sequence[Hashable]
) -> list[Hashable]:
    index = {a: i for i, a in enumerate(atoms)}
    shown = [p for u in units if u.key not in why for p in u.parts]
    zero = {a for p in shown if p.value == 0 for a in p.atoms}

    def vector(part: Part) -> np.ndarray:
        v = np.zeros(len(atoms))
        for a in part.atoms - zero:
            v[index[a]] = 1
        return v

    basis = np.array([vector(p) for p in shown if p.value]) if shown else np.zeros((0, len(atoms)))
    rank = np.linalg.matrix_rank(basis) if len(basis) else 0
    found = []
    for u in units:
        for p in u.parts:
            if u.key in why and 0 < p.value < 5:
                stacked = np.vstack([basis, vector(p)]) if len(basis) else vector(p)[None, :]
                if np.linalg.matrix_rank(stacked) == rank:
                    found.append(u.key)
    return found


def _recoverable(store: Store, found: Themes) -> list[Hashable]:
    """The small hidden grade counts that the shown grade figures give away, rebuilt from
    the planted rows and what each published figure means (not from the themes' own units)."""
    period = _period_labels(found)
    truth = Counter(
        (period[g.programme], g.domain, g.agency, g.grade)
        for g in grades_of_record(store, _programmes(store))
    )
    domains = {t: d for d, t in {(c.domain, c.domain_title) for c in found.cells}}
    agencies = {c.agency_name: c.agency for c in found.cells}
    grid = list(itertools.product(period.values(), set(domains.values()),
                                  set(agencies.values()), found.grades))  # fmt: skip
    units: list[Unit] = []

    def add(key: Hashable, count: Count, fixed: dict[int, str]) -> None:
        """A published figure: the cells with each position of ``fixed`` at its value."""
        atoms = frozenset(a for a in grid if all(a[i] == v for i, v in fixed.items()))
        value = sum(truth[a] for a in atoms)
        if count.value is not None:
            assert count.value == value
        units.append(Unit(key, (Part(atoms, value),), 0))

    for table, axis, names in ((found.by_domain, 1, domains), (found.by_agency, 2, agencies),
                               (found.by_period, 0, {v: v for v in period.values()})):  # fmt: skip
        assert table is not None
        for r in table.rows:
            code = names[r.label]
            add((axis, code), r.total, {axis: code})
            for g, c in zip(found.grades, r.counts, strict=True):
                add((axis, code, g), c, {axis: code, 3: g})
    for cell in found.cells:
        fixed = {1: cell.domain, 2: cell.agency, 3: cell.grade}
        add(("cell", cell.domain, cell.agency, cell.grade), cell.count, fixed)
    why = {u.key: SMALL for u, c in zip(units, _published(found), strict=True) if c.value is None}
    return _in_span(units, why, grid)


def _published(found: Themes) -> Iterator[Count]:
    for table in found.distributions:
        for r in table.rows:
            yield r.total
            yield from r.counts
    yield from (c.count for c in found.cells)


def _share_counts_are_safe(store: Store, found: Themes, domain: str, period: str) -> bool:
    labels = _period_labels(found)
    mine = [g for g in grades_of_record(store, _programmes(store))
            if g.domain == domain and labels[g.programme] == period]  # fmt: skip
    good = sum(g.grade in ("Outstanding", "Good") for g in mine)
    return all(n == 0 or n >= 5 for n in (good, len(mine), len(mine) - good))


def _programmes(store: Store) -> list[Programme]:
    return programmes(store)


def _period_labels(found: Themes) -> dict[int, str]:
    """Each programme's period, the themes being by programme: the by-period rows' order."""
    assert found.by_period is not None
    return {p.id: r.label for p, r in zip(found.programmes, found.by_period.rows, strict=True)}


def _cases(store: Store, programme_id: int) -> list[int]:
    return [int(i) for (i,) in store.query(
        "SELECT id FROM ws_assurance_case WHERE programme_id = ? ORDER BY position", [programme_id]
    )]  # fmt: skip
