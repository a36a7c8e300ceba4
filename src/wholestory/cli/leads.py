"""``wholestory lead AGENCY PERSON_ID`` (or a WholeStory id): who is allocated, and who leads.

The person is named as every command names one (``cli/naming.py``). The allocations are
every agency's open plans, with their workers, and a lead professional set in the app;
the lead is chosen as the pages choose it (``engagement.leads``).
"""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.console import Console

from wholestory.chronology.person_ids import asked_for
from wholestory.cli.naming import AgencyArgument, PersonIdArgument, person_or_fail
from wholestory.cli.store import ready_store
from wholestory.engagement import lead_words as words
from wholestory.engagement.leads import allocations
from wholestory.records.keys import source_key

console = Console(highlight=False, soft_wrap=True)


def lead_command(
    agency: AgencyArgument,
    person_id: PersonIdArgument = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead.")] = False,
) -> None:
    """A person's lead professional and every worker allocated to them, from every agency."""
    with ready_store() as store:
        person = person_or_fail(store, "lead", agency, person_id)
        found = allocations(store, [person]).get(person, [])
    if as_json:
        print(json.dumps({"person": person, "lead": found[0].as_dict() if found else None,
                          "allocations": [a.as_dict() for a in found]}, indent=2))  # fmt: skip
        return
    agency_code, asked = asked_for(agency, person_id)
    named = source_key(agency_code.upper(), asked) if agency_code else person
    who = f"{named} ({person})" if named != person else named
    console.print(f"{words.HEADING}: {who}", style="bold", markup=False)
    if not found:
        console.print(words.NO_LEAD, markup=False)
        return
    console.print(words.allocation_words(found[0]), markup=False)
    console.print(f"{words.ALLOCATIONS}:", markup=False)
    for a in found:
        console.print(f"- {words.allocation_words(a)}", markup=False)
