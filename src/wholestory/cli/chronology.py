"""``wholestory chronology``, ``chronologies``, ``flags``, ``review-pack``, ``chronology-eval``."""

from __future__ import annotations

import datetime as dt
import json
import sys
import tempfile
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich import box
from rich.console import Console
from rich.table import Table

from wholestory.access import ROLES
from wholestory.chronology.indicators import INDICATORS
from wholestory.chronology.model import Chronology
from wholestory.chronology.stored import (
    BuildSummary,
    FlagsSettingError,
    build_all,
    chronology_of,
    flagged_children,
    flags_up_to_age,
    stored_count,
)
from wholestory.chronology.thresholds import IndicatorThresholds
from wholestory.cli.errors import day_option, fail
from wholestory.cli.naming import (
    AgencyArgument,
    AnonymiseOption,
    AsOfOption,
    PersonIdArgument,
    person_or_fail,
)
from wholestory.engagement.family import with_engagement
from wholestory.exporting import write_bytes
from wholestory.words import count_words as plural

if TYPE_CHECKING:
    from wholestory.assurance.measure_history import KeptMeasures

console = Console(highlight=False)


class Format(StrEnum):
    json = "json"
    html = "html"
    pdf = "pdf"
    csv = "csv"


def indicator_settings() -> IndicatorThresholds:
    try:
        return IndicatorThresholds.load()
    except (OSError, ValueError, TypeError) as error:
        fail(f"Indicator settings could not be read: {error}")


def _check_out(out: Path, force: bool, example: str) -> None:
    """Refuse a folder, or an existing file without --force, before any work is done."""
    if out.is_dir():
        fail(f"{out} is a folder: give a file name, like {out / example}")
    if out.exists() and not force:
        fail(f"{out} already exists; add --force to overwrite it")


def chronology_command(
    agency: AgencyArgument,
    person_id: PersonIdArgument = None,
    fmt: Annotated[
        Format, typer.Option("--format", help="json, html, pdf or csv.", case_sensitive=False)
    ] = Format.html,
    out: Annotated[
        Path | None, typer.Option("--out", help="The file to write; json prints if not given.")
    ] = None,
    anonymise: AnonymiseOption = False,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
    as_of: AsOfOption = None,
    reader: Annotated[
        str | None,
        typer.Option(
            "--for",
            help="Who it is for, as AGENCY:ROLE: it then holds what the sharing agreement "
            "shows them, each entry saying under which rule (default: the whole story, for "
            "the server's operator).",
        ),
    ] = None,
) -> None:
    """One person's whole story: every agency's entries, the flags and the analysis.

    Built fresh from the store, so it includes everything imported so far. Give
    an agency and its id for the person (wholestory chronology CSC CS0001 --format
    pdf --out story.pdf), or a WholeStory id. To hand it to someone, give --for their
    agency and role, so that it holds only what the sharing agreement lets them see.
    """
    from wholestory.cli.store import ready_store

    if out is None and fmt is not Format.json:
        fail(f"--out FILE is needed for --format {fmt.value}")
    if out is not None:
        _check_out(out, force, f"chronology.{fmt.value}")
    viewer = _reader(reader) if reader else None
    thresholds, day = indicator_settings(), day_option(as_of, "--as-of")
    with ready_store() as store:
        chronology = chronology_of(
            store, person_or_fail(store, "chronology", agency, person_id), day, thresholds
        )
        chronology = with_engagement(store, chronology, dt.date.today())
    from wholestory.chronology.render import output

    sharing = None
    if viewer:
        chronology, sharing = _shared_for(chronology, viewer)
    data = output(chronology, fmt.value, anonymise=anonymise, sharing=sharing).data
    if out is None:
        sys.stdout.write(data.decode())
        return
    write_bytes(out, data, force=True)
    if fmt is Format.csv:
        console.print(
            f"Wrote {len(chronology.entries):,} entries of {chronology.person.id} to {out}."
        )
        _say_death(chronology, anonymise)
        return
    console.print(
        f"Wrote the chronology of {chronology.person.id} to {out}: "
        f"{plural(len(chronology.entries), 'entry', 'entries')}, "
        f"{plural(len(chronology.flags), 'flag')}" + (" (anonymised)" if anonymise else "") + "."
    )
    _say_death(chronology, anonymise)


def _reader(reader: str) -> tuple[str, str]:
    """``--for AGENCY:ROLE`` as the agency and role the sharing agreement reads."""
    agency_code, _, role = reader.partition(":")
    if not agency_code or role not in ROLES:
        fail(f"--for {reader}: give an agency and a role, such as POLICE:practitioner")
    return agency_code.upper(), role


