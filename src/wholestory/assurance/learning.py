"""What an audit teaches, and what is done about it: learning points and actions.

A learning point is a tag from the programme's tool (``learning_tags``, so that the
themes across audits can count them) and the auditor's own words, about one agency's
practice or the partnership's. An action carries what is to be done, its owner, their
agency and a due date, and may answer a learning point; actions feed the board's action
tracker (issue 17), so :func:`actions` gives plain data naming no child. Every change is
audited in the same transaction as the change.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Final

from wholestory.access import PARTNERSHIP
from wholestory.arrival import moment
from wholestory.assurance.audits import (
    LOCAL,
    AuditedCase,
    AuditError,
    agencies_involved,
    audited_case,
    local_time,
    log,
    stamp,
    utc,
)
from wholestory.assurance.programmes import programme
from wholestory.audit.actions import Action
from wholestory.chronology.display import as_day
from wholestory.chronology.vocabulary import agency_name
from wholestory.records.template import KNOWN_AGENCIES
from wholestory.store import Store

#: The longest learning point or action kept, in characters.
LONGEST: Final = 2_000


@dataclass(frozen=True, slots=True)
class LearningPoint:
    """A learning point: its case (by programme and position), agency, tag and words."""

    id: int
    case_id: int
    programme_id: int
    theme: str
    position: int
    agency: str
    tag: str
    text: str
    recorded_by: str
    recorded_at: dt.datetime


@dataclass(frozen=True, slots=True)
class AuditAction:
    """An action from an audit, as the board's tracker reads it: naming no child."""

    id: int
    case_id: int
    programme_id: int
    theme: str
    position: int
    agency: str
    owner: str
    text: str
    due: dt.date
    learning_id: int | None
    recorded_by: str
    recorded_at: dt.datetime
    done_at: dt.datetime | None
    done_by: str

    @property
    def done(self) -> bool:
        return self.done_at is not None

    def overdue(self, today: dt.date) -> bool:
        """Not done, and due before ``today``."""
        return not self.done and self.due < today

    def as_dict(self) -> dict[str, Any]:
        """As ``--json`` prints it."""
        return {
            "id": self.id,
            "programme": self.programme_id,
            "theme": self.theme,
            "position": self.position,
            "agency": self.agency,
            "owner": self.owner,
            "text": self.text,
            "due": self.due.isoformat(),
            "learning_id": self.learning_id,
            "recorded_by": self.recorded_by,
            "recorded_at": self.recorded_at.isoformat(timespec="seconds"),
            "done": self.done,
            "done_at": self.done_at.isoformat(timespec="seconds") if self.done_at else None,
            "done_by": self.done_by,
        }


def add_learning(
    store: Store,
    case_id: int,
    agency: str,
    tag: str,
    text: str,
    by: str,
    now: dt.datetime | None = None,
) -> LearningPoint:
    """Record a learning point about ``agency``'s practice on a case (``PARTNERSHIP`` for
    the partnership's): a tag from the programme's tool, and words (which may be blank)."""
    at = utc(now)
    case = _case(store, case_id)
    agency = agency.strip().upper()
    if agency != PARTNERSHIP and agency not in agencies_involved(store, case.person):
        raise AuditError(f"{agency_name(agency)} holds no records of this child: a learning "
                         f"point is about an agency involved, or {PARTNERSHIP}")  # fmt: skip
    kept = programme(store, case.programme_id)
    assert kept is not None
    tool = kept.tool()
    found = tool.learning_tag(tag)
    if found is None:
        raise AuditError(f"'{tag}' is not a learning tag of the tool '{tool.name}': the tags are "
                         f"{'; '.join(tool.learning_tags)}")  # fmt: skip
    words = _words(text, "")
    with store.transaction():
        made = int(
            store.scalar(
                "INSERT INTO ws_assurance_learning (case_id, agency, tag, text, recorded_by, "
                "recorded_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                [case_id, agency, found, words, by, stamp(at)],
            )
        )
        detail = {"learning": made, "tag": found}
        log(store, by, Action.AUDIT_LEARNING, case.person, case.about(agency), detail)
    return next(p for p in learning(store, case_id) if p.id == made)


def learning(store: Store, case_id: int | None = None) -> list[LearningPoint]:
    """The learning points of one case, or of every case, in the order recorded."""
    where, params = ("WHERE l.case_id = ?", [case_id]) if case_id is not None else ("", [])
    rows = store.query(
        "SELECT l.id, l.case_id, c.programme_id, p.theme, c.position, l.agency, l.tag, l.text, "
        "l.recorded_by, l.recorded_at FROM ws_assurance_learning l "
        f"{_CASE_JOIN.format(table='l')} {where} ORDER BY l.id",
        params,
    )
    return [
        LearningPoint(int(i), int(c), int(p), str(th), int(pos), str(a), str(tag), str(t or ""),
                      str(by), moment(at))
        for i, c, p, th, pos, a, tag, t, by, at in rows
    ]  # fmt: skip


