"""``wholestory review-narrative draft|show|diff`` (issue 17, item 3), on both databases:
the draft prints each sentence with the entries it rests on; show and diff read versions;
bad input is one line and exit 2."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from assurance_support import planted, rec
from wholestory.cli.main import app
from wholestory.reviews.cases import open_review
from wholestory.reviews.narrative import edit
from wholestory.store import Store

runner = CliRunner()


def _run(*args: str) -> Result:
    return runner.invoke(app, list(args))


@pytest.fixture
def case(store_env: Store, tmp_path: Path) -> tuple[Store, int]:
    rows = [rec("K01", "POLICE", "DA_INCIDENT", "2013-03-01"),
            rec("K01", "POLICE", "DA_INCIDENT", "2015-03-01"),
            rec("K01", "CSC", "REFERRAL_NFA", "2015-04-01")]  # fmt: skip
    kept = planted(store_env, tmp_path, rows)
    return kept, open_review(kept, "POLICE", "K01", dt.date(2025, 6, 2), "bo.business").id


def test_draft_prints_each_sentence_and_what_it_rests_on(case: tuple[Store, int]) -> None:
    _store, review_id = case
    made = _run("review-narrative", "draft", str(review_id))
    assert made.exit_code == 0, made.output
    text = " ".join(made.output.split())
    assert "Between 2013 and 2015 two domestic abuse incidents were recorded at the home." in text
    assert "rests on: POLICE:" in text
    assert "Between 2013 and 2015 no agency recorded the child's views." in text
    assert "a search of 3 entries, 2013 to 2015" in text
    again = _run("review-narrative", "draft", str(review_id))
    assert again.exit_code == 2 and "already has a narrative" in again.output


def test_show_and_diff_read_the_versions(case: tuple[Store, int]) -> None:
    store, review_id = case
    assert _run("review-narrative", "draft", str(review_id)).exit_code == 0
    edit(store, review_id, "A paragraph the reviewer wrote.", "bo.business")
    latest = _run("review-narrative", "show", str(review_id), "--json")
    assert latest.exit_code == 0, latest.output
    shown = json.loads(latest.output)
    assert (shown["version"], shown["drafted"]) == (2, False)
    compared = _run("review-narrative", "diff", str(review_id), "1", "2")
    assert "+A paragraph the reviewer wrote." in compared.output
    missing = _run("review-narrative", "show", str(review_id), "--version", "9")
    assert missing.exit_code == 2 and "no version 9" in missing.output
    unknown = _run("review-narrative", "draft", "999")
    assert unknown.exit_code == 2 and "Traceback" not in unknown.output
