"""Groupings and Current Views recorded here and read back with those agencies sent
(issue 16, items 1 and 2).

An agency's rows name the child by its own id and are read through ws_source_person (to
the WholeStory person it is linked to, or its AGENCY:PERSON_ID key while unlinked); rows
recorded here name the WholeStory person. A child's history holds both, newest first.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest

from factories import write_csv
from wholestory.ingest import ingest_paths
from wholestory.records.template import CURRENT_VIEW_KEY_COLUMNS, THRIVE_COLUMNS
from wholestory.store import Store
from wholestory.thrive.current_view import current_view
from wholestory.thrive.groupings import Grouping, GroupingError
from wholestory.thrive.records import (
    current_views_of,
    groupings_of,
    record_current_view,
    record_grouping,
)

TODAY = dt.date(2026, 3, 1)
NOW = "2026-03-01 10:00:00+00:00"
SENT = [
    {"agency": "CAMHS", "record_id": "G1", "person_id": "M1", "grouping": "advice",
     "recorded_on": "2025-11-03", "practitioner": "Hana Lee", "reason": "Worried about exams.",
     "childs_view": "Would like some tips.", "agreement": "agreed", "review_on": "2026-01-05"},
    {"agency": "SCHOOL", "record_id": "SG1", "person_id": "S1", "grouping": "thriving",
     "recorded_on": "2025-09-10", "practitioner": "Ms Okafor", "reason": "Settled and happy.",
     "childs_view": "", "agreement": "not_asked", "review_on": "2026-09-10"},
    {"agency": "CAMHS", "record_id": "G9", "person_id": "M9", "grouping": "risk_support",
     "recorded_on": "2026-01-20", "practitioner": "Hana Lee", "reason": "Not engaging; at risk.",
     "childs_view": "Does not want to talk.", "agreement": "disagreed",
     "review_on": "2026-02-20"},
]  # fmt: skip
HELP = Grouping(
    person="WS-1",
    grouping="help",
    recorded_on=TODAY,
    recorded_by="Sam Worker",
    agency="CSC",
    reason="Low mood since the move, not sleeping.",
    childs_view="Wants to feel less tired.",
    agreement="partly",
    review_on=TODAY + dt.timedelta(days=90),
    goals="Sleeping through most nights.",
    success_by=TODAY + dt.timedelta(days=60),
    suggested="more_help",
)


@pytest.fixture
def linked(store: Store, tmp_path: Path) -> Store:
    """CAMHS's and the school's groupings and a Current View, CAMHS:M1 and SCHOOL:S1 linked
    to WS-1, CAMHS:M9 not linked to anyone yet."""
    views = [{"agency": "CAMHS", "record_id": "V1", "person_id": "M1", "self_harm": "mild",
              "recorded_on": "2025-11-03", "practitioner": "Hana Lee"}]  # fmt: skip
    files = [
        write_csv(tmp_path / "thrive.csv", SENT, THRIVE_COLUMNS),
        write_csv(tmp_path / "cv.csv", views, (*CURRENT_VIEW_KEY_COLUMNS, "self_harm")),
    ]
    result = ingest_paths(store, files, None, today=TODAY)
    assert result.totals()["inserted"] == 4 and result.totals()["quarantined"] == 0
    store.execute(
        "INSERT INTO ws_source_person (key, agency, person_id, names, details_hash, "
        "ws_person_id) VALUES ('CAMHS:M1', 'CAMHS', 'M1', '{}', '', 'WS-1'), "
        "('SCHOOL:S1', 'SCHOOL', 'S1', '{}', '', 'WS-1'), "
        "('CAMHS:M9', 'CAMHS', 'M9', '{}', '', NULL)"
    )
    return store


def test_a_childs_groupings_come_from_every_agency_and_the_app_newest_first(
    linked: Store,
) -> None:
    record_id = record_grouping(linked, HELP, agency="CSC", recorded_by="sam.csc", now=NOW)
    assert record_id.startswith("APP-")
    found = groupings_of(linked, ["WS-1"])
    assert [(k.grouping.agency, k.grouping.grouping, k.recorded_in_app) for k in found] == [
        ("CSC", "help", True),
        ("CAMHS", "advice", False),
        ("SCHOOL", "thriving", False),
    ]
    here, camhs, _ = found
    assert here.record_id == record_id and here.grouping == HELP and here.app_user == "sam.csc"
    assert here.grouping.agrees_with_suggestion is False
    assert here.as_dict()["suggested"] == "more_help" and here.as_dict()["app_user"] == "sam.csc"
    assert (camhs.record_id, camhs.app_user, camhs.grouping.person) == ("G1", "", "WS-1")
    assert camhs.grouping.recorded_by == "Hana Lee"  # the practitioner, as CAMHS names her
    assert camhs.grouping.review_on == dt.date(2026, 1, 5) and camhs.grouping.success_by is None
    (unlinked,) = groupings_of(linked, ["CAMHS:M9"])
    assert (unlinked.grouping.person, unlinked.grouping.title) == (
        "CAMHS:M9",
        "Getting Risk Support",
    )
    assert groupings_of(linked, ["WS-2"]) == [] and groupings_of(linked, []) == []


def test_a_grouping_that_cannot_be_kept_is_not_kept(linked: Store) -> None:
    with pytest.raises(GroupingError, match="it is never assumed"):
        record_grouping(
            linked, replace(HELP, agreement=""), agency="CSC", recorded_by="sam.csc", now=NOW
        )
    assert linked.scalar("SELECT COUNT(*) FROM ws_thrive_grouping") == len(SENT)


def test_a_current_view_recorded_here_keeps_what_was_confirmed(linked: Store) -> None:
    answers = {
        "problems": {"low_mood": "moderate", "self_harm": "none"},
        "complexity": {"child_in_need": "yes", "young_carer": "yes", "looked_after": "no"},
    }
    made = current_view("WS-1", TODAY, "Sam Worker", "CSC", answers, TODAY,
                        confirmed=["child_in_need"])  # fmt: skip
    record_id = record_current_view(linked, made, agency="CSC", recorded_by="sam.csc", now=NOW)
    here, camhs = current_views_of(linked, ["WS-1"])
    assert (here.record_id, here.view, here.recorded_in_app) == (record_id, made, True)
    assert here.view.confirmed == ("child_in_need",)
    assert here.as_dict()["complexity"]["young_carer"] == "yes"
    assert camhs.view.problems["self_harm"] == "mild" and camhs.view.confirmed == ()
    assert (camhs.view.person, camhs.view.recorded_by, camhs.app_user) == ("WS-1", "Hana Lee", "")
    assert camhs.view.rated("mild") == ["self_harm"]
