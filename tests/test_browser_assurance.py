"""A multi-agency case file audit in a real browser (issue 15), with axe on each page.

A quality assurance officer sets up a programme and assigns auditors at children's social
care and the police; each auditor opens the child's chronology under their audit grant,
answers and submits; a moderator changes one police grade, first without a reason
(refused), then with one; the themes across audits then count the grade as moderated.
SQLite only (test_web_assurance covers PostgreSQL); the children
are assurance_support's, of whom only WS-C01 meets the programme's criteria.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assurance_support import planted, selection_rows
from browser_support import LiveServer, browser_page, browser_site, shoot
from test_web_browser import accessible, sign_in
from wholestory.assurance.tools import GRADE, NUMBER, TEXT, YES_NO_PARTLY, default_tool
from wholestory.store import Store

pytestmark = pytest.mark.slow
THEME = "Missing children and their plans"
REASON = "The assessment listed the history but did not analyse it"


def _children(store: Store, folder: Path) -> None:
    planted(store, folder, selection_rows())


@pytest.fixture(scope="module")
def site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    users = [
        ("quinn.qa", "PARTNERSHIP", "qa", ""),
        ("abe.auditor", "CSC", "auditor", ""),
        ("pia.auditor", "POLICE", "auditor", ""),
        ("mo.moderator", "PARTNERSHIP", "moderator", ""),
    ]
    with browser_site(request, tmp_path_factory, "assurance-browser", _children, users) as site:
        yield site


@pytest.fixture
def page(site: tuple[Any, LiveServer, str]) -> Iterator[Any]:
    yield from browser_page(site[2])


def test_an_audit_from_programme_to_moderation(
    site: tuple[Store, LiveServer, str], page: Any
) -> None:
    store, server, _ = site
    seed = _set_up(page, server)
    assert store.scalar("SELECT seed FROM ws_assurance_programme") == int(seed)
    _sign_out(page)
    _answer(page, server, "abe.auditor", "Children's social care", "Good")
    _sign_out(page)
    _answer(page, server, "pia.auditor", "Police", "Good")
    _sign_out(page)
    _moderate(page, server)
    agreed = store.query("SELECT domain, given, agreed, reason FROM ws_assurance_moderation")
    assert ("assessment", "Good", "Requires improvement", REASON) in [
        tuple(str(v) for v in row) for row in agreed
    ]
    _themes(page)


def _themes(page: Any) -> None:
    """The moderated grade in the themes: the police's seven grades are six Good and one
    Requires improvement, shown as 'fewer than 5' (small numbers are suppressed), and the
    row's total hidden so that it cannot be worked out."""
    from playwright.sync_api import expect

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Audit themes").click()
    expect(page.get_by_role("heading", name="Themes across case file audits")).to_be_visible()
    by_agency = page.get_by_role("table", name="Grades by agency")
    police = by_agency.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Police"))
    expect(police.get_by_role("cell")).to_have_text(["0", "6", "fewer than 5", "0", "not shown"])
    csc = by_agency.get_by_role("row").filter(
        has=page.get_by_role("rowheader", name="Children's social care")
    )
    expect(csc.get_by_role("cell")).to_have_text(["0", "7", "0", "0", "7"])
    accessible(page)
    shoot(page, "104-assurance-themes")


