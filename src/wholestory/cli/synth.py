"""``wholestory synth``: make a synthetic partnership with ground truth."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from wholestory.cli.errors import fail
from wholestory.cli.progress import counting
from wholestory.synth import FEED, FEED_DAYS, SynthSummary, generate
from wholestory.synth.feed import MAX_FEED_DAYS

console = Console(highlight=False)


def synth_command(
    out: Annotated[Path, typer.Option("--out", help="Folder to write the agency files into.")],
    children: Annotated[int, typer.Option("--children", min=1, help="How many children.")] = 2000,
    seed: Annotated[int, typer.Option("--seed", help="The same seed gives the same files.")] = 1,
    force: Annotated[
        bool, typer.Option("--force", help="Write into a folder that is not empty.")
    ] = False,
    feed_days: Annotated[
        int,
        typer.Option(
            "--feed-days",
            min=0,
            max=MAX_FEED_DAYS,
            help=f"Hold the records of the last N days back in {FEED}/, as a feed to run "
            "after loading the rest, with the alerts it must raise in "
            "ground_truth/alerts.csv (0: no feed).",
        ),
    ] = FEED_DAYS,
) -> None:
    """Write a fictional partnership's agency exports, with ground truth, for testing and demos.

    Everything is synthetic: no real person is in it. One CSV per agency, a
    relationships table, and ground_truth/ with who is who and which
    indicator patterns were planted in whom. The last days' records are held back
    in feed/, to import after the rest as a partnership's daily feed.
    """
    summary = run_synth(out, children, seed, force, feed_days)
    console.print(
        f"Wrote {summary.rows:,} rows for {summary.children:,} children "
        f"({summary.people:,} people) in {len(summary.files)} files to {out}"
    )
    on_plans = sum(summary.open_plans.values())
    console.print(
        f"Planted: {summary.episode_ids:,} new emergency department ids for repeat "
        f"attendances, {summary.second_ids:,} second registrations after a move, "
        f"{on_plans:,} children on a plan still open on {summary.as_of}."
    )
    if summary.feed_days:
        alerts = ", ".join(f"{n:,} {rule}" for rule, n in summary.alerts.items()) or "none"
        console.print(
            f"Feed: {summary.feed_rows:,} rows of the last {summary.feed_days} days in "
            f"{out / FEED}; the alerts it must raise: {alerts}."
        )


def run_synth(out: Path, children: int, seed: int, force: bool, feed_days: int = 0) -> SynthSummary:
    """Generate with a progress bar; a one-line error if the folder is in the way.

    No feed unless asked: the demo imports the folder whole.
    """
    with counting("Making children", children) as progress:
        try:
            return generate(
                children, seed, out, progress=progress, force=force, feed_days=feed_days
            )
        except ValueError as error:
            fail(str(error))
