"""The governance pages (the audit log, users, approvals) on both databases.

Split from ``test_web_work.py`` to keep each test module short; the seeded
partnership is shared by the module, and each user signs in once (a TOTP code
cannot be used twice).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from web_support import Seeded, open_test_store, seed, serving, sign_in
from wholestory import audit

Client = Any
Sign = Callable[[str], Client]


@pytest.fixture(scope="module")
def partnership(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("governance-partnership")


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def site(
    request: pytest.FixtureRequest, partnership: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Seeded]:
    store = open_test_store(request.param, request, tmp_path_factory.mktemp("governance"))
    with serving(store.url):
        yield seed(store, partnership)
    store.close()


@pytest.fixture(scope="module")
def signed(site: Seeded) -> Sign:
    """A signed-in client per user, made once per database."""
    from django.test import Client as DjangoClient

    clients: dict[str, Client] = {}

    def get(username: str) -> Client:
        if username not in clients:
            client = DjangoClient()
            sign_in(client, username)
            clients[username] = client
        return clients[username]

    return get


def _names(site: Seeded) -> list[str]:
    """Every person's display name: none may show where case data must not."""
    return [str(n) for (n,) in site.store.query("SELECT display_name FROM ws_chronology") if n]


def _text(response: Any) -> str:
    return str(response.content.decode())


# -- audit viewer ------------------------------------------------------------------------


def test_audit_viewer_filters_and_shows_the_chain_intact(site: Seeded, signed: Sign) -> None:
    lead = signed("liz.school")
    signed("sam.school").get("/flags")  # a refusal to find (at the lead's own agency: L2)
    body = _text(lead.get("/audit?check=1"))
    total = audit.verify(site.store).entries
    assert re.search(r"The log is intact: \d+ entries checked", body)
    assert f"The log is intact: {total} entries checked" in body
    assert audit.entries(site.store, limit=1)[0].action == "audit_view"

    only = _text(lead.get("/audit?actor=sam.school&action=denied"))
    cells = re.findall(r"<td class=\"govuk-table__cell\">(\w[\w.]*)<br>", only)
    assert cells and set(cells) == {"sam.school"}
    assert "denied" in only

    today = dt.date.today().isoformat()
    assert "entries match" in _text(lead.get(f"/audit?date_from={today}&date_to={today}"))
    future = (dt.date.today() + dt.timedelta(days=5)).isoformat()
    assert "0 entries match" in _text(lead.get(f"/audit?date_from={future}"))
    logged = audit.entries(site.store, actor="liz.school", action="audit_view", limit=1)[0]
    assert json.loads(logged.detail) == {"date_from": future}
    wrong = _text(lead.get("/audit?date_from=2025-02-30"))
    assert "Enter the from date as a real date" in wrong


def test_a_lead_reads_only_their_agencys_part_of_the_audit_log(site: Seeded, signed: Sign) -> None:
    """Issue 11, L2: a lead sees their own agency's people's entries and entries about
    people their agency holds records of, never another agency's searches; the partnership's
    information governance officer sees the whole log, and no case data."""
    from wholestory.access_facts import facts_about

    signed("pat.police").get("/search?family_name=Policeterm")
    signed("sam.school").get("/search?family_name=Schoolterm")
    both = next(
        str(p)
        for (p,) in site.store.query("SELECT ws_person_id FROM ws_chronology ORDER BY 1")
        if {"POLICE", "SCHOOL"} <= facts_about(site.store, str(p)).agencies
    )
    school_only = next(
        str(p)
        for (p,) in site.store.query("SELECT ws_person_id FROM ws_chronology ORDER BY 1")
        if "SCHOOL" in (f := facts_about(site.store, str(p))).agencies
        and "POLICE" not in f.agencies
        and "POLICE" not in f.household_child_agencies
    )
    school = signed("sam.school")
    assert school.get(f"/people/{both}").status_code == 200
    assert school.get(f"/people/{school_only}").status_code == 200

    police_lead = signed("lee.police")
    searches = _text(police_lead.get("/audit?action=search"))
    assert "Policeterm" in searches and "Schoolterm" not in searches
    assert "sam.school" in _text(police_lead.get(f"/audit?person={both}&actor=sam.school"))
    hidden = _text(police_lead.get(f"/audit?person={school_only}"))
    assert "0 entries match" in hidden and "sam.school" not in hidden
    assert "You see what people at Police did" in searches

    governance = signed("gil.governance")
    everything = _text(governance.get("/audit?action=search"))
    assert "Policeterm" in everything and "Schoolterm" in everything
    assert "sam.school" in _text(governance.get(f"/audit?person={school_only}"))
    assert governance.get(f"/people/{both}").status_code == 403
    assert governance.get("/search?family_name=Smith").status_code == 403


