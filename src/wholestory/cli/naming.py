"""Which person a command's arguments name: ``AGENCY ID``, ``AGENCY:ID`` or a WholeStory id.

``wholestory chronology`` and ``wholestory person`` take a person alike, through
:func:`wholestory.chronology.person_ids.person_named` (as the pages and the API do), so
the commands never disagree with each other, or with the web app, on who an id names.
"""

from __future__ import annotations

from typing import Annotated

import typer

from wholestory.chronology.person_ids import asked_for, person_named
from wholestory.cli.errors import fail
from wholestory.identity import ID_PREFIX
from wholestory.store import Store

#: The two arguments every command about one person takes, and the options of a story.
AgencyArgument = Annotated[
    str, typer.Argument(help="The agency code, or a WholeStory id (WS-...).")
]
PersonIdArgument = Annotated[str | None, typer.Argument(help="The agency's own id for the person.")]
AnonymiseOption = Annotated[
    bool,
    typer.Option(
        "--anonymise",
        help="Names become roles ('the child', 'mother'); addresses and ids are removed.",
    ),
]
AsOfOption = Annotated[
    str | None,
    typer.Option("--as-of", help="Read the story as of this day (default: the newest record)."),
]


def person_asked(store: Store, command: str, agency: str, person_id: str | None) -> str | None:
    """The id the arguments name (a WholeStory id, or an unlinked ``AGENCY:ID``), or ``None``
    when they name no one. One word that is not a WholeStory id is refused: the agency's
    own id must come with it."""
    agency_code, asked = asked_for(agency, person_id)
    if agency_code is None:
        asked = asked.upper()
        if not asked.startswith(ID_PREFIX):
            fail(
                f"Give the agency's own id for the person too (wholestory {command} {asked} ID), "
                f"or a WholeStory id ({ID_PREFIX}...)."
            )
    return person_named(store, agency_code, asked)


def person_or_fail(store: Store, command: str, agency: str, person_id: str | None) -> str:
    """The WholeStory id (or unlinked agency key) the arguments name, or a clear error."""
    found = person_asked(store, command, agency, person_id)
    if found is None:
        agency_code, asked = asked_for(agency, person_id)  # AGENCY:PERSON_ID, as `flags` lists
        fail(
            f"{agency_code.upper()} has no person {asked} in the store."
            if agency_code
            else f"No person {asked.upper()} in the store."
        )
    return found
