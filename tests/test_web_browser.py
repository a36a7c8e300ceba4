"""The main journeys in a real browser (Chromium via Playwright), with an accessibility check.

Runs on SQLite (the page logic is the same on both databases; the other web
tests cover PostgreSQL). Each step keeps a screenshot in
test-artifacts/screenshots/, and every page visited is checked with axe-core
against WCAG 2.2 A and AA.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from browser_support import (
    LiveServer,
    accessibility_violations,
    browser_page,
    chromium_path,
    shoot,
)
from web_support import PASSWORD, Seeded, open_test_store, seed, serving, totp_code

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    executable = chromium_path()
    store = open_test_store("sqlite", request, tmp_path_factory.mktemp("browser"))
    with serving(store.url):
        seeded = seed(store, tmp_path_factory.mktemp("browser-partnership"))
        server = LiveServer()
        try:
            yield seeded, server, executable
        finally:
            server.stop()
    store.close()


@pytest.fixture
def page(site: tuple[Seeded, LiveServer, str]) -> Iterator[Any]:
    yield from browser_page(site[2])


def sign_in(page: Any, server: LiveServer, username: str) -> None:
    page.goto(f"{server.url}/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    if username.startswith(("lee.", "liz.", "ada.")):
        page.get_by_label("Code").fill(totp_code(username))
        page.get_by_role("button", name="Continue").click()


def accessible(page: Any) -> None:
    violations = accessibility_violations(page)
    assert not violations, [(v["id"], v["help"], len(v["nodes"])) for v in violations]


def test_sign_in_journey(site: tuple[Seeded, LiveServer, str], page: Any) -> None:
    _, server, _ = site
    page.goto(f"{server.url}/login")
    accessible(page)
    shoot(page, "01-sign-in")
    sign_in(page, server, "pat.police")
    assert page.get_by_role("heading", name="WholeStory").is_visible()
    accessible(page)
    shoot(page, "02-home")


def test_a_lead_passes_the_second_factor(site: tuple[Seeded, LiveServer, str], page: Any) -> None:
    _, server, _ = site
    sign_in(page, server, "lee.police")
    assert page.url.rstrip("/") == server.url
    accessible(page)
