"""A person's lead professional page (issue 14, part 4), on both databases: who is allocated
and who leads, shown on the person page too; only a safeguarding lead of an agency holding
the person's records sets or ends one, audited; an administrator matches a user to their
practitioner name. The partnership is ``lead_support``'s.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from lead_support import lead_site
from wholestory.store import Store


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Store, dict[str, Any]]]:
    yield from lead_site(request, tmp_path_factory)


def test_the_lead_page_shows_who_leads_and_a_lead_sets_one(
    site: tuple[Store, dict[str, Any]],
) -> None:
    store, clients = site
    page = clients["jo.csc"].get("/people/WS-K/lead")
    assert page.status_code == 200
    body = page.content.decode()
    assert "<strong>Jo Smith</strong>, CP Team 2, Children&#x27;s social care" in body
    assert "child protection plan since 10 January 2025" in body
    assert words_set_title() not in body  # a practitioner reads it, does not set it
    person = clients["jo.csc"].get("/people/WS-K").content.decode()
    assert 'id="lead-title"' in person and 'href="/people/WS-K/lead"' in person
    assert "Jo Smith, CP Team 2, Children&#x27;s social care: child protection plan" in person

    lead = clients["liz.csc"]
    assert words_set_title() in lead.get("/people/WS-K/lead").content.decode()
    missing = lead.post("/people/WS-K/lead", {"agency": "SCHOOL", "practitioner": "  "})
    assert missing.status_code == 400
    assert "Enter the practitioner&#x27;s name" in missing.content.decode()
    wrong = lead.post("/people/WS-K/lead", {"agency": "HOUSING", "practitioner": "X"})
    assert wrong.status_code == 400 and "Choose the lead professional" in wrong.content.decode()
    dee = {"agency": "SCHOOL", "practitioner": " Dee  Ward", "team": "Pastoral"}
    done = lead.post("/people/WS-K/lead", dee)
    assert done.status_code == 302 and done["Location"] == "/people/WS-K/lead"
    after = lead.get("/people/WS-K/lead").content.decode()
    assert "Dee Ward is now the lead professional" in after
    assert "<strong>Dee Ward</strong>, Pastoral, School: set here by a safeguarding lead" in after
    assert "Leads now" in after
    logged = store.query("SELECT person, detail FROM ws_audit WHERE action = 'lead_set'")
    assert [p for p, _ in logged] == ["WS-K"] and '"practitioner":"Dee Ward"' in str(logged[0][1])
    ended = lead.post("/people/WS-K/lead", {"end": "1"})
    assert ended.status_code == 302
    back = lead.get("/people/WS-K/lead").content.decode()
    assert "<strong>Jo Smith</strong>, CP Team 2" in back and "Leads now" not in back
    assert "by liz.csc" in back  # the history: set and ended
    assert store.scalar("SELECT COUNT(*) FROM ws_audit WHERE action = 'lead_ended'") == 1


@pytest.mark.parametrize("who", ["jo.csc", "meg.csc"])
def test_only_a_lead_may_set_the_lead_professional(
    site: tuple[Store, dict[str, Any]], who: str
) -> None:
    store, clients = site
    before = store.scalar("SELECT COUNT(*) FROM ws_lead_professional")
    refused = clients[who].post("/people/WS-A/lead", {"agency": "CSC", "practitioner": "Me"})
    assert refused.status_code == 403
    assert "may not set a lead professional" in refused.content.decode()
    assert store.scalar("SELECT COUNT(*) FROM ws_lead_professional") == before
    denied = store.query(
        "SELECT person FROM ws_audit WHERE actor = ? AND action = 'denied' ORDER BY seq DESC",
        [who],
    )
    assert denied and denied[0][0] == "WS-A"


def test_a_lead_who_may_not_see_the_child_is_refused(site: tuple[Store, dict[str, Any]]) -> None:
    store, clients = site
    refused = clients["hal.housing"].get("/people/WS-K/lead")
    assert refused.status_code == 403 and "Jo Smith" not in refused.content.decode()
    posted = clients["hal.housing"].post("/people/WS-K/lead",
                                         {"agency": "CSC", "practitioner": "Me"})  # fmt: skip
    assert posted.status_code == 403
    assert store.scalar("SELECT COUNT(*) FROM ws_lead_professional WHERE ws_person_id = 'WS-K' "
                        "AND practitioner = 'Me'") == 0  # fmt: skip


def test_an_administrator_matches_a_user_to_their_practitioner_name(
    site: tuple[Store, dict[str, Any]],
) -> None:
    from django.contrib.auth.models import User

    store, clients = site
    admin = clients["ada.admin"]
    listed = admin.get("/users").content.decode()
    assert "Jo Smith" in listed and 'href="/users/pat.police/practitioner"' in listed
    form = admin.get("/users/pat.police/practitioner")
    assert form.status_code == 200 and "Practitioner name" in form.content.decode()
    saved = admin.post("/users/pat.police/practitioner", {"practitioner": " PC  101 Ahmed "})
    assert saved.status_code == 302
    assert User.objects.get(username="pat.police").membership.practitioner_name == "PC 101 Ahmed"
    logged = store.query("SELECT detail FROM ws_audit WHERE action = 'practitioner_set'")
    assert '"to":"PC 101 Ahmed"' in str(logged[-1][0])
    assert admin.get("/users/nobody/practitioner").status_code == 404
    assert clients["liz.csc"].get("/users/pat.police/practitioner").status_code == 403


def words_set_title() -> str:
    from wholestory.engagement.lead_words import SET_TITLE

    return SET_TITLE


def test_an_allocation_is_shown_as_the_agreement_shows_its_record() -> None:
    """In full; at involvement without the worker; a restricted one only to its agency."""
    import datetime as dt

    from wholestory.access import Viewer
    from wholestory.engagement.leads import RECORDS, Allocation
    from wholestory.web.pages.lead_presenting import shown_allocations

    day = dt.date(2025, 1, 1)
    adopted = Allocation("WS-1", "CSC", "Jo Smith", "Adoption Team", "LOOKED_AFTER", day,
                         RECORDS, restricted=True)  # fmt: skip
    health = Allocation("WS-1", "GP", "Dr Who", "Surgery", "EARLY_HELP", day, RECORDS)
    police = Viewer("pat", "POLICE", "practitioner")
    shown = shown_allocations(police, [adopted, health])
    assert [(r["agency"], r["worker"], r["lead"]) for r in shown] == [("GP practice", "", False)]
    assert shown[0]["line"] == "GP practice: early help plan since 1 January 2025"
    own = shown_allocations(Viewer("jo", "CSC", "practitioner"), [adopted])
    assert own[0]["worker"] == "Jo Smith" and own[0]["lead"]
