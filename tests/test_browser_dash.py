"""An IDVA records a Dash risk checklist in a real browser (issue 13), with axe on each page.

SQLite only (test_web_dash covers PostgreSQL); the family is test_incidents'.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from browser_support import LiveServer, browser_page, browser_site, shoot
from test_incidents import load, record
from test_web_browser import accessible, sign_in
from wholestory.domestic_abuse.dash_words import SAFELIVES_LABELS

pytestmark = pytest.mark.slow


def _filled(store: Any, folder: Path) -> None:
    contact = record(40, "DA_SERVICE", "DV1", "VICTIM", "2025-11-20", "DA_SERVICE_CONTACT")
    load(store, folder, [contact])


@pytest.fixture(scope="module")
def site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    users = [("ida.idva", "DA_SERVICE", "idva", "IDVA Service")]
    with browser_site(request, tmp_path_factory, "dash-browser", _filled, users) as site:
        yield site


@pytest.fixture
def page(site: tuple[Any, LiveServer, str]) -> Iterator[Any]:
    yield from browser_page(site[2])


def test_an_idva_records_a_dash(site: tuple[Any, LiveServer, str], page: Any) -> None:
    from playwright.sync_api import expect

    store, server, _ = site
    sign_in(page, server, "ida.idva")
    page.goto(f"{server.url}/people/WS-V/dash/new")
    expect(page.get_by_role("heading", name="Record a Dash risk checklist")).to_be_visible()
    accessible(page)
    shoot(page, "80-dash-form")
    page.get_by_label("Date completed").fill("2026-11-02")
    for number, label in enumerate(SAFELIVES_LABELS, start=1):
        question = page.get_by_role("group", name=f"{number}. {label}")
        question.get_by_label("Yes" if number <= 15 else "No", exact=True).check()
    page.get_by_label("In the victim's words (question 2, optional)").fill(
        "I am scared all the time"
    )
    page.get_by_role("group", name="Do you refer to Marac").get_by_label("No", exact=True).check()
    page.get_by_role("button", name="Record the checklist").click()
    expect(page.get_by_role("heading", name="Dash risk checklist recorded")).to_be_visible()
    assert "15 of 24 answered yes" in page.content()
    accessible(page)
    shoot(page, "81-dash-recorded")
    assert store.scalar("SELECT score FROM ws_dash WHERE victim_person_id = 'WS-V'") == 15
