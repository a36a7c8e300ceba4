"""``wholestory needs AGENCY PERSON_ID`` (or a WholeStory id): how to work with this person.

The person is named as every command names one (``cli/naming.py``). A linked person's
needs are every agency's, newest first; before linking, the agency's own. A need past
its review day says so.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated

import typer
from rich.console import Console

from wholestory.chronology.person_ids import asked_for
from wholestory.cli.naming import AgencyArgument, PersonIdArgument, person_or_fail
from wholestory.cli.store import ready_store
from wholestory.engagement import words
from wholestory.engagement.needs import Need, needs_of_person, needs_of_source
from wholestory.identity import ID_PREFIX
from wholestory.records.keys import source_key, split_key

console = Console(highlight=False, soft_wrap=True)


def needs_command(
    agency: AgencyArgument,
    person_id: PersonIdArgument = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead.")] = False,
) -> None:
    """A person's communication, information and engagement needs, as every agency recorded them."""
    today = dt.date.today()
    with ready_store() as store:
        person = person_or_fail(store, "needs", agency, person_id)
        linked = person.startswith(ID_PREFIX)
        found = (
            needs_of_person(store, person) if linked else needs_of_source(store, *split_key(person))
        )
    if as_json:
        print(json.dumps({"person": person, "needs": [n.as_dict(today) for n in found]}, indent=2))
        return
    agency_code, asked = asked_for(agency, person_id)
    named = source_key(agency_code.upper(), asked) if agency_code else person
    who = f"{named} ({person})" if named != person else named
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
