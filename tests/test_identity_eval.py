"""What the linking must show: FEBRL, and a 10,000-child synthetic partnership.

The partnership test is the issue's acceptance check, run on both databases:
pairwise precision of at least 0.999 and recall of at least 0.98 on the
people WholeStory makes, no twins merged, no parent merged with their child,
and a review queue under 1% of people.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from wholestory.cli.main import app
from wholestory.identity import UPPER, LinkThresholds, evaluate_febrl, evaluate_partnership
from wholestory.ingest import ingest_paths
from wholestory.store import Store
from wholestory.synth import generate


def test_febrl4_linking_at_the_automatic_threshold() -> None:
    """The issue's FEBRL4 target, met where the product links without a person."""
    result = evaluate_febrl("febrl4", UPPER)
    assert result.true_pairs == 5000
    assert result.precision >= 0.999
    assert result.f1 >= 0.998


def test_febrl3_deduplication_at_the_automatic_threshold() -> None:
    """The issue's FEBRL3 target, met where the product links without a person."""
    result = evaluate_febrl("febrl3", UPPER)
    assert result.true_pairs == 6538
    assert result.precision >= 0.999
    assert result.f1 >= 0.995


@pytest.mark.parametrize(("name", "target"), [("febrl4", 0.998), ("febrl3", 0.995)])
def test_febrl_targets_where_the_model_is_even_odds(name: str, target: float) -> None:
    """Pairs the model calls more likely than not are no worse (see docs/benchmarks.md)."""
    assert evaluate_febrl(name, 0.5).f1 >= target  # type: ignore[arg-type]


def test_link_eval_command_on_febrl4() -> None:
    done = CliRunner().invoke(app, ["link-eval", "--dataset", "febrl4", "--json"])
    assert done.exit_code == 0, done.output
    result = json.loads(done.output)
    assert result["dataset"] == "febrl4" and result["f1"] > 0.99 and result["threshold"] == UPPER
    curve = result["checks"]["at_other_thresholds"]
    assert curve[str(UPPER)]["f1"] == round(result["f1"], 4)
    assert curve["0.5"]["recall"] >= curve["0.999"]["recall"]


def test_link_eval_refuses_an_unknown_dataset(tmp_path: Path) -> None:
    done = CliRunner().invoke(app, ["link-eval", "--dataset", str(tmp_path)])
    assert done.exit_code == 2
    assert "ground_truth/people.csv" in done.output


@pytest.mark.slow
def test_ten_thousand_children(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "partnership"
    generate(10_000, 11, folder)
    assert not ingest_paths(store, [folder]).failed
    result = evaluate_partnership(store, folder, LinkThresholds())
    assert result.precision >= 0.999, result
    assert result.recall >= 0.98, result
    assert result.checks["twins_merged"] == 0
    assert result.checks["parent_and_child_merged"] == 0
    assert result.checks["review_queue_share_of_people"] < 0.01