# -- users -------------------------------------------------------------------------------


def test_administrators_manage_users_and_see_no_case_data(site: Seeded, signed: Sign) -> None:
    """Issue 11, M1: an administrator asks for accounts and grants but opens neither, and
    chooses no password (this test once had the administrator set a lead's password)."""
    from django.contrib.auth.models import User
    from django.test import Client as DjangoClient

    from wholestory.web.accounts.models import AccessGrant, Notification

    admin = signed("ada.admin")
    listing = _text(admin.get("/users"))
    assert "pat.police" in listing and "Safeguarding lead" in listing
    assert not any(name in listing for name in _names(site))

    chosen = "a long and unusual passphrase 7"
    added = admin.post(
        "/users/add",
        {
            "username": "new.lead",
            "agency": "police",
            "team": "Public protection",
            "role": "lead",
            "password": chosen,  # no longer a field: an administrator chooses no password
        },
    )
    assert added.status_code == 302
    user = User.objects.get(username="new.lead")
    assert (user.membership.agency, user.membership.role) == ("POLICE", "lead")  # type: ignore[attr-defined]
    assert user.membership.waiting and not user.is_active  # type: ignore[attr-defined]
    assert not user.has_usable_password()
    signing = DjangoClient().post("/login", {"username": "new.lead", "password": chosen})
    assert signing.status_code == 200 and b"not right" in signing.content
    entry = audit.entries(site.store, action="user_added", limit=1)[0]
    assert entry.actor == "ada.admin" and "passphrase" not in entry.detail
    told = Notification.objects.filter(agency="POLICE", url="/approvals").first()
    assert told is not None and "new.lead" in told.message
    assert "Waiting for approval" in _text(admin.get("/users"))
    assert admin.post("/approvals", {"account": "new.lead"}).status_code == 403

    asked = _text(admin.get("/users/new.lead/authenticator"))
    assert "Set up the authenticator" in asked and "otpauth://" not in asked
    secret = _text(admin.post("/users/new.lead/authenticator"))
    assert "otpauth://totp/" in secret
    assert audit.entries(site.store, limit=1)[0].action == "token_issued"

    child = site.person_known_to("POLICE")
    bad = admin.post(
        "/users/grant",
        {"reviewer": "rey.reviewer", "person": "WS-9999999", "days": "7", "reason": "Rapid review"},
    )
    assert bad.status_code == 400 and "There is no current WholeStory id" in _text(bad)
    granted = admin.post(
        "/users/grant",
        {"reviewer": "rey.reviewer", "person": child, "days": "7", "reason": "Rapid review 12"},
    )
    assert granted.status_code == 302
    grant = AccessGrant.objects.get(user__username="rey.reviewer", person=child)
    assert grant.waiting and grant.granted_by == "ada.admin"
    entry = audit.entries(site.store, action="grant", limit=1)[0]
    assert entry.person == child and entry.reason == "Rapid review 12"
    after = _text(admin.get("/users"))
    assert child in after  # the confirmation names the id given, and nothing about the case
    assert not any(name in after for name in _names(site))
    for url in ("/flags", "/review", "/upload", "/audit", "/figures", "/approvals"):
        assert admin.get(url).status_code == 403


def test_a_new_account_opens_when_its_agencys_lead_approves_and_its_user_chooses_the_password(
    site: Seeded, signed: Sign
) -> None:
    """Issue 11, M1: four eyes, and a one-time link kept hashed, working once."""
    from django.contrib.auth.models import User
    from django.test import Client as DjangoClient

    from wholestory.web.accounts.models import PasswordLink

    admin = signed("ada.admin")
    form = {"username": "sue.school", "agency": "SCHOOL", "team": "", "role": "practitioner"}
    assert admin.post("/users/add", form).status_code == 302
    wrong_lead = signed("lee.police").post("/approvals", {"account": "sue.school"})
    assert wrong_lead.status_code == 403 and "lead of the account" in _text(wrong_lead)
    assert not User.objects.get(username="sue.school").is_active

    lead = signed("liz.school")
    assert "sue.school" in _text(lead.get("/approvals"))
    shown = _text(lead.post("/approvals", {"account": "sue.school"}))
    token = re.search(r"/welcome/([\w-]+)", shown)
    assert token and "shown once" in shown
    user = User.objects.get(username="sue.school")
    assert user.is_active and user.membership.approved_by == "liz.school"  # type: ignore[attr-defined]
    assert not PasswordLink.objects.filter(digest=token.group(1)).exists()  # only its hash kept
    assert audit.entries(site.store, action="approve", limit=1)[0].actor == "liz.school"

    welcome, url = DjangoClient(), f"/welcome/{token.group(1)}"
    assert "Choose your password" in _text(welcome.get(url))
    weak = welcome.post(url, {"password": "password", "again": "password"})
    assert weak.status_code == 400
    differ = welcome.post(url, {"password": "a fine long phrase 8", "again": "another one 9"})
    assert differ.status_code == 400 and "not the same" in _text(differ)
    done = welcome.post(url, {"password": "a fine long phrase 8", "again": "a fine long phrase 8"})
    assert done.status_code == 302 and done.url == "/login"
    assert welcome.get(url).status_code == 404  # once only
    again = welcome.post(url, {"password": "a new long phrase 10", "again": "a new long phrase 10"})
    assert again.status_code == 404
    signing = DjangoClient().post(
        "/login", {"username": "sue.school", "password": "a fine long phrase 8"}
    )
    assert signing.status_code == 302
    entry = audit.entries(site.store, action="password_set", limit=1)[0]
    assert entry.actor == "sue.school" and "phrase" not in entry.detail


