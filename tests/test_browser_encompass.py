"""Operation Encompass in a real browser (issue 13), with axe on every page.

The police Encompass officer sends Kit's notice from the queue with his voice; the
school's designated safeguarding lead signs in, reads it and acknowledges it. The
records are test_incidents'; SQLite only (test_web_encompass covers PostgreSQL).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from browser_support import LiveServer, browser_page, browser_site, shoot
from test_incidents import load
from test_web_browser import accessible, sign_in
from wholestory.domestic_abuse import encompass_words as words
from wholestory.domestic_abuse.encompass import notice, refresh_notices

pytestmark = pytest.mark.slow

KIT = "POLICE:INC1|WS-C"


def _filled(store: Any, folder: Path) -> None:
    load(store, folder)
    refresh_notices(store)


@pytest.fixture(scope="module")
def site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    users = [("eve.encompass", "POLICE", "encompass", ""),
             ("ian.ivydene", "SCHOOL", "dsl", "Ivydene Primary School")]  # fmt: skip
    with browser_site(request, tmp_path_factory, "encompass-browser", _filled, users) as site:
        yield site


@pytest.fixture
def page(site: tuple[Any, LiveServer, str]) -> Iterator[Any]:
    yield from browser_page(site[2])


def test_the_police_send_and_a_school_acknowledges_an_encompass_notice(
    site: tuple[Any, LiveServer, str], page: Any
) -> None:
    from playwright.sync_api import expect

    store, server, _ = site
    sign_in(page, server, "eve.encompass")
    page.goto(f"{server.url}/encompass")
    expect(page.get_by_role("heading", name=words.TITLE)).to_be_visible()
    accessible(page)
    shoot(page, "70-encompass-queue")
    page.get_by_role("link", name="Send the notice for Kit Caddow").click()
    page.get_by_label("The child's voice (optional)").fill("Kit said he hid upstairs")
    accessible(page)
    shoot(page, "71-encompass-send")
    page.get_by_role("button", name="Send to the school").click()
    expect(page.get_by_role("heading", name=words.TITLE)).to_be_visible()
    sent = notice(store, KIT)
    assert sent is not None and sent.sent_by == "eve.encompass"

    page.context.clear_cookies()
    sign_in(page, server, "ian.ivydene")
    page.goto(f"{server.url}/encompass/school")
    expect(page.get_by_role("heading", name=words.SCHOOL_TITLE)).to_be_visible()
    assert "Kit said he hid upstairs" in page.content()
    assert "Mae Caddow" not in page.content()  # another school's pupil
    accessible(page)
    shoot(page, "72-encompass-school")
    page.get_by_role("button", name="Acknowledge the notice for Kit Caddow").click()
    expect(page.get_by_text(words.ACKNOWLEDGED)).to_be_visible()
    accessible(page)
    shoot(page, "73-encompass-acknowledged")
    done = notice(store, KIT)
    assert done is not None and done.acknowledged_by == "ian.ivydene"
