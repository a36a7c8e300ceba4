"""The linking model that ships with WholeStory: what a name and a date of birth mean.

A store's own model is trained without labels on the store's own people. On a
store of one family (a rapid review, a strategy discussion before any feed
exists) there is almost nothing to learn from: a model trained on thirty
people gave exact name, date of birth, sex and address a match probability of
0.987 and split the boy at the centre of the case across ten identities.

So WholeStory ships a model trained on a large synthetic partnership with
known truth (``default_model.json`` beside this file, remade by
``wholestory link-model build``), and uses it:

- as the start of training on every store, and blended with what that
  store teaches, so that a small or odd store cannot unlearn what a name and
  a date of birth mean (:func:`blend`); alone only on a store too small to
  train on at all (:data:`TRAIN_FROM`);
- for term frequencies on a store too small to count its own
  (:data:`TF_FROM`): a surname shared by the five members of the only family
  in the store is not common.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import math
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Final

import polars as pl

from wholestory.store.connection import Store

#: The shipped model, beside this module.
DEFAULT_MODEL_FILE: Final = Path(__file__).with_name("default_model.json")

#: Stores with fewer people (agency ids) than this link with the shipped model alone:
#: too few pairs to train on at all. From this size a model trained on the store,
#: starting from the shipped one and blended with it, did at least as well as the
#: shipped model alone at every size measured, on both generators and on one family's
#: records (docs/benchmarks.md, "Linking quality").
TRAIN_FROM: Final = 20

#: From this many agency ids a store counts its own names' frequencies; below it the
#: shipped frequencies are used (in a store of one family every surname looks common).
TF_FROM: Final = 2_000

#: The columns whose term frequencies ship with the model.
SHIPPED_FREQUENCIES: Final = ("given", "family")

#: What the model was trained on unless asked otherwise: big enough that every
#: level is seen among matches many times, small enough to remake in minutes.
BUILD_CHILDREN: Final = 12_000
BUILD_SEED: Final = 20261204


@dataclass(frozen=True)
class ShippedModel:
    """The shipped model: Splink settings, how it was made, and name frequencies."""

    settings_json: str
    made: dict[str, Any]
    frequencies: dict[str, dict[str, float]]

    def as_json(self) -> str:
        return json.dumps(
            {
                "made": self.made,
                "settings": json.loads(self.settings_json),
                "frequencies": self.frequencies,
            },
            indent=1,
            sort_keys=True,
        )


@cache
def shipped() -> ShippedModel:
    """The model that ships in the package (read once per process)."""
    return read(DEFAULT_MODEL_FILE)


def read(path: Path) -> ShippedModel:
    """Read a shipped-model file written by :func:`build`."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return ShippedModel(json.dumps(data["settings"]), data["made"], data["frequencies"])


def frequencies(frame: pl.DataFrame, least: int = 2) -> dict[str, dict[str, float]]:
    """Each shipped column's values as shares of all people, for values seen ``least`` times.

    Rarer values are left out: a name met once says only that it is rare,
    which is what an unknown name is taken to be anyway.
    """
    found: dict[str, dict[str, float]] = {}
    for column in SHIPPED_FREQUENCIES:
        values = frame[column].drop_nulls()
        total = values.len()
        counts = values.value_counts().filter(pl.col("count") >= least)
        found[column] = {
            str(v): round(int(n) / total, 8) for v, n in counts.sort(column).iter_rows()
        }
    return found


def tf_lookups(frame: pl.DataFrame, settings: dict[str, Any]) -> dict[str, pl.DataFrame]:
    """Term-frequency tables for a store too small to count its own.

    Names take the shipped frequencies; a name the partnership model never saw
    twice has none, and is weighed by its level alone (Splink's rule for a
    missing frequency). Other adjusted columns (the address) get an empty
    table: in a store of one family every shared address looks common.
    """
    from wholestory.identity.model import tf_columns

    model = shipped()
    lookups: dict[str, pl.DataFrame] = {}
    for column in tf_columns(settings):
        known = model.frequencies.get(column, {})
        values = frame[column].drop_nulls().unique().to_list() if column in frame.columns else []
        rows = [(v, known[v]) for v in sorted(values) if v in known]
        lookups[column] = pl.DataFrame(
            rows, schema={column: pl.String(), f"tf_{column}": pl.Float64()}, orient="row"
        )
    return lookups


#: What the shipped model counts for when blended with a store's own, in agency ids:
#: a store of this many would count half. Measured: more pulls FEBRL's own model
#: (records unlike any partnership's) below its F1, this much leaves it as it was.
BLEND_AS: Final = 500


def blend_weight(people: int) -> float:
    """How much a store's own training counts beside the shipped model: n / (n + BLEND_AS).

    Four fifths at :data:`TRAIN_FROM` people, and the store's own almost
    entirely at partnership scale.
    """
    return people / (people + BLEND_AS)


