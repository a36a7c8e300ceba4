"""Who is told of each alert, and the telling: in the app, audited first.

- A new involvement tells the arriving agency: its safeguarding leads, and the worker who
  wrote the record when a user there is matched to that name.
- Something new tells the child's lead professional and their agency's leads; a child with
  no lead professional has the leads of every other agency that knows them told instead.
- A new flag tells the leads of every agency that knows the child, and the lead professional.

Nobody is told of a child they may not see (:func:`wholestory.access.may_see_person`, the
rule every page asks), so an alert says nothing to anyone else. Each telling is audited
before it is kept: an alert the log cannot record is not sent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from wholestory import audit
from wholestory.access import CASEWORK, LEAD, Viewer, may_see_person
from wholestory.access_facts import facts_about
from wholestory.alerts.settings import NEW_FLAG, NEW_INVOLVEMENT
from wholestory.engagement.leads import Allocation, lead_professionals, practitioner_matches
from wholestory.records.keys import source_key, split_key
from wholestory.store import Store

#: Why a user is told, in the order a page shows them.
WORKER, LEAD_PROFESSIONAL, AGENCY_LEAD = "worker", "lead_professional", "lead"
#: Who the audit log says told them.
SENDER: Final = "wholestory:alerts"


@dataclass(frozen=True, slots=True)
class User:
    """An active, approved user as the rules need them."""

    username: str
    email: str
    agency: str
    role: str
    team: str
    practitioner: str  # the name their agency's records give them, "" when not matched

    def viewer(self) -> Viewer:
        return Viewer(self.username, self.agency, self.role, team=self.team)


@dataclass(frozen=True, slots=True)
class Told:
    """One user told of one alert."""

    alert: int
    username: str
    why: str


@dataclass(frozen=True, slots=True)
class KeptAlert:
    """An alert as kept, with its id."""

    id: int
    rule: str
    person: str
    agency: str
    record: str
    code: str


def users(store: Store) -> list[User]:
    """Every active user with an approved membership."""
    rows = store.query(
        "SELECT u.username, u.email, m.agency, m.role, m.team, m.practitioner_name "
        "FROM auth_user u JOIN ws_membership m ON m.user_id = u.id "
        "WHERE u.is_active AND NOT m.waiting ORDER BY u.username"
    )
    return [User(*(str(v or "") for v in row)) for row in rows]


def kept_alerts(store: Store, ids: Sequence[int]) -> list[KeptAlert]:
    if not ids:
        return []
    condition, params = store.keys_in("id", list(ids))
    rows = store.query(
        f"SELECT id, rule, ws_person_id, agency, record, code FROM ws_alert WHERE {condition} "
        "ORDER BY id",
        params,
    )
    return [KeptAlert(int(i), *(str(v) for v in rest)) for i, *rest in rows]


def tell(store: Store, ids: Sequence[int], now: dt.datetime) -> list[Told]:
    """Tell the users each new alert is for; returns who was told of what."""
    alerts = kept_alerts(store, ids)
    if not alerts:
        return []
    everyone = users(store)
    leads = lead_professionals(store, sorted({a.person for a in alerts}))
    writers = _writers(store, [a.record for a in alerts if a.rule == NEW_INVOLVEMENT])
    told: list[Told] = []
    for alert in alerts:
        facts = facts_about(store, alert.person)
        wanted = _wanted(alert, everyone, facts.agencies, leads.get(alert.person), writers)
        told += [
            Told(alert.id, user.username, why)
            for user, why in wanted
            if may_see_person(user.viewer(), facts, now).allowed
        ]
    _audit(store, alerts, told, now)
    _keep(store, told, now)
    return told


def _wanted(
    alert: KeptAlert,
    everyone: Sequence[User],
    holding: frozenset[str],
    lead: Allocation | None,
    writers: dict[str, str],
) -> list[tuple[User, str]]:
    """Who the rule names, before access is asked: (user, why), each user once."""
    if alert.rule == NEW_INVOLVEMENT:
        agencies = {alert.agency}
        worker = (alert.agency, writers.get(alert.record, ""))
    elif alert.rule == NEW_FLAG or lead is None:
        agencies = set(holding) if alert.rule == NEW_FLAG else set(holding) - {alert.agency}
        worker = (lead.agency, lead.practitioner) if lead else ("", "")
    else:
        agencies = {lead.agency}
        worker = (lead.agency, lead.practitioner)
    named = LEAD_PROFESSIONAL if lead and alert.rule != NEW_INVOLVEMENT else WORKER
    chosen: dict[str, tuple[User, str]] = {}
    for user in everyone:
        if user.role not in CASEWORK:
            continue
        if (
            worker[1]
            and user.agency == worker[0]
            and practitioner_matches(user.practitioner, worker[1])
        ):
            chosen[user.username] = (user, named)
        elif user.role == LEAD and user.agency in agencies:
            chosen.setdefault(user.username, (user, AGENCY_LEAD))
    return list(chosen.values())


def _writers(store: Store, records: Sequence[str]) -> dict[str, str]:
    """The practitioner who wrote each record (``AGENCY:record_id``), where they are named."""
    by_agency: dict[str, list[str]] = {}
    for key in records:
        agency, record_id = split_key(key)
        by_agency.setdefault(agency, []).append(record_id)
    found: dict[str, str] = {}
    for agency, ids in by_agency.items():
        condition, params = store.keys_in("record_id", ids)
        for record_id, practitioner in store.query(
            f"SELECT record_id, practitioner FROM ws_record WHERE agency = ? AND {condition}",
            [agency, *params],
        ):
            found[source_key(agency, str(record_id))] = str(practitioner or "")
    return found


def _audit(
    store: Store, alerts: Sequence[KeptAlert], told: Sequence[Told], now: dt.datetime
) -> None:
    """One entry per user told, before any is kept, with the way to the child's chronology."""
    by_id = {a.id: a for a in alerts}
    for t in told:
        alert = by_id[t.alert]
        audit.append(
            store,
            audit.Event(
                actor=SENDER,
                action=audit.Action.ALERT_SENT,
                person=alert.person,
                target=t.username,
                detail={
                    "alert": alert.id,
                    "rule": alert.rule,
                    "why": t.why,
                    "chronology": f"/people/{alert.person}",
                },
            ),
            now,
        )


def _keep(store: Store, told: Sequence[Told], now: dt.datetime) -> None:
    if not told:
        return
    stamp = now.isoformat(sep=" ")
    with store.transaction():
        store.executemany(
            "INSERT INTO ws_alert_recipient (alert_id, username, why, told_at) "
            "VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
            [(t.alert, t.username, t.why, stamp) for t in told],
        )
