"""``wholestory encompass``: the Operation Encompass notices owed, as the police queue shows them.

The notices are worked out again from the records first (as after every feed), then
printed due first: each child, their school and where that comes from, the incident,
the due time and the status. ``--overdue`` keeps those past due and not yet sent.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated

import typer
from rich.console import Console

from wholestory.cli.errors import fail
from wholestory.cli.store import ready_store
from wholestory.domestic_abuse import encompass_words as words
from wholestory.domestic_abuse.encompass import Notice, notices, refresh_notices
from wholestory.domestic_abuse.school_days import CalendarError, load_calendar

console = Console(highlight=False, soft_wrap=True)


def encompass_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead.")] = False,
    overdue: Annotated[
        bool, typer.Option("--overdue", help="Only notices past due and not yet sent.")
    ] = False,
) -> None:
    """Each Operation Encompass notice owed: child, school, incident, due time and status."""
    try:
        calendar = load_calendar()
    except CalendarError as error:
        fail(str(error))
    now = dt.datetime.now()
    with ready_store() as store:
        refresh_notices(store, calendar)
        found = [n for n in notices(store) if not overdue or n.status(now) == "overdue"]
    if as_json:
        print(json.dumps([n.as_dict(now) for n in found], indent=2))
        return
    console.print(f"{words.TITLE} ({len(found)})", style="bold")
    if not found:
        console.print(words.NO_NOTICES)
    for n in found:
        _print(n, now)


def _print(n: Notice, now: dt.datetime) -> None:
    status = words.STATUSES[n.status(now)]
    console.print(
        f"{status:<12} due {n.due_at.replace('T', ' ')}  {n.child_name} ({n.child}), {n.age}",
        markup=False,
    )
    school = n.school or "-"
    console.print(f"  school: {school} ({words.school_source(n.school_known_from)})", markup=False)
    console.print(
        f"  incident {n.incident} at {n.incident_at.replace('T', ' ')}: "
        f"{words.PRESENT if n.present else words.NOT_PRESENT}",
        markup=False,
    )
