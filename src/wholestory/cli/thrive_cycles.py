"""``wholestory thrive cycles``: every PDSA cycle of the partnership's i-THRIVE work, with
each measure's average before and after the change and the chart's reading in words
(:mod:`wholestory.thrive.improvement`). Registered on ``thrive_app`` in
:mod:`wholestory.cli.thrive`. The look is audited before anything is read."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.console import Console

from wholestory.audit.actions import Action
from wholestory.charts.words import figure
from wholestory.cli.audit import record
from wholestory.cli.store import ready_store
from wholestory.thrive.improvement import BeforeAfter, Cycle, before_after, cycles

console = Console(highlight=False, soft_wrap=True)


def cycles_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead.")] = False,
) -> None:
    """Every PDSA cycle, newest first: its change, its decision, and each measure's average
    before and after the change with what its chart says (small numbers left off)."""
    with ready_store() as store:
        record(store, Action.VIEW, "thrive cycles")
        found = [(c, before_after(store, c)) for c in cycles(store)]
    if as_json:
        shown = [c.as_dict() | {"charts": [d.as_dict() for d in drawn]} for c, drawn in found]
        print(json.dumps(shown, indent=2))
        return
    if not found:
        console.print("No PDSA cycles yet.", markup=False)
    for kept, drawn in found:
        _print(kept, drawn)


def _print(kept: Cycle, drawn: list[BeforeAfter]) -> None:
    say = console.print
    say(f"{kept.id}. {kept.title} (change made {kept.changed_on.isoformat()})",
        style="bold", markup=False)  # fmt: skip
    say(f"   Decision: {kept.decision_words}", markup=False)
    for d in drawn:
        before = "-" if d.before is None else figure(d.before)
        after = "-" if d.after is None else figure(d.after)
        say(f"   {d.measure.title}: average {before} before, {after} after.", markup=False)
        say(f"     {d.reading}", markup=False)
        if d.left_off:
            say(f"     {d.left_off_words()}", markup=False)
