"""Making a whole partnership: households one after another, written as they are made.

Each household has its own random stream, seeded by (seed, household number),
and everything about it (people, story, rows) is written before the next is
begun. So output is a pure function of (children, seed), and memory does not
grow with the number of children.
"""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Final

from wholestory.synth import (
    current,
    marac_truth,
    measures_truth,
    thrive,
    thrive_truth,
    unmet_needs,
    views,
)
from wholestory.synth.alert_truth import alert_rows
from wholestory.synth.design import Design
from wholestory.synth.episodes import Ctx, GroundTruthError
from wholestory.synth.events import Story
from wholestory.synth.feed import ALERTS_FILE
from wholestory.synth.histories import Deck, Pattern, new_story, resolve
from wholestory.synth.identifiers import NhsNumbers, Upns
from wholestory.synth.needs_rows import TrueNeed, write_needs
from wholestory.synth.options import Options
from wholestory.synth.places import World
from wholestory.synth.population import Household, Population, Spec, SynthPerson, household_size
from wholestory.synth.recording import Recorder, Registry
from wholestory.synth.scenarios import Scenario
from wholestory.synth.truth import Chronicle
from wholestory.synth.writer import PartnershipWriter

_PROGRESS_EVERY: Final = 1_000
#: Every this many households (from the NAMESAKE_FIRST-th), an ordinary family's oldest
#: child shares the name and birth date of a child of an unrelated household made a
#: while before: two different Olivia Smiths born the same day.
NAMESAKE_EVERY: Final = 250
NAMESAKE_FIRST: Final = 60


@dataclass(slots=True)
class Tally:
    """Running counts for the summary and the manifest."""

    children: int = 0
    households: int = 0
    people: int = 0
    patterns: dict[str, int] = field(default_factory=dict)
    open_plans: dict[str, int] = field(default_factory=dict)  # plan kind -> children on one
    alerts: dict[str, int] = field(default_factory=dict)  # rule -> alerts the feed must raise
    measures: measures_truth.Tally = field(default_factory=measures_truth.Tally)


