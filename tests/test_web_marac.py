"""The Marac referral list page and a coordinator's decision, on both databases.

The records are test_marac's: one victim known to three agencies, her partner and
their child. A coordinator sees the candidates and the practitioners' referrals
apart, each with its criterion, evidence and children; a decision without a reason
is refused with the GOV.UK error summary; a role without the capability sees nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from marac_support import marac_site
from wholestory.domestic_abuse import marac_words as words
from wholestory.store import Store

USERS = (
    ("cody.coordinator", "PARTNERSHIP", "coordinator"),
    ("cal.chair", "POLICE", "chair"),
    ("pat.police", "POLICE", "practitioner"),
)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Store, dict[str, Any]]]:
    yield from marac_site(request, tmp_path_factory, USERS)


def audited(store: Store, action: str) -> list[tuple[str, str, str]]:
    rows = store.query("SELECT actor, person, reason FROM ws_audit WHERE action = ?", [action])
    return [(str(a), str(p), str(r)) for a, p, r in rows]


def test_the_coordinator_sees_candidates_and_referrals_apart(
    site: tuple[Store, dict[str, Any]],
) -> None:
    store, clients = site
    response = clients["cody.coordinator"].get("/marac")
    assert response.status_code == 200
    body = response.content.decode()
    candidates, referrals = body.split(words.REFERRALS_HEADING)
    for criterion in ("Visible high risk", "Potential escalation", "Repeat"):
        assert criterion in candidates
    assert "Professional judgement" not in candidates
    assert 'href="/people/WS-V/records/POLICE/P4"' in candidates
    assert "Kit Testcase (WS-C)" in candidates  # the child in the household
    assert "DA_SERVICE:D1" in referrals and "By DA_SERVICE on 1 Feb 2025" in referrals
    assert "Kit Testcase (WS-C)" in referrals
    assert ("cody.coordinator", "", "") in audited(store, "marac_list")


def test_a_decision_needs_a_reason_and_is_audited(site: tuple[Store, dict[str, Any]]) -> None:
    store, clients = site
    client = clients["cody.coordinator"]
    key = "WS-V|repeat|2026-01-30"
    url = f"/marac/decide?candidate={key}"
    assert client.get(url).status_code == 200
    refused = client.post(url, {"decision": "accepted", "reason": "  "})
    assert refused.status_code == 200
    assert "govuk-error-summary" in refused.content.decode()
    assert words.REASON_MISSING in refused.content.decode()
    assert store.scalar("SELECT COUNT(*) FROM ws_marac_decision") == 0
    done = client.post(url, {"decision": "accepted", "reason": "Further incident after Marac"})
    assert (done.status_code, done["Location"]) == (302, "/marac")
    rows = store.query("SELECT candidate_key, decision, reason, decided_by FROM ws_marac_decision")
    assert [tuple(r) for r in rows] == [
        (key, "accepted", "Further incident after Marac", "cody.coordinator")
    ]
    assert ("cody.coordinator", "WS-V", "Further incident after Marac") in audited(
        store, "marac_decision"
    )
    assert "Accepted for Marac" in client.get("/marac").content.decode()
    assert client.get("/marac/decide?candidate=WS-V|repeat|2020-01-01").status_code == 404


def test_the_chair_reads_the_list_but_does_not_decide(site: tuple[Store, dict[str, Any]]) -> None:
    store, clients = site
    assert clients["cal.chair"].get("/marac").status_code == 200
    before = store.scalar("SELECT COUNT(*) FROM ws_marac_decision")
    url = "/marac/decide?candidate=WS-V|visible_high_risk|2025-01-10"
    refused = clients["cal.chair"].post(url, {"decision": "declined", "reason": "no"})
    assert refused.status_code == 403
    assert store.scalar("SELECT COUNT(*) FROM ws_marac_decision") == before


def test_a_user_without_the_capability_is_refused_and_shown_nothing(
    site: tuple[Store, dict[str, Any]],
) -> None:
    store, clients = site
    for url in ("/marac", "/marac/decide?candidate=WS-V|visible_high_risk|2025-01-10"):
        response = clients["pat.police"].get(url)
        assert response.status_code == 403
        assert "Testcase" not in response.content.decode()
    assert len([a for a in audited(store, "denied") if a[0] == "pat.police"]) >= 2