def _shared_for(
    chronology: Chronology, reader: tuple[str, str]
) -> tuple[Chronology, dict[str, str]]:
    """The chronology as ``reader`` may see it, and the words of each entry's rule."""
    from wholestory.sharing import partnership_agreement
    from wholestory.sharing.story import share
    from wholestory.sharing.words import shown_words

    shared = share(chronology, partnership_agreement(), *reader)
    return shared.chronology, shown_words(shared)


def _say_death(chronology: Chronology, anonymise: bool) -> None:
    """The plain words that a chronology ends at the person's death, when it does."""
    if chronology.died:
        console.print(chronology.death_words("The person" if anonymise else None))


def chronologies_command(
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of", help="Read the stories as of this day (default: the newest record)."
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the counts as JSON.")] = False,
) -> None:
    """Build every person's chronology and flags, and keep them in the store for pages and lists.

    Run after imports and linking (make demo does), every night. It replaces the
    stored set in one go, so readers never see half of an old build and half of a
    new one. Then it counts the practice-quality measures for each whole month of
    the last three years and keeps them for their charts (/assurance/measures).
    """
    from wholestory.assurance.measure_history import keep_months
    from wholestory.cli.store import ready_store
    from wholestory.identity import now_iso
    from wholestory.web.accounts.alert_mail import tell_new_flags

    thresholds, day = indicator_settings(), day_option(as_of, "--as-of")
    with ready_store() as store:
        since = now_iso()
        summary = build_all(store, day, thresholds)
        new_flags = tell_new_flags(store, since)  # the leads are told, as after a feed
        kept = keep_months(store) if summary.people else None
    measures = kept.as_dict() if kept else None
    if as_json:
        typer.echo(
            json.dumps(
                {**summary.as_dict(), "new_flag_alerts": new_flags, "practice_measures": measures},
                indent=2,
            )
        )
        return
    print_build(summary)
    if new_flags:
        console.print(
            f"{plural(new_flags, 'new flag')} on children since the last build: "
            "their agencies' leads are told (wholestory alerts)."
        )
    if kept:
        print_kept(kept)


def print_kept(kept: KeptMeasures) -> None:
    """The months kept, and the latest month's measures with their counts."""
    if not kept.months:
        console.print("No whole month of records yet: no practice measures kept.")
        return
    console.print(
        f"Kept the practice measures for {plural(kept.months, 'month')} "
        f"({kept.first} to {kept.last}) in {kept.seconds:.1f} s. In {kept.last}:"
    )
    for m in kept.latest:
        console.print(f"  {m.title}: {m.figure()} ({m.counts()})")


def print_build(summary: BuildSummary) -> None:
    console.print(
        f"Built {summary.people:,} chronologies ({summary.children:,} children) as of "
        f"{summary.as_of} in {summary.seconds:.1f} s: {summary.entries:,} entries, "
        f"{summary.flags:,} flags on {summary.flagged_children:,} children."
    )
    if summary.flagged_grown_up:
        console.print(
            f"{summary.flagged_grown_up:,} people now 18 or over keep the flags of their "
            "childhood (see WHOLESTORY_FLAGS_UP_TO_AGE)."
        )
    console.print("See the flagged children with: wholestory flags")


def flags_command(
    code: Annotated[
        str | None, typer.Option("--code", help="Only children with this flag, e.g. DA_ESCALATION.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the list as JSON.")] = False,
    limit: Annotated[int, typer.Option("--limit", min=1, help="Show at most this many.")] = 50,
) -> None:
    """Children with flags, most serious first: high severity with no plan open at the top.

    Reads the chronologies built by `wholestory chronologies`. Each flag says the
    age at which it happened. WHOLESTORY_FLAGS_UP_TO_AGE (17 to 25) lists young
    people up to that age too.
    """
    from wholestory.cli.store import ready_store

    if code is not None and code.upper() not in INDICATORS:
        fail(f"Unknown flag code '{code}'. Codes: {', '.join(INDICATORS)}")
    try:
        oldest = flags_up_to_age()
    except FlagsSettingError as error:
        fail(str(error))
    with ready_store() as store:
        if stored_count(store) == 0:
            fail("No chronologies have been built yet: run wholestory chronologies first.")
        children = flagged_children(store, code.upper() if code else None, up_to_age=oldest)
    if as_json:
        typer.echo(json.dumps({"children": children, "count": len(children)}, indent=2))
        return
    _print_flags(children, limit)


