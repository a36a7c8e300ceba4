"""True events: what really happened, and which agencies wrote it down.

A :class:`TrueEvent` is one real-world happening (a police call-out to a
domestic incident). Each agency that knew of it holds a :class:`Record`: the
police their incident, the school its Operation Encompass notification the
next school day, children's social care the referral it triggered. Records of
one true event share its id in ``ground_truth/events.csv``; rows of one
record (the mother as victim, the children present) share the agency's
``event_id``.

Histories are built as true events first and written as rows afterwards, so
the ground truth (who was there, what really happened) is never inferred back
from the noisy rows.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Concatenate, ParamSpec

from wholestory.synth.population import Household, SynthPerson
from wholestory.synth.wording import say


@dataclass(slots=True)
class Record:
    """One agency's record of a true event: a row per person taking part."""

    agency: str
    day: dt.date
    etype: str
    summary: str
    parts: list[tuple[SynthPerson, str]]  # (person, role)
    action: str = ""
    outcome: str = ""
    time: str = ""
    team: str = ""
    routine: bool = False  # may carry an imprecise date, or be picked as a bad row
    joins: Record | None = None  # another record of the same agency event (shares event_id)

    def people(self) -> frozenset[str]:
        """True ids of everyone in the record."""
        return frozenset(p.true_id for p, _ in self.parts)

    def with_role(self, role: str) -> frozenset[str]:
        """True ids of the people in ``role`` (VICTIM, SUSPECT...)."""
        return frozenset(p.true_id for p, r in self.parts if r == role)


@dataclass(slots=True)
class TrueEvent:
    """A real happening and every agency record of it."""

    ident: str
    records: list[Record] = field(default_factory=list)


_Args = ParamSpec("_Args")


def _known_to_one(
    make: Callable[Concatenate[Story, _Args], Record],
) -> Callable[Concatenate[Story, _Args], TrueEvent]:
    """Story.once from Story.record, so that the two take their arguments alike."""

    def once(story: Story, /, *args: _Args.args, **kwargs: _Args.kwargs) -> TrueEvent:
        """A true event known to one agency only (the common case)."""
        return story.add(make(story, *args, **kwargs))

    return once


class Story:
    """A household's true events, in the order the generator made them."""

    def __init__(self, household: Household, rng: random.Random) -> None:
        self.household = household
        self.rng = rng
        self.events: list[TrueEvent] = []

    def add(self, *records: Record) -> TrueEvent:
        """A new true event recorded by ``records`` (more may be attached later)."""
        event = TrueEvent(f"E{self.household.number:06d}-{len(self.events) + 1:04d}")
        event.records.extend(records)
        self.events.append(event)
        return event

    def record(
        self,
        agency: str,
        day: dt.date,
        etype: str,
        key: str,
        parts: list[tuple[SynthPerson, str]],
        *,
        summary: str | None = None,
        outcome: str | None = None,
        routine: bool = False,
        joins: Record | None = None,
        fill: dict[str, str] | None = None,
    ) -> Record:
        """A record with wording for ``key``; ``summary`` overrides the wording."""
        text, action, default_outcome = say(self.rng, key, **(fill or {}))
        return Record(
            agency=agency,
            day=day,
            etype=etype,
            summary=summary if summary is not None else text,
            parts=parts,
            action=action,
            outcome=default_outcome if outcome is None else outcome,
            routine=routine,
            joins=joins,
        )

    #: A true event known to one agency only (the common case): :meth:`record`'s
    #: arguments, its one record added as a new event.
    once = _known_to_one(record)
