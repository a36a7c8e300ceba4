"""``wholestory needs AGENCY PERSON_ID``: how to work with this person, from every agency.

The agency's id is followed to the WholeStory person it was linked to, so the needs
every agency recorded of them are shown, newest first; before linking, the agency's
own. A need past its review day says so.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated

import typer
from rich.console import Console

from wholestory.cli.errors import fail
from wholestory.cli.store import ready_store
from wholestory.engagement import words
from wholestory.engagement.needs import Need, needs_of_person, needs_of_source
from wholestory.identity.people import person_for_source
from wholestory.records.keys import source_key

console = Console(highlight=False, soft_wrap=True)


def needs_command(
    agency: Annotated[str, typer.Argument(help="The agency's code, e.g. CSC.")],
    person_id: Annotated[str, typer.Argument(help="The agency's own id for the person.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead.")] = False,
) -> None:
    """A person's communication, information and engagement needs, as every agency recorded them."""
    agency = agency.strip().upper()
    today = dt.date.today()
    with ready_store() as store:
        known = store.scalar(
            "SELECT COUNT(*) FROM ws_source_person WHERE key = ?", [source_key(agency, person_id)]
        )
        person = person_for_source(store, agency, person_id)
        found = (
            needs_of_person(store, person) if person else needs_of_source(store, agency, person_id)
        )
    if not known and not found:
        fail(f"No person {source_key(agency, person_id)} in the store.")
    if as_json:
        print(json.dumps({"person": person, "needs": [n.as_dict(today) for n in found]}, indent=2))
        return
    who = f"{source_key(agency, person_id)}" + (f" ({person})" if person else "")
    console.print(f"{words.HEADING}: {who}", style="bold", markup=False)
    if not found:
        console.print(words.NONE_RECORDED)
    for need in found:
        _print(need, today)


def _print(need: Need, today: dt.date) -> None:
    detail = f" ({need.detail_label.lower()}: {need.detail})" if need.detail else ""
    console.print(f"- {need.words}{detail}", markup=False)
    by = need.recorded_by or need.practitioner or "not named"
    console.print(
        f"  {need.agency}, recorded {need.recorded_on} by {by}; {need.review_words(today)}",
        markup=False,
    )
