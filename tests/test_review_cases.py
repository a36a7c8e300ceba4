"""Learning reviews as cases (issue 17, item 1): a child named as an agency knows them, the
review's dates and decisions, its clocks from the partnership's timescales, the leads told,
every change audited, and what the board reads naming no child.

The children are ``assurance_support.selection_rows``' (WS-C01 known to children's social
care, the GP, the police and the school). The clocks' own arithmetic (Easter, Christmas, a
bank holiday Monday) is tested in tests/test_review_clocks.py; here, that a review uses it.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from assurance_support import planted, selection_rows
from wholestory import audit
from wholestory.reviews.cases import (
    ReviewError,
    decide,
    decisions,
    open_review,
    open_reviews,
    overdue,
    review,
)
from wholestory.reviews.timescales import Timescales
from wholestory.store import Store

T0 = dt.datetime(2025, 7, 1, 9, 0, tzinfo=dt.UTC)
#: The statutory timescales, with no closure days, so that tests do not read a settings file.
WT2023 = Timescales.from_mapping({}, "tests")


@pytest.fixture
def children(store: Store, tmp_path: Path) -> Store:
    return planted(store, tmp_path, selection_rows())


def test_a_review_is_opened_for_the_child_an_agency_names(children: Store) -> None:
    made = open_review(children, "csc", "C01", dt.date(2025, 4, 17), "bo.business",
                       title="  Rapid review  2025-04 ", settings=WT2023, now=T0)  # fmt: skip
    assert (made.ws_person, made.agency, made.person_id) == ("WS-C01", "CSC", "C01")
    assert made.title == "Rapid review 2025-04" and made.status == "open"
    assert review(children, made.id) == made
    # Learned of on Thursday 17 April 2025: Good Friday and Easter Monday are not counted.
    clocks = made.clocks(WT2023)
    assert clocks.notification.due == dt.date(2025, 4, 28)
    assert clocks.rapid_review is None and clocks.publication is None


def test_the_leads_of_every_agency_holding_records_are_told_and_it_is_audited(
    children: Store,
) -> None:
    made = open_review(children, "CSC", "C01", dt.date(2025, 6, 2), "bo.business",
                       settings=WT2023, now=T0)  # fmt: skip
    told = children.query(
        "SELECT agency, url FROM ws_notification WHERE person = 'WS-C01' ORDER BY agency"
    )
    assert [str(a) for a, _ in told] == ["CSC", "GP", "POLICE", "SCHOOL"]
    assert {str(u) for _, u in told} == {f"/reviews/{made.id}"}
    entry = audit.entries(children, action="review_open", limit=1)[0]
    assert (entry.actor, entry.person, entry.target) == (
        "bo.business",
        "WS-C01",
        f"learning review {made.id}",
    )
    assert json.loads(entry.detail)["told"] == ["CSC", "GP", "POLICE", "SCHOOL"]


def test_a_child_no_record_names_is_refused_and_nothing_kept(children: Store) -> None:
    with pytest.raises(ReviewError, match="no Police record names a person C99"):
        open_review(children, "POLICE", "C99", dt.date(2025, 6, 2), "bo.business",
                    settings=WT2023, now=T0)  # fmt: skip
    assert children.scalar("SELECT COUNT(*) FROM ws_review_case") == 0
    assert children.scalar("SELECT COUNT(*) FROM ws_notification") == 0


def test_a_notification_before_the_incident_was_learned_of_is_refused(children: Store) -> None:
    with pytest.raises(ReviewError, match="before it learned of the incident"):
        open_review(children, "CSC", "C01", dt.date(2025, 6, 2), "bo.business",
                    notified_on=dt.date(2025, 6, 1), settings=WT2023, now=T0)  # fmt: skip
    assert children.scalar("SELECT COUNT(*) FROM ws_review_case") == 0


def test_decisions_date_the_steps_and_start_their_clocks(children: Store) -> None:
    made = open_review(children, "CSC", "C01", dt.date(2025, 12, 19), "bo.business",
                       notified_on=dt.date(2025, 12, 23), settings=WT2023, now=T0)  # fmt: skip
    # Notified on Tuesday 23 December 2025: Christmas, Boxing Day and New Year's Day are
    # not working days, so the rapid review's 15 working days run to Friday 16 January 2026.
    assert made.clocks(WT2023).rapid_review is not None
    assert made.clocks(WT2023).rapid_review.due == dt.date(2026, 1, 16)  # type: ignore[union-attr]
    done = decide(children, made.id, "rapid_review", dt.date(2026, 1, 14), "Sent to the Panel",
                  "bo.business", settings=WT2023, now=T0)  # fmt: skip
    assert done.rapid_review_on == dt.date(2026, 1, 14)
    assert done.clocks(WT2023).rapid_review.on_time is True  # type: ignore[union-attr]
    held = decide(children, made.id, "lcspr", dt.date(2026, 1, 20), "Learning for all agencies",
                  "bo.business", settings=WT2023, now=T0)  # fmt: skip
    assert held.clocks(WT2023).publication.due == dt.date(2026, 7, 20)  # type: ignore[union-attr]
    said = [(d.decision, d.decided_on.isoformat()) for d in decisions(children, made.id)]
    assert said == [("notified", "2025-12-23"), ("rapid_review", "2026-01-14"),
                    ("lcspr", "2026-01-20")]  # fmt: skip
    assert audit.entries(children, action="review_decide", limit=1)[0].person == "WS-C01"


def test_a_step_already_dated_or_out_of_order_is_refused(children: Store) -> None:
    made = open_review(children, "CSC", "C01", dt.date(2025, 6, 2), "bo.business",
                       settings=WT2023, now=T0)  # fmt: skip
    with pytest.raises(ReviewError, match="a rapid review on 2025-06-10 needs the date"):
        decide(children, made.id, "rapid_review", dt.date(2025, 6, 10), "", "bo.business",
               settings=WT2023, now=T0)  # fmt: skip
    decide(children, made.id, "notified", dt.date(2025, 6, 4), "", "bo.business",
           settings=WT2023, now=T0)  # fmt: skip
    with pytest.raises(ReviewError, match="already records"):
        decide(children, made.id, "notified", dt.date(2025, 6, 5), "", "bo.business",
               settings=WT2023, now=T0)  # fmt: skip
    with pytest.raises(ReviewError, match="not a review decision"):
        decide(children, made.id, "shelved", dt.date(2025, 6, 5), "", "bo.business",
               settings=WT2023, now=T0)  # fmt: skip
    assert len(decisions(children, made.id)) == 1


def test_overdue_clocks_and_what_the_board_reads(children: Store) -> None:
    late = open_review(children, "CSC", "C01", dt.date(2025, 6, 2), "bo.business",
                       title="Rapid review A", settings=WT2023, now=T0)  # fmt: skip
    on_time = open_review(children, "SCHOOL", "C05", dt.date(2025, 6, 2), "bo.business",
                          notified_on=dt.date(2025, 6, 6), title="Rapid review B",
                          settings=WT2023, now=T0)  # fmt: skip
    # Due Monday 9 June: on the day it is not late; the day after it is.
    assert overdue(children, dt.date(2025, 6, 9), WT2023) == []
    found = overdue(children, dt.date(2025, 6, 10), WT2023)
    assert [(r.id, c.step) for r, c in found] == [(late.id, "notification")]
    board = open_reviews(children, dt.date(2025, 6, 10), WT2023)
    text = json.dumps(board)
    assert "WS-C0" not in text and "C01" not in text and "C05" not in text
    by_title = {r["title"]: r for r in board}
    assert by_title["Rapid review A"]["overdue"] == ["notification"]
    b = by_title["Rapid review B"]
    assert b["overdue"] == [] and [c["step"] for c in b["clocks"]] == [
        "notification",
        "rapid_review",
    ]
    assert b["clocks"][0]["on_time"] is True and b["clocks"][1]["working_days_left"] > 0
    decide(children, on_time.id, "closed", dt.date(2025, 6, 20), "No further review",
           "bo.business", settings=WT2023, now=T0)  # fmt: skip
    assert [r["title"] for r in open_reviews(children, dt.date(2025, 6, 10), WT2023)] == [
        "Rapid review A"
    ]
    with pytest.raises(ReviewError, match="is closed"):
        decide(children, on_time.id, "lcspr", dt.date(2025, 6, 21), "", "bo.business",
               settings=WT2023, now=T0)  # fmt: skip
