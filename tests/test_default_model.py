"""The linking model that ships in the package: how it was made, and that remaking it holds."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from family_case import TRUTH, write_family
from wholestory.crosscheck import make_partnership
from wholestory.identity import (
    LinkThresholds,
    default_model,
    evaluate_partnership,
    fits_this_version,
)
from wholestory.ingest import ingest_paths
from wholestory.store import Store, open_store, resolve_url
from wholestory.web.bootstrap import ensure_schema


def test_the_shipped_model_says_how_it_was_made_and_fits_this_version() -> None:
    shipped = default_model.shipped()
    assert fits_this_version(shipped.settings_json)
    made = shipped.made
    assert made["by"] == "wholestory link-model build"
    assert (made["children"], made["seed"]) == (
        default_model.BUILD_CHILDREN,
        default_model.BUILD_SEED,
    )
    assert made["generator"] == "wholestory.synth"
    quality = made["quality_on_its_partnership"]
    assert quality["precision"] >= 0.999 and quality["recall"] >= 0.98
    # Names' frequencies ship with it: a common name is common, a rare one absent.
    given = shipped.frequencies["given"]
    assert given and max(given.values()) < 0.05 and all(v > 0 for v in given.values())


def test_blending_keeps_both_models_knowledge() -> None:
    """Halfway between a store's model and the shipped one, each level's weight is between."""
    shipped = json.loads(default_model.shipped().settings_json)
    store = json.loads(default_model.shipped().settings_json)
    level = store["comparisons"][0]["comparison_levels"][1]  # exact given name
    level["m_probability"] = level["m_probability"] / 2
    blended = json.loads(
        default_model.blend(json.dumps(store), default_model.shipped().settings_json, 0.5)
    )
    mine, theirs = level["m_probability"], shipped["comparisons"][0]["comparison_levels"][1]
    got = blended["comparisons"][0]["comparison_levels"][1]["m_probability"]
    assert mine < got < theirs["m_probability"]
    assert default_model.blend_weight(default_model.BLEND_AS) == 0.5
    assert default_model.blend_weight(1_000_000) > 0.99


def _store(folder: Path) -> Store:
    url = resolve_url(f"sqlite:///{folder / 'store.sqlite3'}")
    ensure_schema(url)
    return open_store(url)


def _quality(partnership: Path, settings_json: str, scratch: Path) -> tuple[float, float, float]:
    scratch.mkdir()
    store = _store(scratch)
    try:
        ingest_paths(store, [partnership])
        found = evaluate_partnership(
            store, partnership, LinkThresholds(), retrain=False, settings_json=settings_json
        )
    finally:
        store.close()
    share = float(found.checks["review_queue_share_of_people"])
    return found.precision, found.recall, share


@pytest.mark.slow
def test_a_remade_model_links_as_well_as_the_shipped_one(tmp_path: Path) -> None:
    """`wholestory link-model build` makes a model as good as the one in the package.

    Measured on data neither was made from: a partnership from the second
    generator, and the hand-built family.
    """
    remade = default_model.build(
        lambda folder: _store(folder), default_model.BUILD_CHILDREN, default_model.BUILD_SEED
    )
    assert remade.made["people"] == default_model.shipped().made["people"]
    partnership = tmp_path / "crosscheck"
    make_partnership(partnership, 300, 5, end=dt.date(2025, 6, 30))
    shipped = _quality(partnership, default_model.shipped().settings_json, tmp_path / "a")
    again = _quality(partnership, remade.settings_json, tmp_path / "b")
    assert again[0] >= shipped[0] - 0.001  # precision
    assert again[1] >= shipped[1] - 0.002  # recall
    assert again[2] <= shipped[2] + 0.002  # share of people waiting for review
    family = write_family(tmp_path / "family")
    store = _store(tmp_path)
    try:
        ingest_paths(store, [family])
        found = evaluate_partnership(
            store, family, LinkThresholds(), retrain=False, settings_json=remade.settings_json
        )
    finally:
        store.close()
    assert (found.precision, found.recall) == (1.0, 1.0)
    assert found.true_pairs == sum(n * (n - 1) // 2 for n in _sizes(TRUTH).values())
    assert found.checks["review_queue"] == 0


def _sizes(truth: dict[str, str]) -> dict[str, int]:
    sizes: dict[str, int] = {}
    for who in truth.values():
        sizes[who] = sizes.get(who, 0) + 1
    return sizes