def _set_up(page: Any, server: LiveServer) -> str:
    """The QA officer sets up the programme and assigns two auditors; the seed they saw."""
    from playwright.sync_api import expect

    sign_in(page, server, "quinn.qa")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Audit programmes").click()
    expect(page.get_by_role("heading", name="Audit programmes")).to_be_visible()
    accessible(page)
    page.get_by_role("link", name="Set up an audit programme").click()
    page.get_by_label("Theme").fill(THEME)
    page.get_by_label("Period from").fill("2025-01-01")
    page.get_by_label("Period to").fill("2025-06-30")
    page.get_by_label("Repeatedly missing").check()
    page.get_by_label("Children's social care").check()
    page.get_by_label("Cases to draw").fill("1")
    seed = str(page.get_by_label("Seed").input_value())
    assert seed.isdigit()
    accessible(page)
    shoot(page, "100-assurance-new-programme")
    page.get_by_role("button", name="Set up the programme and draw its cases").click()
    expect(page.get_by_role("heading", name=THEME)).to_be_visible()
    expect(page.get_by_text(seed, exact=True)).to_be_visible()
    expect(page.get_by_role("table", name="Case 1")).to_be_visible()
    accessible(page)
    for agency, auditor in (("Children's social care", "abe.auditor"), ("Police", "pia.auditor")):
        row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=agency))
        row.get_by_text("Assign an auditor").click()
        row.get_by_label(f"Auditor at {agency}").select_option(auditor)
        row.get_by_role("button", name="Assign").click()
        expect(page.get_by_text("The auditor is assigned.")).to_be_visible()
    expect(page.get_by_text("may see the child until")).to_have_count(2)
    accessible(page)
    shoot(page, "101-assurance-programme")
    return seed


def _answer(page: Any, server: LiveServer, username: str, agency: str, grade: str) -> None:
    """An auditor opens the child's chronology, answers every question and submits."""
    from playwright.sync_api import expect

    sign_in(page, server, username)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Your audits").click()
    expect(page.get_by_role("heading", name="Your case file audits")).to_be_visible()
    accessible(page)
    page.get_by_role("link", name="Case 1").click()
    expect(page.get_by_role("heading", name=f"Case 1: {agency}'s practice")).to_be_visible()
    accessible(page)
    page.get_by_role("link", name="Open the child's multi-agency chronology").click()
    expect(page.get_by_role("heading", name="KidC01 Planted")).to_be_visible()
    page.go_back()
    tool = default_tool()
    values = {GRADE: grade, YES_NO_PARTLY: "partly", NUMBER: "2", TEXT: "As the records show"}
    for d in tool.domains:
        for q in d.questions:
            name, value = f"{d.code}__{q.code}", values[q.answer]
            if q.answer in (GRADE, YES_NO_PARTLY):
                page.locator(f'input[name="{name}"][value="{value}"]').check()
            else:
                page.locator(f'[name="{name}"]').fill(value)
    shoot(page, f"102-assurance-answers-{username}")
    page.get_by_role("button", name="Submit for moderation").click()
    expect(page.get_by_text("Your answers are submitted for moderation.")).to_be_visible()
    accessible(page)


def _moderate(page: Any, server: LiveServer) -> None:
    """The moderator changes the police's assessment grade: first with no reason."""
    from playwright.sync_api import expect

    sign_in(page, server, "mo.moderator")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Moderation").click()
    accessible(page)
    page.get_by_role("link", name=THEME).click()
    accessible(page)
    page.get_by_role("link", name="Case 1").click()
    expect(page.get_by_role("heading", name="Moderation: Case 1")).to_be_visible()
    accessible(page)
    police = page.locator("form").filter(has=page.locator('input[name="agency"][value="POLICE"]'))
    police.get_by_label("Assessment: the grade agreed").select_option("Requires improvement")
    police.get_by_role("button", name="Record your moderation").click()
    expect(page.get_by_role("alert")).to_contain_text("Assessment: say why the grade is changed")
    accessible(page)
    police = page.locator("form").filter(has=page.locator('input[name="agency"][value="POLICE"]'))
    police.get_by_label("Assessment: why it is changed").fill(REASON)
    police.get_by_role("button", name="Record your moderation").click()
    expect(page.get_by_text("Your moderation of Police's grades is recorded.")).to_be_visible()
    expect(page.get_by_text(f"Changed to Requires improvement: {REASON}")).to_be_visible()
    accessible(page)
    shoot(page, "103-assurance-moderation")


def _sign_out(page: Any) -> None:
    page.get_by_role("button", name="Sign out").click()
