"""``wholestory audit-programme ...`` and ``wholestory practice-measures``: quality assurance.

``audit-programme new`` sets up a themed multi-agency case file audit and draws its cases,
a reproducible random sample of the children its criteria make eligible; ``list``,
``show`` and ``check`` read programmes back and choose their cases again to compare.
``assign`` gives a case an auditor for one agency, with their time-limited audit grant;
``audits`` lists an auditor's cases and ``actions`` the actions audits raised.
``practice-measures`` works out, for a month, the measures of practice that need no audit.
Named apart from ``wholestory audit``, which is the access audit log. Every command that
reads children writes its audit entry first.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from wholestory.assurance import words
from wholestory.assurance.audits import (
    AUDIT_GRANT_DAYS,
    LOCAL,
    AuditError,
    assign,
    case_at,
    for_auditor,
    local_time,
)
from wholestory.assurance.children import NotBuiltError
from wholestory.assurance.learning import actions, open_actions
from wholestory.assurance.measures import (
    MonthError,
    last_whole_month,
    month_days,
    practice_measures,
)
from wholestory.assurance.programmes import (
    Programme,
    check_programme,
    create_programme,
    programme,
    programmes,
)
from wholestory.assurance.selection import SelectionError, criteria, default_period, select
from wholestory.assurance.tools import Tool, ToolError, default_tool, load_tool
from wholestory.audit import AuditUnavailable
from wholestory.audit.actions import Action
from wholestory.chronology.stored import store_as_of
from wholestory.chronology.thresholds import IndicatorThresholds
from wholestory.chronology.vocabulary import agency_name
from wholestory.cli.audit import operator, record
from wholestory.cli.errors import day_option, fail
from wholestory.cli.options import command_group
from wholestory.cli.store import ready_store
from wholestory.store import Store

console = Console(highlight=False, soft_wrap=True)

programme_app = command_group(
    "Audit programmes: themed multi-agency case file audits and the cases each one chose."
)

AsJson = Annotated[bool, typer.Option("--json", help="Print JSON instead.")]


def _thresholds() -> IndicatorThresholds:
    try:
        return IndicatorThresholds.current()
    except ValueError as error:
        fail(str(error))


@programme_app.command("new")
def programme_new_command(
    theme: Annotated[
        str, typer.Option("--theme", help="What the audit looks at.", show_default=False)
    ],
    sample: Annotated[
        int, typer.Option("--sample", help="How many cases to draw.", show_default=False)
    ],
    seed: Annotated[
        int,
        typer.Option(
            "--seed",
            help="The random seed: the same seed and criteria draw the same cases.",
            show_default=False,
        ),
    ],
    tool_file: Annotated[
        Path | None,
        typer.Option("--tool", help="An audit tool (YAML); the default multi-agency one if not."),
    ] = None,
    period_from: Annotated[
        str | None,
        typer.Option("--from", help="The period's first day, YYYY-MM-DD (a year to --to)."),
    ] = None,
    period_to: Annotated[
        str | None,
        typer.Option("--to", help="The period's last day, YYYY-MM-DD (the newest record's)."),
    ] = None,
    flags: Annotated[
        list[str] | None,
        typer.Option("--flag", help="Only children with this flag (repeat: any of them)."),
    ] = None,
    plan: Annotated[
        bool | None,
        typer.Option(
            "--plan/--no-plan",
            help="Only children on a plan in the period, or on none.",
            show_default=False,
        ),
    ] = None,
    age_from: Annotated[
        int | None, typer.Option("--age-from", help="Only children this age or older on --to.")
    ] = None,
    age_to: Annotated[
        int | None, typer.Option("--age-to", help="Only children this age or younger on --to.")
    ] = None,
    agencies: Annotated[
        list[str] | None,
        typer.Option(
            "--agency", help="Only children this agency recorded in the period (repeat: all)."
        ),
    ] = None,
    as_json: AsJson = False,
) -> None:
    """Set up an audit programme and draw its cases, a random sample.

    The children eligible are those with records in the period who meet
    every criterion given. They are sorted by their WholeStory id and the
    sample is drawn with the seed, so the same criteria and seed on the same
    records choose the same cases. The programme keeps the criteria, the
    seed, the eligible count and the tool's text, so that its choice can be
    checked later (wholestory audit-programme check ID).
    """
    if not theme.strip():
        fail("--theme must say what the audit looks at")
    first = day_option(period_from, "--from")
    last = day_option(period_to, "--to")
    tool = _tool(tool_file)
    t = _thresholds()
    with ready_store() as store:
        default_first, default_last = default_period(store_as_of(store))
        try:
            chosen_by = criteria(
                first or (default_first if last is None else default_period(last)[0]),
                last or default_last,
                flags=flags or (), plan=plan, age_from=age_from, age_to=age_to,
                agencies=agencies or (), limit=t.child_age_limit,
            )  # fmt: skip
            chosen = select(store, chosen_by, sample, seed, t)
        except (SelectionError, NotBuiltError) as error:
            fail(str(error))
        record(
            store,
            Action.QA_PROGRAMME_SET,
            theme.strip(),
            {"criteria": chosen_by.as_dict(), "seed": seed, "people": list(chosen.chosen)},
        )
        made = create_programme(store, theme, tool, chosen, operator())
    _print_programme(made, as_json)


def _tool(path: Path | None) -> Tool:
    try:
        return default_tool() if path is None else load_tool(path)
    except ToolError as error:
        fail(str(error))


@programme_app.command("list")
def programme_list_command(as_json: AsJson = False) -> None:
    """Every audit programme, the newest first: its theme, period, cases and who set it up."""
    with ready_store() as store:
        found = programmes(store)
    if as_json:
        print(json.dumps([p.as_dict(with_cases=False) for p in found], indent=2))
        return
    if not found:
        console.print(words.NO_PROGRAMMES)
        return
    table = Table(title="Audit programmes")
    for heading in ("Id", "Theme", "Period", "Cases", "Set up by", "On"):
        table.add_column(heading)
    for p in found:
        table.add_row(
            str(p.id), p.theme,
            f"{p.criteria.period_from} to {p.criteria.period_to}",
            f"{p.sample} of {p.eligible}", p.created_by, p.created_at[:10],
        )  # fmt: skip
    console.print(table)


@programme_app.command("show")
def programme_show_command(
    programme_id: Annotated[int, typer.Argument(help="The programme's id (see list).")],
    as_json: AsJson = False,
) -> None:
    """One audit programme: its theme, tool, criteria and seed, and the cases it chose."""
    with ready_store() as store:
        found = _programme(store, programme_id)
        record(
            store,
            Action.QA_PROGRAMME,
            f"audit programme {programme_id}",
            {"people": [c.person for c in found.cases]},
        )
    _print_programme(found, as_json)


@programme_app.command("check")
def programme_check_command(
    programme_id: Annotated[int, typer.Argument(help="The programme's id (see list).")],
    as_json: AsJson = False,
) -> None:
    """Draw a programme's cases again: exit 0 if the same cases, 1 if not.

    Uses the criteria and seed the programme kept, on today's records, and
    says whether the same children are eligible today (if the records have
    changed since, other cases may rightly be chosen).
    """
    with ready_store() as store:
        found = _programme(store, programme_id)
        record(
            store,
            Action.QA_PROGRAMME,
            f"audit programme {programme_id}",
            {"people": [c.person for c in found.cases], "check": True},
        )
        try:
            again = check_programme(store, found)
        except NotBuiltError as error:
            fail(str(error))
    if as_json:
        print(json.dumps({
            "programme": found.id, "same_cases": again.same_cases,
            "same_eligible": again.same_eligible, "eligible_then": again.eligible_then,
            "eligible_now": again.eligible_now, "chosen_now": list(again.chosen_now),
        }, indent=2))  # fmt: skip
    else:
        console.print(words.SAME_CASES if again.same_cases else words.OTHER_CASES)
        console.print(
            words.SAME_ELIGIBLE.format(count=again.eligible_now)
            if again.same_eligible
            else words.OTHER_ELIGIBLE.format(now=again.eligible_now, then=again.eligible_then)
        )
    if not again.same_cases:
        raise typer.Exit(1)


def _programme(store: Store, programme_id: int) -> Programme:
    found = programme(store, programme_id)
    if found is None:
        fail(f"there is no audit programme {programme_id} (see wholestory audit-programme list)")
    return found


def _print_programme(p: Programme, as_json: bool) -> None:
    if as_json:
        print(json.dumps(p.as_dict(), indent=2))
        return
    tool = p.tool()
    console.print(f"Audit programme {p.id}: {p.theme}", style="bold", markup=False)
    console.print(
        f"Tool: {tool.name}, {len(tool.domains)} domains, graded {tool.scale.words()}",
        markup=False,
    )
    console.print(f"Criteria: {'; '.join(p.criteria.words())}", markup=False)
    console.print(
        f"Chose {p.sample} of {p.eligible} eligible children with seed {p.seed} "
        f"(records to {p.as_of}); set up by {p.created_by} on {p.created_at[:10]}",
        markup=False,
    )
    for c in p.cases:
        console.print(f"  {c.position}. {c.person}  {c.name}", markup=False)


def practice_measures_command(
    month: Annotated[
        str | None,
        typer.Option("--month", help="The month, YYYY-MM (the last the records cover to its end)."),
    ] = None,
    as_json: AsJson = False,
) -> None:
    """Practice-quality measures for a month, with numerators and denominators.

    Across the whole partnership: new assessments whose agency opened the
    chronology first; children with a high-severity flag on a plan; 'was not
    brought' sequences followed up within 30 days; the median days from a
    third agency's concern to a referral. Each is defined for a QA officer
    in docs/practice-measures.md.
    """
    if month is not None:
        try:
            month_days(month)
        except MonthError as error:
            fail(f"--month: {error}")
    t = _thresholds()
    with ready_store() as store:
        chosen = month or last_whole_month(store)
        record(store, Action.QA_MEASURES, f"practice measures {chosen}", {"month": chosen})
        try:
            found = practice_measures(store, chosen, t)
        except NotBuiltError as error:
            fail(str(error))
        as_of = store_as_of(store)
    if as_json:
        print(json.dumps({"month": chosen, "as_of": as_of.isoformat(),
                          "measures": [m.as_dict() for m in found]}, indent=2))  # fmt: skip
        return
    console.print(f"Practice-quality measures, {chosen} (records to {as_of})", style="bold")
    for m in found:
        console.print(f"- {m.title}: {m.figure()} ({m.counts()})", markup=False)
        if m.note:
            console.print(f"  {m.note}", markup=False)


@programme_app.command("assign")
def programme_assign_command(
    programme_id: Annotated[int, typer.Argument(help="The programme's id (see list).")],
    position: Annotated[int, typer.Argument(help="The case's position in it (see show).")],
    agency: Annotated[str, typer.Argument(help="The agency whose practice they audit.")],
    username: Annotated[str, typer.Argument(help="The auditor, a user of that agency.")],
    days: Annotated[
        int, typer.Option("--days", help="How long their audit grant lasts, in days.")
    ] = AUDIT_GRANT_DAYS,
    as_json: AsJson = False,
) -> None:
    """Assign an auditor to one agency's practice on a case, with an audit grant.

    The grant opens the child's multi-agency chronology to that auditor alone
    until it ends; the safeguarding leads of every agency holding the child's
    records are told. Assigning another auditor for the same agency replaces
    the first and ends their grant.
    """
    with ready_store() as store:
        found = _programme(store, programme_id)
        case = case_at(store, programme_id, position)
        if case is None:
            fail(f"audit programme {programme_id} has no case {position} "
                 f"(it has {len(found.cases)})")  # fmt: skip
        try:
            made = assign(store, case.id, agency, username, operator(), days)
        except AuditError as error:
            fail(str(error))
        except AuditUnavailable as error:
            fail(f"Nothing was done: {error}")
    if as_json:
        print(json.dumps(made.as_dict(), indent=2))
        return
    console.print(
        f"{made.username} audits {agency_name(made.agency)}'s practice on case {made.position} "
        f"of audit programme {made.programme_id} ({made.theme}) until "
        f"{local_time(made.grant_ends_at)}. The safeguarding leads of the agencies holding "
        "the child's records have been told.",
        markup=False,
    )


@programme_app.command("audits")
def programme_audits_command(
    username: Annotated[str, typer.Argument(help="The auditor.")],
    as_json: AsJson = False,
) -> None:
    """An auditor's cases: programme, case, agency, when their grant ends, and whether
    they have submitted. Names no child."""
    with ready_store() as store:
        found = for_auditor(store, username)
    if as_json:
        print(json.dumps([a.as_dict() for a in found], indent=2))
        return
    if not found:
        console.print(f"{username} has no case file audits.", markup=False)
        return
    now = dt.datetime.now(dt.UTC)
    console.print(f"Case file audits for {username}", style="bold", markup=False)
    for a in found:
        grant = f"{'open until' if a.open_at(now) else 'ended'} {local_time(a.grant_ends_at)}"
        submitted = f"submitted {local_time(a.submitted_at)}" if a.submitted_at else "not submitted"
        console.print(
            f"- Programme {a.programme_id} ({a.theme}), case {a.position}, "
            f"{agency_name(a.agency)}: audit grant {grant}; {submitted}",
            markup=False,
        )


@programme_app.command("actions")
def programme_actions_command(
    only_open: Annotated[
        bool, typer.Option("--open", help="Only the actions not yet done.")
    ] = False,
    as_json: AsJson = False,
) -> None:
    """The actions audits have raised, the soonest due first: what, whose, at which
    agency, by when, and whether done. Names no child."""
    with ready_store() as store:
        found = open_actions(store) if only_open else actions(store)
    if as_json:
        print(json.dumps([a.as_dict() for a in found], indent=2))
        return
    if not found:
        console.print("No open actions from audits." if only_open else "No actions from audits.")
        return
    today = dt.datetime.now(LOCAL).date()
    console.print("Actions from case file audits", style="bold")
    for a in found:
        done = (f"done {local_time(a.done_at)} by {a.done_by}" if a.done_at
                else "overdue" if a.overdue(today) else "not done yet")  # fmt: skip
        console.print(
            f"{a.id}. {a.text} ({a.owner}, {agency_name(a.agency)}), due {a.due:%d %b %Y}: "
            f"{done}. Programme {a.programme_id} ({a.theme}), case {a.position}",
            markup=False,
        )
