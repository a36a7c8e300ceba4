"""THRIVE quality improvement on the web (issue 16, item 5), on both databases: the business
unit starts a PDSA cycle, reads its before/after chart and records its study and decision,
and records implementation assessments; each error is named on its field; the board and
practitioners are refused; every look and change is audited."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from web_support import open_test_store, serving, signed_in
from wholestory.store import Store
from wholestory.thrive.vocabulary import PRINCIPLES

USERS = (
    ("bo.business", "PARTNERSHIP", "business_unit"),
    ("quinn.qa", "PARTNERSHIP", "qa"),
    ("bea.board", "PARTNERSHIP", "board"),
    ("pat.police", "POLICE", "practitioner"),
)
CYCLE = {
    "title": "Drop-in at school",
    "aim": "More children get advice early.",
    "change_idea": "A weekly CAMHS drop-in.",
    "chosen": ["history_read_first"],
    "query": "",
    "prediction": "The share rises.",
    "changed_on": "2025-07-01",
}
#: A year before the change at about a quarter, then about three quarters; January 2026 has
#: 2 of 40, a small number.
MONTHS = [
    *((f"{2024 + (m > 12)}-{(m - 1) % 12 + 1:02d}", 10 + m % 3) for m in range(7, 19)),
    *((f"2025-{m:02d}", 30 + m % 2) for m in range(7, 13)),
    ("2026-01", 2),
]
PAGES = ("/thrive/improvement", "/thrive/improvement/new", "/thrive/implementation")


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Store, dict[str, Any]]]:
    store = open_test_store(request.param, request, tmp_path_factory.mktemp("improvement"))
    store.executemany(
        "INSERT INTO ws_assurance_measure (code, month, numerator, denominator, value, "
        "computed_at) VALUES (?, ?, ?, ?, ?, ?)",
        [("history_read_first", month, n, 40, n / 40, "2026-01-01T00:00:00+00:00")
         for month, n in MONTHS],
    )  # fmt: skip
    with serving(store.url):
        yield store, signed_in([(*user, "") for user in USERS])
    store.close()


def _entries(store: Store, actor: str, path: str) -> list[tuple[str, str]]:
    rows = store.query(
        "SELECT action, outcome FROM ws_audit WHERE actor = ? AND target = ? ORDER BY seq",
        [actor, path],
    )
    return [(str(a), str(o)) for a, o in rows]


def test_the_business_unit_runs_a_cycle(site: tuple[Store, dict[str, Any]]) -> None:
    store, clients = site
    bo = clients["bo.business"]
    blank = bo.post("/thrive/improvement/new", {**CYCLE, "aim": "", "chosen": []})
    page = blank.content.decode()
    assert blank.status_code == 400 and "Enter the aim." in page
    assert "Choose at least one measure." in page and 'id="id_chosen-error"' in page
    bad = bo.post("/thrive/improvement/new", {**CYCLE, "query": "events: [NOPE]"})
    assert (
        bad.status_code == 400 and "not event types of the template: NOPE" in bad.content.decode()
    )
    assert store.scalar("SELECT COUNT(*) FROM ws_thrive_pdsa") == 0
    made = bo.post("/thrive/improvement/new", CYCLE)
    assert made.status_code == 302
    cycle_id = int(store.scalar("SELECT MAX(id) FROM ws_thrive_pdsa"))
    assert made["Location"] == f"/thrive/improvement/{cycle_id}"
    shown = bo.get(made["Location"]).content.decode()
    assert "<svg" in shown and "Drop-in at school" in shown
    assert "beyond the limits of the months before" in shown  # 25% to 75% at the change
    assert "Not on the chart: 2026-01" in shown  # 2 of 40: a small number, left off
    early = bo.post(made["Location"], {"study": "It rose.", "decision": "adopt",
                                       "decided_on": "2025-01-01"})  # fmt: skip
    assert early.status_code == 400 and 'id="id_decided_on-error"' in early.content.decode()
    kept = bo.post(made["Location"], {"study": "It rose.", "decision": "adopt",
                                      "decided_on": "2025-12-01"})  # fmt: skip
    assert kept.status_code == 302 and kept["Location"] == made["Location"]
    assert store.query("SELECT study, decision FROM ws_thrive_pdsa WHERE id = ?", [cycle_id]) == [
        ("It rose.", "adopt")
    ]
    listed = bo.get("/thrive/improvement").content.decode()
    assert "Drop-in at school" in listed and "Adopt: keep the change" in listed
    assert _entries(store, "bo.business", made["Location"]) == [
        ("view", "allowed"), ("decision", "allowed"), ("decision", "refused"),
        ("decision", "allowed"),
    ]  # fmt: skip


def test_an_assessment_is_scored_1_to_4(site: tuple[Store, dict[str, Any]]) -> None:
    store, clients = site
    quinn = clients["quinn.qa"]
    scores = {f"score_{p}": "2" for p in PRINCIPLES}
    wrong = quinn.post("/thrive/implementation", {"assessed_on": "2025-01-01", **scores,
                                                  "score_needs_led": "5"})  # fmt: skip
    assert wrong.status_code == 400 and 'id="id_score_needs_led-error"' in wrong.content.decode()
    assert store.scalar("SELECT COUNT(*) FROM ws_thrive_implementation") == 0
    first = quinn.post("/thrive/implementation", {"assessed_on": "2025-01-01", **scores})
    later = {**scores, "score_needs_led": "3"}
    second = quinn.post("/thrive/implementation", {"assessed_on": "2026-01-01", **later})
    assert first.status_code == second.status_code == 302
    page = quinn.get("/thrive/implementation").content.decode()
    assert "<svg" in page and "THRIVE-like" in page and "Not yet THRIVE-like" in page
    assert "Latest against the baseline" in page and ">+1</td>" in page and ">+0</td>" in page
    again = quinn.post("/thrive/implementation", {"assessed_on": "2026-01-01", **scores})
    assert again.status_code == 400 and "There is already an assessment" in again.content.decode()
    assert store.scalar("SELECT COUNT(*) FROM ws_thrive_implementation") == 2 * len(PRINCIPLES)


@pytest.mark.parametrize("username", ["bea.board", "pat.police"])
def test_others_are_refused_and_the_refusal_audited(
    site: tuple[Store, dict[str, Any]], username: str
) -> None:
    store, clients = site
    before = store.scalar("SELECT COUNT(*) FROM ws_thrive_pdsa")
    for page in PAGES:
        assert clients[username].get(page).status_code == 403
        assert _entries(store, username, page)[-1] == ("denied", "denied")
    assert clients[username].post("/thrive/improvement/new", CYCLE).status_code == 403
    assert store.scalar("SELECT COUNT(*) FROM ws_thrive_pdsa") == before
