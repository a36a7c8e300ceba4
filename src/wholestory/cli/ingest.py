"""``wholestory ingest`` and ``wholestory quarantine``."""

from __future__ import annotations

import datetime as dt
import getpass
import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.console import Console
from rich.table import Table

from wholestory.alerts.settings import AlertSettings, AlertSettingsError
from wholestory.arrival import Notice
from wholestory.cli.errors import EXIT_BAD_INPUT, err_console, fail
from wholestory.cli.options import Force, send_back
from wholestory.cli.progress import rows_per_file
from wholestory.cli.store import ready_store
from wholestory.exporting import write_csv
from wholestory.feed import FeedRun, run_feed
from wholestory.identity import (
    AgenciesFileError,
    LinkError,
    LinkSummary,
    LinkThresholds,
    read_agencies_file,
    save_agency_settings,
)
from wholestory.ingest import IngestResult
from wholestory.ingest.accounting import accounting_words
from wholestory.ingest.pipeline import agency_settings
from wholestory.ingest.profiles import Profile, ProfileError, load_profile
from wholestory.store import Store
from wholestory.store.imports import (
    FEED,
    Arrival,
    count_quarantine,
    list_quarantine,
    quarantine_table,
)
from wholestory.store.warnings import count_warnings, list_warnings
from wholestory.web.accounts.alert_mail import send_digests
from wholestory.words import count_words as _count

console = Console(highlight=False)


def ingest_command(
    paths: Annotated[
        list[Path], typer.Argument(help="Agency files (CSV or XLSX) or folders of them.")
    ],
    profile: Annotated[
        Path | None,
        typer.Option("--profile", help="A YAML mapping profile for exports not in the template."),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the row accounting as JSON.")
    ] = False,
    link: Annotated[
        bool,
        typer.Option(
            "--link/--no-link", help="Link new and changed people, once a model is trained."
        ),
    ] = True,
    agencies_file: Annotated[
        Path | None,
        typer.Option(
            "--agencies",
            help="The partnership's agencies file: which agencies give a new id per episode "
            "(an agencies.yaml inside a folder is read too).",
        ),
    ] = None,
) -> None:
    """Import agency files. Every row is inserted, updated, unchanged or quarantined.

    Importing the same file again changes nothing. A file that cannot be read
    at all is reported in one line and nothing from it is kept; the exit code
    is then 2. Once `wholestory link` has trained a model, new and changed
    people are linked straight after the import, against everyone already known.
    """
    mapping = _load_profile(profile)
    try:  # a bad linking setting or agencies file is reported before anything is imported
        thresholds = LinkThresholds.from_environment() if link else None
        agency_settings(paths, mapping)
        said = read_agencies_file(agencies_file) if agencies_file else None
        alerting = AlertSettings.load()
    except (LinkError, AgenciesFileError, AlertSettingsError) as error:
        fail(str(error))
    with ready_store() as store:
        if said is not None:
            save_agency_settings(store, said)
        run = _feed(store, paths, mapping, quiet=as_json, link=link, thresholds=thresholds,
                    alerting=alerting)  # fmt: skip
        _tell_leads(store, run.notices)
        emailed = send_digests(store) if run.alerts.told else 0
    result, linked, refreshed = run.result, run.linked, run.rebuilt
    if as_json:
        payload = result.as_dict()
        payload["linking"] = linked.as_dict() if linked else None
        payload["chronologies_rebuilt"] = refreshed
        payload["alerts"] = _alerts_dict(run, emailed)
        typer.echo(json.dumps(payload, indent=2))
    else:
        _print_result(result, store.url.describe())
        if linked is not None:
            _print_linked(linked)
        if refreshed:
            console.print(f"Rebuilt {_count(refreshed, 'chronology')} touched by the import.")
        if run.alerts.kept:
            console.print(_alert_words(run, emailed))
    if result.failed:
        raise typer.Exit(EXIT_BAD_INPUT)


def _alerts_dict(run: FeedRun, emailed: int) -> dict[str, int]:
    told = {t.username for t in run.alerts.told}
    return {"raised": len(run.alerts.kept), "users_told": len(told), "emails": emailed}


