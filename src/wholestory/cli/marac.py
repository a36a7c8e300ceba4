"""``wholestory marac``: the Marac referral list, as the coordinator's page shows it.

``marac candidates`` prints every victim whose records meet a criterion, the
criterion, its evidence (record ids, which are also the chronology entries' ids) and
the children in the household; then the referrals practitioners made, apart.
``marac dataset --quarter 2026Q3`` prints the SafeLives quarterly dataset beside the
published national figures.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from wholestory.chronology.thresholds import IndicatorThresholds
from wholestory.cli.errors import fail
from wholestory.cli.options import command_group
from wholestory.cli.store import ready_store
from wholestory.domestic_abuse import marac_words as words
from wholestory.domestic_abuse.figures import PopulationError
from wholestory.domestic_abuse.marac import ReferralList
from wholestory.domestic_abuse.marac_dataset import (
    QuarterError,
    dataset_rows,
    marac_dataset,
    quarter_days,
)
from wholestory.domestic_abuse.marac_decisions import decisions
from wholestory.domestic_abuse.marac_kept import kept_referral_list

console = Console(highlight=False, soft_wrap=True)

marac_app = command_group("Marac: the referral list, and the quarterly SafeLives dataset.")


@marac_app.command("candidates")
def marac_candidates_command(
    as_json: Annotated[
        bool, typer.Option("--json", help="Print JSON (candidates and referrals) instead.")
    ] = False,
) -> None:
    """Each victim who meets a Marac criterion: the criterion, its evidence and the children."""
    try:
        thresholds = IndicatorThresholds.load()
    except ValueError as error:
        fail(str(error))
    with ready_store() as store:
        found = kept_referral_list(store, thresholds)
        made = decisions(store)
    if as_json:
        data = found.as_dict()
        for candidate in data["candidates"]:
            decided = made.get(candidate["key"])
            candidate["decision"] = decided.decision if decided else None
        print(json.dumps(data, indent=2))
        return
    _print(found)


def _print(found: ReferralList) -> None:
    console.print(f"{words.CANDIDATES_HEADING} ({len(found.candidates)})", style="bold")
    if not found.candidates:
        console.print(words.NO_CANDIDATES)
    for c in found.candidates:
        title = f"{c.victim}  {c.words}, met {c.met_on}: {c.detail}"
        _case(title, c.evidence, c.children, c.perpetrators)
    console.print()
    console.print(f"{words.REFERRALS_HEADING} ({len(found.referrals)})", style="bold")
    if not found.referrals:
        console.print(words.NO_REFERRALS)
    for r in found.referrals:
        _case(f"{r.victim}  referred by {r.agency} on {r.day}", r.evidence, r.children)


def _case(
    title: str, evidence: Sequence[str], children: Sequence[str], perpetrators: Sequence[str] = ()
) -> None:
    """One victim's line, their evidence, the perpetrator if named, the household's children."""
    console.print(title, markup=False)
    console.print(f"  evidence: {', '.join(evidence)}", markup=False)
    if perpetrators:
        console.print(f"  perpetrator: {', '.join(perpetrators)}", markup=False)
    console.print(f"  children: {', '.join(children) or words.NO_CHILDREN}", markup=False)


@marac_app.command("dataset")
def marac_dataset_command(
    quarter: Annotated[
        str, typer.Option("--quarter", help="The quarter, as 2026Q3.", show_default=False)
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead.")] = False,
) -> None:
    """The SafeLives Marac dataset for a quarter, beside the published national figures."""
    try:
        quarter_days(quarter)
        with ready_store() as store:
            data = marac_dataset(store, quarter)
    except (QuarterError, PopulationError) as error:
        fail(str(error))
    if as_json:
        print(json.dumps(data.as_dict(), indent=2))
        return
    table = Table(title=f"Marac dataset, {data.quarter} ({data.start} to {data.end})")
    for heading in ("Measure", "Here", "National"):
        table.add_column(heading)
    for measure, here, national in dataset_rows(data):
        table.add_row(measure, here, national)
    console.print(table)
    for note in data.notes:
        console.print(note, markup=False)