def test_a_lead_refuses_an_account_or_an_access_they_do_not_recognise(
    site: Seeded, signed: Sign
) -> None:
    """Four eyes mean a second person can say no: a refused account is gone, a refused grant
    never opens, only the right lead may refuse, and every attempt is audited."""
    from django.contrib.auth.models import User

    from wholestory.web.accounts.models import AccessGrant

    admin = signed("ada.admin")
    form = {"username": "zed.school", "agency": "SCHOOL", "team": "", "role": "practitioner"}
    assert admin.post("/users/add", form).status_code == 302
    wrong = signed("lee.police").post("/approvals", {"account": "zed.school", "decision": "refuse"})
    assert wrong.status_code == 403 and "lead of the account" in _text(wrong)
    assert User.objects.filter(username="zed.school").exists()
    assert audit.entries(site.store, action="refuse", limit=1)[0].outcome == "denied"
    lead = signed("liz.school")
    done = lead.post("/approvals", {"account": "zed.school", "decision": "refuse"})
    assert done.status_code == 302
    assert not User.objects.filter(username="zed.school").exists()
    entry = audit.entries(site.store, action="refuse", limit=1)[0]
    assert (entry.actor, entry.outcome) == ("liz.school", "allowed")

    child = site.person_known_to("SCHOOL")
    asked = {"reviewer": "rey.reviewer", "person": child, "days": "3", "reason": "Rapid review 7"}
    assert admin.post("/users/grant", asked).status_code == 302
    grant = AccessGrant.objects.filter(user__username="rey.reviewer", person=child, waiting=True)
    grant_id = str(grant.latest("id").pk)
    assert lead.post("/approvals", {"grant": grant_id, "decision": "refuse"}).status_code == 302
    assert not AccessGrant.objects.filter(pk=int(grant_id)).exists()
    assert signed("rey.reviewer").get(f"/people/{child}").status_code == 403


def test_a_password_link_expires_and_nobody_approves_their_own_account(site: Seeded) -> None:
    from django.contrib.auth.models import User
    from django.test import Client as DjangoClient
    from django.utils import timezone

    from wholestory.access import Viewer
    from wholestory.web.accounts.approval import (
        approve_account,
        issue_password_link,
        request_account,
    )
    from wholestory.web.accounts.models import PasswordLink
    from wholestory.web.accounts.users import UserError

    token = request_account("bo.board", "PARTNERSHIP", "board", "", "ada.admin")
    assert token  # a board member sees no case data: no approval, the link goes to the admin
    PasswordLink.objects.filter(user__username="bo.board").update(expires_at=timezone.now())
    assert DjangoClient().get(f"/welcome/{token}").status_code == 404
    fresh = issue_password_link(User.objects.get(username="bo.board"), "ada.admin")
    assert DjangoClient().get(f"/welcome/{fresh}").status_code == 200

    # An identity reviewer sees both records of a pair: their account waits for a lead too.
    assert request_account("ira.identity", "POLICE", "identity", "", "ada.admin") == ""
    assert not User.objects.get(username="ira.identity").is_active
    assert request_account("gail.gov", "PARTNERSHIP", "governance", "", "gil.governance") == ""
    with pytest.raises(UserError, match="someone else must approve"):
        approve_account("gail.gov", Viewer("gil.governance", "PARTNERSHIP", "governance"))
    with pytest.raises(UserError, match="information governance officer"):
        approve_account("gail.gov", Viewer("liz.school", "SCHOOL", "lead"))