def _print_flags(children: list[dict[str, Any]], limit: int) -> None:
    if not children:
        console.print("No child has a flag.")
        return
    table = Table(box=box.SIMPLE_HEAD, title="Children with flags", title_justify="left")
    for column in ("Person", "Born", "Age", "Latest"):
        table.add_column(column, no_wrap=True)
    for column in ("Name", "Top", "Plan open", "Flags (age then)"):
        table.add_column(column)
    for child in children[:limit]:
        age = "" if child["age"] is None else str(child["age"])
        if child["date_of_death"]:
            age = f"died {child['date_of_death']}" + (f", aged {age}" if age else "")
        table.add_row(
            child["person"],
            child["date_of_birth"] or "not known",
            age or "not known",
            child["latest"],
            child["name"],
            child["top_severity"],
            "yes" if child["open_plan"] else "no",
            "\n".join(f["code"] + (f" ({f['ages']})" if f["ages"] else "") for f in child["flags"]),
        )
    console.print(table)
    if len(children) > limit:
        console.print(f"Showing {limit:,} of {len(children):,}. Use --limit or --json for more.")


def review_pack_command(
    agency: AgencyArgument,
    person_id: PersonIdArgument = None,
    out: Annotated[Path, typer.Option("--out", help="The folder to write the pack into.")] = Path(
        "review-pack"
    ),
    anonymise: AnonymiseOption = False,
    force: Annotated[
        bool, typer.Option("--force", help="Write into a folder that is not empty.")
    ] = False,
    as_of: AsOfOption = None,
    reader: Annotated[
        str,
        typer.Option(
            "--for",
            help="Who the pack is for, as AGENCY:ROLE: it holds what the sharing agreement "
            "shows them (default: a partnership reviewer).",
        ),
    ] = "PARTNERSHIP:reviewer",
) -> None:
    """What a rapid review needs, in one folder: the PDF chronology, each agency's
    involvement, the flags, and which agencies to ask for more, as the sharing agreement
    lets its reader see them."""
    from wholestory.chronology.pack import write_pack
    from wholestory.cli.store import ready_store

    if out.exists() and any(out.iterdir()) and not force:
        fail(f"{out} is not empty; add --force to write into it")
    viewer = _reader(reader)
    thresholds, day = indicator_settings(), day_option(as_of, "--as-of")
    with ready_store() as store:
        chronology = chronology_of(
            store, person_or_fail(store, "chronology", agency, person_id), day, thresholds
        )
        chronology = with_engagement(store, chronology, dt.date.today())
        files = write_pack(store, chronology, out, anonymise=anonymise, reader=viewer)
    console.print(f"Wrote the review pack for {chronology.person.id} to {out}:")
    for path, what in files:
        console.print(f"  {path.name}: {what}")
    _say_death(chronology, anonymise)


def chronology_eval_command(
    dataset: Annotated[
        Path, typer.Option("--dataset", help="A synthetic partnership folder with ground_truth/.")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print the scores as JSON.")] = False,
) -> None:
    """Measure the flags against a synthetic partnership's planted patterns, per indicator.

    The folder is imported into a temporary store, linked and built as a real
    partnership would be; your store is not touched.
    """
    from wholestory.chronology.evaluation import evaluate_folder

    if not (dataset / "ground_truth" / "patterns.csv").exists():
        fail(f"{dataset} has no ground_truth/patterns.csv: make one with wholestory synth")
    from wholestory.store import open_store, resolve_url
    from wholestory.web.bootstrap import ensure_schema

    with tempfile.TemporaryDirectory(prefix="wholestory-eval-") as scratch:
        url = resolve_url(f"sqlite:///{Path(scratch) / 'indicators.sqlite3'}")
        ensure_schema(url)
        store = open_store(url)
        try:
            result = evaluate_folder(store, dataset)
        except ValueError as error:
            fail(str(error))
        finally:
            store.close()
    if as_json:
        typer.echo(json.dumps(result.as_dict(), indent=2))
        return
    table = Table(box=box.SIMPLE_HEAD, title=f"Indicators against {dataset}", title_justify="left")
    for column in (
        "Code",
        "Precision",
        "Recall",
        "Raised right",
        "Wrongly",
        "Missed",
        "Near misses",
    ):
        table.add_column(column)
    for code, s in result.as_dict()["codes"].items():
        table.add_row(
            code,
            f"{s['precision']:.3f}",
            f"{s['recall']:.3f}",
            str(s["true_positives"]),
            str(s["false_positives"]),
            str(s["false_negatives"]),
            f"{s['near_misses_raised']} of {s['near_misses']} raised",
        )
    console.print(table)
    console.print(f"{result.children:,} children; built in {result.seconds:.1f} s.")
