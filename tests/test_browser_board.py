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

import time
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
        page.get_by_label("Code").fill(_fresh_code(username))
        page.get_by_role("button", name="Continue").click()


_USED: dict[str, str] = {}


def _fresh_code(username: str) -> str:
    """A code not used before (a code is refused the second time, so a second sign-in in
    the same 30 seconds waits for the next one)."""
    code = totp_code(username)
    while code == _USED.get(username):
        time.sleep(1)
        code = totp_code(username)
    _USED[username] = code
    return code


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


def _switch(page: Any, server: LiveServer, username: str) -> None:
    page.context.clear_cookies()
    sign_in(page, server, username)


def test_issue_17_journey_from_a_rapid_review_to_the_board_pack(
    site: tuple[Any, LiveServer, str], page: Any
) -> None:
    from playwright.sync_api import expect

    store, server, _ = site
    sign_in(page, server, "bo.business")
    # The business unit opens a rapid review and edits its narrative.
    page.goto(f"{server.url}/reviews/new")
    accessible(page)
    page.get_by_label("Agency that knows the child").select_option("CSC")
    page.get_by_label("The agency's id for the child").fill("C01")
    page.get_by_label("Date the local authority learned of the incident").fill("2026-08-03")
    page.get_by_label("Title of the review").fill("Rapid review J1")
    page.get_by_role("button", name="Open the review").click()
    expect(page.get_by_role("heading", name="Rapid review J1")).to_be_visible()
    accessible(page)
    review_url = page.url
    page.get_by_role("button", name="Draft the narrative").click()
    page.goto(f"{review_url}/narrative")
    accessible(page)
    page.get_by_label("Narrative").fill("The agencies did not share the missing episodes.")
    page.get_by_role("button", name="Save a new version").click()
    page.goto(review_url)
    expect(page.get_by_text("The agencies did not share the missing episodes.")).to_be_visible()
    # A recommendation with two actions.
    page.goto(f"{server.url}/recommendations/new")
    accessible(page)
    page.get_by_label("Where the recommendation comes from").select_option("review")
    page.get_by_label("Reference").fill("Rapid review J1")
    page.get_by_label("Recommendation", exact=True).fill("Share every missing episode")
    page.get_by_label("Accepted on").fill("2026-09-01")
    page.get_by_role("button", name="Add the recommendation").click()
    expect(page.get_by_text("Recommendation added")).to_be_visible()
    accessible(page)
    for text, due in (("Send missing notices to CSC", "2026-12-31"),
                      ("Audit ten missing episodes", "2027-01-31")):  # fmt: skip
        page.get_by_label("Action", exact=True).fill(text)
        page.get_by_label("Owner agency").fill("CSC")
        page.get_by_label("Owner (username)").fill("otto.owner")
        page.get_by_label("Due by").fill(due)
        page.get_by_role("button", name="Add the action").click()
        expect(page.get_by_text("Action added")).to_be_visible()
    accessible(page)
    (action_id,) = store.query(
        "SELECT id FROM ws_recommendation_action WHERE text = 'Send missing notices to CSC'"
    )[0]
    # The owner completes one; a lead of another agency assures it.
    _switch(page, server, "otto.owner")
    page.goto(f"{server.url}/actions/{action_id}")
    accessible(page)
    page.get_by_label("Status").select_option("complete")
    page.get_by_label("Note").fill("Notices now sent the same day.")
    page.get_by_role("button", name="Save update").click()
    _switch(page, server, "liz.school")
    page.goto(f"{server.url}/actions/{action_id}")
    accessible(page)
    page.get_by_label("Decision").select_option("assured")
    page.get_by_label("Reason").fill("Seen the notices for October.")
    page.get_by_role("button", name="Save assurance").click()
    # The business unit builds the board pack and finds the action assured in it.
    _switch(page, server, "bo.business")
    page.goto(f"{server.url}/board/packs")
    page.get_by_label("Build the pack for a quarter").fill("2026Q4")
    page.get_by_role("button", name="Build the pack").click()
    row = page.locator("tr", has=page.locator("td", has_text="Send missing notices to CSC"))
    expect(row).to_contain_text("Complete")
    expect(row.locator("td").last).to_have_text("Yes")
    other = page.locator("tr", has=page.locator("td", has_text="Audit ten missing episodes"))
    expect(other.locator("td").last).to_have_text("No")
    accessible(page)
    shoot(page, "99-board-pack-assured")