_CASE_JOIN: Final = (
    "JOIN ws_assurance_case c ON c.id = {table}.case_id "
    "JOIN ws_assurance_programme p ON p.id = c.programme_id"
)


def add_action(
    store: Store,
    case_id: int,
    text: str,
    owner: str,
    agency: str,
    due: dt.date,
    by: str,
    now: dt.datetime | None = None,
    learning_id: int | None = None,
) -> AuditAction:
    """Record an action from an audit: what, whose, at which agency, by when (not past),
    answering one of the case's learning points if ``learning_id`` names it."""
    at = utc(now)
    case = _case(store, case_id)
    agency = agency.strip().upper()
    known = {*KNOWN_AGENCIES, PARTNERSHIP, *agencies_involved(store, case.person)}
    if agency not in known:
        raise AuditError(f"there is no agency '{agency}'")
    what = _words(text, "say what the action is")
    whose = _words(owner, "say who owns the action")
    if due < at.astimezone(LOCAL).date():
        raise AuditError(f"the due date {due:%d %b %Y} has passed: give a date from today")
    if learning_id is not None and learning_id not in {p.id for p in learning(store, case_id)}:
        raise AuditError(f"there is no learning point {learning_id} on this case")
    with store.transaction():
        made = int(
            store.scalar(
                "INSERT INTO ws_assurance_action (case_id, learning_id, text, owner, agency, due, "
                "done_at, done_by, recorded_by, recorded_at) "
                "VALUES (?, ?, ?, ?, ?, ?, NULL, '', ?, ?) RETURNING id",
                [case_id, learning_id, what, whose, agency, due.isoformat(), by, stamp(at)],
            )
        )
        detail = {"action": made, "owner": whose, "due": due.isoformat()}
        log(store, by, Action.AUDIT_ACTION, case.person, case.about(agency), detail)
    return _one_action(store, made)


def complete_action(
    store: Store, action_id: int, by: str, now: dt.datetime | None = None
) -> AuditAction:
    """Record an action done, by whom and when; an action is done once."""
    at = utc(now)
    found = next(iter(_actions(store, "WHERE a.id = ?", [action_id])), None)
    if found is None:
        raise AuditError(f"there is no audit action {action_id}")
    if found.done_at:
        raise AuditError(f"action {action_id} was recorded done on {local_time(found.done_at)} "
                         f"by {found.done_by}")  # fmt: skip
    case = audited_case(store, found.case_id)
    assert case is not None
    with store.transaction():
        store.execute(
            "UPDATE ws_assurance_action SET done_at = ?, done_by = ? WHERE id = ?",
            [stamp(at), by, action_id],
        )
        detail = {"action": action_id}
        log(store, by, Action.AUDIT_ACTION_DONE, case.person, case.about(found.agency), detail)
    return _one_action(store, action_id)


def actions(
    store: Store, case_id: int | None = None, programme_id: int | None = None
) -> list[AuditAction]:
    """Every action (of one case or programme), by due date: the board's tracker's rows."""
    conditions = [("a.case_id = ?", case_id), ("c.programme_id = ?", programme_id)]
    chosen = [(sql, value) for sql, value in conditions if value is not None]
    where = f"WHERE {' AND '.join(sql for sql, _ in chosen)}" if chosen else ""
    return _actions(store, where, [value for _, value in chosen])


def open_actions(store: Store, agency: str | None = None) -> list[AuditAction]:
    """The actions not yet done (of one agency), the soonest due first."""
    return [
        a for a in actions(store) if not a.done and (agency is None or a.agency == agency.upper())
    ]


def _actions(store: Store, where: str, params: list[Any]) -> list[AuditAction]:
    rows = store.query(
        "SELECT a.id, a.case_id, c.programme_id, p.theme, c.position, a.agency, a.owner, a.text, "
        "a.due, a.learning_id, a.recorded_by, a.recorded_at, a.done_at, a.done_by "
        f"FROM ws_assurance_action a {_CASE_JOIN.format(table='a')} {where} "
        "ORDER BY a.due, a.id",
        params,
    )
    return [
        AuditAction(int(i), int(c), int(p), str(th), int(pos), str(ag), str(o), str(t),
                    as_day(due), int(lid) if lid is not None else None, str(by), moment(at),
                    moment(done) if done else None, str(done_by or ""))
        for i, c, p, th, pos, ag, o, t, due, lid, by, at, done, done_by in rows
    ]  # fmt: skip


def _one_action(store: Store, action_id: int) -> AuditAction:
    return _actions(store, "WHERE a.id = ?", [action_id])[0]


def _case(store: Store, case_id: int) -> AuditedCase:
    case = audited_case(store, case_id)
    if case is None:
        raise AuditError(f"there is no audited case {case_id}")
    return case


def _words(text: str, when_blank: str) -> str:
    """Words as kept, trimmed; blank only where ``when_blank`` is "" (else its message)."""
    words = text.strip()
    if not words and when_blank:
        raise AuditError(when_blank)
    if len(words) > LONGEST:
        raise AuditError(f"keep it under {LONGEST:,} characters: '{words[:40]}...' is longer")
    return words
