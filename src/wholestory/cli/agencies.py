"""``wholestory duplicates`` and ``wholestory link-model``: duplicates and the shipped model."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from wholestory.cli.errors import fail
from wholestory.cli.ingest import _export, _show
from wholestory.cli.options import Force, command_group
from wholestory.cli.store import ready_store
from wholestory.identity import (
    DUPLICATE_COLUMNS,
    EpisodeAgencyError,
    agency_duplicates,
    default_model,
)
from wholestory.store import Store, open_store, resolve_url
from wholestory.words import count_words

console = Console(highlight=False)


def duplicates_command(
    agency: Annotated[str, typer.Argument(help="The agency's code, such as SCHOOL or GP.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the list as JSON.")] = False,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write the list to this CSV file for the agency.")
    ] = None,
    force: Force = False,
) -> None:
    """List an agency's duplicate ids: two of its ids that WholeStory holds as one person.

    For the agency to merge in its own system. Each line says why the two are
    one person: overwhelming evidence, or a person's decision.
    """
    with ready_store() as store:
        try:
            found = agency_duplicates(store, agency)
        except EpisodeAgencyError as error:
            fail(str(error))
    rows = [d.row() for d in found]
    if out is not None:
        _export(out, list(DUPLICATE_COLUMNS), rows, force, "duplicate")
        return
    if as_json:
        typer.echo(json.dumps([d.as_dict() for d in found], indent=2))
        return
    if not found:
        console.print(f"No duplicate ids at {agency.upper()}.")
        return
    title = f"{count_words(len(found), 'duplicate id')} at {agency.upper()}"
    shown = [
        [d.wholestory_id, f"{d.person_id} = {d.duplicate_person_id}",
         f"{d.given_name} {d.family_name}", d.date_of_birth, d.how_linked]
        for d in found
    ]  # fmt: skip
    _show(title, ["WholeStory id", "ids", "name", "born", "why one person"], shown, len(found))


link_model_app = command_group(
    "The linking model that ships with WholeStory, for stores too small to train on."
)


@link_model_app.command("build")
def link_model_build_command(
    children: Annotated[
        int, typer.Option("--children", min=100, help="Children in the synthetic partnership.")
    ] = default_model.BUILD_CHILDREN,
    seed: Annotated[int, typer.Option("--seed", help="The generator's seed.")] = (
        default_model.BUILD_SEED
    ),
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            help="Where to write the model.",
            # The package's own file, named without this machine's path: the reference
            # made from this help (docs/cli.md) must read the same in every clone.
            show_default="the package's own identity/default_model.json",
        ),
    ] = default_model.DEFAULT_MODEL_FILE,
) -> None:
    """Remake the shipped linking model from a synthetic partnership, and say how good it is.

    Makes the partnership with `wholestory synth`, imports it into a scratch
    store, trains on it as a store would, measures it against the generator's
    truth and writes the model with how it was made.
    """
    model = default_model.build(_scratch_store, children, seed, progress=console.print)
    default_model.write(model, out)
    quality = model.made["quality_on_its_partnership"]
    console.print(
        f"Wrote {out}: trained on {model.made['people']:,} people in "
        f"{model.made['training_seconds']} s; on its own partnership precision "
        f"{quality['precision']}, recall {quality['recall']}."
    )


def _scratch_store(folder: Path) -> Store:
    from wholestory.web.bootstrap import ensure_schema

    url = resolve_url(f"sqlite:///{folder / 'store.sqlite3'}")
    ensure_schema(url)
    return open_store(url)
