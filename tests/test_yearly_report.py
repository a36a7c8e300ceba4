"""The yearly report (issue 17), on both databases: version 1 drafted from the store with
its figures inserted, every count suppressed and no child named; a second draft never
overwrites; each edit is a new version; typed HTML is escaped; its pages are for the board
and the business unit, each look and save audited."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest

from assurance_support import planted, selection_rows
from test_board_pack import _measures
from test_recommendations import T0
from web_support import open_test_store, serving, signed_in
from wholestory import audit
from wholestory.board.yearly_report import (
    ReportError,
    ReportYear,
    draft,
    html,
    latest,
    save,
    versions,
)
from wholestory.reviews.cases import open_review
from wholestory.reviews.recommendations import add_action, add_recommendation
from wholestory.reviews.timescales import Timescales
from wholestory.store import Store

YEAR = ReportYear(2026)
NOW = dt.datetime(2027, 4, 20, 9, 0, tzinfo=dt.UTC)
USERS = [
    ("bo.business", "PARTNERSHIP", "business_unit", ""),
    ("bea.board", "PARTNERSHIP", "board", ""),
    ("lee.lead", "CSC", "lead", ""),
    ("otto.owner", "CSC", "action_owner", ""),
    ("pat.police", "POLICE", "practitioner", "Team A"),
]


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Store, dict[str, Any]]]:
    folder = tmp_path_factory.mktemp("yearly")
    store = open_test_store(request.param, request, folder)
    planted(store, folder, selection_rows())
    _measures(store)
    with serving(store.url):
        clients = signed_in(USERS)
        open_review(store, "CSC", "C01", dt.date(2026, 8, 3), "bo.business",
                    title="Rapid review R1", settings=Timescales(), now=T0)  # fmt: skip
        rec = add_recommendation(store, "review", "Rapid review R1", "Read the history first",
                                 dt.date(2026, 8, 20), "bo.business", now=T0)  # fmt: skip
        add_action(store, rec.id, "Brief every team", "CSC", "otto.owner", dt.date(2026, 9, 1),
                   "bo.business", now=T0)  # fmt: skip
        yield store, clients
    store.close()


def test_years_are_read_april_to_march() -> None:
    assert ReportYear.parse("2025-26") == ReportYear(2025)
    assert (YEAR.start, YEAR.end, str(YEAR)) == (dt.date(2026, 4, 1), dt.date(2027, 3, 31),
                                                 "2026-27")  # fmt: skip
    assert ReportYear.of(dt.date(2027, 3, 31)) == YEAR
    assert ReportYear.of(dt.date(2027, 4, 1)) == ReportYear(2027)
    for bad in ("2025-27", "2025", "25-26", "2099-01"):
        with pytest.raises(ReportError, match="write it as 2025-26"):
            ReportYear.parse(bad)


def test_the_draft_inserts_the_figures_suppressed_and_names_no_child(
    site: tuple[Store, dict[str, Any]],
) -> None:
    store, _ = site
    first = draft(store, YEAR, "bo.business", NOW)
    assert (first.version, first.drafted) == (1, True)
    text = first.text
    for heading in ("Learning reviews", "Recommendations and actions", "measures",
                    "Domestic abuse", "THRIVE"):  # fmt: skip
        assert "## " in text and heading in text, heading
    assert "Reviews started in the year: fewer than 5." in text  # one review: suppressed
    assert "Actions: fewer than 5." in text
    numbers = {int(n.replace(",", "")) for n in re.findall(r": ([\d,]+)[.;]", text)}
    assert not numbers & {1, 2, 3, 4}, numbers
    people = store.query("SELECT ws_person_id, display_name FROM ws_chronology")
    assert people and not any(str(n) in text or str(w) in text for w, n in people if n)
    again = draft(store, YEAR, "bea.board", NOW)
    assert again == first and len(versions(store, YEAR)) == 1  # a draft never overwrites
    entry = audit.entries(store, actor="bo.business", limit=1)[0]
    assert (entry.action, entry.target) == ("yearly_report", "yearly report 2026-27")


def test_each_edit_is_a_new_version_and_html_is_escaped(
    site: tuple[Store, dict[str, Any]],
) -> None:
    store, _ = site
    draft(store, YEAR, "bo.business", NOW)
    count = len(versions(store, YEAR))
    typed = "# Our year\n\n<script>alert(1)</script>\n\n- one\n- two\n\n![x](http://evil/x.png)"
    saved = save(store, YEAR, typed, "bea.board", NOW)
    assert (saved.version, saved.drafted) == (count + 1, False)
    assert latest(store, YEAR) == saved and versions(store, YEAR)[1].version == count
    shown = str(html(saved.text))
    assert "<h1>Our year</h1>" in shown and "<li>one</li>" in shown
    assert "<script>" not in shown and "&lt;script&gt;" in shown and "<img" not in shown
    with pytest.raises(ReportError, match="empty"):
        save(store, YEAR, "  \n ", "bea.board", NOW)
    assert len(versions(store, YEAR)) == count + 1


def test_the_pages_for_the_board_and_the_business_unit(
    site: tuple[Store, dict[str, Any]],
) -> None:
    store, clients = site
    started = clients["bo.business"].post("/board/yearly-report", {"year": "2025-26"})
    assert started.status_code == 302 and started["Location"].endswith("/2025-26")
    page = clients["bea.board"].get("/board/yearly-report/2025-26")
    body = page.content.decode()
    assert page.status_code == 200 and "Version 1 of 1" in body and "<h2>Learning reviews" in body
    edited = clients["bea.board"].post("/board/yearly-report/2025-26",
                                       {"text": "# Signed off\n\n<b>bold</b>"})  # fmt: skip
    assert edited.status_code == 302
    body = clients["bo.business"].get("/board/yearly-report/2025-26").content.decode()
    assert "Version 2 of 2" in body and "&lt;b&gt;bold&lt;/b&gt;" in body and "<b>bold" not in body
    older = clients["bo.business"].get("/board/yearly-report/2025-26?version=1").content.decode()
    assert "Version 1 of 2" in older and "drafted from the figures" in older
    entry = audit.entries(store, actor="bo.business", limit=1)[0]
    assert (entry.action, entry.outcome) == ("yearly_report", "allowed")
    assert b"2025-26" in clients["bea.board"].get("/board/yearly-report").content
    for refused in ("lee.lead", "otto.owner", "pat.police"):
        assert clients[refused].get("/board/yearly-report/2025-26").status_code == 403
        got = clients[refused].post("/board/yearly-report/2025-26", {"text": "# Mine"})
        assert got.status_code == 403
    assert len(versions(store, ReportYear(2025))) == 2
    empty = clients["bo.business"].post("/board/yearly-report/2025-26", {"text": " "})
    assert empty.status_code == 400 and b"The report is empty" in empty.content
    assert clients["bo.business"].get("/board/yearly-report/1999-00").status_code == 404
