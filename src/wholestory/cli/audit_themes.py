"""``wholestory audit-themes``: the themes across case file audits, for the board.

Prints the grade distributions, the most frequent learning points, the repeated findings
and what each domain's chart says now, or writes them as the CSV (``--csv``) and the themed
PDF report (``--pdf``), or prints them as JSON. Every form shows the same figures, small
numbers already suppressed (:mod:`wholestory.assurance.themes`), and none holds free text.
The look is audited first, as the page's is.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from wholestory.assurance import theme_words as words
from wholestory.assurance.theme_grades import Distribution
from wholestory.assurance.theme_report import themes_csv, themes_pdf
from wholestory.assurance.themes import LAST_PROGRAMMES, Choice, Themes, ThemesError, themes
from wholestory.assurance.tools import ToolError
from wholestory.audit.actions import Action
from wholestory.cli.audit import record
from wholestory.cli.errors import day_option, fail
from wholestory.cli.store import ready_store
from wholestory.exporting import write_bytes

console = Console(highlight=False, soft_wrap=True)


def audit_themes_command(
    programme: Annotated[
        list[int] | None,
        typer.Option(
            "--programme",
            help="A programme's id (see audit-programme list); repeat "
            "for more. None: every programme.",
        ),
    ] = None,
    ends_from: Annotated[
        str | None, typer.Option("--from", help="Only programmes ending on or after YYYY-MM-DD.")
    ] = None,
    ends_to: Annotated[
        str | None, typer.Option("--to", help="Only programmes ending on or before YYYY-MM-DD.")
    ] = None,
    by: Annotated[
        str, typer.Option("--by", help="Periods: each programme, or the month or quarter it ended.")
    ] = words.BY_PROGRAMME,
    last: Annotated[
        int, typer.Option("--last", help="Repeated findings look at this many last programmes.")
    ] = LAST_PROGRAMMES,
    csv_file: Annotated[
        Path | None, typer.Option("--csv", help="Write the grades by domain and agency as CSV.")
    ] = None,
    pdf_file: Annotated[
        Path | None, typer.Option("--pdf", help="Write the themed report for the board as a PDF.")
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite the --csv and --pdf files if they exist.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead.")] = False,
) -> None:
    """Themes across case file audits: grades, learning, repeated findings and charts.

    Grades of record are the moderator's where moderated, else the auditor's as
    submitted; only submitted audits count. Counts of 1 to 4 read 'fewer than 5', and a
    figure that would let one be worked out reads 'not shown'.
    """
    choice = Choice(
        tuple(programme or ()),
        day_option(ends_from, "--from"),
        day_option(ends_to, "--to"),
        by,
        last,
    )
    _check_files(csv_file, pdf_file, force)
    found = _themes(choice)
    if csv_file is not None:
        _write(csv_file, themes_csv(found).encode("utf-8-sig"), force)
    if pdf_file is not None:
        _write(pdf_file, themes_pdf(found), force)
    if as_json:
        print(json.dumps(found.as_dict(), indent=2))
    elif csv_file is None and pdf_file is None:
        _print(found)


def _themes(choice: Choice) -> Themes:
    """The themes for ``choice``, the look audited first; any fault in one line."""
    with ready_store() as store:
        record(store, Action.VIEW, "audit themes", choice.as_dict())
        try:
            return themes(store, choice)
        except (ThemesError, ToolError) as error:
            fail(str(error))


def _check_files(csv_file: Path | None, pdf_file: Path | None, force: bool) -> None:
    """Refuse a file that would be overwritten unasked before anything is read."""
    for option, path in (("--csv", csv_file), ("--pdf", pdf_file)):
        if path is not None and path.is_dir():
            fail(f"{option}: {path} is a folder; give a file name")
        if path is not None and path.exists() and not force:
            fail(f"{option}: {path} exists; add --force to overwrite it")


def _write(path: Path, data: bytes, force: bool) -> None:
    try:
        write_bytes(path, data, force)
    except OSError as error:
        fail(f"cannot write {path}: {error.strerror or error}")
    console.print(f"Wrote {path}", markup=False)


def _print(found: Themes) -> None:
    console.print(f"{found.title}: {found.period}", style="bold", markup=False)
    for p in found.programmes:
        console.print(
            f"- {p.words()}; {words.CASES_AUDITED.format(cases=p.cases.words)}", markup=False
        )
    for line in (found.left_out, found.basis):
        if line:
            console.print(line, markup=False)
    for distribution in found.distributions:
        console.print(_table(distribution))
    if found.learning:
        console.print(words.LEARNING, style="bold")
        for tag in found.learning:
            console.print(f"- {tag.tag}: {tag.cases.words}", markup=False)
    if found.programmes:
        console.print(words.FINDINGS, style="bold")
        for finding in found.findings:
            console.print(f"- {finding.sentence}", markup=False)
        if found.findings_note:
            console.print(found.findings_note, markup=False)
    for trend in found.trends:
        console.print(f"{trend.measure}: {' '.join(trend.summary() + trend.notes())}", markup=False)


def _table(distribution: Distribution) -> Table:
    table = Table(title=distribution.title)
    table.add_column(distribution.heading)
    for heading in (*distribution.grades, words.TOTAL):
        table.add_column(heading, justify="right")
    for row in distribution.rows:
        table.add_row(row.label, *(c.words for c in row.counts), row.total.words)
    return table
