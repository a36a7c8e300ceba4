"""How the case file audit pages show a programme, a tool and a case (issue 15).

The pages for quality assurance officers and moderators name no child: a case is "Case 1",
"Case 2" by the order the sample drew it, with the agencies involved. Only the auditor,
under their audit grant, is given the way to the child's chronology. The words the pages
share are here, so that the officer, the auditor and the moderator read the same ones.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Final

from wholestory.access import PARTNERSHIP
from wholestory.assurance.audits import AUDIT_GRANT_MAX_DAYS, Assignment
from wholestory.assurance.case_audit import AgencyAudit, CaseAudit
from wholestory.assurance.learning import AuditAction, LearningPoint
from wholestory.assurance.programmes import Programme
from wholestory.assurance.tools import Scale, Tool
from wholestory.chronology.display import show_date
from wholestory.chronology.vocabulary import agency_name
from wholestory.web.pages.presenting import when

#: The words of the pages, in one place.
PROGRAMMES_TITLE: Final = "Audit programmes"
NEW_TITLE: Final = "Set up an audit programme"
NO_PROGRAMMES: Final = "No audit programme is set up yet."
NO_SUCH_PROGRAMME: Final = "There is no such audit programme."
THEME_MISSING: Final = "Enter what the audit looks at"
SAMPLE_MISSING: Final = "Enter how many cases to draw, a whole number of 1 or more"
SEED_MISSING: Final = "Enter the seed, a whole number of 0 or more"
DAY_WRONG: Final = "Enter a real day, for example 2025-06-30"
AGE_WRONG: Final = "Enter an age in whole years, from 0 to 17"
TOOL_TWICE: Final = "Give the tool either as a file or pasted, not both"
NOT_BUILT: Final = "No chronologies have been built yet, so no child can be chosen."
SEED_HINT: Final = (
    "Chosen at random for you; write it down. The same seed and criteria choose the same "
    "cases from the same records, so anyone can check the choice."
)
CHOOSE_AUDITOR: Final = "Choose the auditor"
DAYS_WRONG: Final = (
    f"Enter how many days the auditor may see the child, from 1 to {AUDIT_GRANT_MAX_DAYS}"
)
NO_SUCH_CASE: Final = "There is no such case in this programme."
ASSIGNED: Final = (
    "The auditor is assigned. They may see the child's chronology until their access ends; "
    "the agencies holding the child's records are told."
)
AUDITS_TITLE: Final = "Your case file audits"
NO_AUDITS: Final = "No case is assigned to you to audit."
CHOOSE_TAG: Final = "Choose a learning point"
ACTION_TEXT_MISSING: Final = "Enter what the action is"
ACTION_OWNER_MISSING: Final = "Enter who owns the action"
DUE_MISSING: Final = "Enter the day the action is due, for example 2026-03-31"
SAVED: Final = "Your answers are saved. Submit them once every domain is graded."
SUBMITTED: Final = "Your answers are submitted for moderation. They can no longer be changed."
LEARNING_ADDED: Final = "The learning point is recorded."
ACTION_ADDED: Final = "The action is recorded for the board's action tracker."
MODERATION_TITLE: Final = "Audits to moderate"
NO_MODERATION: Final = "No audit has been submitted for moderation yet."
CHOOSE_GRADE: Final = "Choose the grade agreed"
REASON_MISSING: Final = "{domain}: say why the grade is changed"
MODERATED: Final = "Your moderation of {agency}'s grades is recorded."
#: How a case is named on the pages of officers and moderators (never the child's name).
CASE: Final = "Case {position}"


def period(p: Programme) -> str:
    """A programme's period in words."""
    return f"{show_date(p.criteria.period_from)} to {show_date(p.criteria.period_to)}"


def programme_summary(p: Programme) -> dict[str, Any]:
    """A programme as the list and its own page head it: theme, period, counts, who and when."""
    return {
        "id": p.id,
        "theme": p.theme,
        "period": period(p),
        "cases": f"{p.sample} of {p.eligible:,}",
        "created_by": p.created_by,
        "created": when(p.created_at),
    }


def programme_facts(p: Programme) -> list[tuple[str, str]]:
    """The facts that let anyone repeat and check a programme's choice of cases."""
    tool = p.tool()
    return [
        ("Theme", p.theme),
        ("Period", period(p)),
        ("Criteria", "; ".join(p.criteria.words())),
        ("Seed", str(p.seed)),
        ("Cases chosen", f"{p.sample} of the {p.eligible:,} eligible"),
        ("Records as of", show_date(p.as_of)),
        ("Eligible children's digest", p.eligible_digest),
        ("Tool", f"{tool.name}: {len(tool.domains)} domains, graded {tool.scale.words()}"),
        ("Set up", f"by {p.created_by}, {when(p.created_at)}"),
    ]


