"""Measuring the indicators against a synthetic partnership's planted patterns.

The synthetic generator writes, for every child, the indicator codes its
true history raises (``ground_truth/patterns.csv``: planted, implied, or a
near miss that must not fire). Here the store's flags, raised on the linked
and noisy records, are compared child by child. A child is the WholeStory
person holding most of the child's agency records, so linking errors count
against the indicators, as they would in use.
"""

from __future__ import annotations

import csv
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wholestory.chronology.indicators import INDICATORS
from wholestory.records.keys import source_key
from wholestory.store.connection import Store


@dataclass(slots=True)
class CodeScore:
    """Counts for one code: true and false positives, false negatives, near misses raised."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    near_miss_raised: int = 0
    near_misses: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


@dataclass(slots=True)
class IndicatorScores:
    """Per-code scores over every child of a partnership, and the misses for inspection."""

    children: int
    codes: dict[str, CodeScore]
    misses: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "children": self.children,
            "seconds": round(self.seconds, 2),
            "codes": {
                code: {
                    "precision": round(s.precision, 4),
                    "recall": round(s.recall, 4),
                    "true_positives": s.tp,
                    "false_positives": s.fp,
                    "false_negatives": s.fn,
                    "near_misses": s.near_misses,
                    "near_misses_raised": s.near_miss_raised,
                }
                for code, s in self.codes.items()
            },
            "misses": self.misses[:100],
        }


def truth_of(
    folder: Path,
) -> tuple[dict[str, str], set[str], dict[str, set[str]], dict[str, set[str]]]:
    """(source key → true id, children, expected codes, near-miss codes) from ground truth."""
    truth = folder / "ground_truth"
    owner = {
        source_key(r["agency"], r["person_id"]): r["true_id"] for r in _rows(truth / "people.csv")
    }
    children = {r["true_id"] for r in _rows(truth / "persons.csv") if r["kind"] == "child"}
    expected: dict[str, set[str]] = defaultdict(set)
    near: dict[str, set[str]] = defaultdict(set)
    for r in _rows(truth / "patterns.csv"):
        (near if r["kind"] == "near_miss" else expected)[r["true_id"]].add(r["code"])
    return owner, children, dict(expected), dict(near)


def people_of_children(
    keys_of_person: Mapping[str, Iterable[str]], owner: Mapping[str, str], children: set[str]
) -> dict[str, str]:
    """Each true child's WholeStory person: the one holding most of the child's agency
    person keys (``owner``: key to true id), so that linking errors count against what is
    measured on people, as they would in use."""
    person_of_child: dict[str, str] = {}
    best: dict[str, int] = {}
    for person, keys in keys_of_person.items():
        counts = Counter(owner[k] for k in keys if k in owner)
        for child, n in counts.items():
            if child in children and n > best.get(child, 0):
                best[child], person_of_child[child] = n, person
    return person_of_child


def score(
    folder: Path,
    keys_of_person: Mapping[str, Iterable[str]],
    flags_of_person: Mapping[str, set[str]],
) -> IndicatorScores:
    """Per-code precision and recall of the flags against the planted patterns."""
    owner, children, expected, near = truth_of(folder)
    person_of_child = people_of_children(keys_of_person, owner, children)
    codes = {code: CodeScore() for code in INDICATORS}
    result = IndicatorScores(len(children), codes)
    for child in sorted(children):
        raised = flags_of_person.get(person_of_child.get(child, ""), set())
        want = expected.get(child, set())
        for code, s in codes.items():
            hit, wanted = code in raised, code in want
            s.tp += hit and wanted
            s.fp += hit and not wanted
            s.fn += wanted and not hit
            if code in near.get(child, set()):
                s.near_misses += 1
                s.near_miss_raised += hit
            if hit != wanted:
                result.misses.append(
                    {
                        "child": child,
                        "person": person_of_child.get(child),
                        "code": code,
                        "kind": "false positive" if hit else "false negative",
                    }
                )
    return result


def stored_flags(store: Store) -> tuple[dict[str, list[str]], dict[str, set[str]]]:
    """(person → source keys, person → flag codes) from the store's built chronologies."""
    keys: dict[str, list[str]] = defaultdict(list)
    for key, person in store.query("SELECT key, ws_person_id FROM ws_source_person"):
        keys[str(person or key)].append(str(key))
    flags: dict[str, set[str]] = defaultdict(set)
    for person, code in store.query("SELECT ws_person_id, code FROM ws_flag"):
        flags[str(person)].add(str(code))
    return dict(keys), dict(flags)


def evaluate_store(store: Store, folder: Path) -> IndicatorScores:
    """Score the flags already built in ``store`` (holding ``folder``'s partnership)."""
    keys, flags = stored_flags(store)
    return score(folder, keys, flags)


def evaluate_folder(store: Store, folder: Path) -> IndicatorScores:
    """Import, link and build a synthetic partnership in an empty ``store``, then score it."""
    from wholestory.chronology.stored import build_all
    from wholestory.identity import LinkThresholds, link_all
    from wholestory.ingest import ingest_paths

    started = time.perf_counter()
    result = ingest_paths(store, [folder])
    if result.failed:
        raise ValueError(f"{result.failed[0].file}: {result.failed[0].error}")
    link_all(store, retrain=True, thresholds=LinkThresholds.from_environment())
    build_all(store)
    scores = evaluate_store(store, folder)
    scores.seconds = time.perf_counter() - started
    return scores


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))