def _alert_words(run: FeedRun, emailed: int) -> str:
    told = {t.username for t in run.alerts.told}
    return (
        f"Raised {_count(len(run.alerts.kept), 'alert')}, told "
        f"{_count(len(told), 'user')} who may see the child and emailed "
        f"{_count(emailed, 'digest')} (wholestory alerts lists them)."
    )


def _print_linked(summary: LinkSummary) -> None:
    console.print(
        f"Linked {_count(summary.source_persons, 'new or changed person')} in "
        f"{summary.seconds:.1f} s: {_count(summary.new_people, 'new WholeStory person')}, "
        f"{_count(summary.merges, 'merge')}; {_count(summary.for_review, 'pair')} of people "
        "in all wait for review (wholestory review)."
    )
    for note in summary.notes:  # a look-alike set, or the model it linked with and why
        console.print(note)


def _load_profile(path: Path | None) -> Profile | None:
    if path is None:
        return None
    try:
        return load_profile(path)
    except ProfileError as error:
        fail(str(error))


def _run(store: Store, paths: list[Path], profile: Profile | None, quiet: bool) -> IngestResult:
    """Import only (the demo links everyone itself, once everything is in)."""
    return _feed(store, paths, profile, quiet=quiet, link=False).result


def _feed(
    store: Store,
    paths: list[Path],
    profile: Profile | None,
    *,
    quiet: bool,
    link: bool,
    thresholds: LinkThresholds | None = None,
    alerting: AlertSettings | None = None,
) -> FeedRun:
    """The feed run (:func:`wholestory.feed.run_feed`), with a progress bar on a terminal."""
    arrival = Arrival(FEED, _who_runs())
    if quiet or not sys.stderr.isatty():
        return run_feed(store, paths, arrival, profile=profile, link=link, thresholds=thresholds,
                        alert_settings=alerting)  # fmt: skip
    with rows_per_file() as progress:
        return run_feed(
            store,
            paths,
            arrival,
            alert_settings=alerting,
            profile=profile,
            progress=progress,
            link=link,
            thresholds=thresholds,
        )


def _tell_leads(store: Store, notices: list[Notice]) -> None:
    """Tell the leads of agencies already involved with someone a feed brings a new agency to.

    Written through the feed's own store, in one transaction: Django's connection is set
    up once per process and need not be this store (a test run feeds many stores).
    """
    if not notices:
        return
    now = dt.datetime.now(dt.UTC)
    with store.transaction():
        for n in notices:
            store.execute(
                "INSERT INTO ws_notification (agency, person, message, created_at, read_by, url) "
                "VALUES (?, ?, ?, ?, '', '')",
                [n.agency, n.person, n.message, now],
            )


