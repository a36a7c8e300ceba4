"""A CAMHS practitioner records a child's THRIVE Current View and grouping in a real browser
(issue 16), with axe on each page: one factor the records propose is confirmed by its tick,
the grouping is chosen beside WholeStory's suggestion with the child's view, and it shows in
the child's timeline as a lane. Then the quality assurance officer opens the population page
and finds the grouping's row (a count under 5 reads "fewer than 5").

SQLite only (test_web_thrive covers PostgreSQL); the child is test_web_thrive's WS-K1.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from browser_support import LiveServer, browser_page, browser_site, shoot
from test_web_browser import accessible, sign_in
from test_web_thrive import CHILD, _rows
from wholestory.thrive import child_words as w
from wholestory.thrive.records import current_views_of, groupings_of

pytestmark = pytest.mark.slow


def _load(store: Any, folder: Any) -> None:
    from assurance_support import planted

    planted(store, folder, _rows())


@pytest.fixture(scope="module")
def site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    users = [("cam.camhs", "CAMHS", "practitioner", ""), ("quinn.qa", "PARTNERSHIP", "qa", "")]
    with browser_site(request, tmp_path_factory, "thrive-browser", _load, users) as site:
        yield site


@pytest.fixture
def page(site: tuple[Any, LiveServer, str]) -> Iterator[Any]:
    yield from browser_page(site[2])


def test_a_camhs_practitioner_records_a_childs_thrive(
    site: tuple[Any, LiveServer, str], page: Any
) -> None:
    from playwright.sync_api import expect

    store, server, _ = site
    sign_in(page, server, "cam.camhs")
    page.goto(f"{server.url}/people/{CHILD}")
    page.get_by_role("link", name=w.LINK).click()
    expect(page.get_by_role("heading", name=w.PAGE_TITLE)).to_be_visible()
    accessible(page)
    page.get_by_role("link", name=w.RECORD_VIEW).click()
    expect(page.get_by_role("heading", name=w.PROPOSED_TITLE)).to_be_visible()
    accessible(page)
    page.get_by_label("Confirm: Current protection plan").check()
    page.get_by_label("Depression or low mood").select_option("moderate")
    page.get_by_role("button", name="Keep the Current View").click()
    expect(page.get_by_text("Confirmed from the records: Current protection plan.")).to_be_visible()
    accessible(page)
    page.get_by_role("link", name=w.RECORD_GROUPING).click()
    expect(page.get_by_role("heading", name=w.SUGGESTION_TITLE)).to_be_visible()
    accessible(page)
    page.get_by_label("Getting Help", exact=True).check()
    page.get_by_label("Reason").fill("Low mood affecting school.")
    page.get_by_role("button", name="Keep the grouping").click()  # no child's view: named
    expect(page.get_by_role("alert")).to_contain_text("Write the child's and family's view")
    accessible(page)
    page.get_by_label("The child's and family's view").fill("Kim would like to talk weekly.")
    page.get_by_label("Agreed", exact=True).check()
    page.get_by_label("Goals").fill("Back at school full time.")
    page.get_by_label("By when").fill((dt.date.today() + dt.timedelta(days=90)).isoformat())
    page.get_by_label("Review date").fill((dt.date.today() + dt.timedelta(days=60)).isoformat())
    page.get_by_role("button", name="Keep the grouping").click()
    expect(page.get_by_text("Kim would like to talk weekly.")).to_be_visible()
    accessible(page)
    page.goto(f"{server.url}/people/{CHILD}#timeline")
    lane = page.locator('[data-lane="THRIVE grouping"]')
    expect(lane).to_have_count(1)
    expect(lane.locator('[data-grouping="Getting Help"]')).to_have_count(1)
    accessible(page)
    shoot(page, "95-thrive-lane")
    (kept,) = groupings_of(store, [CHILD])
    assert kept.grouping.grouping == "help" and kept.app_user == "cam.camhs"
    assert current_views_of(store, [CHILD])[0].view.confirmed == ("protection_plan",)


def test_the_grouping_is_counted_on_the_population_page(
    site: tuple[Any, LiveServer, str], page: Any
) -> None:
    from playwright.sync_api import expect

    _, server, _ = site
    sign_in(page, server, "quinn.qa")
    page.goto(f"{server.url}/thrive/population")
    row = page.locator("tr", has=page.locator("th", has_text="Getting Help")).first
    expect(row).to_be_visible()
    expect(row).to_contain_text("fewer than 5")
    accessible(page)
