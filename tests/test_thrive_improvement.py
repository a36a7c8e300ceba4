"""THRIVE quality improvement (issue 16, item 5): PDSA cycles kept and read back on both
databases, the safe query builder for their measures, the before/after chart rebased at the
change, and the implementation assessment scored 1 to 4 ("THRIVE-like" from 3)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from pathlib import Path

import pytest

from factories import event_row, write_csv
from wholestory.charts.icons import Direction
from wholestory.ingest import ingest_paths
from wholestory.store import Store
from wholestory.thrive.implementation import (
    AssessmentError,
    assessments,
    baseline_and_latest,
    record_assessment,
    thrive_like,
)
from wholestory.thrive.improvement import (
    CycleError,
    before_after,
    chart_measure,
    create_cycle,
    cycle,
    cycles,
    record_study,
)
from wholestory.thrive.pdsa_measures import (
    MeasureError,
    MonthFigure,
    events_sql,
    monthly,
    parse_measure,
    parse_measures,
)
from wholestory.thrive.vocabulary import PRINCIPLES

PLAN = {
    "title": "Drop-in at school",
    "aim": "More children get advice early.",
    "change_idea": "A weekly CAMHS drop-in at the secondary school.",
    "prediction": "Referrals from the school to CAMHS fall by a fifth.",
}
EVENTS = {
    "events": ["CAMHS_REFERRAL"],
    "agencies": ["SCHOOL"],
    "children_only": True,
    "title": "School referrals to CAMHS",
    "better": "lower",
}


def _months(first: str, values: Sequence[float]) -> list[MonthFigure]:
    """A hand-made series of counts, a month each from ``first``."""
    year, month = int(first[:4]), int(first[5:])
    out = []
    for i, value in enumerate(values):
        y, m = year + (month - 1 + i) // 12, (month - 1 + i) % 12 + 1
        out.append(MonthFigure(f"{y}-{m:02d}", int(value), None, value))
    return out


def test_a_cycle_is_kept_and_read_back_with_its_study_and_decision(store: Store) -> None:
    measures = parse_measures("- history_read_first\n- thrive_agreed: true\n")
    made = create_cycle(store, PLAN, measures, dt.date(2026, 3, 1), "bo.business")
    assert cycle(store, made.id) == made and cycles(store) == [made]
    assert (made.title, made.changed_on, made.decision, made.decided_on) == (
        "Drop-in at school", dt.date(2026, 3, 1), "", None,
    )  # fmt: skip
    assert [m.kind for m in made.measures] == ["practice", "thrive_agreed"]
    studied = record_study(
        store, made.id, "Referrals fell.", "adopt", dt.date(2026, 6, 1), "bo.business"
    )
    assert (studied.study, studied.decision, studied.decided_on) == (
        "Referrals fell.", "adopt", dt.date(2026, 6, 1),
    )  # fmt: skip
    assert cycle(store, made.id) == studied
    assert studied.as_dict()["measures"][0] == {"practice": "history_read_first"}


def test_a_cycle_or_decision_that_cannot_be_kept_names_its_field(store: Store) -> None:
    with pytest.raises(CycleError) as blank:
        create_cycle(store, {**PLAN, "aim": " "}, parse_measures("[thrive_agreed: true]"),
                     dt.date(2026, 3, 1), "bo")  # fmt: skip
    assert blank.value.field == "aim"
    made = create_cycle(store, PLAN, [parse_measure(EVENTS)], dt.date(2026, 3, 1), "bo")
    with pytest.raises(CycleError) as wrong:
        record_study(store, made.id, "Found.", "keep", dt.date(2026, 4, 1), "bo")
    assert wrong.value.field == "decision"
    with pytest.raises(CycleError) as early:
        record_study(store, made.id, "Found.", "adapt", dt.date(2026, 2, 1), "bo")
    assert early.value.field == "decided_on"
    assert cycle(store, made.id) == made  # nothing changed by the refusals


@pytest.mark.parametrize(
    ("given", "says"),
    [
        ({"events": ["DA_INCIDENT", "DROP TABLE ws_record"]}, "not event types"),
        ({"events": ["NOT_A_CODE"]}, "NOT_A_CODE"),
        ({"events": ["ARREST"], "agencies": ["SCHOOL'; --"]}, "as codes"),
        ({"events": ["ARREST"], "sql": "SELECT 1"}, "does not take: sql"),
        ({"practice": "everything"}, "no practice measure"),
        ({"events": ["ARREST"], "practice": "history_read_first"}, "exactly one"),
        ({"events": ["ARREST"], "better": "up"}, "higher, lower or neither"),
        ("SELECT * FROM ws_record", "practice measure's code or a definition"),
    ],
)
def test_the_query_builder_refuses_what_is_not_in_the_vocabulary(given: object, says: str) -> None:
    with pytest.raises(MeasureError, match=says):
        parse_measure(given)


def test_no_text_a_user_gives_is_put_into_the_sql(store: Store) -> None:
    title = "x'); DELETE FROM ws_record; --"
    measure = parse_measure({**EVENTS, "title": title})
    sql, params = events_sql(store, measure)
    assert title not in sql and "CAMHS_REFERRAL" not in sql and "SCHOOL" not in sql
    assert "CAMHS_REFERRAL" in str(params) and "SCHOOL" in str(params)
    assert parse_measure(measure.as_dict()) == measure  # kept and read back the same


def test_events_are_counted_once_a_month_children_only_at_the_agencies_given(
    store: Store, tmp_path: Path
) -> None:
    def row(n: int, **values: str) -> dict[str, str]:
        base = {"agency": "SCHOOL", "event_type": "CAMHS_REFERRAL", "role": "SUBJECT"}
        return event_row(n, **{**base, **values})

    rows = [row(n, event_date=f"2025-01-{n:02d}") for n in range(1, 7)]  # 6 in January
    rows.append(row(7, event_date="2025-01-09", event_id="E6", person_id="PN99"))  # same event
    rows.append(row(8, event_date="2025-01-10", date_of_birth="1990-01-01"))  # an adult
    rows.append(row(9, event_date="2025-01-11", agency="GP"))  # another agency
    rows.append(row(10, event_date="2025-01-12", event_type="ARREST"))  # another type
    rows += [row(n, event_date="2025-03-02") for n in range(11, 13)]  # 2 in March
    ingest_paths(store, [write_csv(tmp_path / "r.csv", rows)], None, today=dt.date(2025, 6, 1))
    found = monthly(store, parse_measure(EVENTS))
    assert [(m.month, m.numerator) for m in found] == [
        ("2025-01", 6), ("2025-02", 0), ("2025-03", 2),
    ]  # fmt: skip
    charted = chart_measure(found, parse_measure(EVENTS), dt.date(2025, 3, 1))
    assert charted.left_off == ("2025-03",)  # 2 is a small number: left off, and said
    assert "2025-03" in charted.left_off_words()


def test_the_chart_is_rebased_at_the_change_and_a_shift_after_it_is_special_cause() -> None:
    before = [20, 22, 19, 21, 20, 23, 18, 21, 22, 20, 19, 21]
    after = [12, 11, 13, 12, 10, 12, 11, 13, 12, 11, 12, 13]
    measure = parse_measure({**EVENTS, "better": "lower"})
    drawn = chart_measure(_months("2025-03", before + after), measure, dt.date(2026, 3, 10))
    assert drawn.spc is not None
    assert [(s.first, s.last) for s in drawn.spc.sections] == [
        ("2025-03", "2026-02"), ("2026-03", "2027-02"),
    ]  # fmt: skip
    assert drawn.before == pytest.approx(sum(before) / 12)
    assert drawn.after == pytest.approx(sum(after) / 12)
    assert drawn.after_signal and "beyond the limits of the months before" in drawn.reading
    later = [20, 21, 19, 22, 20, 21, *after]  # the shift planted six months after the change
    within = chart_measure(_months("2025-03", before + later), measure, dt.date(2026, 3, 10))
    assert within.spc is not None and len(within.spc.sections) == 2
    marked = [p.period for p in within.spc.points if p.section == 1 and p.special_cause]
    assert "2026-09" in marked and "2027-08" in marked  # the run below the rebased mean
    assert all(
        p.point_class.value == "improvement" for p in within.spc.points if p.period in marked[-7:]
    )
    assert within.after_signal and "improvement" in within.reading
    short = _months("2025-03", before + after)
    short[5] = MonthFigure(short[5].month, 3, None, 3.0)  # a small number: left off
    trial = chart_measure(short, measure, dt.date(2026, 3, 10))
    assert trial.left_off == ("2025-08",) and trial.after_signal  # 11 months before: trial
    flat = chart_measure(_months("2025-03", before + before), measure, dt.date(2026, 3, 10))
    assert not flat.after_signal and "no significant change" in flat.reading
    assert measure.direction is Direction.LOWER_IS_BETTER


def test_a_cycle_reads_its_kept_practice_measure(store: Store) -> None:
    store.executemany(
        "INSERT INTO ws_assurance_measure (code, month, numerator, denominator, value, "
        "computed_at) VALUES (?, ?, ?, ?, ?, ?)",
        [("history_read_first", f"2025-{m:02d}", 10 + m, 40, (10 + m) / 40,
          "2026-01-01T00:00:00+00:00") for m in range(1, 13)],
    )  # fmt: skip
    made = create_cycle(store, PLAN, parse_measures("[history_read_first]"),
                        dt.date(2025, 7, 1), "bo")  # fmt: skip
    (drawn,) = before_after(store, made)
    assert drawn.spc is not None and len(drawn.spc.points) == 12
    assert [s.first for s in drawn.spc.sections] == ["2025-01", "2025-07"]
    assert drawn.spc.points[0].value == pytest.approx(27.5)  # a share, in per cent


def test_implementation_scores_are_kept_1_to_4_and_thrive_like_from_3(store: Store) -> None:
    scores = dict.fromkeys(PRINCIPLES, 2)
    for bad in (0, 5):
        with pytest.raises(AssessmentError) as refused:
            record_assessment(store, dt.date(2025, 1, 1), {**scores, "needs_led": bad}, {}, "bo")
        assert refused.value.field == "needs_led"
    assert assessments(store) == []
    record_assessment(store, dt.date(2025, 1, 1), scores, {"needs_led": "Early days."}, "bo")
    latest = record_assessment(store, dt.date(2026, 1, 1), {**scores, "needs_led": 3}, {}, "bo")
    with pytest.raises(AssessmentError, match="already"):
        record_assessment(store, dt.date(2026, 1, 1), scores, {}, "bo")
    baseline, last = baseline_and_latest(store)
    assert baseline is not None and baseline.notes["needs_led"] == "Early days."
    assert (
        last == latest and last.thrive_like("needs_led") and not baseline.thrive_like("needs_led")
    )
    assert (thrive_like(2), thrive_like(3), thrive_like(4)) == (False, True, True)


def test_the_command_lists_cycles_with_each_measures_reading(store_env: Store) -> None:
    from typer.testing import CliRunner

    from wholestory.cli.main import app

    measures = parse_measures("[thrive_agreed: true]")
    create_cycle(store_env, PLAN, measures, dt.date(2026, 3, 1), "bo.business")
    shown = CliRunner().invoke(app, ["thrive", "cycles"])
    assert shown.exit_code == 0, shown.output
    assert "Drop-in at school" in shown.stdout and "No chart" in shown.stdout
    as_json = CliRunner().invoke(app, ["thrive", "cycles", "--json"])
    (listed,) = json.loads(as_json.stdout)
    assert listed["title"] == "Drop-in at school"
    assert listed["charts"][0]["title"] == "THRIVE groupings agreed with the child and family"
    actions = store_env.query("SELECT action, target FROM ws_audit ORDER BY seq")
    assert [(str(a), str(t)) for a, t in actions] == [("view", "thrive cycles")] * 2