def _who_runs() -> str:
    """Who ran the feed, as the server's login knows them (kept on each import run)."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name in some containers
        return ""


def _print_result(result: IngestResult, where: str) -> None:
    table = Table(title=f"Imported into {where}", title_justify="left", box=box.SIMPLE_HEAD)
    table.add_column("file", no_wrap=True)
    for header in ("read", "new", "updated", "unchanged", "quarantined", "warnings"):
        table.add_column(header, justify="right", no_wrap=True)
    for f in result.files:
        if f.error:
            continue
        table.add_row(Path(f.file).name, *(f"{v:,}" for v in f.counts().values()))
    totals = result.totals()
    if len(result.files) - len(result.failed) > 1:
        table.add_row("[bold]total", *(f"[bold]{v:,}" for v in totals.values()))
    if len(result.files) > len(result.failed):
        console.print(table)
    console.print(_sentence(totals))
    for f in result.files:
        if f.ignored_columns:
            console.print(
                f"Note: {Path(f.file).name}: columns not in the template were ignored: "
                + ", ".join(f.ignored_columns)
            )
    for f in result.failed:
        err_console.print(f"[bold red]Error:[/] {f.file}: {f.error}")


def _sentence(t: dict[str, int]) -> str:
    """The accounting in words, for people who do not read tables."""
    words = accounting_words(t)
    if t["quarantined"]:
        words += "\nSee the quarantined rows, and why, with: wholestory quarantine"
    if t["warnings"]:
        words += (
            f"\n{_count(t['warnings'], 'accepted row')} carry a warning: an identifier or date "
            "of birth that failed its check is kept as recorded but not used to match people. "
            "See them with: wholestory warnings"
        )
    return words


def quarantine_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print the rows as JSON.")] = False,
    out: Annotated[Path | None, send_back("rows")] = None,
    limit: Annotated[int, typer.Option(help="Show at most this many rows on screen.")] = 50,
    force: Force = False,
    include_resolved: Annotated[
        bool,
        typer.Option("--all", help="Include rows already resolved by a corrected import."),
    ] = False,
) -> None:
    """List rows that could not be imported, with the file, row, column and reason.

    A row stays here until the agency sends the same record again in good
    order; that import marks it resolved (see them with --all).
    """
    with ready_store() as store:
        shown = None if (as_json or out) else limit
        entries = list_quarantine(store, shown, include_resolved)
        total = count_quarantine(store, include_resolved)
    if out is not None:
        header, rows = quarantine_table(entries)
        _export(out, header, rows, force, "quarantined row")
        return
    if as_json:
        typer.echo(json.dumps({"total": total, "rows": [e.as_dict() for e in entries]}, indent=2))
        return
    if not entries:
        console.print(
            "Nothing is waiting in the quarantine: every row read so far went in, "
            "or was corrected later."
        )
        return
    title = _count(total, "quarantined row") + (
        "" if include_resolved else " waiting for a correction"
    )
    columns = ["file", "row", "column", "reason", *(["resolved"] if include_resolved else [])]
    lines = [
        [*e.where_and_why(), *([(e.resolved_at or "")[:10]] if include_resolved else [])]
        for e in entries
    ]
    _show(title, columns, lines, total)


def warnings_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print the records as JSON.")] = False,
    out: Annotated[Path | None, send_back("records")] = None,
    limit: Annotated[int, typer.Option(help="Show at most this many records on screen.")] = 50,
    force: Force = False,
) -> None:
    """List records that went in with a warning: a value kept as recorded but not trusted.

    For example an NHS number that fails its check digit or a date of birth
    that does not exist. The event is in the store; the value is not used to
    match people until the agency corrects it.
    """
    with ready_store() as store:
        found = list_warnings(store, None if (as_json or out) else limit)
        total = count_warnings(store)
    rows = [
        [w.agency, w.record_id, Path(w.file_name).name, str(w.row_number), w.warnings]
        for w in found
    ]
    if out is not None:
        _export(out, ["agency", "record_id", "file", "row", "warnings"], rows, force, "record")
        return
    if as_json:
        typer.echo(json.dumps({"total": total, "records": [w.as_dict() for w in found]}, indent=2))
        return
    if not found:
        console.print("No record went in with a warning.")
        return
    title = f"{_count(total, 'record')} with warnings"
    _show(title, ["agency", "record", "file", "row", "warnings"], rows, total)


def _export(out: Path, header: list[str], rows: list[list[str]], force: bool, noun: str) -> None:
    """Write a listing to CSV for the agency; never overwrite a file unasked."""
    try:
        write_csv(out, header, rows, force=force)
    except IsADirectoryError:
        fail(f"{out} is a folder: give a file name, like {out / 'export.csv'}")
    except FileExistsError:
        fail(f"{out} already exists; add --force to overwrite it")
    console.print(f"Wrote {_count(len(rows), noun)} to {out}")


def _show(title: str, columns: list[str], rows: list[list[str]], total: int) -> None:
    """A listing as a table, saying when there are more than it shows."""
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD)
    for name in columns:
        table.add_column(name)
    for row in rows:
        table.add_row(*row)
    console.print(table)
    if total > len(rows):
        console.print(f"Showing {len(rows):,} of {total:,}. Use --out FILE.csv for them all.")
