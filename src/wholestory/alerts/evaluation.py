"""Measuring the alerts a feed raised against a synthetic partnership's ground truth.

A generator that holds its last days back as a feed (``wholestory synth --feed-days``,
:mod:`wholestory.synth.feed`) writes ``ground_truth/alerts.csv``: every alert that feed
must raise, worked out from the true events (:mod:`wholestory.synth.alert_truth`). Here
the alerts a feed run raised are compared with it, rule by rule. An alert names a
WholeStory person; the true child is the one that person holds most of
(:func:`wholestory.chronology.evaluation.people_of_children`), so linking errors count
against the alerts, as they would in use.

A truth may judge only some rules, or some children for a rule (the cross-check cannot
say who has a high-severity flag): ``ground_truth/alerts_judged.csv`` then names them,
and alerts about anyone else are left out, neither right nor wrong.

Each rule is compared on what it promises: a new involvement by (child, agency), since
one alert stands for all of an agency's first records; something new by (child,
record), one alert per record; a new flag by (child, code).

:func:`measure_folder` does the whole run on an empty store: import the base folder,
link and build it as a partnership's first load would, then run ``feed/`` as a feed.
"""

from __future__ import annotations

import csv
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, Protocol

from wholestory.chronology.evaluation import people_of_children, stored_flags
from wholestory.records.keys import source_key
from wholestory.store.connection import Store

RULES: Final = ("NEW_INVOLVEMENT", "SOMETHING_NEW", "NEW_FLAG")
TRUTH_FILE: Final = "ground_truth/alerts.csv"
#: Which (rule, child) a truth judges, when it does not judge them all (``*``: every child).
JUDGED_FILE: Final = "ground_truth/alerts_judged.csv"
#: The feed's folder inside a partnership's (both generators write it so).
FEED_FOLDER: Final = "feed"
#: A WholeStory person who is no true child's: their alerts are about no one expected.
NO_CHILD: Final = "(no child)"
#: The causes of a miss (see :class:`RuleScore`).
LINKING, RULE = "linking", "rule"


class AlertLike(Protocol):
    """What is compared of an alert (``wholestory.alerts.rules.Alert``)."""

    @property
    def rule(self) -> str: ...
    @property
    def person(self) -> str: ...
    @property
    def agency(self) -> str: ...
    @property
    def record(self) -> str: ...
    @property
    def code(self) -> str: ...


@dataclass(slots=True)
class RuleScore:
    """One rule's counts, and what it missed or raised wrongly (for inspection).

    Each miss says its ``cause``: ``linking`` when the child's records are not all on one
    WholeStory person, or that person holds someone else's too (the rule read the people
    as linked, and they were wrong); ``rule`` otherwise. :attr:`precision` and
    :attr:`recall` count every miss, as a user would meet them; :attr:`rule_precision`
    and :attr:`rule_recall` leave out the ones linking explains.
    """

    expected: int = 0
    raised: int = 0
    hits: int = 0
    missed: list[dict[str, str]] = field(default_factory=list)  # false negatives
    wrong: list[dict[str, str]] = field(default_factory=list)  # false positives

    @property
    def precision(self) -> float:
        return self.hits / self.raised if self.raised else 1.0

    @property
    def recall(self) -> float:
        return self.hits / self.expected if self.expected else 1.0

    @property
    def rule_precision(self) -> float:
        raised = self.raised - _linking(self.wrong)
        return self.hits / raised if raised else 1.0

    @property
    def rule_recall(self) -> float:
        expected = self.expected - _linking(self.missed)
        return self.hits / expected if expected else 1.0


def _linking(misses: Sequence[Mapping[str, str]]) -> int:
    return sum(1 for m in misses if m["cause"] == LINKING)


