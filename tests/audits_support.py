"""A planted partnership with an audit programme and the people an audit needs (issue 15).

The children are ``assurance_support.selection_rows``: WS-C01 is known to children's
social care, the GP, the police and the school; WS-C05 to children's social care and the
school only. The programme chose both (the children on a plan in the first half of 2025).
Users: an auditor at children's social care (two), the police and the school, a CSC
practitioner, a moderator, a QA officer and a safeguarding lead at each agency.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from assurance_support import planted, selection_rows
from web_support import PASSWORD, serving
from wholestory.assurance.programmes import Programme, create_programme
from wholestory.assurance.selection import criteria, select
from wholestory.assurance.tools import Tool, default_tool
from wholestory.chronology.thresholds import IndicatorThresholds
from wholestory.store import Store

#: When the tests' audits happen (the records run to 30 June 2025).
T0 = dt.datetime(2025, 7, 1, 9, 0, tzinfo=dt.UTC)
#: (username, agency, role) of the users an audit needs.
AUDIT_USERS: tuple[tuple[str, str, str], ...] = (
    ("abe.auditor", "CSC", "auditor"),
    ("ann.auditor", "CSC", "auditor"),
    ("pia.auditor", "POLICE", "auditor"),
    ("sid.auditor", "SCHOOL", "auditor"),
    ("cal.csc", "CSC", "practitioner"),
    ("mo.moderator", "PARTNERSHIP", "moderator"),
    ("quinn.qa", "PARTNERSHIP", "qa"),
    ("lou.csc", "CSC", "lead"),
    ("lee.police", "POLICE", "lead"),
    ("liz.school", "SCHOOL", "lead"),
    ("gil.gp", "GP", "lead"),
)
#: Every agency holding records of WS-C01, and of WS-C05.
C01_AGENCIES = ["CSC", "GP", "POLICE", "SCHOOL"]
C05_AGENCIES = ["CSC", "SCHOOL"]


@dataclass(frozen=True)
class Audited:
    """The store, its programme, and the case ids of WS-C01 and WS-C05."""

    store: Store
    programme: Programme
    c01: int
    c05: int


def audited_store(store: Store, folder: Path, tool: Tool | None = None) -> Audited:
    """The planted children, a programme of WS-C01 and WS-C05, and the users (with no
    password: ``sign_in_as`` gives one to a user a test signs in as)."""
    planted(store, folder, selection_rows())
    chosen_by = criteria(dt.date(2025, 1, 1), dt.date(2025, 6, 30), plan=True)
    chosen = select(store, chosen_by, 2, 2025, IndicatorThresholds.load())
    made = create_programme(store, "Use of history", tool or default_tool(), chosen, "cli:qa")
    with serving(store.url):
        from django.contrib.auth.models import User

        from wholestory.web.accounts.models import Membership

        for username, agency, role in AUDIT_USERS:  # unhashed: quick, and none signs in
            user = User.objects.create_user(username=username, password=None)
            Membership.objects.create(user=user, agency=agency, role=role)
    cases = {c.person: c.position for c in made.cases}
    ids = {
        str(person): int(case_id)
        for case_id, person in store.query(
            "SELECT id, ws_person_id FROM ws_assurance_case WHERE programme_id = ?", [made.id]
        )
    }
    assert set(cases) == {"WS-C01", "WS-C05"}
    return Audited(store, made, ids["WS-C01"], ids["WS-C05"])


def with_password(username: str) -> None:
    """Give a user :data:`PASSWORD` so that a test client can sign in as them (under
    ``serving``)."""
    from django.contrib.auth.models import User

    user = User.objects.get(username=username)
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])


def every_grade(tool: Tool, grade: str) -> dict[tuple[str, str], str]:
    """``grade`` for every grade question of ``tool``."""
    return {(d.code, q.code): grade for d in tool.domains for q in d.questions
            if q.answer == "grade"}  # fmt: skip