def grade_choices(scale: Scale) -> list[tuple[str, str]]:
    """The grades a domain may be given, best first, as a form's choices."""
    if scale.grades:
        return [(g, g) for g in scale.grades]
    assert scale.lowest is not None and scale.highest is not None
    return [(str(n), str(n)) for n in range(scale.highest, scale.lowest - 1, -1)]


def agencies_words(agencies: list[str] | tuple[str, ...] | set[str]) -> str:
    """Agencies by their plain names, in order of code."""
    return ", ".join(agency_name(a) for a in sorted(agencies)) or "None"


def graded_domains(tool: Tool) -> list[tuple[str, str]]:
    """The domains that carry a grade question (those a moderator agrees), in the tool's order."""
    return [
        (d.code, d.title) for d in tool.domains if any(q.answer == "grade" for q in d.questions)
    ]


def moderated(part: AgencyAudit) -> bool:
    """Whether a moderator has given their word on every grade of one agency's audit."""
    return part.submitted_at is not None and all(g.moderation for g in part.grades)


def progress(audits: list[CaseAudit]) -> dict[str, str]:
    """How far a programme's audits have gone: agencies submitted of those involved, and
    agencies moderated of those submitted."""
    parts = [part for found in audits for part in found.agencies]
    submitted = [part for part in parts if part.submitted_at is not None]
    done = [part for part in submitted if moderated(part)]
    return {
        "submitted": f"{len(submitted)} of {len(parts)}",
        "moderated": f"{len(done)} of {len(submitted)}",
    }


def case_rows(
    audits: list[CaseAudit], auditors: dict[str, list[str]], now: dt.datetime
) -> list[dict[str, Any]]:
    """Each case by position, its agencies involved, and each agency's auditor or the
    auditors of that agency who may be assigned (``auditors``: usernames by agency)."""
    return [
        {
            "id": found.case.id,
            "position": found.case.position,
            "name": CASE.format(position=found.case.position),
            "agencies": [
                _agency_row(part, auditors.get(part.agency, []), now) for part in found.agencies
            ],
        }
        for found in audits
    ]


def _agency_row(part: AgencyAudit, auditors: list[str], now: dt.datetime) -> dict[str, Any]:
    a = part.auditor
    return {
        "agency": part.agency,
        "name": agency_name(part.agency),
        "auditor": a.username if a else "",
        "until": when(a.grant_ends_at) if a else "",
        "open": bool(a and a.open_at(now)),
        "submitted": when(a.submitted_at) if a and a.submitted_at else "",
        "moderated": moderated(part),
        "choices": auditors,
        "assignable": not part.submitted_at,
    }


def assignment_row(a: Assignment, now: dt.datetime) -> dict[str, Any]:
    """An auditor's assignment as their pages show it: the case by programme and position."""
    return {
        "id": a.id,
        "theme": a.theme,
        "case": CASE.format(position=a.position),
        "agency": agency_name(a.agency),
        "until": when(a.grant_ends_at),
        "open": a.open_at(now),
        "submitted": when(a.submitted_at) if a.submitted_at else "",
    }


def learning_row(p: LearningPoint) -> dict[str, str]:
    about = "The partnership" if p.agency == PARTNERSHIP else agency_name(p.agency)
    return {"tag": p.tag, "text": p.text, "about": about, "by": p.recorded_by,
            "when": when(p.recorded_at)}  # fmt: skip


def action_row(a: AuditAction, today: dt.date) -> dict[str, Any]:
    agency = "The partnership" if a.agency == PARTNERSHIP else agency_name(a.agency)
    return {"text": a.text, "owner": a.owner, "agency": agency, "due": show_date(a.due),
            "done": a.done, "overdue": a.overdue(today)}  # fmt: skip


def agency_label(part: AgencyAudit) -> str:
    return agency_name(part.agency)


def moderation_row(found: CaseAudit) -> dict[str, Any]:
    """A case as the moderator's list shows it: each agency submitted, and moderated or not."""
    parts = [p for p in found.agencies if p.submitted_at is not None]
    return {
        "id": found.case.id,
        "name": CASE.format(position=found.case.position),
        "agencies": [{"name": agency_name(p.agency), "moderated": moderated(p)} for p in parts],
        "waiting": sum(1 for p in parts if not moderated(p)),
    }
