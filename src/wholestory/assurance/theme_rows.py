"""What the themes across audits read from the audit tables, with plain SQL.

Only submitted audits count: an auditor's answers are theirs to change until they submit
them. A domain's *grade of record* for one agency on one case is the grade the moderator
agreed, where it was moderated, or else the grade the auditor submitted (the answer to the
domain's first graded question in the programme's own tool). A grade that is not on the
programme's scale (a tool mended after answers were given) is left out rather than guessed.

Cases are known here only by the audit's own case number, which is never shown: nothing
read here names a child or says which child a case is.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from wholestory.assurance.programmes import Programme
from wholestory.assurance.tools import (
    GRADE,
    YES_NO_PARTLY,
    YES_NO_PARTLY_VALUES,
    Scale,
    Tool,
    tool_from_text,
)
from wholestory.store import Store


@dataclass(frozen=True, slots=True)
class GradeOfRecord:
    """One domain's grade for one agency's practice on one audited case."""

    programme: int
    agency: str
    domain: str
    grade: str  # as the scale writes it: a grade, or points as digits
    moderated: bool


@dataclass(frozen=True, slots=True)
class Answer:
    """One agency's yes, no or partly to one question on one audited case."""

    programme: int
    agency: str
    domain: str
    question: str
    answer: str


@dataclass(frozen=True, slots=True)
class CaseLearning:
    """The learning tags recorded for one audited case (none is a case too)."""

    programme: int
    case: int
    tags: frozenset[str]


@dataclass(frozen=True, slots=True)
class LearningText:
    """A learning point in the auditor's own words: for the QA officer only."""

    programme: int
    agency: str
    tag: str
    text: str
    recorded_at: str


_ANSWERS = (
    "SELECT a.auditor_id, c.programme_id, au.agency, a.domain, a.question, a.answer "
    "FROM ws_assurance_answer a JOIN ws_assurance_auditor au ON au.id = a.auditor_id "
    "JOIN ws_assurance_case c ON c.id = au.case_id WHERE au.submitted_at IS NOT NULL AND "
)
_MODERATED = (
    "SELECT m.auditor_id, c.programme_id, au.agency, m.domain, m.agreed "
    "FROM ws_assurance_moderation m JOIN ws_assurance_auditor au ON au.id = m.auditor_id "
    "JOIN ws_assurance_case c ON c.id = au.case_id WHERE au.submitted_at IS NOT NULL AND "
)


def grades_of_record(store: Store, programmes: Sequence[Programme]) -> list[GradeOfRecord]:
    """Every grade of record in ``programmes``' submitted audits (see the module)."""
    tools = {p.id: tool_of(p) for p in programmes}
    where, params = _in_programmes(store, tools)
    given: dict[tuple[int, str], tuple[int, str, str]] = {}
    for auditor, programme, agency, domain, question, answer in store.query(
        _ANSWERS + where, params
    ):
        if question == grade_question(tools[int(programme)], str(domain)):
            given[(int(auditor), str(domain))] = (int(programme), str(agency), str(answer))
    agreed: dict[tuple[int, str], tuple[int, str, str]] = {
        (int(auditor), str(domain)): (int(programme), str(agency), str(grade))
        for auditor, programme, agency, domain, grade in store.query(_MODERATED + where, params)
    }
    found = []
    for key, (programme, agency, grade) in sorted({**given, **agreed}.items()):
        on_scale = on_the_scale(tools[programme].scale, grade)
        if on_scale is not None:
            found.append(GradeOfRecord(programme, agency, key[1], on_scale, key in agreed))
    return found


def yes_no_answers(store: Store, programmes: Sequence[Programme]) -> list[Answer]:
    """Every yes, no or partly in ``programmes``' submitted audits, to the tools' questions
    that take one."""
    tools = {p.id: tool_of(p) for p in programmes}
    where, params = _in_programmes(store, tools)
    found = []
    for _, programme, agency, domain, question, answer in store.query(_ANSWERS + where, params):
        said = str(answer).strip().casefold()
        kind = _answer_kind(tools[int(programme)], str(domain), str(question))
        if kind == YES_NO_PARTLY and said in YES_NO_PARTLY_VALUES:
            found.append(Answer(int(programme), str(agency), str(domain), str(question), said))
    return found


def case_learning(store: Store, programmes: Sequence[Programme]) -> list[CaseLearning]:
    """Each case with a submitted audit in ``programmes``, with the learning tags recorded."""
    where, params = _in_programmes(store, {p.id: p for p in programmes})
    cases = store.query(
        "SELECT DISTINCT c.programme_id, c.id FROM ws_assurance_case c JOIN ws_assurance_auditor "
        "au ON au.case_id = c.id WHERE au.submitted_at IS NOT NULL AND " + where,
        params,
    )
    tags: dict[int, set[str]] = {}
    for case, tag in store.query(
        "SELECT l.case_id, l.tag FROM ws_assurance_learning l JOIN ws_assurance_case c "
        "ON c.id = l.case_id WHERE " + where,
        params,
    ):
        tags.setdefault(int(case), set()).add(" ".join(str(tag).split()))
    return [
        CaseLearning(int(programme), int(case), frozenset(tags.get(int(case), ())))
        for programme, case in sorted(cases)
    ]


def learning_text(store: Store, programmes: Sequence[Programme], most: int) -> list[LearningText]:
    """The newest learning points written in words, newest first, at most ``most``."""
    where, params = _in_programmes(store, {p.id: p for p in programmes})
    rows = store.query(
        "SELECT c.programme_id, l.agency, l.tag, l.text, l.recorded_at FROM ws_assurance_learning "
        "l JOIN ws_assurance_case c ON c.id = l.case_id WHERE l.text <> '' AND "
        + where
        + " ORDER BY l.recorded_at DESC, l.id DESC LIMIT ?",
        [*params, most],
    )
    return [
        LearningText(int(p), str(agency), str(tag), str(text), _moment(at))
        for p, agency, tag, text, at in rows
    ]


def tool_of(p: Programme) -> Tool:
    """The programme's tool, read from its kept YAML once however often it is asked for (a
    tool takes a tenth of a second to read, and the themes ask for each many times)."""
    return _tool(p.tool_yaml)


@functools.lru_cache(maxsize=64)
def _tool(text: str) -> Tool:
    return tool_from_text(text, "an audit programme's kept tool")


def on_the_scale(scale: Scale, given: str) -> str | None:
    """A grade as the scale writes it (case and spacing aside), or None if not on it."""
    said = " ".join(given.split())
    if scale.grades:
        return next((g for g in scale.grades if g.casefold() == said.casefold()), None)
    try:
        points = int(said)
    except ValueError:
        return None
    return str(points) if scale.allows(points) else None


def grade_question(tool: Tool, domain: str) -> str | None:
    """The code of the domain's first graded question: the domain's grade."""
    for d in tool.domains:
        if d.code == domain:
            return next((q.code for q in d.questions if q.answer == GRADE), None)
    return None


def _answer_kind(tool: Tool, domain: str, question: str) -> str | None:
    for d in tool.domains:
        if d.code == domain:
            return next((q.answer for q in d.questions if q.code == question), None)
    return None


def _in_programmes(store: Store, programmes: dict[int, Any]) -> tuple[str, list[Any]]:
    return store.keys_in("c.programme_id", sorted(programmes))


def _moment(value: Any) -> str:
    return value.isoformat(timespec="minutes") if hasattr(value, "isoformat") else str(value)
