"""Marac meetings on the web, on both databases: build, research, agenda, actions.

The records are ``marac_support``'s: a victim (WS-V) known to the police, her GP,
housing and the DA service, her partner and their child. The coordinator builds a
meeting and puts the DA service's referral on it; the police lead researches it,
sharing one fact; the chair reads the agenda and agrees an action; the police complete
their own action, and no other agency can. Every step is audited.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from marac_support import marac_site
from wholestory.domestic_abuse import marac_words as words
from wholestory.store import Store

USERS = (
    ("cody.coordinator", "PARTNERSHIP", "coordinator"),
    ("cal.chair", "POLICE", "chair"),
    ("lee.lead", "POLICE", "lead"),
    ("gina.gp", "GP", "manager"),
    ("pat.police", "POLICE", "practitioner"),
)
SOURCE = "referral|DA_SERVICE:D1|WS-V"


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Store, dict[str, Any]]]:
    yield from marac_site(request, tmp_path_factory, USERS)


def actions(store: Store, action: str) -> list[str]:
    return [str(r[0]) for r in store.query("SELECT actor FROM ws_audit WHERE action = ?", [action])]


def test_a_meeting_from_building_to_actions(site: tuple[Store, dict[str, Any]]) -> None:
    store, clients = site
    cody, cal, lee, gina = (clients[u] for u in ("cody.coordinator", "cal.chair", "lee.lead",
                                                 "gina.gp"))  # fmt: skip
    day = dt.date.today() + dt.timedelta(days=14)

    # The chair may read meetings but not build them; a missing day is named.
    assert cal.post("/marac/meetings", {"held_on": day.isoformat()}).status_code == 403
    missing = cody.post("/marac/meetings", {"held_on": ""})
    assert missing.status_code == 400 and words.DAY_MISSING in missing.content.decode()
    built = cody.post("/marac/meetings", {"held_on": day.isoformat()})
    assert built.status_code == 302
    url = built["Location"]
    meeting_id = int(url.rsplit("/", 1)[1])

    # Waiting: the practitioner's referral; put on, it leaves the waiting list.
    page = cody.get(url).content.decode()
    assert SOURCE in page and words.NO_OFFERS not in page
    assert cody.post(f"{url}/add", {"source": SOURCE}).status_code == 302
    again = cody.post(f"{url}/add", {"source": SOURCE})
    assert again.status_code == 400 and words.NOT_ON_OFFER in again.content.decode()
    assert cal.post(f"{url}/add", {"source": SOURCE}).status_code == 403
    case_id = int(store.scalar("SELECT id FROM ws_marac_case WHERE meeting_id = ?", [meeting_id]))

    # The police lead researches: own records only, nothing ticked, a reason for the rest.
    listed = lee.get("/marac/research").content.decode()
    assert f"/marac/cases/{case_id}/research" in listed and "Not started" in listed
    form = lee.get(f"/marac/cases/{case_id}/research").content.decode()
    assert "POLICE:P4" in form and "GP:G1" not in form and " checked" not in form
    refused = lee.post(f"/marac/cases/{case_id}/research",
                       {"share": ["POLICE:P4"], "opinion": "Escalating"})  # fmt: skip
    assert refused.status_code == 400
    assert words.WITHHELD_REASON_MISSING in refused.content.decode()
    done = lee.post(f"/marac/cases/{case_id}/research", {
        "share": ["POLICE:P4"], "opinion": "Escalating quickly",
        "withheld_reason": "older incidents already known to the meeting"})  # fmt: skip
    assert done.status_code == 302
    assert "Completed" in lee.get("/marac/research").content.decode()
    assert clients["pat.police"].get("/marac/research").status_code == 403

    # The agenda: the case with children, the shared fact, the count and reason withheld.
    agenda = cal.get(url).content.decode()
    children_part = agenda.split(words.AGENDA["children"])[1].split(words.AGENDA["adults"])[0]
    assert "WS-V" in children_part and "Kit Testcase (WS-C)" in children_part
    assert "15 of 27 questions answered yes" in children_part  # shared: P4's Dash
    assert "POLICE:P1" not in agenda  # not shared: never shown
    assert "because older incidents already known to the meeting" in agenda
    assert "Escalating quickly" in agenda
    assert SOURCE not in agenda  # the chair builds nothing: no waiting list

    # Confidentiality, then an action (its parts named when missing), done by its agency.
    assert cal.post(f"{url}/confidentiality").status_code == 302
    assert "Read and signed; recorded by cal.chair" in cal.get(url).content.decode()
    bad = cal.post(f"/marac/cases/{case_id}/actions", {"agency": "POLICE", "owner": "",
                                                      "action": "", "due_on": ""})  # fmt: skip
    assert bad.status_code == 400 and words.DUE_MISSING in bad.content.decode()
    assert cal.post(f"/marac/cases/{case_id}/actions", {
        "agency": "POLICE", "owner": "PC Lee", "action": "Flag the address",
        "due_on": (day + dt.timedelta(days=7)).isoformat()}).status_code == 302  # fmt: skip
    action_id = int(store.scalar("SELECT id FROM ws_marac_action WHERE case_id = ?", [case_id]))
    assert gina.post(f"/marac/actions/{action_id}/done").status_code == 403  # not the GP's
    assert "Flag the address" in lee.get("/marac/research").content.decode()
    assert lee.post(f"/marac/actions/{action_id}/done", {"back": "research"}).status_code == 302
    assert store.scalar("SELECT completed_by FROM ws_marac_action") == "lee.lead"

    assert actions(store, "marac_changed").count("cody.coordinator") == 2
    assert "lee.lead" in actions(store, "marac_research")
    assert "cal.chair" in actions(store, "marac_meeting")


def test_the_menu_shows_each_role_its_marac_pages(site: tuple[Store, dict[str, Any]]) -> None:
    _, clients = site
    home = {u: clients[u].get("/").content.decode() for u in ("cody.coordinator", "lee.lead",
                                                               "pat.police")}  # fmt: skip
    assert 'href="/marac/meetings"' in home["cody.coordinator"]
    assert 'href="/marac/research"' in home["lee.lead"]
    assert 'href="/marac/research"' not in home["pat.police"]
    assert 'href="/marac"' not in home["pat.police"]
