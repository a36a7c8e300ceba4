"""The alert pages (issue 14): a user's alerts, and each alert with the history it brings,
read only by the people it was sent to, audited as a look at the child."""

from __future__ import annotations

from pathlib import Path

from alert_support import add_keeley, day, feed
from arrival_support import child_row
from web_support import PASSWORD, serving
from wholestory.alerts.settings import NEW_FLAG, SOMETHING_NEW
from wholestory.store import Store


def _client(username: str) -> object:
    from django.test import Client

    client = Client()
    response = client.post("/login", {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content[:300]
    return client


def test_an_alert_brings_the_history_to_the_worker_and_no_one_else(
    store: Store, tmp_path: Path
) -> None:
    keeley = add_keeley(store, tmp_path)
    feed(store, tmp_path, [
        child_row(3, "POLICE", event_date=day(0), event_type="MISSING_EPISODE", role="SUBJECT",
                  summary="Missing overnight, found at the bus station"),
    ])  # fmt: skip
    ids = {
        str(rule): int(i)
        for i, rule in store.query("SELECT id, rule FROM ws_alert WHERE ws_person_id = ?", [keeley])
    }
    assert set(ids) == {SOMETHING_NEW, NEW_FLAG}
    with serving(store.url):
        sue = _client("sue.social")  # her social worker, the lead professional
        home = sue.get("/").content.decode()  # type: ignore[attr-defined]
        unread = home[home.index("Your unread alerts (2)") :]
        unread = unread[: unread.index("<h2")]
        assert unread.count("Keeley Marchbank") == 2 and "A new flag" in unread
        assert home.index("Your unread alerts") < home.index("Children you are the worker for")
        news = home[home.index('id="news"') :]
        assert "Keeley Marchbank" in news and "Police (3)" in news  # a first visit: 30 days
        assert "New flags: Repeatedly missing" in news
        listed = sue.get("/alerts")  # type: ignore[attr-defined]
        assert listed.status_code == 200
        body = listed.content.decode()
        assert body.count("Keeley Marchbank") == 2 and body.count(">New</strong>") == 2
        assert f'href="/alerts/{ids[SOMETHING_NEW]}"' in body
        assert "at Police" in body  # where the new event is
        page = sue.get(f"/alerts/{ids[SOMETHING_NEW]}")  # type: ignore[attr-defined]
        assert page.status_code == 200
        text = page.content.decode()
        assert f'href="/people/{keeley}"' in text and "Open the whole chronology" in text
        assert "You are the child&#x27;s lead professional." in text
        for agency in ("School", "GP", "Police"):
            assert agency in text  # who knows her
        assert "Missing overnight, found at the bus station" in text  # the last twelve months
        assert "High" in text  # her flags
        again = sue.get("/alerts").content.decode()  # type: ignore[attr-defined]
        assert again.count(">New</strong>") == 1  # the one she read is read

        hal = _client("hal.housing")  # housing knows nothing of her, and was sent nothing
        for number in (ids[SOMETHING_NEW], 999_999):
            refused = hal.get(f"/alerts/{number}")  # type: ignore[attr-defined]
            assert refused.status_code == 403
            said = refused.content.decode()
            assert "There is no alert for you with that number." in said
            assert "Marchbank" not in said and keeley not in said
        assert "Marchbank" not in hal.get("/alerts").content.decode()  # type: ignore[attr-defined]

    viewed = store.query(
        "SELECT actor, action, person, outcome FROM ws_audit WHERE action IN "
        "('view', 'alerts_read', 'denied') ORDER BY seq"
    )
    assert ("sue.social", "view", keeley, "allowed") in viewed
    assert sum(1 for a, act, _, _ in viewed if a == "sue.social" and act == "alerts_read") == 2
    assert sum(1 for a, _, _, o in viewed if a == "hal.housing" and o == "denied") == 2
