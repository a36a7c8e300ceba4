"""Audits planted straight into the assurance tables, for the themes' tests (issue 15, item 4).

Programmes are made by :func:`wholestory.assurance.programmes.create_programme`, so each
keeps a real tool's YAML; auditors, answers, moderations and learning points are written
with plain SQL, as the audit pages will write them, so the themes are tested on the tables
alone, whatever the audits' own code does.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Mapping, Sequence

from wholestory.assurance.programmes import create_programme
from wholestory.assurance.selection import Criteria, Selection
from wholestory.assurance.tools import Tool, default_tool
from wholestory.store import Store

AT = "2025-07-01 10:00:00+00:00"
_people = itertools.count(1)


def programme(
    store: Store,
    theme: str,
    end: str,
    cases: int,
    tool: Tool | None = None,
    people: Sequence[str] = (),
) -> tuple[int, list[int]]:
    """A programme of ``cases`` children ending on ``end`` (ISO): its id and its case ids,
    in the order drawn. ``people``: the children's WholeStory ids, if real ones are wanted."""
    ids = list(people) or [f"WS-T{next(_people):05d}" for _ in range(cases)]
    last = dt.date.fromisoformat(end)
    chosen = Selection(
        criteria=Criteria(last - dt.timedelta(days=180), last),
        seed=7,
        as_of=last,
        eligible=tuple(sorted(ids)),
        chosen=tuple(ids),
    )
    made = create_programme(store, theme, tool or default_tool(), chosen, "quinn.qa")
    rows = store.query(
        "SELECT id FROM ws_assurance_case WHERE programme_id = ? ORDER BY position", [made.id]
    )
    return made.id, [int(r[0]) for r in rows]


def audit(
    store: Store,
    case: int,
    agency: str,
    answers: Mapping[tuple[str, str], str],
    submitted: bool = True,
) -> int:
    """An auditor for ``agency`` on ``case`` with their answers by (domain, question);
    submitted unless told. Returns the auditor's row id."""
    auditor = int(
        store.scalar(
            "INSERT INTO ws_assurance_auditor (case_id, agency, username, assigned_by, "
            "assigned_at, grant_ends_at, submitted_at) "
            "VALUES (?, ?, ?, 'quinn.qa', ?, ?, ?) RETURNING id",
            [
                case,
                agency,
                f"{agency.lower()}.auditor",
                AT,
                "2025-08-01 10:00:00+00:00",
                AT if submitted else None,
            ],
        )
    )
    store.executemany(
        "INSERT INTO ws_assurance_answer (auditor_id, domain, question, answer, answered_at) "
        "VALUES (?, ?, ?, ?, ?)",
        [(auditor, d, q, a, AT) for (d, q), a in answers.items()],
    )
    return auditor


def graded(grades: Mapping[str, str], **more: str) -> dict[tuple[str, str], str]:
    """Answers giving each domain's grade (the default tool's ``grade`` question), with
    more answers as ``domain__question=answer``."""
    found = {(domain, "grade"): grade for domain, grade in grades.items()}
    found.update({tuple(k.split("__")): v for k, v in more.items()})  # type: ignore[misc]
    return found


def moderate(store: Store, auditor: int, domain: str, given: str, agreed: str) -> None:
    """A moderator's word on a domain's grade: agreed as given, or changed with a reason."""
    store.execute(
        "INSERT INTO ws_assurance_moderation (auditor_id, domain, given, agreed, reason, "
        "moderator, moderated_at) VALUES (?, ?, ?, ?, ?, 'mo.moderator', ?)",
        [auditor, domain, given, agreed, "" if given == agreed else "The evidence is thin", AT],
    )


def learn(store: Store, case: int, agency: str, tag: str, text: str = "") -> None:
    """A learning point on a case: its tag, and the auditor's own words if any."""
    store.execute(
        "INSERT INTO ws_assurance_learning (case_id, agency, tag, text, recorded_by, recorded_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [case, agency, tag, text, f"{agency.lower()}.auditor", AT],
    )
