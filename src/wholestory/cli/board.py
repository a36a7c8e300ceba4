"""``wholestory board-pack``: the Quality and Impact Executive board pack for a quarter.

Built from the store as it is, kept (so the board's home page shows it), and written as a
PDF (and, if asked, as HTML). Every count from 1 to 4 reads "fewer than 5"; no child is
named. The build is audited.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from wholestory.audit import AuditUnavailable
from wholestory.board.pack import build
from wholestory.board.quarter import Quarter, QuarterError
from wholestory.board.render import document_html, pdf
from wholestory.cli.audit import operator
from wholestory.cli.errors import fail
from wholestory.cli.options import Force
from wholestory.cli.store import ready_store

console = Console(highlight=False, soft_wrap=True)


def board_pack_command(
    quarter: Annotated[str, typer.Option("--quarter", help="The quarter, e.g. 2026Q3.")],
    out: Annotated[Path, typer.Option("--out", help="Where to write the PDF.")],
    html: Annotated[
        Path | None, typer.Option("--html", help="Also write the pack as an HTML file here.")
    ] = None,
    force: Force = False,
) -> None:
    """Build the board pack for a quarter and write it as a PDF.

    Its charts are Making Data Count XmR charts of the partnership's measures; it
    also holds the recommendations tracker, reviews in progress and their clocks,
    audit themes, domestic abuse and THRIVE figures.
    """
    try:
        chosen = Quarter.parse(quarter)
    except QuarterError as error:
        fail(str(error))
    for path in (out, html):
        if path is not None and path.exists() and not force:
            fail(f"{path} exists: give --force to overwrite it")
    with ready_store() as store:
        try:
            kept = build(store, chosen, operator())
        except AuditUnavailable as error:
            fail(f"Nothing was done: {error}")
    out.write_bytes(pdf(kept))
    if html is not None:
        html.write_text(document_html(kept), encoding="utf-8")
    console.print(f"Board pack {kept.id} for {chosen.words()} written to {out}.", markup=False)
