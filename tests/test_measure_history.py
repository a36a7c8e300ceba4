"""The practice measures kept month by month (issue 15, item 5), on both databases: each
month kept is what the single month's count gives, on planted records with known numerators
and denominators; a late record changes the month kept; the charts read the kept months in
the measure's better direction, leaving out months with nothing to measure or small numbers,
and say so; and the nightly build (``wholestory chronologies``) keeps them.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assurance_support import looked, planted, rec
from wholestory.assurance.children import NotBuiltError
from wholestory.assurance.measure_history import (
    CODES,
    chart,
    keep_months,
    months_to_keep,
    series,
)
from wholestory.assurance.measures import practice_measures
from wholestory.charts.icons import Direction, PointClass
from wholestory.cli.main import app
from wholestory.store import Store

NIGHT = dt.datetime(2025, 5, 1, 2, 0, tzinfo=dt.UTC)
NEXT_NIGHT = NIGHT + dt.timedelta(days=1)
#: Seven whole months: the first record is in October 2024, the newest on 30 April 2025.
MONTHS = ["2024-10", "2024-11", "2024-12", "2025-01", "2025-02", "2025-03", "2025-04"]


def _missing(person: str) -> list[dict[str, str]]:
    """Three police missing episodes in the autumn: a high MISSING_REPEAT flag."""
    return [rec(person, "POLICE", "MISSING_EPISODE", f"2024-{m}-01") for m in ("10", "11", "12")]


def partnership() -> list[dict[str, str]]:
    """Planted so that each measure has a known count in some month.

    Assessments: C in February (looked the same day), A (looked 18 days before) and B (not
    looked) in March, D in April (not looked): 1 of 1, 1 of 2, 0 of 1. High flags: H and I
    (repeatedly missing from October) and X (three agencies' concerns, from January), H on a
    plan from February. Missed appointments: P's GP run ends in March and is followed
    up, Q's is not: 1 of 2. Referrals: X's, 30 days after a third agency's concern, in March.
    """
    missed = "APPOINTMENT_MISSED"
    return [
        rec("C", "CSC", "ASSESSMENT", "2025-02-05"),
        rec("A", "CSC", "ASSESSMENT", "2025-03-10"),
        rec("B", "CSC", "ASSESSMENT", "2025-03-15"),
        rec("D", "EARLY_HELP", "ASSESSMENT", "2025-04-02"),
        *_missing("H"), rec("H", "CSC", "CP_PLAN_START", "2025-02-01"),
        *_missing("I"),
        rec("P", "GP", missed, "2025-02-20"), rec("P", "GP", missed, "2025-03-05"),
        rec("P", "GP", "CONTACT", "2025-03-20"),
        rec("Q", "GP", missed, "2025-03-01"), rec("Q", "GP", missed, "2025-03-10"),
        rec("X", "POLICE", "DA_INCIDENT", "2025-01-05"),
        rec("X", "SCHOOL", "ATTENDANCE_CONCERN", "2025-01-20"),
        rec("X", "GP", "INJURY", "2025-02-01"), rec("X", "CSC", "REFERRAL", "2025-03-03"),
        rec("Z", "CSC", "CONTACT", "2025-04-30"),  # the newest record: April is whole
    ]  # fmt: skip


@pytest.fixture
def kept(store: Store, tmp_path: Path) -> Store:
    planted(store, tmp_path, partnership())
    looked(store, "WS-C", "CSC", "2025-02-05T08:00:00")
    looked(store, "WS-A", "CSC", "2025-02-20T09:00:00")
    return store


def _counts(store: Store, code: str) -> dict[str, tuple[int, int, float | None]]:
    return {m.month: (m.numerator, m.denominator, m.value) for m in series(store, code)}


def test_each_month_kept_is_the_month_counted_alone(kept: Store) -> None:
    done = keep_months(kept, now=NIGHT)
    assert (done.first, done.last, done.months) == ("2024-10", "2025-04", 7)
    assert [m.code for m in done.latest] == list(CODES)
    for month in MONTHS:
        alone = {
            m.code: (m.numerator, m.denominator, m.value) for m in practice_measures(kept, month)
        }
        assert {code: _counts(kept, code)[month] for code in CODES} == alone, month
    reads = _counts(kept, "history_read_first")
    assert [reads[m] for m in ("2025-01", "2025-02", "2025-03", "2025-04")] == [
        (0, 0, None), (1, 1, 1.0), (1, 2, 0.5), (0, 1, 0.0),
    ]  # fmt: skip
    flags = _counts(kept, "high_flags_with_plan")
    assert (flags["2024-10"], flags["2025-03"]) == ((0, 2, 0.0), (1, 3, 1 / 3))  # H of H, I, X
    assert _counts(kept, "was_not_brought_followed_up")["2025-03"] == (1, 2, 0.5)
    assert _counts(kept, "concern_to_referral_days")["2025-03"] == (1, 1, 30.0)
    rows = kept.scalar("SELECT COUNT(*) FROM ws_assurance_measure")
    assert rows == len(CODES) * len(MONTHS)
    assert {m.computed_at for m in series(kept, "history_read_first")} == {NIGHT}


def test_a_late_record_changes_the_month_kept_the_next_night(kept: Store, tmp_path: Path) -> None:
    keep_months(kept, now=NIGHT)
    # An assessment begun in February, recorded late; E's chronology was not opened first.
    planted(kept, tmp_path, [rec("E", "CSC", "ASSESSMENT", "2025-02-10")], name="late")
    keep_months(kept, now=NEXT_NIGHT)
    assert _counts(kept, "history_read_first")["2025-02"] == (1, 2, 0.5)
    assert kept.scalar("SELECT COUNT(*) FROM ws_assurance_measure") == len(CODES) * len(MONTHS)
    assert {m.computed_at for m in series(kept, "history_read_first")} == {NEXT_NIGHT}


def test_the_months_kept_run_from_the_first_record_or_the_window(kept: Store) -> None:
    assert months_to_keep(kept) == MONTHS
    assert months_to_keep(kept, months=3) == ["2025-02", "2025-03", "2025-04"]
    done = keep_months(kept, months=2, now=NIGHT)
    assert (done.first, done.last, done.months) == ("2025-03", "2025-04", 2)
    assert [m.month for m in series(kept, "high_flags_with_plan")] == ["2025-03", "2025-04"]


def test_nothing_is_kept_without_records_or_before_a_build(store: Store, tmp_path: Path) -> None:
    empty = keep_months(store, now=NIGHT)
    assert (empty.months, empty.latest) == (0, ())
    assert store.scalar("SELECT COUNT(*) FROM ws_assurance_measure") == 0
    planted(store, tmp_path, partnership())
    store.execute("DELETE FROM ws_chronology")
    with pytest.raises(NotBuiltError):
        keep_months(store, now=NIGHT)


def _keep(store: Store, code: str, months: list[tuple[str, int, int, float | None]]) -> None:
    """Months as a night would have kept them: (month, numerator, denominator, value)."""
    store.executemany(
        "INSERT INTO ws_assurance_measure (code, month, numerator, denominator, value, "
        "computed_at) VALUES (?, ?, ?, ?, ?, ?)",
        [(code, m, n, d, v, NIGHT.isoformat()) for m, n, d, v in months],
    )


#: Twelve steady months, then a leap upward.
STEADY = [0.50, 0.52, 0.48, 0.51, 0.49, 0.50, 0.52, 0.48, 0.51, 0.49, 0.50, 0.52]


def test_a_rise_is_an_improvement_for_a_share_and_a_concern_for_days(store: Store) -> None:
    months = [f"2024-{n:02d}" for n in range(1, 13)] + ["2025-01"]
    _keep(
        store,
        "high_flags_with_plan",
        [(m, round(v * 100), 100, v) for m, v in zip(months, [*STEADY, 0.95], strict=True)],
    )
    _keep(store, "concern_to_referral_days",
          [(m, 20, 40, v * 100) for m, v in zip(months, [*STEADY, 0.95], strict=True)])  # fmt: skip
    share = chart(store, "high_flags_with_plan")
    assert share.spc is not None and share.spc.options.direction is Direction.HIGHER_IS_BETTER
    assert share.spc.points[-1].value == pytest.approx(95.0)  # a share is charted in per cent
    assert share.spc.points[-1].point_class is PointClass.IMPROVEMENT
    assert share.value_label == "Per cent" and share.left_out() == ""
    days = chart(store, "concern_to_referral_days")
    assert days.spc is not None and days.spc.options.direction is Direction.LOWER_IS_BETTER
    assert days.spc.points[-1].point_class is PointClass.CONCERN
    assert days.value_label == "Days (median)"
    assert not share.spc.summary.trial_limits  # 13 points: limits no longer on trial


def test_months_with_nothing_to_measure_or_small_numbers_are_left_out_and_said(
    store: Store,
) -> None:
    _keep(store, "was_not_brought_followed_up", [
        ("2025-01", 0, 0, None),  # nothing to measure
        ("2025-02", 6, 12, 0.5),
        ("2025-03", 3, 10, 0.3),  # 3 followed up: small
        ("2025-04", 18, 20, 0.9),  # 2 not followed up: small
        ("2025-05", 0, 0, None),
        ("2025-06", 10, 10, 1.0),  # none without: nothing small
        ("2025-07", 0, 7, 0.0),
    ])  # fmt: skip
    drawn = chart(store, "was_not_brought_followed_up")
    assert drawn.spc is not None
    assert [p.period for p in drawn.spc.points] == ["2025-02", "2025-06", "2025-07"]
    assert (drawn.empty, drawn.small) == (("2025-01", "2025-05"), ("2025-03", "2025-04"))
    assert drawn.left_out() == (
        "Not on the chart: January 2025, May 2025: nothing to measure; "
        "March 2025, April 2025: small numbers (a count of 1 to 4), not shown."
    )
    assert drawn.spc.summary.trial_limits  # fewer than 12 points
    every = chart(store, "was_not_brought_followed_up", hide_small=False)
    assert every.spc is not None and len(every.spc.points) == 5 and every.small == ()
    assert [m.month for m in drawn.months] == [f"2025-{n:02d}" for n in range(1, 8)]


def test_a_measure_never_kept_has_no_chart_and_an_unknown_one_is_refused(store: Store) -> None:
    _keep(store, "history_read_first", [("2025-01", 0, 0, None)])
    drawn = chart(store, "history_read_first")
    assert drawn.spc is None and drawn.empty == ("2025-01",)
    assert chart(store, "high_flags_with_plan").months == ()
    with pytest.raises(ValueError, match="unknown measure 'shares'"):
        series(store, "shares")


def test_the_nightly_build_keeps_the_measures(store_env: Store, tmp_path: Path) -> None:
    planted(store_env, tmp_path, partnership())
    looked(store_env, "WS-A", "CSC", "2025-02-20T09:00:00")
    runner = CliRunner()
    ran = runner.invoke(app, ["chronologies", "--json"])
    assert ran.exit_code == 0, ran.output
    measures = json.loads(ran.stdout)["practice_measures"]
    assert (measures["first"], measures["last"], measures["months"]) == ("2024-10", "2025-04", 7)
    latest = {m["code"]: (m["numerator"], m["denominator"]) for m in measures["latest"]}
    assert latest["history_read_first"] == (0, 1)  # D's, in April
    assert _counts(store_env, "history_read_first")["2025-03"] == (1, 2, 0.5)
    said = runner.invoke(app, ["chronologies"])
    assert said.exit_code == 0, said.output
    text = " ".join(said.stdout.split())  # as said, whatever the terminal's width
    assert "Kept the practice measures for 7 months (2024-10 to 2025-04)" in text
    assert (
        "New assessments whose agency opened the chronology first: 0% (the chronology opened "
        "first for 0 of 1 assessments begun)" in text
    )
    assert store_env.scalar("SELECT COUNT(*) FROM ws_assurance_measure") == len(CODES) * 7
