"""``wholestory actions [--overdue] [--json] [--as-of]`` (issue 17), on both databases: the
tracker's rows, recommendations' and audits', with their RAG; the look audited."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from typer.testing import CliRunner

from test_recommendations import T0, TODAY, users
from wholestory import audit
from wholestory.cli.main import app
from wholestory.reviews.recommendations import add_action, add_recommendation, update_action
from wholestory.store import Store

runner = CliRunner()


@pytest.fixture
def tracker(store_env: Store) -> Store:
    users(store_env)
    rec = add_recommendation(store_env, "review", "Rapid review 2026-01", "Use the history",
                             TODAY, "bo.business", now=T0)  # fmt: skip
    add_action(store_env, rec.id, "Brief every team", "CSC", "otto.owner",
               TODAY - dt.timedelta(days=3), "bo.business", now=T0)  # fmt: skip
    done = add_action(store_env, rec.id, "Audit 20 assessments", "CSC", "otto.owner",
                      TODAY + dt.timedelta(days=60), "bo.business", now=T0)  # fmt: skip
    update_action(store_env, done.id, "complete", "Audit reported", "otto.owner", now=T0)
    return store_env


def test_every_action_with_its_rag_as_json(tracker: Store) -> None:
    result = runner.invoke(app, ["actions", "--json", "--as-of", TODAY.isoformat()])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert [(r["text"], r["rag"], r["overdue"]) for r in rows] == [
        ("Brief every team", "red", True),
        ("Audit 20 assessments", "complete", False),
    ]
    assert audit.entries(tracker, limit=1)[0].target == "recommendations tracker"


def test_overdue_only_in_a_table(tracker: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    from rich.console import Console

    from wholestory.cli import actions

    # The module's console takes its width when first imported: a wide one, so no cell wraps.
    monkeypatch.setattr(actions, "console", Console(width=200, highlight=False))
    result = runner.invoke(app, ["actions", "--overdue", "--as-of", TODAY.isoformat()])
    assert result.exit_code == 0, result.output
    assert "Brief every team" in result.output and "Overdue" in result.output
    assert "Audit 20 assessments" not in result.output
    early = runner.invoke(app, ["actions", "--overdue", "--as-of", "2026-01-01"])
    assert "No action is overdue." in early.output


def test_a_bad_day_is_one_line(tracker: Store) -> None:
    result = runner.invoke(app, ["actions", "--as-of", "yesterday"])
    assert result.exit_code == 2 and "--as-of must be a date" in result.output
