"""``NEEDS_NOT_MET`` planted in some households, and its ground truth for every child (issue 14).

A plant adds no event: it records a need (a row of ``needs.csv`` with a record id of its
own) on a day chosen so that the contacts the household already has fall as the plant
needs them, and, for a near miss whose need was met, adds the words of meeting it to
those contacts' actions. Its choices come from a random stream of its own, seeded by
(seed, household number), so no other row of the partnership changes, and the linking
model built from it stands.

* **Planted** (about :data:`PLANTED_SHARE` of households): a child's own need
  (age 4 or over: an interpreter, BSL, easy read, large print, braille or an advocate),
  or the mother's (an interpreter, BSL, easy read or an advocate) at her child's
  contacts she took part in; recorded 31 to 90 days before the first contact after it,
  with three contacts after it within :data:`INSIDE` days where the household's
  contacts allow, else two, none of which says the need was met.
* **Near misses** (about :data:`NEAR_SHARE`): a child's own need one contact short (the
  next after it more than :data:`OUTSIDE` days after the need was recorded, or none); a
  child's or the mother's need that every contact it counts at within :data:`OUTSIDE`
  days says was met; or the mother's need, at none of whose children's contacts within
  :data:`OUTSIDE` days she took part.

Both keep clear of every reading of "within 12 months" (335 to 400 days) and of the
day the need was recorded (a date written as a month alone cannot cross it), and a
plant is kept only if every child's code is the same under every reading. Households
in which someone already has a checkable need (``needs_rows``) are left alone, so a
plant never depends on a need it did not place.

Every child of every household is then read for the code with the needs truly written
(:func:`patterns`): a planted child must raise it and a near miss must not, under every
reading; any other child who raises it is ``implied``. A need the household already had
is recorded on a day drawn at random, not placed, so its contacts may fall near the
window's edge: those children are read under the documented reading alone.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Final

from wholestory.synth.episodes import GroundTruthError
from wholestory.synth.events import Record, Story
from wholestory.synth.histories import Pattern
from wholestory.synth.needs_rows import LANGUAGES, TrueNeed, drawn, household_language
from wholestory.synth.needs_truth import CODE, CONTACTS, RUN, SIGNED, met_words
from wholestory.synth.population import Household, SynthPerson
from wholestory.synth.restricted import may_be_marked
from wholestory.synth.truth import ALTERNATIVES, CANONICAL, Chronicle, evaluate

#: Shares of households dealt a planted pattern and a near miss (where one fits).
PLANTED_SHARE: Final = 0.07
NEAR_SHARE: Final = 0.05
#: Planted contacts fall at most this many days after the need was recorded...
INSIDE: Final = 300
#: ...and a near miss's next contact more than this many.
OUTSIDE: Final = 445
#: A need is recorded this many days (from, to) before the first contact after it.
BEFORE: Final = (31, 90)
#: A child's own need, planted from this age.
OWN_FROM_AGE: Final = 4.0
_CHILD_NEEDS: Final = ("INTERPRETER", "BSL", "EASY_READ", "LARGE_PRINT", "BRAILLE", "ADVOCATE")
_MOTHER_NEEDS: Final = ("INTERPRETER", "INTERPRETER", "BSL", "EASY_READ", "ADVOCATE")
_DETAIL: Final[dict[str, str]] = {
    "EASY_READ": "Letters and plans in easy read",
    "LARGE_PRINT": "Letters in large print (16 point)",
    "BRAILLE": "Letters in braille",
    "ADVOCATE": "An advocate from the local advocacy service attends meetings",
}


@dataclass(frozen=True, slots=True)
class Contact:
    """A true event at which an agency met or spoke with the child: their records of it."""

    day: dt.date
    records: tuple[Record, ...]
    people: frozenset[str]


@dataclass(slots=True)
class NeedsPlan:
    """The needs a household is planted with, whom they are about, and what was reworded."""

    kind: str  # planted | near_miss
    needs: list[TrueNeed]
    notes: dict[str, str]  # child's true id -> the pattern's note
    reworded: list[tuple[Record, str]] = field(default_factory=list)  # record, action before

    def undo(self) -> None:
        """Put back the words a near miss added."""
        for record, before in self.reworded:
            record.action = before


def contacts_of(story: Story, child: SynthPerson) -> list[Contact]:
    """The child's contacts (each true event once), oldest first."""
    found = []
    for event in story.events:
        mine = [r for r in event.records if r.etype in CONTACTS and _in(child, r)]
        if mine:
            people = frozenset(p.true_id for r in mine for p, _ in r.parts)
            found.append(Contact(min(r.day for r in mine), tuple(mine), people))
    return sorted(found, key=lambda c: c.day)


