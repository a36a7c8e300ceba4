"""``wholestory thrive ...``: THRIVE for children's mental health (issue 16).

``thrive suggest AGENCY ID`` prints the grouping WholeStory suggests for a child, with the
rule that matched, its reasons and evidence, and what it could not see: a prompt for the
shared decision, never a verdict (:mod:`wholestory.thrive.suggest`). The look is audited
as a read of the child, before anything is read. ``thrive agreement`` prints how often
practitioners chose the grouping suggested, as the board sees it (small numbers hidden).

Each command is one function registered on :data:`thrive_app`; another is added the same
way.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.console import Console

from wholestory import audit
from wholestory.audit.actions import Action
from wholestory.chronology.model import long_date
from wholestory.cli.audit import operator, record
from wholestory.cli.errors import day_option, fail
from wholestory.cli.naming import AgencyArgument, AsOfOption, PersonIdArgument, person_or_fail
from wholestory.cli.store import ready_store
from wholestory.cli.thrive_cycles import cycles_command
from wholestory.cli.thrive_population import population_command
from wholestory.store import Store
from wholestory.thrive.agreement import agreement_rate
from wholestory.thrive.suggest import PROMPT, Suggestion, suggest
from wholestory.thrive.suggest_rules import RulesError, RuleSet, load_rules
from wholestory.thrive.vocabulary import GROUPINGS

console = Console(highlight=False, soft_wrap=True)

thrive_app = typer.Typer(
    help="THRIVE groupings for children's mental health: suggestions and how often they "
    "are agreed.",
    no_args_is_help=True,
)

AsJson = Annotated[bool, typer.Option("--json", help="Print JSON instead.")]

thrive_app.command("cycles")(cycles_command)
thrive_app.command("population")(population_command)


@thrive_app.command("suggest")
def suggest_command(
    agency: AgencyArgument,
    person_id: PersonIdArgument = None,
    as_of: AsOfOption = None,
    as_json: AsJson = False,
) -> None:
    """The THRIVE grouping WholeStory suggests for a child, with its reasons and evidence.

    From the newest Current View and the child's chronology, by the partnership's rules
    (WHOLESTORY_THRIVE_RULES, or WholeStory's own). A prompt for the decision made with
    the child and family, never a verdict. The look is audited as a read of the child.
    """
    day = day_option(as_of, "--as-of")
    rules = _rules()
    with ready_store() as store:
        person = person_or_fail(store, "thrive suggest", agency, person_id)
        _audit_read(store, person)
        found = suggest(store, person, day, rules)
    if as_json:
        print(json.dumps(found.as_dict(), indent=2))
        return
    _print_suggestion(found)


@thrive_app.command("agreement")
def agreement_command(
    since: Annotated[
        str | None,
        typer.Option("--since", help="Only groupings recorded on or after YYYY-MM-DD."),
    ] = None,
    as_json: AsJson = False,
) -> None:
    """How often practitioners chose the grouping WholeStory suggested, by grouping.

    Over every kept grouping that records a suggestion: the share that agreed, and a
    table of suggested against chosen. Counts of 1 to 4 read 'fewer than 5', and a figure
    that would let one be worked out is not shown. The look is audited.
    """
    day = day_option(since, "--since")
    with ready_store() as store:
        record(store, Action.VIEW, "thrive agreement", {"since": since})
        shown = agreement_rate(store, day).shown()
    if as_json:
        print(json.dumps(shown, indent=2))
        return
    _print_agreement(shown)


def _rules() -> RuleSet:
    try:
        return load_rules()
    except RulesError as error:
        fail(str(error))


def _audit_read(store: Store, person: str) -> None:
    """The look at the child, audited before anything is read; nothing is done if it
    cannot be (as :func:`wholestory.cli.audit.record`, naming the child)."""
    event = audit.Event(
        actor=operator(), action=Action.VIEW, person=person, target=f"thrive suggestion {person}"
    )
    try:
        audit.append(store, event)
    except audit.AuditUnavailable as error:
        fail(f"Nothing was done: {error}")


def _say(text: str, style: str | None = None) -> None:
    console.print(text, style=style, markup=False)


def _print_suggestion(s: Suggestion) -> None:
    title = s.title or "none"
    day = long_date(s.as_of)
    _say(f"Suggested THRIVE grouping for {s.person} (records to {day}): {title}", "bold")
    if s.rule_number is not None:
        _say(f"Rule {s.rule_number} of '{s.rules_name}': {s.rule}")
    else:
        _say(s.rule)
    _list("Because", list(s.reasons))
    if s.current_view is not None:
        v = s.current_view.view
        _say(f"Current View recorded on {long_date(v.recorded_on)} by {v.recorded_by} ({v.agency})")
    _list("Current View items", [f"{i.words}: {i.rating_words}" for i in s.items])
    _list(
        "Chronology entries",
        [f"{e.shown}, {e.agency_name}: {e.summary} ({e.link})" for e in s.entries],
    )
    _list("What this could not see", list(s.unseen))
    if s.chosen is not None:
        g = s.chosen.grouping
        _say(f"Chosen by {g.recorded_by or g.agency} on {long_date(g.recorded_on)}: {g.title}")
    _say(PROMPT, "italic")


def _list(heading: str, lines: list[str]) -> None:
    if not lines:
        return
    _say(f"{heading}:")
    for line in lines:
        _say(f"- {line}")


def _print_agreement(shown: dict[str, Any]) -> None:
    since = f" since {shown['since']}" if shown["since"] else ""
    _say(f"Suggested and chosen THRIVE groupings{since}", "bold")
    share = shown["share_agreed"]
    rate = f" ({share}%)" if share is not None else ""
    _say(
        f"Practitioners chose the grouping suggested in {shown['agreed']['shown']} of "
        f"{shown['total']['shown']} groupings{rate}."
    )
    for row in shown["by_suggested"]:
        if row["total"]["count"] == 0:
            continue
        agreed = row["share_agreed"]
        share = f", {agreed}% chose it" if agreed is not None else ""
        _say(f"Suggested {row['title']}: {row['total']['shown']} groupings{share}")
        chosen = [
            f"{GROUPINGS[code]} {cell['shown']}"
            for code, cell in row["chosen"].items()
            if cell["count"] != 0
        ]
        _say(f"  chosen: {'; '.join(chosen)}")
