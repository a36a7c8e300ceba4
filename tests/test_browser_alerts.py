"""A social worker's home page after a feed, and an alert read through to the chronology,
in a real browser (issue 14), with axe on each page.

Her plan's child, Keeley, goes missing for the third time in a year; the police record
arrives in a day's feed. SQLite only (test_web_alerts covers PostgreSQL).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from alert_support import add_keeley_records, day
from arrival_support import child_row
from browser_support import LiveServer, browser_page, browser_site, shoot
from factories import write_csv
from test_web_browser import accessible, sign_in
from wholestory.feed import run_feed
from wholestory.identity import LinkThresholds
from wholestory.store.imports import FEED, Arrival

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    users = [("sue.social", "CSC", "practitioner", "")]
    with browser_site(request, tmp_path_factory, "alerts-browser", add_keeley_records, users) as (
        store,
        server,
        executable,
    ):
        store.execute(  # the name children's social care's records give her
            "UPDATE ws_membership SET practitioner_name = 'S. Okafor' WHERE user_id = "
            "(SELECT id FROM auth_user WHERE username = 'sue.social')"
        )
        rows = [
            child_row(3, "POLICE", event_date=day(0), event_type="MISSING_EPISODE",
                      role="SUBJECT", summary="Missing overnight, found at the bus station"),
        ]  # fmt: skip
        folder = tmp_path_factory.mktemp("alerts-feed")
        run = run_feed(store, [write_csv(folder / "police.csv", rows)], Arrival(FEED, "cron"),
                       thresholds=LinkThresholds())  # fmt: skip
        assert {t.username for t in run.alerts.told} == {"sue.social"}
        yield store, server, executable


@pytest.fixture
def page(site: tuple[Any, LiveServer, str]) -> Iterator[Any]:
    yield from browser_page(site[2])


def test_a_worker_reads_an_alert_through_to_the_chronology(
    site: tuple[Any, LiveServer, str], page: Any
) -> None:
    from playwright.sync_api import expect

    store, server, _ = site
    sign_in(page, server, "sue.social")
    unread = page.get_by_role("table").filter(has_text="A new flag")
    expect(page.get_by_role("heading", name="Your unread alerts (2)")).to_be_visible()
    expect(unread).to_contain_text("Keeley Marchbank")
    mine = page.get_by_role("table").filter(has_text="Child protection")
    expect(mine).to_contain_text("Keeley Marchbank")  # the child she is the worker for
    news = page.get_by_role("table").filter(has_text="New flags: Repeatedly missing")
    expect(news).to_contain_text("Police")
    accessible(page)
    shoot(page, "90-home-after-feed")
    page.get_by_role("link", name="Alerts").first.click()
    expect(page.get_by_role("heading", name="Alerts", exact=True)).to_be_visible()
    expect(page.get_by_text("New").first).to_be_visible()
    accessible(page)
    page.get_by_role("row", name="at Police").get_by_role("link", name="Keeley Marchbank").click()
    expect(page.get_by_role("heading", name="Something new at another agency")).to_be_visible()
    expect(page.get_by_text("Missing overnight, found at the bus station")).to_be_visible()
    expect(page.get_by_text("You are the child's lead professional.")).to_be_visible()
    accessible(page)
    shoot(page, "91-alert")
    page.get_by_role("link", name="Open the whole chronology").click()
    expect(page.get_by_role("heading", name="Keeley Marchbank")).to_be_visible()
    accessible(page)
    keeley = store.scalar(
        "SELECT ws_person_id FROM ws_source_person WHERE key = 'SCHOOL:SCHOOL-P1'"
    )
    assert page.url.endswith(f"/people/{keeley}")
    looked = store.query(
        "SELECT action FROM ws_audit WHERE actor = 'sue.social' AND person = ? ORDER BY seq",
        [keeley],
    )
    assert [a for (a,) in looked] == ["view", "view"]  # the alert, then the chronology
