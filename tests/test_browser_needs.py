"""A health visitor records that a mother needs an interpreter, in a real browser (issue 14),
with axe on each page; the need then shows first on her child's page.

SQLite only (test_web_needs covers PostgreSQL); the family is marac_support's.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from browser_support import LiveServer, browser_page, browser_site, shoot
from marac_support import load
from test_web_browser import accessible, sign_in
from wholestory.engagement import words

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    users = [("pat.police", "POLICE", "practitioner", "")]
    with browser_site(request, tmp_path_factory, "needs-browser", load, users) as site:
        yield site


@pytest.fixture
def page(site: tuple[Any, LiveServer, str]) -> Iterator[Any]:
    yield from browser_page(site[2])


def test_a_worker_records_a_need(site: tuple[Any, LiveServer, str], page: Any) -> None:
    from playwright.sync_api import expect

    store, server, _ = site
    sign_in(page, server, "pat.police")
    page.goto(f"{server.url}/people/WS-V")
    expect(page.get_by_role("heading", name=words.HEADING)).to_be_visible()
    expect(page.get_by_text(words.NONE_RECORDED)).to_be_visible()
    accessible(page)
    page.get_by_role("link", name=words.RECORD_LINK).click()
    expect(page.get_by_role("heading", name=words.FORM_TITLE)).to_be_visible()
    accessible(page)
    page.get_by_label("Need").select_option("INTERPRETER")
    page.get_by_role("button", name=words.RECORD).click()  # no language: named
    expect(page.get_by_role("alert")).to_contain_text("Enter the language")
    accessible(page)
    page.get_by_label("Detail").fill("Tigrinya")
    page.get_by_role("button", name=words.RECORD).click()
    expect(page.get_by_text("Language: Tigrinya")).to_be_visible()
    accessible(page)
    page.goto(f"{server.url}/people/WS-C")
    needs = page.locator(".ws-needs")
    expect(needs).to_contain_text("Alex Testcase")
    expect(needs).to_contain_text("Needs an interpreter")
    accessible(page)
    shoot(page, "90-needs")
    assert store.scalar("SELECT detail FROM ws_need WHERE recorded_by = 'pat.police'") == (
        "Tigrinya"
    )
