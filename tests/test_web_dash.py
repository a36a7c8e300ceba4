"""Recording a Dash risk checklist in the app (issue 13), on both databases.

The IDVA service holds a record of Rhian (test_incidents' family). Its IDVA records
the SafeLives checklist with her words beside an answer; 14 "yes" answers put her on
the Marac coordinator's referral list. A police officer, who may see Rhian, records
checklists in the police's own system and is refused here.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from test_incidents import load, record
from web_support import open_test_store, serving, signed_in
from wholestory.domestic_abuse import marac_words as words
from wholestory.domestic_abuse.marac import referral_list
from wholestory.store import Store

URL = "/people/WS-V/dash/new"


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Store, dict[str, Any]]]:
    store = open_test_store(request.param, request, tmp_path_factory.mktemp("dash"))
    store.execute("DELETE FROM ws_source_person")
    with serving(store.url):
        contact = record(40, "DA_SERVICE", "DV1", "VICTIM", "2025-11-20", "DA_SERVICE_CONTACT")
        load(store, tmp_path_factory.mktemp("dash-files"), [contact])
        clients = signed_in([
            ("ida.idva", "DA_SERVICE", "idva", "IDVA Service"),
            ("pat.police", "POLICE", "practitioner", ""),
        ])  # fmt: skip
        yield store, clients
    store.close()


def answers(yes: int) -> dict[str, str]:
    return {f"q{n}": "Y" if n <= yes else "N" for n in range(1, 25)}


def test_an_idva_records_a_checklist_that_reaches_the_marac_list(
    site: tuple[Store, dict[str, Any]],
) -> None:
    store, clients = site
    idva = clients["ida.idva"]
    page = idva.get(URL)
    assert page.status_code == 200
    body = page.content.decode()
    assert "1. Injured in this incident" in body and "24. Trouble with the police" in body
    incomplete = idva.post(URL, {"assessed_on": "2026-11-02", "professional_judgement": "N"})
    assert incomplete.status_code == 400
    assert "Answer question 3: yes, no or not known" in incomplete.content.decode()
    assert store.scalar("SELECT COUNT(*) FROM ws_dash") == 0
    done = idva.post(URL, {
        **answers(14), "assessed_on": "2026-11-02", "professional_judgement": "N",
        "w1": "He pushed me into the door", "notes": "Seen at the refuge",
    })  # fmt: skip
    assert done.status_code == 200
    shown = done.content.decode()
    assert "14 of 24 answered yes" in shown and "Visible high risk" in shown
    row = store.query(
        "SELECT agency, victim_person_id, score, recorded_in_app, victims_words, practitioner "
        "FROM ws_dash"
    )[0]
    assert row[:4] == ("DA_SERVICE", "WS-V", 14, True)
    assert json.loads(row[4]) == {"1": "He pushed me into the door"}
    assert row[5] == "ida.idva"
    listed = {(c.victim, c.criterion) for c in referral_list(store).candidates}
    assert ("WS-V", words.VISIBLE_HIGH_RISK) in listed
    assert store.scalar("SELECT COUNT(*) FROM ws_audit WHERE action = 'dash_recorded'") == 1


def test_judgement_raises_a_low_score_and_others_are_refused(
    site: tuple[Store, dict[str, Any]],
) -> None:
    store, clients = site
    low = clients["ida.idva"].post(URL, {
        **answers(3), "assessed_on": "2026-11-03", "professional_judgement": "Y",
    })  # fmt: skip
    assert "Professional judgement" in low.content.decode()
    refused = clients["pat.police"].get(URL)  # the police may see Rhian, not record here
    assert refused.status_code == 403
    before = store.scalar("SELECT COUNT(*) FROM ws_dash")
    assert clients["pat.police"].post(URL, answers(20)).status_code == 403
    assert store.scalar("SELECT COUNT(*) FROM ws_dash") == before
