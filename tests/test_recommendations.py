"""Recommendations, their SMART actions and the tracker (issue 17, item 3), on both
databases: an action's RAG and overdue at the boundaries, updates by the owner or the
business unit only, assurance by a lead of another agency only and only once complete,
the audit actions tracked beside them, and the board's copy naming no owner."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from wholestory import audit
from wholestory.reviews.recommendations import (
    RecommendationError,
    add_action,
    add_recommendation,
    assure,
    update_action,
    updates,
)
from wholestory.reviews.tracker import tracked, tracker_summary
from wholestory.store import Store

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 3, 2)
PEOPLE = (
    ("bo.business", "PARTNERSHIP", "business_unit"),
    ("otto.owner", "CSC", "action_owner"),
    ("lou.csc", "CSC", "lead"),
    ("lee.police", "POLICE", "lead"),
    ("pat.police", "POLICE", "practitioner"),
)


def users(store: Store) -> None:
    """The people an action needs, as the accounts tables hold them (no passwords)."""
    from web_support import serving

    with serving(store.url):
        from django.contrib.auth.models import User

        from wholestory.web.accounts.models import Membership

        for username, agency, role in PEOPLE:
            user = User.objects.create_user(username=username, password=None)
            Membership.objects.create(user=user, agency=agency, role=role)


@pytest.fixture
def tracker(store: Store) -> Store:
    users(store)
    return store


def _one(store: Store, due: dt.date) -> int:
    rec = add_recommendation(store, "review", "Rapid review 2026-01", "Use the history first",
                             TODAY, "bo.business", measures=("history_read_first",),
                             now=T0)  # fmt: skip
    return add_action(store, rec.id, "Audit 20 assessments for history read first", "csc",
                      "otto.owner", due, "bo.business", now=T0).id  # fmt: skip


def test_rag_and_overdue_at_the_boundaries(tracker: Store) -> None:
    due_today = _one(tracker, TODAY)
    soon = _one(tracker, TODAY + dt.timedelta(days=30))
    later = _one(tracker, TODAY + dt.timedelta(days=31))
    rows = {r.action_id: r for r in tracked(tracker, TODAY)}
    assert (rows[due_today].rag, rows[due_today].overdue) == ("amber", False)  # due today: not late
    assert rows[soon].rag == "amber" and rows[later].rag == "green"  # not started, due soon
    tomorrow = {r.action_id: r for r in tracked(tracker, TODAY + dt.timedelta(days=1))}
    assert (tomorrow[due_today].rag, tomorrow[due_today].overdue) == ("red", True)
    update_action(tracker, later, "at_risk", "Auditors not yet found", "otto.owner", now=T0)
    assert {r.action_id: r for r in tracked(tracker, TODAY)}[later].rag == "amber"
    done = update_action(tracker, due_today, "complete", "Audit done", "otto.owner",
                         on=TODAY, now=T0)  # fmt: skip
    assert done.completed_on == TODAY and done.rag(TODAY + dt.timedelta(days=9)) == "complete"
    assert [u["status"] for u in updates(tracker, due_today)] == ["complete"]


def test_only_the_owner_or_the_business_unit_updates_an_action(tracker: Store) -> None:
    made = _one(tracker, TODAY)
    with pytest.raises(RecommendationError, match=r"only the action's owner \(otto.owner\)"):
        update_action(tracker, made, "on_track", "I think so", "pat.police", now=T0)
    update_action(tracker, made, "on_track", "Checked with the team", "bo.business", now=T0)
    with pytest.raises(RecommendationError, match="a note of why is needed"):
        update_action(tracker, made, "on_track", "  ", "otto.owner", now=T0)
    with pytest.raises(RecommendationError, match="'overdue' is not a status"):
        update_action(tracker, made, "overdue", "Late", "otto.owner", now=T0)
    assert [u["by"] for u in updates(tracker, made)] == ["bo.business"]


def test_assurance_is_another_agencys_lead_once_complete(tracker: Store) -> None:
    made = _one(tracker, TODAY)
    with pytest.raises(RecommendationError, match="only once its owner has completed it"):
        assure(tracker, made, "assured", "Seen the audit", "lee.police", now=T0)
    update_action(tracker, made, "complete", "Audit done", "otto.owner", now=T0)
    with pytest.raises(RecommendationError, match="a lead of another agency than Children's"):
        assure(tracker, made, "assured", "Our own work", "lou.csc", now=T0)
    with pytest.raises(RecommendationError, match="only a safeguarding lead"):
        assure(tracker, made, "assured", "Looks fine", "pat.police", now=T0)
    assert not assure(tracker, made, "not_assured", "No evidence yet", "lee.police", now=T0).assured
    assert assure(tracker, made, "assured", "Seen the audit report", "lee.police", now=T0).assured
    entry = audit.entries(tracker, action="action_assure", limit=1)[0]
    assert (entry.actor, entry.target) == ("lee.police", f"action {made}")


def test_an_action_needs_an_owner_of_the_owning_agency(tracker: Store) -> None:
    rec = add_recommendation(tracker, "national", "Panel annual report 2025", "Hear the child",
                             TODAY, "bo.business", now=T0)  # fmt: skip
    with pytest.raises(RecommendationError, match=r"otto\.owner works for Children's social care"):
        add_action(tracker, rec.id, "Train staff", "POLICE", "otto.owner", TODAY, "bo.business")
    with pytest.raises(RecommendationError, match="no active user 'nobody'"):
        add_action(tracker, rec.id, "Train staff", "CSC", "nobody", TODAY, "bo.business")
    with pytest.raises(RecommendationError, match="'rumour' is not a source"):
        add_recommendation(tracker, "rumour", "", "Something", TODAY, "bo.business")
    with pytest.raises(RecommendationError, match="'happiness' is not a measure"):
        add_recommendation(tracker, "review", "", "Something", TODAY, "bo.business",
                           measures=("happiness",))  # fmt: skip


def test_the_tracker_counts_and_the_boards_copy_names_no_owner(tracker: Store) -> None:
    first = _one(tracker, TODAY - dt.timedelta(days=1))  # overdue
    second = _one(tracker, TODAY + dt.timedelta(days=90))  # green
    update_action(tracker, second, "complete", "Done early", "otto.owner", now=T0)
    assure(tracker, second, "assured", "Seen it", "lee.police", now=T0)
    summary = tracker_summary(tracker, TODAY)
    assert summary["overall"] == {"red": 1, "amber": 0, "green": 0, "complete": 1,
                                  "actions": 2, "overdue": 1, "assured": 1}  # fmt: skip
    assert [r["actions"] for r in summary["recommendations"]] == [1, 1]
    text = json.dumps(summary)
    assert "otto.owner" not in text and "Children's social care" in text
    assert {a["action_id"] for a in summary["actions"]} == {first, second}


def test_audit_actions_are_tracked_beside_the_recommendations(tracker: Store) -> None:
    """An audit's action (issue 15) in the tracker: done is complete, past due is red."""
    tracker.execute(
        "INSERT INTO ws_assurance_programme (theme, period_from, period_to, tool_name, "
        "tool_yaml, criteria, seed, sample, eligible, eligible_digest, as_of, created_by, "
        "created_at) VALUES ('Use of history', '2025-01-01', '2025-06-30', 't', '', '{}', 1, "
        "1, 1, '', '2025-06-30', 'quinn.qa', '2025-07-01 09:00:00+00:00')"
    )
    tracker.execute(
        "INSERT INTO ws_assurance_case (programme_id, ws_person_id, position) VALUES (1, 'WS-1', 1)"
    )
    tracker.execute(
        "INSERT INTO ws_assurance_action (case_id, learning_id, text, owner, agency, due, "
        "done_at, done_by, recorded_by, recorded_at) VALUES (1, NULL, 'Supervision audit', "
        "'Head of service', 'CSC', '2026-02-01', NULL, '', 'abe.auditor', "
        "'2025-07-02 09:00:00+00:00')"
    )
    rows = tracked(tracker, TODAY)
    assert [(r.source, r.ref, r.rag, r.overdue, r.assured) for r in rows] == [
        ("audit", "audit programme 1", "red", True, False)
    ]
    assert "WS-1" not in json.dumps(tracker_summary(tracker, TODAY))