_Build = Callable[[random.Random, Household, Story, SynthPerson], "NeedsPlan | None"]


def _in(person: SynthPerson, record: Record) -> bool:
    """Whether ``person`` has a row in ``record``."""
    return any(p is person for p, _ in record.parts)


def plan(seed: int, number: int, household: Household, story: Story) -> NeedsPlan | None:
    """The household's plant, or None; a near miss's words are already in its records."""
    rng = random.Random(f"unmet-needs:{seed}:{number}")
    roll = rng.random()
    if roll >= PLANTED_SHARE + NEAR_SHARE or _has_needs(household):
        return None
    builders: list[_Build] = (
        [_own, _mothers] if roll < PLANTED_SHARE else [_one_short, _met, _mother_away]
    )
    rng.shuffle(builders)
    for build in builders:
        for child in rng.sample(household.children, len(household.children)):
            made = build(rng, household, story, child)
            if made is None:
                continue
            if _stands(household, story, made):
                return made
            made.undo()
    return None


def _has_needs(household: Household) -> bool:
    """Whether anyone in the household may have a need a record can show (``needs_rows``)."""
    language = household_language(household)
    people = household.adults + household.children
    return any(need in SIGNED for p in people for need, _, _ in drawn(p, language))


def _own(rng: random.Random, hh: Household, story: Story, child: SynthPerson) -> NeedsPlan | None:
    """A child's own need, and two or more contacts after it that do not meet it."""
    found = _run(rng, contacts_of(story, child), lambda _: True)
    if found is None:
        return None
    recorded, first = found
    if child.age_at(recorded) < OWN_FROM_AGE:
        return None
    need = _need(rng, child, rng.choice(_CHILD_NEEDS), first, recorded, "U1")
    note = f"{need.need} recorded {recorded}; the next contacts do not meet it"
    return NeedsPlan("planted", [need], {child.true_id: note})


def _mothers(
    rng: random.Random, hh: Household, story: Story, child: SynthPerson
) -> NeedsPlan | None:
    """The mother's need, and two or more of her child's contacts she took part in after it."""
    mother = hh.mother
    found = _run(rng, contacts_of(story, child), lambda c: mother.true_id in c.people)
    if found is None:
        return None
    recorded, first = found
    need = _need(rng, mother, rng.choice(_MOTHER_NEEDS), first, recorded, "U1")
    note = f"the mother's {need.need} recorded {recorded}; her child's next contacts do not meet it"
    return NeedsPlan("planted", [need], {child.true_id: note})


def _run(
    rng: random.Random, contacts: Sequence[Contact], counts: Callable[[Contact], bool]
) -> tuple[dt.date, Contact] | None:
    """A day to record a need on, with two or more of ``contacts`` it counts at within
    :data:`INSIDE` days after it and none between it and a day before the first.

    Three where the contacts allow, so that one record lost to a bad row or a date
    written as a year alone still leaves two.
    """
    mine = [c for c in contacts if counts(c)]
    for wanted in (RUN + 1, RUN):
        starts = list(range(len(mine) - wanted + 1))
        rng.shuffle(starts)
        for i in starts:
            recorded = mine[i].day - dt.timedelta(days=rng.randint(*BEFORE))
            if i and mine[i - 1].day >= recorded:
                continue
            if (mine[i + wanted - 1].day - recorded).days <= INSIDE:
                return recorded, mine[i]
    return None


def _one_short(
    rng: random.Random, hh: Household, story: Story, child: SynthPerson
) -> NeedsPlan | None:
    """A child's own need with one contact after it, the next far outside the window."""
    mine = contacts_of(story, child)
    for i in rng.sample(range(len(mine)), len(mine)):
        recorded = mine[i].day - dt.timedelta(days=rng.randint(*BEFORE))
        earlier = i and mine[i - 1].day >= recorded
        later = i + 1 < len(mine) and (mine[i + 1].day - recorded).days <= OUTSIDE
        if earlier or later or child.age_at(recorded) < OWN_FROM_AGE:
            continue
        need = _need(rng, child, rng.choice(_CHILD_NEEDS), mine[i], recorded, "U1")
        note = f"{need.need} recorded {recorded}; one contact after it within a year"
        return NeedsPlan("near_miss", [need], {child.true_id: note})
    return None


