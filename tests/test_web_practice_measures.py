"""The practice-quality measures page (issue 15, item 5), on both databases: each measure
month by month as the nightly build kept it, charted, for the QA officer, the moderator, the
board, leads and managers, and refused to everyone else; counts of 1 to 4 suppressed, and
no share or median shown that would tell one; every look audited.

Planted: assessments at children's social care in four months, the chronology opened first
for 5 of 5 in January, 5 of 10 in February, 1 of 6 in March (a small numerator) and 5 of 7
in April (2 not opened first: a small number without).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assurance_support import looked, planted, rec
from web_support import open_test_store, serving, signed_in
from wholestory.assurance.measure_history import keep_months
from wholestory.store import Store

READERS = (
    ("quinn.qa", "PARTNERSHIP", "qa"),
    ("mo.moderator", "PARTNERSHIP", "moderator"),
    ("bea.board", "PARTNERSHIP", "board"),
    ("lee.police", "POLICE", "lead"),
    ("mia.police", "POLICE", "manager"),
)
OTHERS = (
    ("pat.police", "POLICE", "practitioner"),
    ("abe.auditor", "CSC", "auditor"),
    ("rey.reviewer", "PARTNERSHIP", "reviewer"),
    ("ada.admin", "PARTNERSHIP", "admin"),
)
#: Each month's assessments and how many of them were read first.
MONTHS = {"2025-01": (5, 5), "2025-02": (10, 5), "2025-03": (6, 1), "2025-04": (7, 5)}


def _assessments(folder: Path, store: Store) -> None:
    rows = [
        rec(f"{month[5:]}{n}", "CSC", "ASSESSMENT", f"{month}-10")
        for month, (begun, _) in MONTHS.items()
        for n in range(begun)
    ]
    planted(store, folder, [*rows, rec("Z", "CSC", "CONTACT", "2025-04-30")])
    for month, (_, read) in MONTHS.items():
        for n in range(read):
            looked(store, f"WS-{month[5:]}{n}", "CSC", f"{month}-01T09:00:00")


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Store, dict[str, Any]]]:
    store = open_test_store(request.param, request, tmp_path_factory.mktemp("measures"))
    store.execute("DELETE FROM ws_source_person")
    with serving(store.url):
        _assessments(tmp_path_factory.mktemp("measures-files"), store)
        keep_months(store)
        yield store, signed_in([(*user, "") for user in READERS + OTHERS])
    store.close()


def _looks(store: Store, actor: str) -> list[tuple[str, str]]:
    rows = store.query(
        "SELECT action, outcome FROM ws_audit WHERE actor = ? AND target = ? ORDER BY seq",
        [actor, "/assurance/measures"],
    )
    return [(str(a), str(o)) for a, o in rows]


def _section(page: str, heading: str) -> str:
    """One measure's part of the page, from its heading to the next measure's."""
    start = page.index(f">{heading}</h2>")
    end = page.find("<section", start)
    return page[start : end if end > 0 else len(page)]


@pytest.mark.parametrize("username", [u for u, _, _ in READERS])
def test_each_reader_sees_the_measures_and_the_look_is_audited(
    site: tuple[Store, dict[str, Any]], username: str
) -> None:
    store, clients = site
    before = len(_looks(store, username))
    response = clients[username].get("/assurance/measures")
    assert response.status_code == 200
    page = response.content.decode()
    for title in (
        "New assessments whose agency opened the chronology first",
        "Children with a high-severity flag who are on a plan",
        "&#x27;Was not brought&#x27; sequences followed up within 30 days",
        "Days from a third agency&#x27;s concern to a referral",
    ):
        assert f">{title}</h2>" in page
    assert 'href="/assurance/measures"' in page  # the menu names the page for the role
    assert _looks(store, username)[before:] == [("view", "allowed")]


@pytest.mark.parametrize("username", [u for u, _, _ in OTHERS])
def test_anyone_else_is_refused_and_shown_nothing(
    site: tuple[Store, dict[str, Any]], username: str
) -> None:
    store, clients = site
    before = len(_looks(store, username))
    response = clients[username].get("/assurance/measures")
    assert response.status_code == 403
    page = response.content.decode()
    assert "Assessments begun" not in page and "50%" not in page and "<svg" not in page
    assert _looks(store, username)[before:] == [("denied", "denied")]
    home = clients[username].get("/").content.decode()
    assert 'href="/assurance/measures"' not in home


def test_small_numbers_are_suppressed_and_tell_nothing(site: tuple[Store, dict[str, Any]]) -> None:
    _, clients = site
    page = clients["bea.board"].get("/assurance/measures").content.decode()
    read = _section(page, "New assessments whose agency opened the chronology first")
    rows = {
        month: cells
        for month, *cells in re.findall(
            r'<th scope="row" class="govuk-table__header">([^<]+)</th>'
            r"<td[^>]*>([^<]+)</td><td[^>]*>([^<]+)</td><td[^>]*>([^<]+)</td>",
            read,
        )
    }
    assert rows == {
        "January 2025": ["5", "5", "100%"],
        "February 2025": ["5", "10", "50%"],
        "March 2025": ["fewer than 5", "6", "not shown"],  # 1 of 6
        "April 2025": ["not shown", "7", "not shown"],  # 5 of 7: 2 without
    }
    assert "17%" not in page and "71%" not in page and "1 of 6" not in page
    # The latest month, April, is shown as its row is.
    latest = read[read.index("Latest month: April 2025") : read.index("</dl>")]
    assert re.findall(r'govuk-summary-list__value">([^<]*)<', latest) == [
        "not shown", "7", "not shown",
    ]  # fmt: skip
    # The chart has January and February only, and says why March and April are not on it.
    svg = read[read.index("<svg") : read.index("</svg>")]
    assert svg.count('<circle class="point') == 2
    assert "2025-01: 100" in svg and "2025-02: 50" in svg and "2025-03" not in svg
    assert (
        "Not on the chart: March 2025, April 2025: small numbers (a count of 1 to 4), not shown."
        in read
    )


def test_the_chart_is_inline_svg_with_its_words_and_no_style_or_script(
    site: tuple[Store, dict[str, Any]],
) -> None:
    _, clients = site
    response = clients["quinn.qa"].get("/assurance/measures")
    page = response.content.decode()
    read = _section(page, "New assessments whose agency opened the chronology first")
    assert 'role="img"' in read and 'aria-labelledby="chart-history_read_first-title' in read
    assert (
        "What the chart says now:</strong> Common cause variation: no significant change." in read
    )
    assert "Trial limits: fewer than 12 points." in read
    assert "Higher is better." in read
    days = _section(page, "Days from a third agency&#x27;s concern to a referral")
    assert "Lower is better." in days and "No chart: no month has a figure to show." in days
    assert "<svg" not in days
    assert " style=" not in page and not re.search(r"<script(?![^>]*\bsrc=)", page)
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy
