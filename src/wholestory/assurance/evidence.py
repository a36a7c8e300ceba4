"""Evidence drawn from a child's chronology, shown to a case file auditor as prompts with
links to the entries, never as grades (issue 15, item 3).

An auditor grades their agency's practice; WholeStory holds what their case file does
not: every agency's records of the child, and a log of who opened the child's history
before acting. :func:`prompts` turns both into questions: "start again" moments, high
flags with no plan, silences after a concern, needs not shown as met, missed appointments
and whether anyone followed them up, and whether each assessing agency opened the
chronology first. How each is read is :mod:`~wholestory.assurance.evidence_rules`; what a
prompt is, and where its links go, :mod:`~wholestory.assurance.evidence_story`.

A prompt says what the records show, in the records' own dates and words, and asks; it
never says whether the practice was good. The template
``pages/assurance/_evidence.html`` shows a list of them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from wholestory.assurance import evidence_rules as rules
from wholestory.assurance.children import NotBuiltError
from wholestory.assurance.evidence_story import Cited, Prompt, Story
from wholestory.assurance.evidence_words import TITLES
from wholestory.chronology.stored import stored_chronology
from wholestory.store import Store

__all__ = ["KINDS", "Cited", "NotBuiltError", "Prompt", "prompts"]

#: Every kind of prompt, in the order an auditor reads them.
KINDS: tuple[str, ...] = tuple(TITLES)


def prompts(
    store: Store,
    person: str,
    agency: str | None = None,
    as_of: dt.date | None = None,
    *,
    story: Mapping[str, Any] | None = None,
) -> list[Prompt]:
    """The evidence prompts for one child (``person``, a WholeStory id).

    ``agency`` is the auditor's: prompts about that agency's practice come first, the
    others after (None: in kind order alone). ``as_of`` reads the records as they stood on
    that day (by default, the day the chronology runs to). ``story`` is the chronology as
    the auditor may see it (``web/pages/stories.load(...).data``), so that prompts quote
    and link only what they see; by default the whole stored chronology, for a caller
    that has already decided its reader may see all of it. :class:`NotBuiltError` if the
    child's chronology has not been built.
    """
    data = story if story is not None else stored_chronology(store, person)
    if data is None:
        raise NotBuiltError(f"the chronology of {person} has not been built")
    read = Story(person, data, as_of)
    found = [
        *rules.start_again(read),
        *rules.flags_with_no_plan(store, read),
        *rules.silences(read),
        *rules.needs_not_met(read),
        *rules.missed_appointments(read),
        *rules.history_read(store, read),
    ]
    return ordered(found, agency)


def ordered(found: Sequence[Prompt], agency: str | None = None) -> list[Prompt]:
    """Prompts about ``agency``'s practice first; then by kind, in :data:`KINDS` order, and
    by day, oldest first."""
    mine = (agency or "").upper()

    def key(p: Prompt) -> tuple[bool, int, dt.date]:
        others = bool(mine) and mine not in {a.upper() for a in p.agencies}
        return others, KINDS.index(p.kind), p.day

    return sorted(found, key=key)
