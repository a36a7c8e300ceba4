"""Case file audits on the web (issue 15), on both databases: a quality assurance officer sets
up a programme and assigns auditors; each auditor answers and submits; a moderator agrees
or changes each grade, a change needing a reason. Every page for its role only, every
refusal the same whatever the id, every look and change audited.

The records are ``assurance_support``'s planted children: with the flag MISSING_REPEAT
and known to children's social care in the first half of 2025, only WS-C01 is eligible,
and the school, the police, children's social care and the GP all recorded something of
them in the period.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from assurance_support import planted, selection_rows
from web_support import open_test_store, serving, signed_in
from wholestory.store import Store

USERS = (
    ("quinn.qa", "PARTNERSHIP", "qa"),
    ("abe.auditor", "CSC", "auditor"),
    ("pia.auditor", "POLICE", "auditor"),
    ("gail.auditor", "GP", "auditor"),
    ("mo.moderator", "PARTNERSHIP", "moderator"),
    ("bea.board", "PARTNERSHIP", "board"),
    ("pat.police", "POLICE", "practitioner"),
)
PROGRAMME = {
    "theme": "Missing children and their plans",
    "period_from": "2025-01-01",
    "period_to": "2025-06-30",
    "flags": ["MISSING_REPEAT"],
    "agencies": ["CSC"],
    "plan": "",
    "sample": "1",
    "seed": "4242",
}


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Store, dict[str, Any]]]:
    store = open_test_store(request.param, request, tmp_path_factory.mktemp("assurance"))
    store.execute("DELETE FROM ws_source_person")
    with serving(store.url):
        planted(store, tmp_path_factory.mktemp("assurance-files"), selection_rows())
        yield store, signed_in([(*user, "") for user in USERS])
    store.close()


def audited(store: Store, action: str) -> list[tuple[str, str]]:
    """(actor, target) of each audit entry of ``action``, oldest first."""
    rows = store.query("SELECT actor, target FROM ws_audit WHERE action = ? ORDER BY seq", [action])
    return [(str(a), str(t)) for a, t in rows]


def test_a_qa_officer_sets_up_a_programme(site: tuple[Store, dict[str, Any]]) -> None:
    store, clients = site
    quinn = clients["quinn.qa"]
    form = quinn.get("/assurance/programmes/new")
    assert form.status_code == 200
    page = form.content.decode()
    assert 'name="seed"' in page and 'value="2024-07-01"' in page  # a year to the newest record
    assert "Repeatedly missing" in page and 'value="CSC"' in page

    missing = quinn.post("/assurance/programmes/new", {**PROGRAMME, "theme": " "})
    assert missing.status_code == 400
    assert "Enter what the audit looks at" in missing.content.decode()
    too_many = quinn.post("/assurance/programmes/new", {**PROGRAMME, "sample": "3"})
    assert too_many.status_code == 400
    assert "only 1 child meets the criteria" in too_many.content.decode()
    assert store.scalar("SELECT COUNT(*) FROM ws_assurance_programme") == 0

    made = quinn.post("/assurance/programmes/new", PROGRAMME)
    assert made.status_code == 302, made.content.decode()[:2000]
    url = made["Location"]
    kept = store.query("SELECT id, seed, eligible FROM ws_assurance_programme")
    assert [(int(s), int(e)) for _, s, e in kept] == [(4242, 1)]
    assert url == f"/assurance/programmes/{kept[0][0]}"
    shown = quinn.get(url).content.decode()
    assert "Case 1" in shown and "4242" in shown and "flagged MISSING_REPEAT" in shown
    assert "WS-C01" not in shown and "KidC01" not in shown  # no child named on QA pages
    listed = quinn.get("/assurance/programmes").content.decode()
    assert "Missing children and their plans" in listed and "1 of 1" in listed

    assert [a for a, _ in audited(store, "qa_programme_set")] == ["quinn.qa"]
    assert ("quinn.qa", url) in audited(store, "qa_programme")


def test_the_programme_pages_are_the_qa_officers_only(site: tuple[Store, dict[str, Any]]) -> None:
    _, clients = site
    pages = ("/assurance/programmes", "/assurance/programmes/new", "/assurance/programmes/1")
    for username in ("abe.auditor", "mo.moderator", "bea.board", "pat.police"):
        for url in pages:
            assert clients[username].get(url).status_code == 403, (username, url)
        refused = clients[username].post("/assurance/programmes/new", PROGRAMME)
        assert refused.status_code == 403
    assert clients["quinn.qa"].get("/assurance/programmes/999").status_code == 404
