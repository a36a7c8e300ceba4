"""The audit itself (issue 15): an auditor for each agency involved, and their audit grant.

Each case of a programme has one auditor for each agency holding records of the child,
who answers for that agency's practice. To answer they must read the child's multi-agency
chronology, which their agency alone may not show them, so assigning them opens the child
to them by an *audit grant* (``ws_access_grant``, kind ``audit``): for a limited time
(:data:`AUDIT_GRANT_DAYS` by default), to them alone, audited, and told to the leads of
every agency holding the child's records, as any look from outside is
(``access.told_of_access``). ``access.may_see_person`` reads the grant; nothing else does.

Answers, submission and moderation are in ``answers.py``; learning points and actions in
``learning.py``; everything about one case, for the pages, in ``case_audit.py``. Every
refusal is an :class:`AuditError` whose message is one line a person can act on.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Final
from zoneinfo import ZoneInfo

from wholestory import audit
from wholestory.access import AUDIT_GRANT, AUDITOR, ROLES, told_of_access
from wholestory.access_facts import facts_about
from wholestory.arrival import moment
from wholestory.audit.actions import Action
from wholestory.chronology.vocabulary import agency_name
from wholestory.store import Store

#: How long an audit grant lasts unless the QA officer says otherwise, and at most.
AUDIT_GRANT_DAYS: Final = 28
AUDIT_GRANT_MAX_DAYS: Final = 90
#: The partnership's clock, for the times people read in notices.
LOCAL: Final = ZoneInfo("Europe/London")


class AuditError(ValueError):
    """Something the audit cannot do, and why, in one line."""


@dataclass(frozen=True, slots=True)
class AuditedCase:
    """One case of a programme: which child, drawn in which place."""

    id: int
    programme_id: int
    theme: str
    position: int
    person: str

    def about(self, agency: str = "") -> str:
        """What the audit log says an entry about (an agency's part of) this case is about."""
        return target(self.programme_id, self.position, agency)


@dataclass(frozen=True, slots=True)
class Assignment:
    """An auditor's assignment to one agency's part of a case (``ws_assurance_auditor``).

    ``person`` is the child's WholeStory id, for a link to their chronology (which asks
    ``may_see_person`` like any page); it is no name.
    """

    id: int
    case_id: int
    programme_id: int
    theme: str
    position: int
    person: str
    agency: str
    username: str
    assigned_by: str
    assigned_at: dt.datetime
    grant_ends_at: dt.datetime
    submitted_at: dt.datetime | None

    @property
    def submitted(self) -> bool:
        return self.submitted_at is not None

    @property
    def about(self) -> str:
        """What the audit log says an entry about this agency's part of the case is about."""
        return target(self.programme_id, self.position, self.agency)

    def open_at(self, now: dt.datetime) -> bool:
        """Whether the audit grant is open at ``now`` (at its end it is closed)."""
        return self.grant_ends_at > now

    def as_dict(self) -> dict[str, Any]:
        """As ``--json`` prints it: the case by its programme and position, no name."""
        return {
            "auditor_id": self.id,
            "programme": self.programme_id,
            "theme": self.theme,
            "position": self.position,
            "agency": self.agency,
            "username": self.username,
            "assigned_by": self.assigned_by,
            "assigned_at": self.assigned_at.isoformat(timespec="seconds"),
            "grant_ends_at": self.grant_ends_at.isoformat(timespec="seconds"),
            "submitted_at": (
                self.submitted_at.isoformat(timespec="seconds") if self.submitted_at else None
            ),
        }


def utc(now: dt.datetime | None) -> dt.datetime:
    """``now`` as an aware UTC time (a naive one is taken as UTC); the clock's when None."""
    found = now or dt.datetime.now(dt.UTC)
    return found.astimezone(dt.UTC) if found.tzinfo else found.replace(tzinfo=dt.UTC)


def stamp(moment_: dt.datetime) -> str:
    """A time as the store keeps it (the convention of ``arrival`` and ``alerts``)."""
    return utc(moment_).isoformat(sep=" ")


def local_time(moment_: dt.datetime) -> str:
    """A time as people in the partnership read it: "04 Dec 2026 21:41", local time."""
    return utc(moment_).astimezone(LOCAL).strftime("%d %b %Y %H:%M")


def agencies_involved(store: Store, person: str) -> list[str]:
    """The agencies holding records of the child, each of which needs an auditor."""
    return [
        str(a)
        for (a,) in store.query(
            "SELECT DISTINCT agency FROM ws_source_person WHERE ws_person_id = ? ORDER BY agency",
            [person],
        )
    ]


def audited_case(store: Store, case_id: int) -> AuditedCase | None:
    """One case by its id, or None."""
    rows = store.query(f"{_CASE} WHERE c.id = ?", [case_id])
    return AuditedCase(*_case_values(rows[0])) if rows else None


def case_at(store: Store, programme_id: int, position: int) -> AuditedCase | None:
    """The case drawn in ``position`` of a programme (1 first), or None."""
    rows = store.query(f"{_CASE} WHERE c.programme_id = ? AND c.position = ?",
                       [programme_id, position])  # fmt: skip
    return AuditedCase(*_case_values(rows[0])) if rows else None


_CASE: Final = (
    "SELECT c.id, c.programme_id, p.theme, c.position, c.ws_person_id FROM ws_assurance_case c "
    "JOIN ws_assurance_programme p ON p.id = c.programme_id"
)


def _case_values(row: tuple[Any, ...]) -> tuple[int, int, str, int, str]:
    case_id, programme_id, theme, position, person = row
    return int(case_id), int(programme_id), str(theme), int(position), str(person)


_ASSIGNMENT: Final = (
    "SELECT a.id, a.case_id, c.programme_id, p.theme, c.position, c.ws_person_id, a.agency, "
    "a.username, a.assigned_by, a.assigned_at, a.grant_ends_at, a.submitted_at "
    "FROM ws_assurance_auditor a JOIN ws_assurance_case c ON c.id = a.case_id "
    "JOIN ws_assurance_programme p ON p.id = c.programme_id"
)


def assignment(store: Store, auditor_id: int) -> Assignment | None:
    """One auditor's assignment by its id, or None."""
    rows = store.query(f"{_ASSIGNMENT} WHERE a.id = ?", [auditor_id])
    return _assignment(rows[0]) if rows else None


def assignments(store: Store, case_id: int) -> list[Assignment]:
    """The auditors of one case, by agency."""
    rows = store.query(f"{_ASSIGNMENT} WHERE a.case_id = ? ORDER BY a.agency", [case_id])
    return [_assignment(r) for r in rows]


def for_auditor(store: Store, username: str, now: dt.datetime | None = None) -> list[Assignment]:
    """An auditor's cases, the open ones first (then by programme and position).

    Each says its programme's theme, the case's position, the agency, when the grant
    ends and whether the answers are submitted; none names the child.
    """
    rows = store.query(
        f"{_ASSIGNMENT} WHERE a.username = ? ORDER BY c.programme_id, c.position", [username]
    )
    found = [_assignment(r) for r in rows]
    at = utc(now)
    return sorted(found, key=lambda a: not a.open_at(at))


def _assignment(row: tuple[Any, ...]) -> Assignment:
    (aid, case_id, programme_id, theme, position, person, agency, username, by, at, ends,
     submitted) = row  # fmt: skip
    return Assignment(
        int(aid), int(case_id), int(programme_id), str(theme), int(position), str(person),
        str(agency), str(username), str(by), moment(at), moment(ends),
        moment(submitted) if submitted else None,
    )  # fmt: skip


@dataclass(frozen=True, slots=True)
class Member:
    """A user as the audit's rules need them: active, approved, with an agency and role."""

    user_id: int
    username: str
    agency: str
    role: str


def member(store: Store, username: str) -> Member | None:
    """An active user with an approved membership, or None (read as ``alerts.recipients``)."""
    rows = store.query(
        "SELECT u.id, u.username, m.agency, m.role FROM auth_user u "
        "JOIN ws_membership m ON m.user_id = u.id "
        "WHERE u.username = ? AND u.is_active AND NOT m.waiting",
        [username],
    )
    return Member(int(rows[0][0]), *(str(v) for v in rows[0][1:])) if rows else None


def log(
    store: Store, by: str, action: Action, person: str, about: str, detail: dict[str, Any]
) -> None:
    """Write the audit entry for a change, in the caller's transaction: if it cannot be
    written, :class:`wholestory.audit.AuditUnavailable` is raised and the change undone."""
    who = member(store, by)
    audit.append(
        store,
        audit.Event(
            actor=by, action=action, agency=who.agency if who else "",
            role=who.role if who else "", person=person, target=about, detail=detail,
        ),
    )  # fmt: skip


def assign(
    store: Store,
    case_id: int,
    agency: str,
    username: str,
    by: str,
    days: int = AUDIT_GRANT_DAYS,
    now: dt.datetime | None = None,
) -> Assignment:
    """Make ``username`` the auditor of ``agency``'s practice on a case, with an audit grant.

    The user must be an active auditor of that agency, and the agency must hold records
    of the child. A case has one auditor per agency: assigning another replaces the
    first, whose grant ends now (their answers so far stay, for the new auditor to carry
    on); assigning the same auditor again gives them a new grant from now. A submitted
    audit is not assigned again. The leads of every agency holding the child's records
    are told, and the assignment is audited, in the same transaction as the grant.
    """
    at = utc(now)
    case = audited_case(store, case_id)
    if case is None:
        raise AuditError(f"there is no audited case {case_id}")
    agency = agency.strip().upper()
    user = _auditor_of(store, username, agency)
    if agency not in agencies_involved(store, case.person):
        raise AuditError(f"{agency_name(agency)} holds no records of this child, so it has "
                         "no practice here to audit")  # fmt: skip
    if not 1 <= days <= AUDIT_GRANT_MAX_DAYS:
        raise AuditError(f"an audit grant lasts from 1 to {AUDIT_GRANT_MAX_DAYS} days, not {days}")
    earlier = next((a for a in assignments(store, case_id) if a.agency == agency), None)
    if earlier and earlier.submitted_at:
        when = local_time(earlier.submitted_at)
        raise AuditError(
            f"{agency_name(agency)}'s audit of this case was submitted on {when}: "
            "it is not assigned again"
        )
    ends = at + dt.timedelta(days=days)
    with store.transaction():
        if earlier:
            _end_grant(store, earlier, at)
        auditor_id = _keep_auditor(store, case_id, agency, user.username, by, at, ends, earlier)
        _grant(store, case, user, by, at, ends)
        detail = {
            "auditor": user.username,
            "until": ends.isoformat(timespec="seconds"),
            "notified": _tell(store, case, user, ends, earlier),
            "replaced": earlier.username if earlier else "",
        }
        log(store, by, Action.AUDIT_ASSIGN, case.person, case.about(agency), detail)
    found = assignment(store, auditor_id)
    assert found is not None
    return found


def _auditor_of(store: Store, username: str, agency: str) -> Member:
    user = member(store, username)
    if user is None:
        raise AuditError(f"there is no active user '{username}'")
    if user.role != AUDITOR:
        role = ROLES.get(user.role, user.role).lower()
        raise AuditError(f"{username} is not a case file auditor (their role: {role})")
    if user.agency != agency:
        raise AuditError(f"{username} audits for {agency_name(user.agency)}, not "
                         f"{agency_name(agency)}")  # fmt: skip
    return user


def target(programme_id: int, position: int, agency: str = "") -> str:
    """What an audit entry is about: a programme's case, and an agency's part of it."""
    return f"audit programme {programme_id} case {position} {agency}".rstrip()


def _end_grant(store: Store, earlier: Assignment, at: dt.datetime) -> None:
    """End the earlier auditor's open audit grant on the child now."""
    store.execute(
        "UPDATE ws_access_grant SET ends_at = ? WHERE kind = ? AND person = ? AND ends_at > ? "
        "AND user_id = (SELECT id FROM auth_user WHERE username = ?)",
        [stamp(at), AUDIT_GRANT, earlier.person, stamp(at), earlier.username],
    )


def _keep_auditor(
    store: Store, case_id: int, agency: str, username: str, by: str, at: dt.datetime,
    ends: dt.datetime, earlier: Assignment | None,
) -> int:  # fmt: skip
    if earlier:
        store.execute(
            "UPDATE ws_assurance_auditor SET username = ?, assigned_by = ?, assigned_at = ?, "
            "grant_ends_at = ? WHERE id = ?",
            [username, by, stamp(at), stamp(ends), earlier.id],
        )
        return earlier.id
    return int(
        store.scalar(
            "INSERT INTO ws_assurance_auditor (case_id, agency, username, assigned_by, "
            "assigned_at, grant_ends_at, submitted_at) VALUES (?, ?, ?, ?, ?, ?, NULL) "
            "RETURNING id",
            [case_id, agency, username, by, stamp(at), stamp(ends)],
        )
    )


def _grant(
    store: Store, case: AuditedCase, user: Member, by: str, at: dt.datetime, ends: dt.datetime
) -> None:
    """The audit grant itself: the child, to this auditor alone, from now until ``ends``."""
    store.execute(
        "INSERT INTO ws_access_grant (user_id, person, kind, reason, granted_by, starts_at, "
        "ends_at, waiting, approved_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, '')",
        [user.user_id, case.person, AUDIT_GRANT,
         f"Case file audit: {case.theme} (programme {case.programme_id}, case {case.position})",
         by, stamp(at), stamp(ends), False],
    )  # fmt: skip


def _tell(
    store: Store, case: AuditedCase, user: Member, ends: dt.datetime, earlier: Assignment | None
) -> list[str]:
    """Tell the leads of every agency holding the child's records, as a break-glass does."""
    agencies = told_of_access(facts_about(store, case.person))
    name = store.scalar(
        "SELECT display_name FROM ws_chronology WHERE ws_person_id = ?", [case.person]
    )
    whose = f"{name} ({case.person})" if name else case.person
    instead = (
        f", in place of {earlier.username}" if earlier and earlier.username != user.username else ""
    )
    message = (
        f"{user.username} ({ROLES[AUDITOR]}, {agency_name(user.agency)}) has audit access to "
        f"the records of {whose} until {local_time(ends)}{instead}, for the audit programme "
        f"'{case.theme}'."
    )
    store.executemany(
        "INSERT INTO ws_notification (agency, person, message, created_at, read_by, url) "
        "VALUES (?, ?, ?, ?, '', '')",
        [(agency, case.person, message, stamp(dt.datetime.now(dt.UTC))) for agency in agencies],
    )
    return agencies
