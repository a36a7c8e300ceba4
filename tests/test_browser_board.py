"""The board's pages in a real browser (issue 17), with axe on each page: the business unit
builds the quarter's pack, the board reads it on the figures page (its home), the pack's
page, the definitions its charts link to, and the yearly report, drafted then edited.

Then issue 17's journey across the review and recommendation pages: the business unit
opens a rapid review, edits its narrative, adds a recommendation with two actions; the
action's owner marks one complete; a lead of another agency assures it; the business unit
builds the board pack and finds the action assured in it.

SQLite only (test_web_board and test_yearly_report cover PostgreSQL).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from browser_support import LiveServer, browser_page, browser_site, shoot
from test_web_browser import accessible
from web_support import PASSWORD, totp_code

pytestmark = pytest.mark.slow

USERS = [
    ("bo.business", "PARTNERSHIP", "business_unit", ""),
    ("bea.board", "PARTNERSHIP", "board", ""),
    ("otto.owner", "CSC", "action_owner", ""),
    ("liz.school", "SCHOOL", "lead", ""),
]
TWO_FACTOR = ("bo.business", "liz.school")


def _load(store: Any, folder: Any) -> None:
    from assurance_support import planted, selection_rows
    from test_board_pack import _measures

    planted(store, folder, selection_rows())
    _measures(store)


@pytest.fixture(scope="module")
def site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    with browser_site(request, tmp_path_factory, "board-browser", _load, USERS) as site:
        yield site


@pytest.fixture
def page(site: tuple[Any, LiveServer, str]) -> Iterator[Any]:
    yield from browser_page(site[2])


def sign_in(page: Any, server: LiveServer, username: str) -> None:
    page.goto(f"{server.url}/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    if username in TWO_FACTOR:
        page.get_by_label("Code").fill(totp_code(username))
        page.get_by_role("button", name="Continue").click()


def test_the_board_reads_its_pack_and_the_yearly_report(
    site: tuple[Any, LiveServer, str], page: Any
) -> None:
    from playwright.sync_api import expect

    store, server, _ = site
    sign_in(page, server, "bo.business")
    page.goto(f"{server.url}/board/packs")
    accessible(page)
    page.get_by_label("Build the pack for a quarter").fill("2026Q3")
    page.get_by_role("button", name="Build the pack").click()
    title = "Quality and Impact Executive board pack"
    expect(page.get_by_role("heading", name=title)).to_be_visible()
    expect(page.locator("svg").first).to_be_visible()
    accessible(page)
    shoot(page, "97-board-pack")
    page.get_by_role(
        "link", name="New assessments whose agency opened the chronology first, how it is counted"
    ).first.click()
    expect(page.locator("#def-history_read_first")).to_be_visible()
    accessible(page)
    page.goto(f"{server.url}/board/yearly-report")
    accessible(page)
    page.get_by_label("Start the draft for a year").fill("2026-27")
    page.get_by_role("button", name="Start the draft").click()
    expect(page.get_by_role("heading", name="Learning reviews")).to_be_visible()
    accessible(page)
    page.get_by_label("The report, in Markdown").fill("# Signed off\n\n- Priority one")
    page.get_by_role("button", name="Save as a new version").click()
    expect(page.get_by_text("Version 2 of 2")).to_be_visible()
    expect(page.get_by_role("heading", name="Signed off")).to_be_visible()
    accessible(page)

    context = page.context
    context.clear_cookies()
    sign_in(page, server, "bea.board")
    page.goto(f"{server.url}/figures")
    latest = "The board pack for July to September 2026"
    expect(page.get_by_role("link", name=latest)).to_be_visible()
    expect(page.get_by_role("region", name="Records by agency and year")).to_be_visible()
    accessible(page)
    shoot(page, "98-board-home")
    page.set_viewport_size({"width": 360, "height": 800})
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360 + 1, width  # the wide table scrolls in its region, not the page
    assert store.scalar("SELECT COUNT(*) FROM ws_board_pack") == 1
