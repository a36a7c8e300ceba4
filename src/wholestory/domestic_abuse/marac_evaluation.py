"""How well the Marac referral list finds the victims a synthetic partnership planted.

The generator writes ``ground_truth/marac_candidates.csv`` (victim's true id and
criterion) from its true events, and ``ground_truth/people.csv`` (each agency id's
true person). The product's candidates are WholeStory people; each is mapped to the
true person most of its agency ids belong to, so linking mistakes count against the
list, as they would in use. Precision and recall are over (victim, criterion) pairs.
"""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from wholestory.domestic_abuse.marac import Candidate
from wholestory.records.keys import source_key
from wholestory.store.connection import Store


@dataclass(frozen=True, slots=True)
class Scores:
    """The list against the ground truth: counts, and the pairs each side missed."""

    true_positives: int
    false_positives: tuple[tuple[str, str], ...]
    false_negatives: tuple[tuple[str, str], ...]

    @property
    def precision(self) -> float:
        found = self.true_positives + len(self.false_positives)
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        planted = self.true_positives + len(self.false_negatives)
        return self.true_positives / planted if planted else 1.0


def planted(folder: Path) -> set[tuple[str, str]]:
    """(true id, criterion) for every candidate the generator planted."""
    with (folder / "ground_truth" / "marac_candidates.csv").open(encoding="utf-8") as handle:
        return {(row["true_id"], row["criterion"]) for row in csv.DictReader(handle)}


def true_people(store: Store, folder: Path) -> dict[str, str]:
    """Each WholeStory person (or unlinked key) as the true person most of its ids are."""
    with (folder / "ground_truth" / "people.csv").open(encoding="utf-8") as handle:
        truth = {
            source_key(r["agency"], r["person_id"]): r["true_id"] for r in csv.DictReader(handle)
        }
    votes: dict[str, Counter[str]] = {}
    for key, person in store.query("SELECT key, ws_person_id FROM ws_source_person"):
        if str(key) in truth:
            votes.setdefault(str(person or key), Counter())[truth[str(key)]] += 1
    return {person: counts.most_common(1)[0][0] for person, counts in votes.items()}


def evaluate(store: Store, folder: Path, found: list[Candidate]) -> Scores:
    """The candidates ``found`` in ``store`` scored against ``folder``'s ground truth."""
    who = true_people(store, folder)
    listed = {(who.get(c.victim, c.victim), c.criterion) for c in found}
    expected = planted(folder)
    return Scores(
        len(listed & expected),
        tuple(sorted(listed - expected)),
        tuple(sorted(expected - listed)),
    )
