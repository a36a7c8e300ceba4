"""The recommendations tracker and "my actions" on the web (issue 17), on both databases:
the tracker for its roles only with the RAG in words, its filters; each owner sees only
their own actions; every look audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from web_support import open_test_store, serving, signed_in
from wholestory.reviews.evidence import evidence_of
from wholestory.reviews.recommendations import add_action, add_recommendation, update_action
from wholestory.store import Store

USERS = (
    ("bo.business", "PARTNERSHIP", "business_unit"),
    ("otto.owner", "CSC", "action_owner"),
    ("pat.police", "POLICE", "practitioner"),
    ("lee.lead", "CSC", "lead"),
    ("sol.lead", "SCHOOL", "lead"),
)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Store, dict[str, Any]]]:
    store = open_test_store(request.param, request, tmp_path_factory.mktemp("recs"))
    with serving(store.url):
        clients = signed_in([(*user, "") for user in USERS])
        today = dt.date.today()
        rec = add_recommendation(store, "review", "Rapid review 2026-01", "Use the history",
                                 today, "bo.business")  # fmt: skip
        add_action(store, rec.id, "Brief every team", "CSC", "otto.owner",
                   today - dt.timedelta(days=3), "bo.business")  # fmt: skip
        later = add_action(store, rec.id, "Audit 20 assessments", "CSC", "otto.owner",
                           today + dt.timedelta(days=90), "bo.business")  # fmt: skip
        update_action(store, later.id, "on_track", "Started", "otto.owner")
        add_action(store, rec.id, "Train call handlers", "POLICE", "pat.police",
                   today, "bo.business")  # fmt: skip
        yield store, clients | {"brief": later.id}


def _page(site: tuple[Store, dict[str, Any]], who: str, url: str) -> tuple[int, str]:
    response = site[1][who].get(url)
    return response.status_code, response.content.decode()


def test_the_tracker_shows_every_action_with_its_rag_in_words(site: Any) -> None:
    status, page = _page(site, "bo.business", "/recommendations")
    assert status == 200
    assert "Brief every team" in page and "Overdue" in page
    assert "Audit 20 assessments" in page and "On track" in page
    assert "rag-red" in page and "rag-green" in page


def test_due_today_is_not_overdue_and_the_filter_keeps_only_overdue(site: Any) -> None:
    status, page = _page(site, "bo.business", "/recommendations?show=overdue")
    assert status == 200
    assert "Brief every team" in page
    assert "Train call handlers" not in page and "Audit 20 assessments" not in page


def test_my_actions_are_the_owners_own(site: Any) -> None:
    status, page = _page(site, "otto.owner", "/actions")
    assert status == 200
    assert "Brief every team" in page and "Train call handlers" not in page


def test_a_practitioner_may_not_open_the_tracker(site: Any) -> None:
    assert _page(site, "pat.police", "/recommendations")[0] == 403


def test_every_look_is_audited(site: Any) -> None:
    store = site[0]
    before = store.scalar("SELECT COUNT(*) FROM ws_audit WHERE actor = ?", ["otto.owner"])
    _page(site, "otto.owner", "/recommendations")
    after = store.scalar("SELECT COUNT(*) FROM ws_audit WHERE actor = ?", ["otto.owner"])
    assert after == before + 1


def _post(site: Any, who: str, data: dict[str, Any]) -> Any:
    return site[1][who].post(f"/actions/{site[1]['brief']}", data)


def test_only_the_owner_updates_and_only_another_agencys_lead_assures_once_complete(
    site: Any,
) -> None:
    assert site[1]["pat.police"].get(f"/actions/{site[1]['brief']}").status_code == 403
    other = _post(site, "lee.lead", {"form": "update", "status": "complete", "note": "Done"})
    assert other.status_code == 400 and "only the action" in other.content.decode()
    early = _post(site, "sol.lead", {"form": "assure", "decision": "assured", "reason": "Seen"})
    assert early.status_code == 400 and "completed" in early.content.decode()
    done = _post(site, "otto.owner", {"form": "update", "status": "complete", "note": "Done"})
    assert done.status_code == 302
    same = _post(site, "lee.lead", {"form": "assure", "decision": "assured", "reason": "Seen"})
    assert same.status_code == 400 and "another agency" in same.content.decode()
    ok = _post(site, "sol.lead", {"form": "assure", "decision": "assured", "reason": "Seen"})
    assert ok.status_code == 302
    page = site[1]["bo.business"].get(f"/actions/{site[1]['brief']}").content.decode()
    assert "Assured" in page and "Complete" in page


def test_evidence_is_judged_by_its_bytes_and_downloaded_as_an_attachment(site: Any) -> None:
    fake = SimpleUploadedFile("report.pdf", b"MZ\x90\x00 not a pdf")
    refused = _post(site, "otto.owner", {"form": "evidence", "file": fake})
    assert refused.status_code == 400
    real = SimpleUploadedFile("notes.txt", b"Every team briefed on 3 March\n")
    assert _post(site, "otto.owner", {"form": "evidence", "file": real}).status_code == 302
    kept = evidence_of(site[0], site[1]["brief"])
    assert [e.filename for e in kept] == ["notes.txt"]
    got = site[1]["bo.business"].get(f"/actions/{site[1]['brief']}/evidence/{kept[0].id}")
    assert got.status_code == 200 and got.content == b"Every team briefed on 3 March\n"
    assert got["Content-Disposition"].startswith("attachment")
    assert got["X-Content-Type-Options"] == "nosniff"
