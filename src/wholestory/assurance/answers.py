"""An auditor's answers, their submission, and the moderator's word on each grade.

Answers are checked against the tool the programme kept (``Programme.tool()``), question
by question: a grade on the tool's scale (named grades or points), yes / no / partly, a
whole number within the question's bounds, or words (which may be blank). An auditor
answers only while their audit grant is open and until they submit; once submitted, the
answers are read-only and a moderator agrees each domain's grade or changes it with a
reason. Every change is audited in the same transaction as the change itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from wholestory.access import MODERATOR, ROLES
from wholestory.arrival import moment
from wholestory.assurance.audits import (
    Assignment,
    AuditError,
    assignment,
    local_time,
    log,
    member,
    stamp,
    utc,
)
from wholestory.assurance.programmes import programme
from wholestory.assurance.tools import (
    GRADE,
    NUMBER,
    TEXT,
    YES_NO_PARTLY,
    YES_NO_PARTLY_VALUES,
    Domain,
    Question,
    Scale,
    Tool,
)
from wholestory.audit.actions import Action
from wholestory.store import Store

#: The longest answer in words kept (a page's text area says so too).
LONGEST_TEXT: Final = 10_000


@dataclass(frozen=True, slots=True)
class Answer:
    """One answer as kept (a grade, yes / no / partly, a number or words, as text)."""

    domain: str
    question: str
    answer: str
    answered_at: dt.datetime


@dataclass(frozen=True, slots=True)
class Moderation:
    """The moderator's word on one domain's grade: the grade given, the grade agreed."""

    domain: str
    given: str
    agreed: str
    reason: str
    moderator: str
    moderated_at: dt.datetime

    @property
    def changed(self) -> bool:
        return self.agreed != self.given


def tool_of(store: Store, found: Assignment) -> Tool:
    """The tool of the assignment's programme, as the programme kept it."""
    kept = programme(store, found.programme_id)
    assert kept is not None  # the case's programme: a foreign key
    return kept.tool()


def answers(store: Store, auditor_id: int) -> dict[tuple[str, str], Answer]:
    """An auditor's answers, by (domain, question)."""
    rows = store.query(
        "SELECT domain, question, answer, answered_at FROM ws_assurance_answer "
        "WHERE auditor_id = ? ORDER BY id",
        [auditor_id],
    )
    return {(str(d), str(q)): Answer(str(d), str(q), str(a), moment(t)) for d, q, a, t in rows}


def moderations(store: Store, auditor_id: int) -> dict[str, Moderation]:
    """The moderator's word on an auditor's grades, by domain."""
    rows = store.query(
        "SELECT domain, given, agreed, reason, moderator, moderated_at "
        "FROM ws_assurance_moderation WHERE auditor_id = ? ORDER BY id",
        [auditor_id],
    )
    return {
        str(d): Moderation(str(d), str(g), str(a), str(r or ""), str(m), moment(t))
        for d, g, a, r, m, t in rows
    }


def record_answers(
    store: Store,
    auditor_id: int,
    given: Mapping[tuple[str, str], str],
    by: str,
    now: dt.datetime | None = None,
) -> dict[tuple[str, str], str]:
    """Keep the auditor's answers to the questions ``given`` names (others stay as they were).

    All or nothing: every answer is checked against the programme's tool first, and the
    first that does not fit is an :class:`AuditError` naming its question. Returns the
    answers as kept (a grade as the scale spells it, yes / no / partly in lower case).
    """
    at = utc(now)
    found = _answerable(store, auditor_id, by, at)
    tool = tool_of(store, found)
    kept = {(d, q): checked(tool, d, q, value) for (d, q), value in given.items()}
    if not kept:
        return kept
    with store.transaction():
        store.executemany(
            "INSERT INTO ws_assurance_answer (auditor_id, domain, question, answer, answered_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (auditor_id, domain, question) DO UPDATE SET "
            "answer = excluded.answer, answered_at = excluded.answered_at",
            [(auditor_id, d, q, value, stamp(at)) for (d, q), value in kept.items()],
        )
        log(store, by, Action.AUDIT_ANSWER, found.person, found.about,
            {"answered": sorted(f"{d}.{q}" for d, q in kept)})  # fmt: skip
    return kept


def submit(store: Store, auditor_id: int, by: str, now: dt.datetime | None = None) -> Assignment:
    """Submit an auditor's answers: every domain graded first; read-only from then on."""
    at = utc(now)
    found = _answerable(store, auditor_id, by, at)
    tool = tool_of(store, found)
    have = answers(store, auditor_id)
    missing = [
        f"{d.title} ({q.text})" if len(_grades(d)) > 1 else d.title
        for d in tool.domains
        for q in _grades(d)
        if (d.code, q.code) not in have
    ]
    if missing:
        raise AuditError(f"grade every domain before submitting; not yet graded: "
                         f"{'; '.join(missing)}")  # fmt: skip
    with store.transaction():
        store.execute(
            "UPDATE ws_assurance_auditor SET submitted_at = ? WHERE id = ?", [stamp(at), auditor_id]
        )
        log(store, by, Action.AUDIT_SUBMIT, found.person, found.about, {"auditor": by})
    submitted = assignment(store, auditor_id)
    assert submitted is not None
    return submitted