class Partnership:
    """The generator's state across households: ids, the deck, the output files."""

    def __init__(
        self, seed: int, world: World, writer: PartnershipWriter, options: Options | None = None
    ) -> None:
        self.seed = seed
        self.writer = writer
        self.options = options or Options()
        self.population = Population(world, NhsNumbers(seed), Upns())
        self.recorder = Recorder(Registry(seed), writer, world, self.options)
        self.deck = Deck(seed)
        self.tally = Tally()
        self._firstborns: deque[SynthPerson] = deque(maxlen=40)

    def make(self, children: int, progress: Callable[[int], None] | None) -> Tally:
        """Make households until there are ``children`` children."""
        tally = self.tally
        while tally.children < children:
            before = tally.children
            self.household(children - before)
            if progress and (
                tally.children // _PROGRESS_EVERY > before // _PROGRESS_EVERY
                or tally.children == children
            ):
                progress(tally.children)
        return tally

    def household(self, room: int) -> None:
        """One household, from its deal of the deck to its last ground-truth row."""
        tally = self.tally
        tally.households += 1
        number = tally.households
        rng = random.Random(f"household:{self.seed}:{number}")
        scenario, spec = self._plan(number)
        size = min(max(household_size(rng), spec.children[0]), spec.children[1], room)
        if size < spec.children[0]:  # the last household is too small for its story
            scenario, spec = None, Spec()
        household = self.population.household(rng, number, size, spec)
        story, design = new_story(rng, household, self.population, scenario)
        patterns = resolve(household, story, design)
        self._open_plan(number, household, story, design, patterns, scenario is not None)
        self._patterns(patterns)
        for truth in marac_truth.rows(story):
            self.writer.write(marac_truth.TRUTH_FILE, truth)
        habits = random.Random(f"habits:{self.seed}:{number}")
        marks = random.Random(f"restricted:{self.seed}:{number}")
        needs_plan = unmet_needs.plan(self.seed, number, household, story)
        ids = self.recorder.write(household, story, rng, habits, marks)
        needs = write_needs(self.writer, household, ids, needs_plan.needs if needs_plan else ())
        self._patterns(unmet_needs.patterns(household, story, needs, needs_plan))
        self._alerts(household, story, needs)
        self._practice(number, household, story)
        self._thrive(number, household)
        self.writer.written.clear()
        if not all(child.seen for child in household.children):
            raise GroundTruthError(f"{household.ident}: a child has no record in any agency")
        tally.people += sum(1 for p in household.adults + household.children if p.seen)
        tally.children += len(household.children)
        if scenario is None and spec.namesake is None:
            self._firstborns.append(household.children[0])

    def _alerts(self, household: Household, story: Story, needs: Sequence[TrueNeed]) -> None:
        """With a feed, the alerts its records must raise for the household's children."""
        start, writer = self.writer.feed_from, self.writer
        if start is None:
            return
        for row in alert_rows(household, story, writer.written, start, needs):
            writer.write(ALERTS_FILE, row)
            self.tally.alerts[row[0]] = self.tally.alerts.get(row[0], 0) + 1

    def _practice(self, number: int, household: Household, story: Story) -> None:
        """Looks at the children's chronologies around their assessments, planted on a
        stream of the household's own, and the practice measures' cases (ground truth)."""
        rng = random.Random(f"views:{self.seed}:{number}")
        children = {c.true_id for c in household.children}
        looks = views.plant(rng, self.writer.written, children)
        for look in looks:
            self.writer.write(views.VIEWS_FILE, look.row())
            self.writer.write(views.TRUTH_FILE, look.truth())
        chronicle = Chronicle(story, household)
        for case in measures_truth.cases(household, chronicle, self.writer.written, looks):
            self.writer.write(measures_truth.CASES_FILE, case.row())
            self.tally.measures.add(case)

    def _thrive(self, number: int, household: Household) -> None:
        """THRIVE's Current Views and groupings for the household's children, on a stream
        of their own, and their ground truth (:mod:`wholestory.synth.thrive`)."""
        children = [(c.true_id, c.dob) for c in household.children]
        stories, unmet, waits = thrive.plant(self.seed, number, self.writer.written, children)
        for story in stories:
            self.writer.write(thrive.CURRENT_VIEW_FILE, story.view)
            self.writer.write(thrive.THRIVE_FILE, story.grouping)
            self.writer.write(thrive.GROUPINGS_FILE, story.truth)
        for row in unmet:
            self.writer.write(thrive_truth.UNMET_FILE, row)
        for row in waits:
            self.writer.write(thrive_truth.WAITS_FILE, row)

    def _patterns(self, patterns: list[Pattern]) -> None:
        """Rows of ``ground_truth/patterns.csv``, counted for the summary."""
        for pattern in patterns:
            row = (pattern.true_id, pattern.code, pattern.kind, pattern.note)
            self.writer.write("ground_truth/patterns.csv", row)
            key = f"{pattern.kind}:{pattern.code}"
            self.tally.patterns[key] = self.tally.patterns.get(key, 0) + 1

    def _open_plan(
        self,
        number: int,
        household: Household,
        story: Story,
        design: Design,
        patterns: list[Pattern],
        scenario: bool,
    ) -> None:
        """Now and then a plan still open on AS_OF, kept only if the ground truth stands.

        Its choices come from a random stream of its own, so that households
        without one (and every household, with ``open_casework`` 0) are told
        exactly as they would be without this step.
        """
        rng = random.Random(f"open:{self.seed}:{number}")
        kind = current.pick(rng, scenario, self.options.open_casework)
        if kind is None:
            return
        told_with, story.rng = story.rng, rng
        try:
            ctx = Ctx(rng, household, story, self.population, design)
            opened = current.open_plan(ctx, kind)
        finally:
            story.rng = told_with
        if opened is None:
            return
        try:
            unchanged = resolve(household, story, design) == patterns
        except GroundTruthError:
            unchanged = False
        if not unchanged:
            current.undo(story, opened)
            return
        label = current.KINDS[kind]
        self.tally.open_plans[label] = self.tally.open_plans.get(label, 0) + len(opened.children)

    def _plan(self, number: int) -> tuple[Scenario | None, Spec]:
        """The household's scenario (if dealt one) and the shape it needs."""
        scenario = self.deck.card(number)
        if scenario is not None:
            return scenario, scenario.spec
        if number % NAMESAKE_EVERY == NAMESAKE_FIRST and self._firstborns:
            return None, Spec(children=(1, 3), namesake=self._firstborns[0])
        return None, Spec()
