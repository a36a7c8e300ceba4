"""The Operation Encompass pages (issue 13), on both databases.

The records are test_incidents': Kit (Ivydene Primary School) and Mae (Wrenfield
College) are owed notices for a Friday-night incident in November 2025. The police
Encompass officer sends Kit's from the queue, with his voice; Ivydene's safeguarding
lead is emailed a one-time link that acknowledges it and says nothing of the child;
Wrenfield's lead sees only Mae's notice and acknowledges it in the app; a police
practitioner sees no notice at all.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from test_incidents import load
from web_support import open_test_store, serving, signed_in
from wholestory.domestic_abuse import encompass_words as words
from wholestory.domestic_abuse.encompass import notice, refresh_notices
from wholestory.domestic_abuse.incidents import LAST_KNOWN
from wholestory.store import Store

KIT, MAE = "POLICE:INC1|WS-C", "POLICE:INC1|WS-M"
USERS = (  # username, agency, role, team (a lead's school), e-mail
    ("eve.encompass", "POLICE", "encompass", "", ""),
    ("ian.ivydene", "SCHOOL", "dsl", "Ivydene Primary School", "dsl@ivydene.example"),
    ("wes.wrenfield", "SCHOOL", "dsl", "Wrenfield College", "dsl@wrenfield.example"),
    ("pat.police", "POLICE", "practitioner", "Response South", ""),
)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Store, dict[str, Any]]]:
    store = open_test_store(request.param, request, tmp_path_factory.mktemp("encompass"))
    store.execute("DELETE FROM ws_source_person")
    with serving(store.url):
        from django.contrib.auth.models import User
        from django.test import override_settings

        load(store, tmp_path_factory.mktemp("encompass-files"))
        assert refresh_notices(store) == 2
        clients = signed_in([user[:4] for user in USERS])
        for username, *_, email in USERS:
            User.objects.filter(username=username).update(email=email)
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            yield store, clients
    store.close()


def _audited(store: Store, action: str) -> list[tuple[str, str]]:
    rows = store.query("SELECT actor, person FROM ws_audit WHERE action = ?", [action])
    return [(str(a), str(p)) for a, p in rows]


def test_the_police_send_a_notice_and_the_school_acknowledges_it_by_the_link(
    site: tuple[Store, dict[str, Any]],
) -> None:
    from django.core import mail
    from django.test import Client

    store, clients = site
    police = clients["eve.encompass"]
    queue = police.get("/encompass")
    assert queue.status_code == 200
    body = queue.content.decode()
    assert "Kit Caddow" in body and "Mae Caddow" in body and "Overdue" in body
    assert f"School from {LAST_KNOWN}" in body
    assert ("eve.encompass", "") in _audited(store, "encompass_queue")
    form = police.get(f"/encompass/send?notice={KIT}")
    assert form.status_code == 200
    assert "Domestic incident attended at home address" in form.content.decode()
    mail.outbox = []
    sent = police.post(f"/encompass/send?notice={KIT}", {"childs_voice": "He hid upstairs"})
    assert (sent.status_code, sent["Location"]) == (302, "/encompass")
    kit = notice(store, KIT)
    assert kit is not None and kit.sent_by == "eve.encompass"
    assert kit.childs_voice == "He hid upstairs"
    assert ("eve.encompass", "WS-C") in _audited(store, "encompass_sent")
    (message,) = mail.outbox
    assert message.to == ["dsl@ivydene.example"]  # Ivydene's lead only
    assert "Kit" not in message.body and "Caddow" not in message.body
    link = re.search(r"http://testserver(/encompass/ack/\S+)", message.body)
    assert link is not None
    anyone = Client()  # the link needs no sign-in, and shows nothing about the child
    page = anyone.get(link.group(1))
    assert page.status_code == 200 and "Caddow" not in page.content.decode()
    assert notice(store, KIT).acknowledged_at is None  # type: ignore[union-attr]
    done = anyone.post(link.group(1))
    assert done.status_code == 200 and words.ACKNOWLEDGED in done.content.decode()
    acknowledged = notice(store, KIT)
    assert acknowledged is not None and acknowledged.acknowledged_at is not None
    assert anyone.post(link.group(1)).status_code == 404  # once only
    assert police.post(f"/encompass/send?notice={KIT}", {}).status_code == 200  # already sent
    assert "already been sent" in police.post(f"/encompass/send?notice={KIT}", {}).content.decode()


def test_a_school_sees_only_its_own_pupils_and_acknowledges_in_the_app(
    site: tuple[Store, dict[str, Any]],
) -> None:
    store, clients = site
    clients["eve.encompass"].post(f"/encompass/send?notice={MAE}", {"childs_voice": ""})
    school = clients["wes.wrenfield"]
    page = school.get("/encompass/school")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Mae Caddow" in body and "Kit Caddow" not in body
    assert school.post("/encompass/school", {"notice": KIT}).status_code == 404  # not theirs
    done = school.post("/encompass/school", {"notice": MAE})
    assert done.status_code == 200 and words.ACKNOWLEDGED in done.content.decode()
    mae = notice(store, MAE)
    assert mae is not None and mae.acknowledged_by == "wes.wrenfield"
    assert ("wes.wrenfield", "WS-M") in _audited(store, "encompass_ack")


def test_other_roles_are_refused_and_shown_nothing(site: tuple[Store, dict[str, Any]]) -> None:
    _, clients = site
    for url in ("/encompass", f"/encompass/send?notice={KIT}", "/encompass/school"):
        refused = clients["pat.police"].get(url)
        assert refused.status_code == 403 and "Caddow" not in refused.content.decode()
    assert clients["ian.ivydene"].get("/encompass").status_code == 403  # a school: no queue
    assert clients["eve.encompass"].get("/encompass/school").status_code == 403
