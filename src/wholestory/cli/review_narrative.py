"""``wholestory review-narrative ...``: a learning review's analytical narrative (issue 17).

``draft`` drafts version 1 from the child's chronology by rules (no language model), each
sentence with the chronology entries it rests on; ``show`` prints a version (the drafted
one with its citations); ``diff`` shows what changed between two versions. Edits are made
on the review's web page; each is kept as a new version. Every draft is audited.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.console import Console

from wholestory.audit import AuditUnavailable
from wholestory.cli.audit import operator
from wholestory.cli.errors import fail
from wholestory.cli.options import command_group
from wholestory.cli.store import ready_store
from wholestory.reviews.cases import ReviewError
from wholestory.reviews.narrative import Version, diff, draft_for, versions

console = Console(highlight=False, soft_wrap=True)
review_narrative_app = command_group("A learning review's narrative: drafted, edited, compared.")

AsJson = Annotated[bool, typer.Option("--json", help="Print JSON instead.")]
ReviewId = Annotated[int, typer.Argument(help="The review's id (see review-case list).")]


@review_narrative_app.command("draft")
def review_narrative_draft_command(review_id: ReviewId, as_json: AsJson = False) -> None:
    """Draft version 1 of a review's narrative from the child's chronology."""
    with ready_store() as store:
        try:
            made = draft_for(store, review_id, operator())
        except ReviewError as error:
            fail(str(error))
        except AuditUnavailable as error:
            fail(f"Nothing was done: {error}")
    _say(made, as_json)


@review_narrative_app.command("show")
def review_narrative_show_command(
    review_id: ReviewId,
    version: Annotated[
        int | None, typer.Option("--version", help="Which version; the latest if not given.")
    ] = None,
    as_json: AsJson = False,
) -> None:
    """Print a version of a review's narrative, the drafted one with its citations."""
    with ready_store() as store:
        kept = versions(store, review_id)
    if not kept:
        fail(f"review {review_id} has no narrative yet: draft one first")
    found = kept[-1] if version is None else next((v for v in kept if v.version == version), None)
    if found is None:
        fail(f"review {review_id} has no version {version}")
    _say(found, as_json)


@review_narrative_app.command("diff")
def review_narrative_diff_command(review_id: ReviewId, older: int, newer: int) -> None:
    """Show what changed between two versions of a review's narrative."""
    with ready_store() as store:
        try:
            lines = diff(store, review_id, older, newer)
        except ReviewError as error:
            fail(str(error))
    console.print("\n".join(lines) or "No change.", markup=False)


def _say(found: Version, as_json: bool) -> None:
    if as_json:
        console.print_json(json.dumps({
            "version": found.version, "drafted": found.drafted, "text": found.text,
            "paragraphs": found.paragraphs, "saved_by": found.saved_by,
            "saved_at": found.saved_at,
        }))  # fmt: skip
        return
    made = "drafted by the rules" if found.drafted else f"edited by {found.saved_by}"
    console.print(f"Version {found.version}, {made}, {found.saved_at}\n", markup=False)
    if not found.drafted:
        console.print(found.text, markup=False)
        return
    for paragraph in found.paragraphs:
        for s in paragraph:
            rests = ", ".join(s["entries"]) or _search(s.get("search", {}))
            console.print(f"{s['text']}\n  rests on: {rests}", markup=False)
        console.print("")


def _search(search: dict[str, Any]) -> str:
    """A negative claim's citation: what was looked for, where and over which years."""
    looked = ", ".join(search.get("words", []))
    return (f"a search of {search.get('entries_searched')} entries, {search.get('first')} to "
            f"{search.get('last')}, for: {looked}")  # fmt: skip
