"""Adding a recommendation and its actions on the web, and its page with a before-and-after
chart of each measure it named (issue 17), on both databases: the business unit adds through
the forms, a wrong form names its field, readers of the tracker read, others are refused, and
every look and change is audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from web_support import open_test_store, serving, signed_in
from wholestory.reviews.recommendation_charts import before_after
from wholestory.reviews.recommendations import actions_of, recommendation
from wholestory.store import Store

USERS = (
    ("bo.business", "PARTNERSHIP", "business_unit"),
    ("otto.owner", "CSC", "action_owner"),
    ("cam.camhs", "CAMHS", "practitioner"),
    ("bea.board", "PARTNERSHIP", "board"),
)
CODE = "history_read_first"
ACCEPTED = dt.date(2025, 7, 15)


def _months() -> list[tuple[str, int, int]]:
    """Twelve months at half before July 2025 and six at four in five since; one small month."""
    before = [(f"2024-{m:02d}", 20, 40) for m in range(7, 13)]
    before += [(f"2025-{m:02d}", 20, 40) for m in range(1, 7)]
    after = [(f"2025-{m:02d}", 32, 40) for m in range(7, 13)]
    return [*before, *after, ("2026-01", 3, 40)]


def _keep_measures(store: Store) -> None:
    with store.transaction():
        store.executemany(
            "INSERT INTO ws_assurance_measure (code, month, numerator, denominator, value, "
            "computed_at) VALUES (?, ?, ?, ?, ?, ?)",
            [(CODE, month, n, d, n / d, "2026-02-01T02:00:00+00:00") for month, n, d in _months()],
        )


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Store, dict[str, Any]]]:
    store = open_test_store(request.param, request, tmp_path_factory.mktemp("rec-detail"))
    with serving(store.url):
        clients = signed_in([(*user, "") for user in USERS])
        _keep_measures(store)
        yield store, clients


def _recommendation_form(**changed: Any) -> dict[str, Any]:
    return {
        "source": "review", "source_ref": "Rapid review 2025-06", "review_id": "",
        "text": "Read the history before every assessment", "accepted_on": ACCEPTED.isoformat(),
        "measures": [CODE],
    } | changed  # fmt: skip


def _action_form(text: str, **changed: str) -> dict[str, str]:
    return {"text": text, "owner_agency": "CSC", "owner": "otto.owner",
            "due_on": (dt.date.today() + dt.timedelta(days=90)).isoformat()} | changed  # fmt: skip


@pytest.fixture(scope="module")
def added(site: tuple[Store, dict[str, Any]]) -> int:
    """A recommendation and two actions, added through the forms as the business unit."""
    bo = site[1]["bo.business"]
    made = bo.post("/recommendations/new", _recommendation_form())
    assert made.status_code == 302
    rec_id = int(made["Location"].rstrip("/").rsplit("/", 1)[-1])
    for text in ("Brief every team on reading the history", "Audit 20 assessments"):
        assert bo.post(f"/recommendations/{rec_id}", _action_form(text)).status_code == 302
    return rec_id


def _audits(store: Store, who: str) -> int:
    return int(store.scalar("SELECT COUNT(*) FROM ws_audit WHERE actor = ?", [who]))


def test_the_forms_keep_a_recommendation_and_two_actions(site: Any, added: int) -> None:
    kept = recommendation(site[0], added)
    assert kept is not None and kept.measures == (CODE,) and kept.accepted_on == ACCEPTED
    assert [a.owner for a in actions_of(site[0], added)] == ["otto.owner", "otto.owner"]
    page = site[1]["bo.business"].get(f"/recommendations/{added}").content.decode()
    assert "Brief every team on reading the history" in page and "Audit 20 assessments" in page
    assert "rag-green" in page and "On track" in page
    assert 'href="/actions/' in page


def test_a_wrong_form_names_its_field(site: Any, added: int) -> None:
    bo = site[1]["bo.business"]
    bad = bo.post("/recommendations/new", _recommendation_form(accepted_on="31/02/2025"))
    assert bad.status_code == 400 and 'id="accepted_on-error"' in bad.content.decode()
    empty = bo.post("/recommendations/new", _recommendation_form(text=" "))
    assert empty.status_code == 400 and 'id="text-error"' in empty.content.decode()
    nobody = bo.post(f"/recommendations/{added}", _action_form("Train", owner="no.one"))
    assert nobody.status_code == 400 and 'id="owner-error"' in nobody.content.decode()
    agency = bo.post(f"/recommendations/{added}", _action_form("Train", owner_agency="XX"))
    assert agency.status_code == 400 and 'id="owner_agency-error"' in agency.content.decode()
    assert len(actions_of(site[0], added)) == 2


def test_the_chart_is_split_at_the_month_accepted_and_small_months_left_off(
    site: Any, added: int
) -> None:
    drawn = before_after(site[0], CODE, ACCEPTED)
    assert drawn.spc is not None and drawn.rebased_at == "2025-07"
    before, after = drawn.spc.sections
    assert (before.first, before.points, before.mean) == ("2024-07", 12, 50.0)
    assert (after.first, after.points, after.mean) == ("2025-07", 6, 80.0)
    page = site[1]["bea.board"].get(f"/recommendations/{added}").content.decode()
    assert "<svg" in page and "Limits worked out again from July 2025" in page
    assert "50.0% before and 80.0% since" in page and "January 2026" in page


def test_a_practitioner_is_refused_and_the_board_reads_but_cannot_add(
    site: Any, added: int
) -> None:
    cam, board = site[1]["cam.camhs"], site[1]["bea.board"]
    assert cam.get(f"/recommendations/{added}").status_code == 403
    assert cam.post("/recommendations/new", _recommendation_form()).status_code == 403
    assert board.post("/recommendations/new", _recommendation_form()).status_code == 403
    assert board.post(f"/recommendations/{added}", _action_form("Board's")).status_code == 403
    page = board.get(f"/recommendations/{added}").content.decode()
    assert "Add the action" not in page and len(actions_of(site[0], added)) == 2
    tracker = board.get("/recommendations").content.decode()
    assert "Add a recommendation" not in tracker
    assert "Add a recommendation" in site[1]["bo.business"].get("/recommendations").content.decode()


def test_every_look_and_change_is_audited(site: Any, added: int) -> None:
    store = site[0]
    changes = store.scalar(
        "SELECT COUNT(*) FROM ws_audit WHERE actor = 'bo.business' AND action = 'rec_change' "
        "AND outcome = 'allowed'"
    )
    assert changes >= 3  # the recommendation and its two actions
    before = _audits(store, "otto.owner")
    site[1]["otto.owner"].get(f"/recommendations/{added}")
    assert _audits(store, "otto.owner") == before + 1
