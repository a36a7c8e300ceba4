"""``wholestory demo``: everything that exists, on synthetic data, in one command."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from wholestory.chronology.pack import write_pack
from wholestory.chronology.stored import build_all, chronology_of, flagged_children
from wholestory.cli.chronology import print_build
from wholestory.cli.identity import _print_summary
from wholestory.cli.ingest import _print_result, _run
from wholestory.cli.store import ready_store
from wholestory.cli.synth import run_synth
from wholestory.identity.linking import Thresholds, link_all
from wholestory.store import Store

console = Console(highlight=False)


def demo_command(
    children: Annotated[int, typer.Option("--children", min=1, help="Synthetic children.")] = 2000,
    seed: Annotated[int, typer.Option("--seed", help="The same seed gives the same data.")] = 1,
    data: Annotated[
        Path, typer.Option("--data", help="Where the synthetic agency files go.")
    ] = Path("demo-data"),
) -> None:
    """Make a synthetic partnership, import it, and show what was loaded and where."""
    if data.exists() and any(data.iterdir()):
        console.print(f"Using the synthetic partnership already in {data}/")
    else:
        summary = run_synth(data, children, seed, force=False)
        console.print(
            f"Made a synthetic partnership: {summary.children:,} children, "
            f"{summary.people:,} people, {summary.rows:,} agency rows in {data}/"
        )
    store = ready_store()
    try:
        result = _run(store, [data], None, quiet=False)
        _print_result(result, store.url.describe())
        console.print("\nLinking people across agencies (the first run trains the model)…")
        linked = link_all(store, thresholds=Thresholds.from_environment())
        _print_summary(linked, Thresholds.from_environment())
        console.print("\nBuilding every chronology and raising flags…")
        print_build(build_all(store))
        _print_store_summary(store)
        _demo_pack(store, Path(f"{data}-review-pack"))
    finally:
        store.close()
    if result.failed:
        raise typer.Exit(2)


def _print_store_summary(store: Store) -> None:
    rows = store.query(
        "SELECT agency, COUNT(*), COUNT(DISTINCT person_id) FROM ws_record GROUP BY agency "
        "ORDER BY agency"
    )
    console.print("\nThe store now holds:")
    for agency, records, people in rows:
        console.print(f"  {agency:<16} {records:>9,} records about {people:>7,} people")
    console.print(f"\nStore: {store.url.describe()}")
    console.print(
        "Next: the web app is not built yet. Try: wholestory flags, "
        "wholestory chronology WS-0000001 --format html --out story.html, "
        "wholestory review, or wholestory quarantine"
    )


def _demo_pack(store: Store, out: Path) -> None:
    """A review pack for the child with the most serious flags, so there is a report to open."""
    children = flagged_children(store)
    if not children:
        return
    if out.exists() and any(out.iterdir()) and not (out / "README.txt").exists():
        console.print(f"\n{out}/ holds other files: no sample review pack written there.")
        return
    person = children[0]["person"]
    write_pack(store, chronology_of(store, person), out)
    console.print(
        f"\nA sample rapid review pack for {person} (the child with the most serious flags) "
        f"is in {out}/: open chronology.html or chronology.pdf."
    )