def _met(rng: random.Random, hh: Household, story: Story, child: SynthPerson) -> NeedsPlan | None:
    """A need of the child's (aged 4 or over) or of the mother's, met at every contact it
    counts at within :data:`OUTSIDE` days: the records say so."""
    mother = hh.mother
    whose = rng.choice((child, mother))
    if whose is child:
        found = _run(rng, contacts_of(story, child), lambda _: True)
        if found is None or child.age_at(found[0]) < OWN_FROM_AGE:
            return None
    else:
        found = _run(rng, contacts_of(story, child), lambda c: mother.true_id in c.people)
        if found is None:
            return None
    recorded, first = found
    end = recorded + dt.timedelta(days=OUTSIDE)
    kids = [child] if whose is child else hh.children
    records = {
        id(r): r
        for kid in kids
        for c in contacts_of(story, kid)
        if recorded < c.day <= end and (whose is child or mother.true_id in c.people)
        for r in c.records
    }
    if any(may_be_marked(r) for r in records.values()):
        return None  # a confidential record's words are rewritten
    options = _CHILD_NEEDS if whose is child else _MOTHER_NEEDS
    need = _need(rng, whose, rng.choice(options), first, recorded, "U1")
    words = met_words(need.need, need.detail)
    whom = "" if whose is child else "the mother's "
    note = f"{whom}{need.need} met at each contact"
    made = NeedsPlan("near_miss", [need], {child.true_id: note})
    for r in records.values():
        made.reworded.append((r, r.action))
        r.action = f"{r.action.rstrip('.')}. {words}." if r.action else f"{words}."
    return made


def _mother_away(
    rng: random.Random, hh: Household, story: Story, child: SynthPerson
) -> NeedsPlan | None:
    """The mother's need, and her child's contacts after it, none of which she was at."""
    mother = hh.mother
    found = _run(rng, contacts_of(story, child), lambda _: True)
    if found is None:
        return None
    recorded = found[0]
    end = recorded + dt.timedelta(days=OUTSIDE)
    for kid in hh.children:
        theirs = contacts_of(story, kid)
        if any(recorded < c.day <= end and mother.true_id in c.people for c in theirs):
            return None
    hers = [r for e in story.events for r in e.records if _in(mother, r)]
    if not hers:
        return None
    need = _need(rng, mother, rng.choice(_MOTHER_NEEDS), hers[0], recorded, "U1")
    note = f"the mother's {need.need} recorded {recorded}; she took part in none of the contacts"
    return NeedsPlan("near_miss", [need], {child.true_id: note})


def _need(
    rng: random.Random,
    person: SynthPerson,
    need: str,
    at: Contact | Record,
    recorded: dt.date,
    tag: str,
) -> TrueNeed:
    """The need, recorded by the agency of ``at`` (the contact it comes before, or a record
    of the person): an agency holding the person, whose id the need's row carries."""
    records = at.records if isinstance(at, Contact) else (at,)
    agency = next(r.agency for r in records if _in(person, r))
    detail = rng.choice(LANGUAGES) if need == "INTERPRETER" else _DETAIL.get(need, "")
    record_id = f"NEED-{person.household_id}-{person.true_id}-{tag}"
    return TrueNeed(person, agency, record_id, need, detail, recorded)


def _stands(household: Household, story: Story, made: NeedsPlan) -> bool:
    """Whether every child's code is the same under every reading, and the plant as meant."""
    chronicle = Chronicle(story, household)
    for child in household.children:
        facts = chronicle.facts_for(child)
        raised = {CODE in evaluate(facts, child, r, made.needs) for r in (CANONICAL, *ALTERNATIVES)}
        if len(raised) != 1:
            return False
        if child.true_id in made.notes and raised != {made.kind == "planted"}:
            return False
    return True


def patterns(
    household: Household, story: Story, needs: Sequence[TrueNeed], made: NeedsPlan | None
) -> list[Pattern]:
    """The ``NEEDS_NOT_MET`` rows of ``patterns.csv`` for the household's children, read
    with every need written (the household's own and the plant's)."""
    if not any(n.need in SIGNED for n in needs):
        return []
    chronicle = Chronicle(story, household)
    found: list[Pattern] = []
    for child in household.children:
        facts = chronicle.facts_for(child)
        raised = CODE in evaluate(facts, child, CANONICAL, needs)
        note = made.notes.get(child.true_id) if made else None
        if made is not None and note is not None:
            every = {CODE in evaluate(facts, child, r, needs) for r in ALTERNATIVES} | {raised}
            if every != {made.kind == "planted"}:
                raise GroundTruthError(f"{household.ident}: {child.true_id}: {CODE} {note}")
            found.append(Pattern(child.true_id, CODE, made.kind, note))
        elif raised:
            whose = sorted({n.need for n in needs if n.need in SIGNED})
            found.append(
                Pattern(child.true_id, CODE, "implied", f"met by the needs recorded: {whose}")
            )
    return found


__all__ = ["NeedsPlan", "contacts_of", "patterns", "plan"]
