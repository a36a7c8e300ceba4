"""A Marac coordinator builds a meeting, and an agency completes its research, in a real
browser (issue 13), with axe on each page.

SQLite only (test_web_marac_meetings covers PostgreSQL); the family is marac_support's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from browser_support import LiveServer, browser_page, browser_site, shoot
from marac_support import load
from test_web_browser import accessible, sign_in
from wholestory.domestic_abuse import marac_words as words

pytestmark = pytest.mark.slow
MEETING_DAY = dt.date.today() + dt.timedelta(days=14)


@pytest.fixture(scope="module")
def site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    users = [
        ("cody.coordinator", "PARTNERSHIP", "coordinator", ""),
        ("lee.lead", "POLICE", "lead", ""),
    ]
    with browser_site(request, tmp_path_factory, "marac-browser", load, users) as site:
        yield site


@pytest.fixture
def page(site: tuple[Any, LiveServer, str]) -> Iterator[Any]:
    yield from browser_page(site[2])


def test_a_coordinator_builds_a_meeting(site: tuple[Any, LiveServer, str], page: Any) -> None:
    from playwright.sync_api import expect

    store, server, _ = site
    sign_in(page, server, "cody.coordinator")
    page.get_by_role("link", name="Marac meetings").click()
    expect(page.get_by_role("heading", name=words.MEETINGS_TITLE)).to_be_visible()
    accessible(page)
    page.get_by_role("button", name="Build the meeting").click()  # no day: named
    expect(page.get_by_role("alert")).to_contain_text(words.DAY_MISSING)
    accessible(page)
    page.get_by_label("Day of the meeting").fill(MEETING_DAY.isoformat())
    page.get_by_role("button", name="Build the meeting").click()
    expect(page.get_by_role("heading", name="Agenda for")).to_be_visible()
    page.get_by_role("button", name="Add to this meeting").click()
    with_children = page.locator(".ws-marac-case")
    expect(with_children).to_have_count(1)
    expect(with_children).to_contain_text("Kit Testcase (WS-C)")
    page.get_by_role("button", name="Record it as read and signed").click()
    expect(page.get_by_text("Read and signed; recorded by cody.coordinator")).to_be_visible()
    accessible(page)
    shoot(page, "82-marac-agenda")
    assert store.scalar("SELECT COUNT(*) FROM ws_marac_case") == 1


def test_an_agency_completes_its_research(site: tuple[Any, LiveServer, str], page: Any) -> None:
    from playwright.sync_api import expect

    from wholestory.domestic_abuse.marac_meetings import Offer, add_case, create_meeting

    store, server, _ = site
    meeting = create_meeting(store, MEETING_DAY + dt.timedelta(days=7), "cody.coordinator")
    offer = Offer("by-hand", "WS-V", words.PROFESSIONAL_JUDGEMENT, "POLICE",
                  dt.date(2026, 1, 30), ("WS-P",), ("WS-C",))  # fmt: skip
    case = add_case(store, meeting.id, offer, "cody.coordinator")
    sign_in(page, server, "lee.lead")
    page.get_by_role("link", name="Marac research").click()
    expect(page.get_by_role("heading", name="Marac research for POLICE")).to_be_visible()
    accessible(page)
    page.locator(f"a[href='/marac/cases/{case.id}/research']").click()
    expect(page.get_by_role("heading", name="Facts: the victim")).to_be_visible()
    accessible(page)
    page.get_by_label("15 of 27 questions answered yes", exact=False).check()
    page.get_by_role("button", name="Complete the research").click()  # no reason: named
    expect(page.get_by_role("alert")).to_contain_text(words.WITHHELD_REASON_MISSING)
    accessible(page)
    page.get_by_label("Why your agency is not sharing").fill("Older incidents are known")
    page.get_by_label("Your agency's professional opinion").fill("Risk is escalating")
    page.get_by_role("button", name="Complete the research").click()
    expect(page.get_by_role("heading", name="Marac research for POLICE")).to_be_visible()
    expect(page.get_by_text("Completed").first).to_be_visible()
    shoot(page, "83-marac-research")
    shared = store.query(
        "SELECT f.record FROM ws_marac_research_fact f JOIN ws_marac_research r "
        "ON r.id = f.research_id WHERE r.case_id = ? AND f.shared",
        [case.id],
    )
    assert [str(r[0]) for r in shared] == ["POLICE:P4"]
