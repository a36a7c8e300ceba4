"""``wholestory actions``: the recommendations tracker on the command line (issue 17).

Every action the partnership has committed to, from recommendations and from case file
audits: what, which agency and owner, when due, red/amber/green or complete, overdue,
assured. Names no child. The look is audited, as every look at the tracker is.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from wholestory.audit.actions import Action
from wholestory.chronology.vocabulary import agency_name
from wholestory.cli.audit import record
from wholestory.cli.errors import day_option
from wholestory.cli.store import ready_store
from wholestory.reviews.recommendations import RAG_WORDS
from wholestory.reviews.tracker import tracked

console = Console(highlight=False, soft_wrap=True)


def actions_command(
    overdue: Annotated[bool, typer.Option("--overdue", help="Only the overdue actions.")] = False,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Read the tracker on this day, not today.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead.")] = False,
) -> None:
    """The recommendations tracker: every action, its owner, due date and RAG.

    Red is overdue, amber at risk (or not started and due within 30 days), green on
    track; complete is the owner's word, assured a lead of another agency's.
    """
    today = day_option(as_of, "--as-of") or dt.date.today()
    with ready_store() as store:
        record(store, Action.VIEW, "recommendations tracker",
               {"overdue": overdue, "as_of": today.isoformat()})  # fmt: skip
        rows = [r for r in tracked(store, today) if r.overdue or not overdue]
    if as_json:
        print(json.dumps([r.as_dict() for r in rows], indent=2))
        return
    if not rows:
        console.print("No action is overdue." if overdue else "No actions yet.")
        return
    table = Table("From", "Action", "Agency", "Owner", "Due", "RAG", "Assured")
    for r in rows:
        assured = "yes" if r.assured else ""
        table.add_row(r.ref, r.text, agency_name(r.owner_agency), r.owner,
                      f"{r.due_on:%d %b %Y}", RAG_WORDS[r.rag], assured)  # fmt: skip
    console.print(table)
