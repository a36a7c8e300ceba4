"""``wholestory spc FILE.csv --measure COL``: the chart engine on any series in a file.

The same XmR engine that draws the practice measures, the audit themes and the board's
charts (:mod:`wholestory.charts`), for a measure a partnership keeps in a spreadsheet,
such as a PDSA cycle's measure before and after a change (issue 16). It prints each
point with the special-cause rule that marked it, and the limits; ``--json`` prints the
whole chart; ``--svg`` writes the chart as an SVG file. It reads no store: nothing here
is about a person.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from wholestory.charts import words
from wholestory.charts.icons import Direction
from wholestory.charts.series_file import Series, SeriesFileError, read_series
from wholestory.charts.spc import ChartOptions, Period, Section, SpcChart, xmr_chart
from wholestory.charts.svg import render_svg
from wholestory.cli.errors import fail

console = Console(highlight=False, soft_wrap=True)

#: What ``--direction`` takes, in the words people use.
DIRECTIONS = {
    "higher": Direction.HIGHER_IS_BETTER,
    "lower": Direction.LOWER_IS_BETTER,
    "neutral": Direction.NEUTRAL,
}


def spc_command(
    path: Annotated[Path, typer.Argument(help="A CSV file: one row a period.", metavar="FILE.csv")],
    measure: Annotated[str, typer.Option("--measure", help="The column of values to chart.")],
    period: Annotated[
        str | None,
        typer.Option("--period", help="The column of periods (default: month, period or date)."),
    ] = None,
    direction: Annotated[
        str,
        typer.Option(
            "--direction",
            help="Which way is better: higher, lower or neutral (no improvement or concern).",
        ),
    ] = "neutral",
    target: Annotated[
        float | None, typer.Option("--target", help="A target, for the assurance icon.")
    ] = None,
    rebase: Annotated[
        list[str] | None,
        typer.Option("--rebase", help="A period from which to recalculate the limits (repeat)."),
    ] = None,
    baseline: Annotated[
        int | None, typer.Option("--baseline", help="Fix the limits on the first N points (12+).")
    ] = None,
    screen: Annotated[
        bool,
        typer.Option("--screen/--no-screen", help="Leave very large moving ranges out (default)."),
    ] = True,
    svg: Annotated[Path | None, typer.Option("--svg", help="Also write the chart here.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead.")] = False,
) -> None:
    """Chart a series from a CSV file with Making Data Count's XmR rules."""
    if direction not in DIRECTIONS:
        fail(f"--direction must be higher, lower or neutral, not '{direction}'")
    try:
        series = read_series(path, measure, period)
        rebase_at = tuple(_rebase_period(series, p) for p in rebase or ())
        options = ChartOptions(DIRECTIONS[direction], target, rebase_at, baseline, screen)
        chart = xmr_chart(series.points, options)
    except (SeriesFileError, ValueError) as error:
        fail(str(error) if isinstance(error, SeriesFileError) else f"{path}: {error}")
    if svg is not None:
        svg.write_text(render_svg(chart, measure=measure), encoding="utf-8")
    if as_json:
        print(json.dumps(_as_dict(series, chart), indent=2))
        return
    _print(series, chart)


def _rebase_period(series: Series, text: str) -> Period:
    """A ``--rebase`` period as the file writes it (a date when the file's are dates)."""
    for period, _ in series.points:
        if str(period) == text:
            return period
    raise ValueError(f"--rebase {text} is not a period in the file")


def _as_dict(series: Series, chart: SpcChart) -> dict[str, object]:
    return {
        "file": str(series.path),
        "measure": series.measure,
        "period_column": series.period_column,
        "set_aside": [s.as_dict() for s in series.set_aside],
        **chart.as_dict(),
        "words": words.summary_lines(chart),
    }


def _print(series: Series, chart: SpcChart) -> None:
    """The points, each with its rule, then the limits and what the chart says now."""
    console.print(f"{series.measure} ({len(chart.points)} points)", style="bold", markup=False)
    for point in chart.points:
        console.print(f"  {words.point_words(point)}", markup=False)
    for section in chart.sections:
        console.print(_limits_line(section), markup=False)
    for line in words.summary_lines(chart):
        console.print(line, markup=False)
    for aside in series.set_aside:
        console.print(
            f"Set aside: {series.path}, row {aside.row}, column {aside.column}: {aside.reason}",
            markup=False,
        )


def _limits_line(section: Section) -> str:
    """One section's mean and limits in a line."""
    first, mean = words.period_words(section.first), words.figure(section.mean)
    if section.upper_limit is None or section.lower_limit is None:
        return f"From {first}: mean {mean}, no limits (too few points)."
    lower, upper = words.figure(section.lower_limit), words.figure(section.upper_limit)
    return f"From {first}: mean {mean}, limits {lower} to {upper}."
