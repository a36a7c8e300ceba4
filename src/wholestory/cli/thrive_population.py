"""``wholestory thrive population``: how many children are in each THRIVE grouping, by
postcode district, age or sex, and how many have need with no help (issue 16, item 4).

Aggregate only: no child is named, and counts of 1 to 4 read "fewer than 5" (and any
count that would let one be worked out reads "not shown"), on screen and in --json.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table as RichTable

from wholestory.audit.actions import Action
from wholestory.cli.audit import record
from wholestory.cli.errors import day_option, fail
from wholestory.cli.store import ready_store
from wholestory.thrive import population_words as words
from wholestory.thrive.population import BREAKDOWNS, summary

console = Console(highlight=False, soft_wrap=True)

ByOption = Annotated[
    str,
    typer.Option("--by", help="Break the children down by grouping, district, age or sex."),
]


def population_command(
    by: ByOption = "grouping",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Count as of this day (default: today).")
    ] = None,
) -> None:
    """Children in each THRIVE grouping, by district, age or sex; unmet need; waiting.

    Small numbers are hidden. The look is audited.
    """
    if by not in BREAKDOWNS:
        fail(f"--by must be one of {', '.join(BREAKDOWNS)}, not {by!r}")
    day = day_option(as_of, "--as-of") or dt.date.today()
    with ready_store() as store:
        record(store, Action.VIEW, "thrive population", {"by": by, "as_of": day.isoformat()})
        shown = summary(store, day)
    if as_json:
        print(json.dumps({**shown, "breakdowns": {by: shown["breakdowns"][by]}}, indent=2))
        return
    _print(shown["breakdowns"][by])
    console.print(f"\n{words.UNMET}: {shown['unmet_need']['children']}")
    _print(shown["unmet_need"]["by_reason"])


def _print(table: dict[str, Any]) -> None:
    out = RichTable(title=table["title"])
    out.add_column("")
    for column in table["columns"]:
        out.add_column(column["title"], justify="right")
    totals = table["rows"] and table["rows"][0]["total"] is not None
    if totals:
        out.add_column(words.TOTAL, justify="right")
    for row in table["rows"]:
        end = [row["total"]["shown"]] if totals else []
        out.add_row(row["title"], *[c["shown"] for c in row["cells"]], *end)
    if table["column_totals"]:
        grand = [table["total"]["shown"]] if totals else []
        out.add_row(words.TOTAL, *[c["shown"] for c in table["column_totals"]], *grand)
    console.print(out)