@dataclass(slots=True)
class AlertScores:
    """Every rule's score for one feed, and how long the feed took."""

    rules: dict[str, RuleScore]
    feed_rows: int = 0
    seconds: dict[str, float] = field(default_factory=dict)

    def perfect(self, *, given_linking: bool = False) -> bool:
        """Precision and recall 1.0 for every rule (leaving out what linking explains)."""
        if given_linking:
            return all(s.rule_precision == s.rule_recall == 1.0 for s in self.rules.values())
        return all(s.precision == s.recall == 1.0 for s in self.rules.values())

    def as_dict(self, misses: int = 50) -> dict[str, Any]:
        return {
            "feed_rows": self.feed_rows,
            "seconds": {k: round(v, 2) for k, v in self.seconds.items()},
            "rules": {
                rule: {
                    "expected": s.expected,
                    "raised": s.raised,
                    "precision": round(s.precision, 4),
                    "recall": round(s.recall, 4),
                    "rule_precision": round(s.rule_precision, 4),
                    "rule_recall": round(s.rule_recall, 4),
                    "missed": s.missed[:misses],
                    "wrong": s.wrong[:misses],
                }
                for rule, s in self.rules.items()
            },
        }


@dataclass(frozen=True, slots=True)
class Truth:
    """A partnership's ground truth as the comparison needs it."""

    owner: dict[str, str]  # AGENCY:PERSON_ID -> true id
    children: set[str]
    alerts: list[dict[str, str]]  # ground_truth/alerts.csv
    judged: dict[str, set[str]] | None = None  # rule -> children judged ("*": all); None: all

    def judges(self, rule: str, child: str) -> bool:
        """Whether the truth says what ``rule`` must raise for ``child``."""
        if self.judged is None:
            return True
        chosen = self.judged.get(rule, set())
        return "*" in chosen or child in chosen


def read_truth(folder: Path) -> Truth:
    """Who is who, which true people are children, and the alerts the feed must raise."""
    truth = folder / "ground_truth"
    owner = {
        source_key(r["agency"], r["person_id"]): r["true_id"] for r in _rows(truth / "people.csv")
    }
    children = {r["true_id"] for r in _rows(truth / "persons.csv") if r["kind"] == "child"}
    judged: dict[str, set[str]] | None = None
    if (folder / JUDGED_FILE).is_file():
        judged = defaultdict(set)
        for r in _rows(folder / JUDGED_FILE):
            judged[r["rule"]].add(r["child"])
    return Truth(owner, children, _rows(folder / TRUTH_FILE), judged)


def compared(rule: str, child: str, agency: str, record: str, code: str) -> tuple[str, str]:
    """What of an alert is compared, after the child: the rule's promise (module note)."""
    if rule == "NEW_INVOLVEMENT":
        return (child, agency)
    if rule == "SOMETHING_NEW":
        return (child, record)
    return (child, code)


def score(
    truth: Truth, keys_of_person: Mapping[str, Iterable[str]], alerts: Sequence[AlertLike]
) -> AlertScores:
    """Each rule's precision and recall, the alerts raised against those expected."""
    person_of_child = people_of_children(keys_of_person, truth.owner, truth.children)
    child_of: dict[str, list[str]] = defaultdict(list)
    for child, person in sorted(person_of_child.items()):
        child_of[person].append(child)
    for person, keys in keys_of_person.items():  # a child's part linking left apart
        if person not in child_of:
            parts = {truth.owner.get(key, "") for key in keys} & truth.children
            child_of.update({person: sorted(parts)} if parts else {})
    expected: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for r in truth.alerts:
        rule = r["rule"]
        expected[rule].add(compared(rule, r["child"], r["agency"], r["record"], r["code"]))
    raised: dict[str, dict[tuple[str, str], str]] = defaultdict(dict)
    for a in alerts:
        for child in child_of.get(a.person, [NO_CHILD]):
            if truth.judges(a.rule, child):
                raised[a.rule][compared(a.rule, child, a.agency, a.record, a.code)] = a.person
    split = _not_whole(keys_of_person, truth.owner, person_of_child)
    scores = AlertScores({rule: RuleScore() for rule in sorted({*RULES, *expected, *raised})})
    if truth.judged is not None:
        scores.rules = {r: s for r, s in scores.rules.items() if r in truth.judged}
    for rule, s in scores.rules.items():
        want, got = expected[rule], raised[rule]
        s.expected, s.raised, s.hits = len(want), len(got), len(want & got.keys())
        s.missed = [
            _miss(c, w, person_of_child.get(c, ""), split) for c, w in sorted(want - got.keys())
        ]
        s.wrong = [_miss(c, w, got[(c, w)], split) for c, w in sorted(got.keys() - want)]
    return scores


