"""``wholestory review-case ...``: learning reviews as cases with clocks (issue 17).

``new`` opens a review of a child named as an agency knows them and prints what is due
when; ``decide`` records a decision (the Panel notified, the rapid review done, a local
review held or not, published, closed); ``list`` shows every open review's clocks, or
only the overdue ones. The clocks follow the partnership's timescales
(``WHOLESTORY_REVIEW_TIMESCALES``): working days less England and Wales bank holidays
and the partnership's closure days. Every change is audited.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from wholestory.audit import AuditUnavailable
from wholestory.cli.audit import operator
from wholestory.cli.errors import day_option, fail
from wholestory.cli.options import command_group
from wholestory.cli.store import ready_store
from wholestory.reviews.cases import (
    DECISIONS,
    OPEN,
    Review,
    ReviewError,
    decide,
    open_review,
    overdue,
    reviews,
    summary,
)
from wholestory.reviews.timescales import Clock, Timescales, TimescalesError

console = Console(highlight=False, soft_wrap=True)
review_case_app = command_group("Learning reviews: serious incidents, their clocks and decisions.")

AsJson = Annotated[bool, typer.Option("--json", help="Print JSON instead.")]


def _settings() -> Timescales:
    try:
        return Timescales.load()
    except TimescalesError as error:
        fail(str(error))


def _day(text: str | None, option: str) -> dt.date:
    found = day_option(text, option)
    if found is None:
        fail(f"{option} is needed")
    return found


@review_case_app.command("new")
def review_case_new_command(
    child: Annotated[
        tuple[str, str],
        typer.Option("--child", help="The child as an agency knows them: AGENCY PERSON_ID."),
    ],
    notified: Annotated[
        str | None,
        typer.Option("--notified", help="The day the Panel was notified (YYYY-MM-DD)."),
    ] = None,
    learned: Annotated[
        str | None,
        typer.Option(
            "--learned",
            help="The day the local authority learned of the incident; --notified if not given.",
        ),
    ] = None,
    title: Annotated[
        str, typer.Option("--title", help="What the partnership calls it, naming no child.")
    ] = "",
    as_json: AsJson = False,
) -> None:
    """Open a learning review of a child and print what is due when.

    The safeguarding leads of every agency holding the child's records are told,
    and the business unit sees the child's records while the review is open.
    """
    notified_on = day_option(notified, "--notified")
    learned_on = day_option(learned, "--learned") or notified_on
    if learned_on is None:
        fail("give --learned (the day the local authority learned of it), --notified, or both")
    settings = _settings()
    with ready_store() as store:
        try:
            made = open_review(store, child[0], child[1], learned_on, operator(),
                               notified_on=notified_on, title=title, settings=settings)  # fmt: skip
        except ReviewError as error:
            fail(str(error))
        except AuditUnavailable as error:
            fail(f"Nothing was done: {error}")
    _say(made, settings, as_json)


@review_case_app.command("decide")
def review_case_decide_command(
    review_id: Annotated[int, typer.Argument(help="The review's id (see list).")],
    decision: Annotated[str, typer.Option("--decision", help=f"One of: {', '.join(DECISIONS)}.")],
    on: Annotated[str, typer.Option("--on", help="The day it was decided or done.")],
    reason: Annotated[str, typer.Option("--reason", help="Why, in a sentence.")] = "",
    as_json: AsJson = False,
) -> None:
    """Record a review's decision: a decision that dates a step starts the next clock."""
    settings = _settings()
    with ready_store() as store:
        try:
            changed = decide(store, review_id, decision, _day(on, "--on"), reason, operator(),
                             settings=settings)  # fmt: skip
        except ReviewError as error:
            fail(str(error))
        except AuditUnavailable as error:
            fail(f"Nothing was done: {error}")
    _say(changed, settings, as_json)


@review_case_app.command("list")
def review_case_list_command(
    only_overdue: Annotated[
        bool, typer.Option("--overdue", help="Only the clocks past their due date.")
    ] = False,
    today: Annotated[
        str | None, typer.Option("--today", help="Count from this day, not today.")
    ] = None,
    as_json: AsJson = False,
) -> None:
    """Every open review with its clocks (or only the overdue ones). Names no child."""
    day = day_option(today, "--today") or dt.date.today()
    settings = _settings()
    with ready_store() as store:
        found = (
            [r for r, _ in overdue(store, day, settings)] if only_overdue else reviews(store, OPEN)
        )
    chosen = list({r.id: r for r in found}.values())
    if as_json:
        print(json.dumps([summary(r, day, settings) for r in chosen], indent=2))
        return
    if not chosen:
        console.print("No review has an overdue clock." if only_overdue else "No review is open.")
        return
    table = Table("Review", "Title", "Step", "Due", "State")
    for r in chosen:
        for clock in r.clocks(settings).all():
            if only_overdue and not clock.overdue(day):
                continue
            table.add_row(str(r.id), r.title, clock.what, f"{clock.due:%a %d %b %Y}",
                          _state(clock, day))  # fmt: skip
    console.print(table)


def _say(made: Review, settings: Timescales, as_json: bool) -> None:
    today = dt.date.today()
    if as_json:
        print(json.dumps(summary(made, today, settings), indent=2))
        return
    console.print(f"Learning review {made.id}: {made.title}", markup=False)
    for clock in made.clocks(settings).all():
        console.print(
            f"  {clock.what}: due {clock.due:%A %d %B %Y} ({clock.rule}); {_state(clock, today)}.",
            markup=False,
        )
        skipped = _skipped(clock)
        if skipped:
            console.print(f"    Not counted: {skipped}.", markup=False)


def _state(clock: Clock, today: dt.date) -> str:
    if clock.done_on is not None:
        late = "on time" if clock.on_time else "late"
        return f"done on {clock.done_on:%d %b %Y}, {late}"
    if clock.overdue(today):
        return f"overdue by {-clock.days_left(today)} working days"
    return f"{clock.days_left(today)} working days left"


def _skipped(clock: Clock) -> str:
    """The closed weekdays a working-day clock passed over, with why (Easter Monday...)."""
    if clock.step == "publication":
        return ""
    day, said = clock.counted_from, []
    while day < clock.due:
        day += dt.timedelta(days=1)
        why = clock.calendar.why_closed(day)
        if why and day.weekday() < 5:
            said.append(f"{day:%a %d %b} ({why})")
    return ", ".join(said)