def moderate(
    store: Store,
    auditor_id: int,
    domain: str,
    agreed: str,
    reason: str,
    moderator: str,
    now: dt.datetime | None = None,
) -> Moderation:
    """A moderator agrees a domain's grade as given, or changes it, with a reason.

    Only once the auditor has submitted, and only by an audit moderator who is not the
    auditor. Agreeing needs no reason (one may be given); a changed grade needs one.
    Moderating the same domain again replaces the earlier word; each time is audited.
    """
    at = utc(now)
    found = _assigned(store, auditor_id)
    _moderator(store, moderator, found)
    if not found.submitted:
        raise AuditError(f"{found.username} has not submitted this audit yet: grades are "
                         "moderated once submitted")  # fmt: skip
    tool = tool_of(store, found)
    d = tool.domain(domain)
    if d is None or not _grades(d):
        raise AuditError(f"there is no graded domain '{domain}' in the tool '{tool.name}'")
    question = _grades(d)[0]
    given = answers(store, auditor_id)[(d.code, question.code)].answer  # submitted: all graded
    settled = checked(tool, d.code, question.code, agreed)
    reason = " ".join(reason.split())
    if settled != given and not reason:
        raise AuditError(f"{d.title}: say why the grade is changed from {given} to {settled}")
    with store.transaction():
        store.execute(
            "INSERT INTO ws_assurance_moderation (auditor_id, domain, given, agreed, reason, "
            "moderator, moderated_at) VALUES (?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (auditor_id, domain) DO UPDATE SET given = excluded.given, "
            "agreed = excluded.agreed, reason = excluded.reason, "
            "moderator = excluded.moderator, moderated_at = excluded.moderated_at",
            [auditor_id, d.code, given, settled, reason, moderator, stamp(at)],
        )
        log(store, moderator, Action.AUDIT_MODERATE, found.person, found.about,
            {"domain": d.code, "given": given, "agreed": settled, "reason": reason})  # fmt: skip
    return moderations(store, auditor_id)[d.code]


def checked(tool: Tool, domain: str, question: str, value: str) -> str:
    """An answer as kept, or an :class:`AuditError` naming the question and what is wrong."""
    d = tool.domain(domain)
    if d is None:
        raise AuditError(f"there is no domain '{domain}' in the tool '{tool.name}'")
    q = next((q for q in d.questions if q.code == question), None)
    if q is None:
        raise AuditError(f"there is no question '{question}' in the domain '{d.title}'")
    problem, kept = _value(q, tool.scale, str(value).strip())
    if problem:
        raise AuditError(f"{d.title}, '{q.text}': {problem}")
    return kept


def _value(q: Question, scale: Scale, value: str) -> tuple[str, str]:
    """(what is wrong, "") or ("", the answer as kept)."""
    if q.answer == TEXT:
        too_long = len(value) > LONGEST_TEXT
        return (f"keep it under {LONGEST_TEXT:,} characters", "") if too_long else ("", value)
    if q.answer == YES_NO_PARTLY:
        if value.lower() in YES_NO_PARTLY_VALUES:
            return "", value.lower()
        return f"answer yes, no or partly, not '{value}'", ""
    if q.answer == GRADE:
        grade = _grade(scale, value)
        return ("", grade) if grade else (f"'{value}' is not a grade on {scale.words()}", "")
    assert q.answer == NUMBER
    return _number(q, value)


def _grade(scale: Scale, value: str) -> str | None:
    """The grade as the scale writes it (named grades in any case), or None."""
    if scale.grades:
        return next((g for g in scale.grades if g.casefold() == value.casefold()), None)
    number = _whole(value)
    return str(number) if number is not None and scale.allows(number) else None


def _number(q: Question, value: str) -> tuple[str, str]:
    number = _whole(value)
    low, high = q.lowest, q.highest
    if number is None or (low is not None and number < low) or (high is not None and number > high):
        bounds = (f" from {low} to {high}" if low is not None and high is not None
                  else f" of {low} or more" if low is not None
                  else f" of {high} or fewer" if high is not None else "")  # fmt: skip
        return f"give a whole number{bounds}, not '{value}'", ""
    return "", str(number)


def _whole(value: str) -> int | None:
    text = value.strip()
    digits = text[1:] if text[:1] in "+-" else text
    return int(text) if digits.isdecimal() and digits.isascii() else None


def _grades(d: Domain) -> list[Question]:
    """A domain's grade questions (the default tool has one each; the first is moderated)."""
    return [q for q in d.questions if q.answer == GRADE]


def _assigned(store: Store, auditor_id: int) -> Assignment:
    found = assignment(store, auditor_id)
    if found is None:
        raise AuditError(f"there is no audit assignment {auditor_id}")
    return found


def _answerable(store: Store, auditor_id: int, by: str, at: dt.datetime) -> Assignment:
    """The assignment, if ``by`` is its auditor, it is not submitted and its grant is open."""
    found = _assigned(store, auditor_id)
    if found.username != by:
        raise AuditError(f"only the auditor assigned ({found.username}) answers this audit")
    if found.submitted_at:
        raise AuditError(f"this audit was submitted on {local_time(found.submitted_at)}: its "
                         "answers can no longer be changed")  # fmt: skip
    if not found.open_at(at):
        raise AuditError(f"the audit grant ended on {local_time(found.grant_ends_at)}: ask "
                         "the quality assurance officer to assign you again")  # fmt: skip
    return found


def _moderator(store: Store, username: str, found: Assignment) -> None:
    who = member(store, username)
    if who is None or who.role != MODERATOR:
        raise AuditError(f"grades are moderated by an {ROLES[MODERATOR].lower()}; "
                         f"'{username}' is not one")  # fmt: skip
    if username == found.username:
        raise AuditError("an auditor does not moderate their own grades")
