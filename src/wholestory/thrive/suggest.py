"""A suggested THRIVE grouping for one child, with its reasons and evidence: decision
support, not a decision (issue 16, item 3).

There is no official mapping from the Current View to a grouping
(``../shared/spec/thrive.md``). WholeStory suggests one by a small, readable rule set
(:mod:`~wholestory.thrive.suggest_rules`, ``default_rules.yaml``, or a partnership's own
file) from what it knows of the child on the day: the newest Current View recorded by
then, and the child's chronology and its flags as they stood. The suggestion is shown
beside the practitioner's choice as a prompt for the decision they share with the child
and family. It carries the rule that matched in its own words, each condition met in
words, the Current View items and chronology entries it rests on (each entry linked to
its row on the chronology page, as the audit's evidence prompts link them), and what it
could not see: with no Current View it says so and suggests from the chronology alone.

The chronology is the stored one (``chronology.stored``), read as the audit's evidence
prompts read it (:class:`~wholestory.assurance.evidence_story.Story`); a child whose
chronology has not been built yet has it built now.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Final

from wholestory.assurance.evidence_story import Cited, Story
from wholestory.chronology.model import long_date
from wholestory.chronology.stored import chronology_of, stored_chronology
from wholestory.chronology.view import View
from wholestory.store import Store
from wholestory.thrive.records import KeptCurrentView, KeptGrouping, current_views_of, groupings_of
from wholestory.thrive.rule_conditions import Facts, Finding, RatedItem
from wholestory.thrive.suggest_rules import RuleSet, load_rules
from wholestory.thrive.vocabulary import GROUPINGS, PROBLEMS

#: What every suggestion says it is.
PROMPT: Final = (
    "This is a prompt for the decision you make with the child and their family, never a "
    "verdict. There is no official way to work out a grouping: these are WholeStory's own "
    "rules, which the partnership reviews."
)
NO_RULE: Final = "No rule was met, so no grouping is suggested."


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A suggested grouping for one child on one day, and why."""

    person: str
    as_of: dt.date
    grouping: str | None  # a code of vocabulary.GROUPINGS; None when no rule was met
    rule: str  # the words of the rule that matched
    rule_number: int | None  # its place in the rule file, from 1
    reasons: tuple[str, ...]  # each condition met, in words
    items: tuple[RatedItem, ...]  # the Current View items the reasons rest on
    entries: tuple[Cited, ...]  # the chronology entries they rest on
    unseen: tuple[str, ...]  # what the suggestion could not see
    current_view: KeptCurrentView | None  # the Current View read, if any
    chosen: KeptGrouping | None  # the practitioner's newest grouping by the day, if any
    rules_name: str

    @property
    def title(self) -> str:
        return GROUPINGS[self.grouping] if self.grouping else ""

    def as_dict(self) -> dict[str, Any]:
        view = self.current_view
        return {
            "person": self.person,
            "as_of": self.as_of.isoformat(),
            "grouping": self.grouping,
            "title": self.title or None,
            "rule": self.rule,
            "rule_number": self.rule_number,
            "rules": self.rules_name,
            "reasons": list(self.reasons),
            "current_view": None if view is None else _view_heading(view),
            "items": [i.as_dict() for i in self.items],
            "entries": [e.as_dict() for e in self.entries],
            "unseen": list(self.unseen),
            "chosen": None if self.chosen is None else self.chosen.as_dict(),
            "prompt": PROMPT,
        }


def suggest(
    store: Store, person: str, as_of: dt.date | None = None, rules: RuleSet | None = None
) -> Suggestion:
    """The suggested grouping for ``person`` (a WholeStory id, or an unlinked
    ``AGENCY:PERSON_ID``) on ``as_of``, by ``rules`` (by default
    :func:`~wholestory.thrive.suggest_rules.load_rules`: the partnership's own file, if it
    names one, else WholeStory's). :class:`~wholestory.thrive.suggest_rules.RulesError` if
    the partnership's rule file cannot be used.

    ``as_of`` reads the Current View, the groupings and the chronology as they stood that
    day, and counts the months up to it. By default: the newest Current View and grouping
    whenever recorded, and the chronology to the day its records run to (a store loaded a
    month ago counts its months back from then, as every chronology is read)."""
    ruleset = rules or load_rules()
    story = _story(store, person, as_of)
    day = as_of or story.as_of
    views = current_views_of(store, [person])
    view = next((v for v in views if as_of is None or v.view.recorded_on <= as_of), None)
    facts = Facts(
        view=None if view is None else view.view,
        chronology=View(story.entries, None, day),
        flags=tuple(story.flags),
        as_of=day,
    )
    groupings = groupings_of(store, [person])
    chosen = next((g for g in groupings if as_of is None or g.grouping.recorded_on <= as_of), None)
    for number, rule in enumerate(ruleset.rules, start=1):
        found = rule.when.check(facts)
        if found.met:
            matched = (number, rule.grouping, rule.words)
            return _suggested(story, (day, as_of), view, chosen, ruleset, matched, found)
    nothing = (None, None, NO_RULE)
    return _suggested(story, (day, as_of), view, chosen, ruleset, nothing, Finding(False, ()))


def _story(store: Store, person: str, day: dt.date | None) -> Story:
    """The child's chronology up to ``day`` (None: all of it), the stored one, or built now
    if it is not."""
    data = stored_chronology(store, person)
    if data is None:
        data = chronology_of(store, person).as_dict()
    return Story(person, data, day)


def _suggested(
    story: Story,
    days: tuple[dt.date, dt.date | None],
    view: KeptCurrentView | None,
    chosen: KeptGrouping | None,
    ruleset: RuleSet,
    rule: tuple[int | None, str | None, str],
    found: Finding,
) -> Suggestion:
    number, grouping, words = rule
    day, asked = days
    return Suggestion(
        person=story.person,
        as_of=day,
        grouping=grouping,
        rule=words,
        rule_number=number,
        reasons=found.words,
        items=found.items,
        entries=story.cite(list(found.entries)),
        unseen=unseen(story, asked, view),
        current_view=view,
        chosen=chosen,
        rules_name=ruleset.name,
    )


def unseen(story: Story, asked: dt.date | None, view: KeptCurrentView | None) -> tuple[str, ...]:
    """What a suggestion could not see, in words: no Current View (by the day ``asked``,
    if one was; so the
    chronology alone was read), problems rated Not known, and a chronology with nothing
    in it."""
    found = []
    if view is None:
        found.append(
            f"No Current View is recorded for this child{_by(asked)}, so this "
            "is suggested from the chronology alone. Record one to suggest from the child's needs."
        )
    else:
        unknown = view.view.rated("not_known")
        if unknown:
            found.append(
                f"{len(unknown)} of the {len(PROBLEMS)} problems on the Current View are rated "
                "Not known: they count as no problem."
            )
    if not story.entries:
        found.append(f"The chronology holds no records of this child{_by(asked)}.")
    return tuple(found)


def _by(day: dt.date | None) -> str:
    return f" by {long_date(day)}" if day else ""


def _view_heading(kept: KeptCurrentView) -> dict[str, Any]:
    v = kept.view
    return {"record_id": kept.record_id, "recorded_on": v.recorded_on.isoformat(),
            "recorded_by": v.recorded_by, "agency": v.agency}  # fmt: skip
