"""``wholestory synth-crosscheck``: a partnership from the independently written generator."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from wholestory.cli.errors import day_option, fail
from wholestory.cli.progress import counting
from wholestory.crosscheck import CrosscheckSummary, make_partnership
from wholestory.words import count_words

console = Console(highlight=False)


def synth_crosscheck_command(
    out: Annotated[Path, typer.Argument(help="Folder to write the agency files into.")],
    families: Annotated[int, typer.Option("--families", min=1, help="How many households.")] = 300,
    seed: Annotated[int, typer.Option("--seed", help="The same seed gives the same files.")] = 1,
    end: Annotated[
        str | None,
        typer.Option("--end", help="Last day with records, YYYY-MM-DD (default: today)."),
    ] = None,
    episode_share: Annotated[
        float,
        typer.Option(
            "--episode-share",
            min=0.0,
            max=1.0,
            help="Chance the emergency department gives a repeat attendance a new id.",
        ),
    ] = 0.5,
    duplicate_rate: Annotated[
        float,
        typer.Option(
            "--duplicate-rate",
            min=0.0,
            max=1.0,
            help="Chance any other agency registers a person twice.",
        ),
    ] = 0.01,
    force: Annotated[
        bool, typer.Option("--force", help="Write into a folder that is not empty.")
    ] = False,
) -> None:
    """Write a partnership from the second, independently written generator, to cross-check linking.

    Its names, nicknames, spelling slips and agency habits are its own, not
    the ones the linking was tuned on, so `wholestory link-eval --dataset
    OUT` on it measures linking on unfamiliar data. Synthetic only.
    """
    last = day_option(end, "--end")
    summary = _run(out, families, seed, last, episode_share, duplicate_rate, force)
    console.print(
        f"Wrote {summary.rows:,} rows for {summary.families:,} households "
        f"({summary.persons:,} people, {summary.agency_person_ids:,} agency ids) in "
        f"{len(summary.files)} files to {out}. Planted: "
        f"{count_words(summary.duplicate_registrations, 'duplicate registration')}, "
        f"{count_words(summary.episode_ids, 'extra emergency department id')}, "
        f"{count_words(summary.twin_pairs, 'pair')} of twins, "
        f"{count_words(summary.junior_pairs, 'father and son', 'fathers and sons')} of one name, "
        f"{count_words(summary.namesake_pairs, 'pair')} of namesakes."
    )


def _run(
    out: Path,
    families: int,
    seed: int,
    end: dt.date | None,
    episode_share: float,
    duplicate_rate: float,
    force: bool,
) -> CrosscheckSummary:
    with counting("Making households", families) as progress:
        try:
            return make_partnership(
                out,
                families,
                seed,
                end=end,
                episode_share=episode_share,
                duplicate_rate=duplicate_rate,
                force=force,
                progress=progress,
            )
        except ValueError as error:
            fail(str(error))
