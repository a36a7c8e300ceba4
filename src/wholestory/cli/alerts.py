"""``wholestory alerts``: the alerts the last feed raised, and for whom.

Each alert is one rule met for one child (a new involvement, something new at another
agency, a new flag); each line says who was told and why, or that nobody who may see the
child could be told (no matched worker and no lead at the agencies involved). With
``--user`` only that user's alerts, as their Alerts page lists them.
"""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.console import Console

from wholestory.alerts.reading import Received, latest_alerts, told_of
from wholestory.alerts.words import RULE_TITLES
from wholestory.audit.actions import Action
from wholestory.cli.audit import record
from wholestory.cli.store import ready_store
from wholestory.words import count_words

console = Console(highlight=False, soft_wrap=True)


def alerts_command(
    user: Annotated[
        str | None, typer.Option("--user", help="Only the alerts sent to this user.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead.")] = False,
) -> None:
    """The alerts the last feed raised, and who was told of each."""
    with ready_store() as store:
        record(store, Action.ALERTS_READ, user or "every user", {"user": user})
        found = latest_alerts(store, user)
        told = {a.id: told_of(store, a.id) for a in found}
    if as_json:
        print(json.dumps([_as_dict(a, told[a.id]) for a in found], indent=2))
        return
    if not found:
        console.print("No alerts." if user is None else f"No alerts for {user} from the last feed.")
        return
    console.print(f"{count_words(len(found), 'alert')} from the last feed:", style="bold")
    for a in found:
        about = a.code or a.record
        console.print(f"- {RULE_TITLES.get(a.rule, a.rule)}: {a.person} ({about})", markup=False)
        people = ", ".join(f"{u} ({why})" for u, why in told[a.id])
        console.print(f"  told: {people or 'nobody who may see the child'}", markup=False)


def _as_dict(a: Received, told: list[tuple[str, str]]) -> dict[str, object]:
    return {
        "id": a.id,
        "rule": a.rule,
        "person": a.person,
        "agency": a.agency,
        "record": a.record,
        "code": a.code,
        "raised_at": str(a.raised_at),
        "told": [{"user": u, "why": why} for u, why in told],
    }
