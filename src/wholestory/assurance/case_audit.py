"""One audited case as the pages show it: each agency's auditor, answers, submission and
moderation, domain by domain, with the case's learning points and actions.

It reads only the assurance tables and the programme's kept tool; the child's records
are the chronology's, opened through ``may_see_person`` like any page. A page that shows
a case audit writes its audit entry first (``Action.AUDIT_CASE``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from wholestory.assurance.answers import Answer, Moderation, answers, moderations
from wholestory.assurance.audits import (
    Assignment,
    AuditedCase,
    agencies_involved,
    assignments,
    audited_case,
)
from wholestory.assurance.learning import AuditAction, LearningPoint, actions, learning
from wholestory.assurance.programmes import programme
from wholestory.assurance.tools import GRADE, Tool
from wholestory.store import Store


@dataclass(frozen=True, slots=True)
class DomainGrade:
    """One domain's grade for one agency: as the auditor gave it and as moderated."""

    domain: str
    title: str
    given: str | None  # None until the auditor grades it
    moderation: Moderation | None  # None until a moderator has looked at it

    @property
    def agreed(self) -> str | None:
        """The grade that stands: the moderator's, else the auditor's."""
        return self.moderation.agreed if self.moderation else self.given

    @property
    def reason(self) -> str:
        return self.moderation.reason if self.moderation else ""


@dataclass(frozen=True, slots=True)
class AgencyAudit:
    """One agency's part of a case: its auditor (None until assigned) and what they said."""

    agency: str
    auditor: Assignment | None
    answers: dict[tuple[str, str], Answer]
    grades: tuple[DomainGrade, ...]

    @property
    def submitted_at(self) -> dt.datetime | None:
        return self.auditor.submitted_at if self.auditor else None


@dataclass(frozen=True, slots=True)
class CaseAudit:
    """Everything about one audited case, for the pages."""

    case: AuditedCase
    tool: Tool
    agencies: tuple[AgencyAudit, ...]
    learning: tuple[LearningPoint, ...]
    actions: tuple[AuditAction, ...]

    def agency(self, code: str) -> AgencyAudit | None:
        return next((a for a in self.agencies if a.agency == code), None)


def case_audit(store: Store, case_id: int) -> CaseAudit | None:
    """The audit of one case, or None if there is no such case.

    Every agency holding records of the child is listed, with or without an auditor yet.
    """
    case = audited_case(store, case_id)
    if case is None:
        return None
    kept = programme(store, case.programme_id)
    assert kept is not None
    tool = kept.tool()
    assigned = {a.agency: a for a in assignments(store, case_id)}
    codes = sorted({*agencies_involved(store, case.person), *assigned})
    return CaseAudit(
        case,
        tool,
        tuple(_agency(store, tool, code, assigned.get(code)) for code in codes),
        tuple(learning(store, case_id)),
        tuple(actions(store, case_id=case_id)),
    )


def _agency(store: Store, tool: Tool, agency: str, auditor: Assignment | None) -> AgencyAudit:
    given = answers(store, auditor.id) if auditor else {}
    moderated = moderations(store, auditor.id) if auditor else {}
    grades = []
    for d in tool.domains:
        question = next((q for q in d.questions if q.answer == GRADE), None)
        if question is None:
            continue
        answer = given.get((d.code, question.code))
        grades.append(
            DomainGrade(d.code, d.title, answer.answer if answer else None, moderated.get(d.code))
        )
    return AgencyAudit(agency, auditor, given, tuple(grades))