def blend(store_json: str, shipped_json: str, weight: float) -> str:
    """Each level's m and u as a weighted geometric mean of the store's and the shipped model's.

    Weighed as match weights (logs), so a level the store saw rarely cannot
    swing from strong evidence to none; each comparison's trainable levels are
    then scaled back to the share of one they held. The prior (how often two random people of
    this store are one person) is the store's own: it depends on the store.
    Levels fixed in the model (the same-agency prior, a swap's family name)
    keep the store's values.
    """
    mine = json.loads(store_json)
    theirs = _by_field(json.loads(shipped_json))
    for comparison in mine["comparisons"]:
        other = theirs.get(comparison["output_column_name"])
        if other is None or not _same_levels(comparison, other):
            continue  # a comparison the shipped model does not make: the store's alone
        levels = [lv for lv in comparison["comparison_levels"] if not lv.get("is_null_level")]
        others = [lv for lv in other["comparison_levels"] if not lv.get("is_null_level")]
        for key in ("m_probability", "u_probability"):
            fixed = "fix_" + key
            mixed = [
                _geometric(level.get(key), theirs_level.get(key), weight)
                if not level.get(fixed)
                else level.get(key)
                for level, theirs_level in zip(levels, others, strict=True)
            ]
            free = [v for v, lv in zip(mixed, levels, strict=True) if not lv.get(fixed)]
            target = sum(float(lv.get(key) or 0) for lv in levels if not lv.get(fixed))
            total = sum(v for v in free if v is not None)
            if not free or total <= 0 or target <= 0:
                continue
            for value, level in zip(mixed, levels, strict=True):
                if not level.get(fixed) and value is not None:
                    level[key] = value * target / total
    return json.dumps(mine)


def _by_field(settings: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {str(c["output_column_name"]): c for c in settings["comparisons"]}


def _same_levels(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Whether two comparisons have the same levels (by their labels), in the same order."""
    labels_a = [lv.get("label_for_charts") for lv in a["comparison_levels"]]
    labels_b = [lv.get("label_for_charts") for lv in b["comparison_levels"]]
    return labels_a == labels_b


def _geometric(mine: float | None, theirs: float | None, weight: float) -> float | None:
    if mine is None or theirs is None or mine <= 0 or theirs <= 0:
        return mine if mine is not None else theirs
    return math.exp(weight * math.log(mine) + (1 - weight) * math.log(theirs))


def starting_point(options_settings: dict[str, Any]) -> dict[str, Any]:
    """Untrained settings with the shipped model's m and u on every trainable level.

    Expectation maximisation then starts from what a partnership taught,
    rather than from Splink's defaults.
    """
    start = copy.deepcopy(options_settings)
    theirs = _by_field(json.loads(shipped().settings_json))
    for comparison in start["comparisons"]:
        other = theirs.get(comparison["output_column_name"])
        if other is None or not _same_levels(comparison, other):
            continue  # not made by the shipped model: Splink's defaults
        for level, other_level in zip(
            comparison["comparison_levels"], other["comparison_levels"], strict=True
        ):
            for key in ("m_probability", "u_probability"):
                if not level.get("fix_" + key) and other_level.get(key) is not None:
                    level[key] = other_level[key]
    return start


def build(
    new_store: Callable[[Path], Store],
    children: int = BUILD_CHILDREN,
    seed: int = BUILD_SEED,
    progress: Callable[[str], None] | None = None,
) -> ShippedModel:
    """Make the shipped model: a synthetic partnership, imported and trained on as a store.

    The partnership is the product's own generator's (``wholestory synth``),
    imported exactly as an agency's files are; the model is trained without
    labels, as a store's would be, and the generator's truth measures it.
    ``new_store`` makes an empty store in a scratch folder (the caller knows
    how to lay out its schema).
    """
    from wholestory.identity.agencies import episode_agencies
    from wholestory.identity.comparisons import ModelOptions
    from wholestory.identity.evaluation import evaluate_partnership
    from wholestory.identity.features import model_frame, with_episode_agencies
    from wholestory.identity.model import train
    from wholestory.identity.sources import load_sources, refresh_sources
    from wholestory.identity.thresholds import LinkThresholds
    from wholestory.ingest import ingest_paths
    from wholestory.synth import generate

    say = progress or (lambda _: None)
    with tempfile.TemporaryDirectory(prefix="wholestory-model-") as scratch:
        folder = Path(scratch) / "partnership"
        say(f"Making a synthetic partnership of {children:,} children")
        generate(children, seed, folder)
        store = new_store(Path(scratch))
        try:
            say("Importing it")
            ingest_paths(store, [folder])
            refresh_sources(store)
            frame = with_episode_agencies(model_frame(load_sources(store)), episode_agencies(store))
            say(f"Training on {frame.height:,} people")
            trained = train([frame], ModelOptions(), from_shipped=False)
            say("Measuring it against the generator's truth")
            quality = evaluate_partnership(
                store, folder, LinkThresholds(), retrain=False, settings_json=trained.settings_json
            )
        finally:
            store.close()
    made = {
        "by": "wholestory link-model build",
        "generator": "wholestory.synth",
        "children": children,
        "seed": seed,
        "people": frame.height,
        "made_on": dt.date.today().isoformat(),
        "training_seconds": round(trained.seconds, 1),
        "quality_on_its_partnership": {
            "precision": round(quality.precision, 5),
            "recall": round(quality.recall, 5),
            "review_queue_share_of_people": quality.checks["review_queue_share_of_people"],
        },
    }
    return ShippedModel(trained.settings_json, made, frequencies(frame))


def write(model: ShippedModel, path: Path = DEFAULT_MODEL_FILE) -> None:
    """Write the shipped model whole (a half-written model would break every small store)."""
    from wholestory.exporting import write_bytes

    write_bytes(path, (model.as_json() + "\n").encode("utf-8"), force=True)
    path.chmod(0o644)  # part of the package: readable by whoever installs it