def _miss(child: str, what: str, person: str, split: set[str]) -> dict[str, str]:
    cause = LINKING if child in split or not person else RULE
    return {"child": child, "what": what, "person": person, "cause": cause}


def _not_whole(
    keys_of_person: Mapping[str, Iterable[str]],
    owner: Mapping[str, str],
    person_of_child: Mapping[str, str],
) -> set[str]:
    """The children linking did not make whole: some of their agency people are on
    another WholeStory person, or their person holds another true person's too."""
    person_of_key = {key: person for person, keys in keys_of_person.items() for key in keys}
    split = {
        owner[key]
        for key, person in person_of_key.items()
        if key in owner and owner[key] in person_of_child and person_of_child[owner[key]] != person
    }
    for child, person in person_of_child.items():
        if any(owner.get(key, child) != child for key in keys_of_person.get(person, ())):
            split.add(child)
    return split


def score_store(store: Store, folder: Path, alerts: Sequence[AlertLike]) -> AlertScores:
    """Score ``alerts`` against ``folder``'s truth, people as ``store`` now links them."""
    keys, _ = stored_flags(store)
    return score(read_truth(folder), keys, alerts)


def measure_folder(
    store: Store, folder: Path, before_feed: Callable[[Store], None] | None = None
) -> AlertScores:
    """Load ``folder``'s base into an empty ``store``, run its ``feed/``, score the alerts.

    The base goes in as a partnership's first load (import, link with the shipped model,
    build every chronology); the feed then runs as the daily feed does
    (:func:`wholestory.feed.run_feed`). The seconds of each step are kept: ``base``, the
    first load; ``feed``, from the feed's files read to its alerts told; ``alerts``, from
    the feed's rebuild done to its alerts told.
    """
    from wholestory.chronology.stored import build_all
    from wholestory.feed import run_feed
    from wholestory.identity import LinkThresholds, link_all
    from wholestory.ingest import ingest_paths
    from wholestory.store.imports import FEED, Arrival

    seconds: dict[str, float] = {}
    started = time.perf_counter()
    loaded = ingest_paths(store, [folder])
    if loaded.failed:
        raise ValueError(f"{loaded.failed[0].file}: {loaded.failed[0].error}")
    thresholds = LinkThresholds()
    link_all(store, thresholds=thresholds)
    build_all(store)
    seconds["base"] = time.perf_counter() - started
    if before_feed is not None:  # the benchmark's users, to be told
        before_feed(store)
    started = time.perf_counter()
    run = run_feed(store, [folder / FEED_FOLDER], Arrival(FEED, "synthetic feed"),
                   thresholds=thresholds)  # fmt: skip
    seconds["feed"] = time.perf_counter() - started
    if run.result.failed:
        raise ValueError(f"{run.result.failed[0].file}: {run.result.failed[0].error}")
    if run.changed and run.linked is None:
        raise ValueError("the feed was not linked: no trained model for a store this size")
    seconds["alerts"] = run.alerts.seconds
    result = score_store(store, folder, run.alerts.alerts)
    result.feed_rows = sum(f.read for f in run.result.files if f.kind == "events")
    result.seconds = seconds
    return result


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))
