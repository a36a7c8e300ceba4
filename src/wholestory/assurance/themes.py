"""The themes across case file audits (issue 15, item 4): what the board and QA read.

:func:`themes` gathers, for the programmes chosen, the grade distributions by domain,
agency and period (:mod:`.theme_grades`), the most frequent learning points and the
findings repeated across the last programmes (:mod:`.theme_findings`), and each domain's
share of grades good or better over time as an XmR chart (:mod:`.theme_charts`). Every
count in them is protected against small numbers (:mod:`.theme_suppression`): what it
returns is what anyone may see, the board included, and the page, the CSV, the PDF
(:mod:`.theme_report`) and the command line all show it as it is. Nothing in it names a
child, gives their date of birth or an identifier, or says which child a case is, and
there is no free text in it: the auditors' own words, which may name people, are read only
by :func:`recent_learning`, for the QA officer.

Grades on different scales cannot be added up, so the themes cover the programmes graded
on the newest chosen programme's scale and say which they left out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from wholestory.assurance import theme_words as words
from wholestory.assurance.programmes import Programme, programme, programmes
from wholestory.assurance.theme_charts import Trend, trends
from wholestory.assurance.theme_findings import Finding, TagCount, learning_themes
from wholestory.assurance.theme_grades import Cell, Distribution, GradeScale, grade_themes
from wholestory.assurance.theme_rows import (
    LearningText,
    case_learning,
    grade_question,
    grades_of_record,
    learning_text,
    tool_of,
    yes_no_answers,
)
from wholestory.assurance.theme_suppression import Count
from wholestory.store import Store

#: How many programmes the repeated findings look back over, unless told.
LAST_PROGRAMMES = 2


class ThemesError(ValueError):
    """A choice of programmes or periods the themes cannot be made from; says why."""


@dataclass(frozen=True, slots=True)
class Choice:
    """Which programmes the themes cover and how their periods are grouped."""

    programmes: tuple[int, ...] = ()  # none: every programme
    ends_from: dt.date | None = None
    ends_to: dt.date | None = None
    by: str = words.BY_PROGRAMME
    last: int = LAST_PROGRAMMES

    def period_words(self) -> str:
        if self.ends_from and self.ends_to:
            return words.PERIOD_FROM_TO.format(start=self.ends_from, end=self.ends_to)
        if self.ends_from:
            return words.PERIOD_FROM.format(start=self.ends_from)
        if self.ends_to:
            return words.PERIOD_TO.format(end=self.ends_to)
        return words.PERIOD_ANY

    def as_dict(self) -> dict[str, Any]:
        return {
            "programmes": list(self.programmes),
            "by": self.by,
            "last": self.last,
            "ends_from": _day(self.ends_from),
            "ends_to": _day(self.ends_to),
        }


@dataclass(frozen=True, slots=True)
class Covered:
    """A programme the themes cover: its theme and period, and the cases audited."""

    id: int
    theme: str
    start: dt.date
    end: dt.date
    cases: Count

    def words(self) -> str:
        return words.PROGRAMME_ROW.format(
            id=self.id, theme=self.theme, start=self.start, end=self.end
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "theme": self.theme,
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "cases_audited": self.cases.as_dict(),
        }


@dataclass(frozen=True)
class Themes:
    """Everything the themes show, each count already protected (see the module)."""

    choice: Choice
    programmes: tuple[Covered, ...]
    left_out: str
    scale: str
    grades: tuple[str, ...]
    good: str
    basis: str
    by_domain: Distribution | None
    by_agency: Distribution | None
    by_period: Distribution | None
    cells: tuple[Cell, ...]
    learning: tuple[TagCount, ...]
    findings: tuple[Finding, ...]
    findings_note: str
    trends: tuple[Trend, ...]
    method: tuple[str, ...] = field(default=())

    @property
    def title(self) -> str:
        return words.TITLE

    @property
    def period(self) -> str:
        return self.choice.period_words()

    @property
    def distributions(self) -> tuple[Distribution, ...]:
        found = (self.by_domain, self.by_agency, self.by_period)
        return tuple(d for d in found if d is not None)

    def as_dict(self) -> dict[str, Any]:
        """The themes as ``--json`` prints them: the same protected figures as the PDF."""
        return {
            "title": self.title,
            "period": self.period,
            "choice": self.choice.as_dict(),
            "programmes": [p.as_dict() for p in self.programmes],
            "left_out": self.left_out,
            "scale": self.scale,
            "grades": list(self.grades),
            "good": self.good,
            "basis": self.basis,
            "distributions": [d.as_dict() for d in self.distributions],
            "cells": [
                {"domain": c.domain, "agency": c.agency, "grade": c.grade, **c.count.as_dict()}
                for c in self.cells
            ],
            "learning": [t.as_dict() for t in self.learning],
            "findings": [f.as_dict() for f in self.findings],
            "findings_note": self.findings_note,
            "trends": [t.as_dict() for t in self.trends],
            "method": list(self.method),
            "suppression": list(words.SUPPRESSION_LINES),
        }


def themes(store: Store, choice: Choice | None = None) -> Themes:
    """The themes across the programmes ``choice`` names (every programme by default)."""
    choice = choice or Choice()
    chosen, left_out = _scope(store, choice)
    if not chosen:
        return _empty(choice, left_out)
    scale = GradeScale.of(tool_of(chosen[-1]).scale)
    domains = _domains(chosen)
    graded = grade_themes(
        grades_of_record(store, chosen),
        scale,
        domains,
        {p.id: period_of(p, choice.by) for p in chosen},
    )
    learned = learning_themes(
        chosen, yes_no_answers(store, chosen), case_learning(store, chosen), choice.last
    )
    return Themes(
        choice=choice,
        programmes=tuple(
            Covered(
                p.id, p.theme, p.criteria.period_from, p.criteria.period_to, learned.cases[p.id]
            )
            for p in chosen
        ),
        left_out=_left_out_words(left_out),
        scale=tool_of(chosen[-1]).scale.words(),
        grades=scale.grades,
        good=scale.good_words,
        basis=graded.basis,
        by_domain=graded.by_domain,
        by_agency=graded.by_agency,
        by_period=graded.by_period,
        cells=graded.cells,
        learning=learned.tags,
        findings=learned.findings,
        findings_note=learned.findings_note,
        trends=trends(graded.shares, domains, scale.good_words),
        method=_method(choice),
    )


def recent_learning(store: Store, choice: Choice, most: int = 50) -> list[tuple[str, LearningText]]:
    """The newest learning points in the auditors' own words, each with its programme's
    theme: for the QA officer only, never the board (the words may name people)."""
    chosen, _ = _scope(store, choice)
    themes_of = {p.id: p.theme for p in chosen}
    return [(themes_of[t.programme], t) for t in learning_text(store, chosen, most)]


def period_of(p: Programme, by: str) -> str:
    """The period a programme falls in: itself, or the month or quarter it ended."""
    end = p.criteria.period_to
    if by == words.BY_MONTH:
        return f"{end:%Y-%m}"
    if by == words.BY_QUARTER:
        return f"{end.year} Q{(end.month - 1) // 3 + 1}"
    return words.PROGRAMME_PERIOD.format(id=p.id, end=end)


def _scope(store: Store, choice: Choice) -> tuple[list[Programme], list[Programme]]:
    """The programmes chosen, oldest first, split by scale: those on the newest one's scale,
    and those left out. Raises :class:`ThemesError` for a programme that does not exist."""
    if choice.by not in words.GROUPINGS:
        raise ThemesError(f"periods are grouped by {', '.join(words.GROUPINGS)}, not {choice.by!r}")
    if choice.last < 1:
        raise ThemesError("repeated findings need at least the last programme")
    if choice.programmes:
        found = []
        for number in choice.programmes:
            p = programme(store, number)
            if p is None:
                raise ThemesError(f"there is no audit programme {number}")
            found.append(p)
    else:
        found = programmes(store)
    found = [p for p in found if _in_period(p, choice)]
    found.sort(key=lambda p: (p.criteria.period_to, p.id))
    if not found:
        return [], []
    newest = tool_of(found[-1]).scale
    return [p for p in found if tool_of(p).scale == newest], [
        p for p in found if tool_of(p).scale != newest
    ]


def _in_period(p: Programme, choice: Choice) -> bool:
    end = p.criteria.period_to
    return (choice.ends_from is None or end >= choice.ends_from) and (
        choice.ends_to is None or end <= choice.ends_to
    )


def _domains(chosen: Sequence[Programme]) -> list[tuple[str, str]]:
    """Every graded domain, (code, title): the newest tool's in its order and words, then
    any only older tools had."""
    found: dict[str, str] = {}
    for p in reversed(chosen):
        tool = tool_of(p)
        for d in tool.domains:
            if d.code not in found and grade_question(tool, d.code) is not None:
                found[d.code] = d.title
    return list(found.items())


def _left_out_words(left_out: Sequence[Programme]) -> str:
    if not left_out:
        return ""
    scales = sorted({tool_of(p).scale.words() for p in left_out})
    return words.OTHER_SCALE.format(
        scale="; ".join(scales), programmes=", ".join(f"No. {p.id}" for p in left_out)
    )


def _method(choice: Choice) -> tuple[str, ...]:
    return tuple(line.format(last=choice.last) for line in words.METHOD_LINES)


def _empty(choice: Choice, left_out: Sequence[Programme]) -> Themes:
    return Themes(
        choice=choice,
        programmes=(),
        left_out=_left_out_words(left_out),
        scale="",
        grades=(),
        good="",
        basis=words.NO_PROGRAMMES,
        by_domain=None,
        by_agency=None,
        by_period=None,
        cells=(),
        learning=(),
        findings=(),
        findings_note="",
        trends=(),
        method=_method(choice),
    )


def _day(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None
