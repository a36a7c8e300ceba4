"""PDSA (Plan, Do, Study, Act) cycles of the partnership's i-THRIVE work, and their charts.

A cycle says what it aims at, the change it tests, the measures that should move and what
was predicted (Plan), the day the change was made (Do), what was found (Study) and what was
decided: adopt, adapt or abandon (Act). Each measure is charted month by month with the
one chart engine, its limits recalculated from the month of the change, so the board can
see whether the change, not chance, moved it. Months with small numbers (1 to 4) are left
off the chart, and the chart says so.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Final

from wholestory.charts.icons import VariationIcon
from wholestory.charts.spc import MIN_BASELINE, ChartOptions, SpcChart, xmr_chart
from wholestory.charts.words import VARIATION_WORDS, figure
from wholestory.store import Store
from wholestory.thrive import improvement_words as w
from wholestory.thrive.pdsa_measures import (
    MeasureDefinition,
    MonthFigure,
    dumps,
    loads,
    monthly,
)

DECISIONS: Final = tuple(w.DECISIONS)
_TEXT_FIELDS: Final = (
    ("title", "title"),
    ("aim", "aim"),
    ("change_idea", "change idea"),
    ("prediction", "prediction"),
)


class CycleError(ValueError):
    """A cycle or its decision that cannot be kept; ``field`` names the field at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True, slots=True)
class Cycle:
    """One PDSA cycle as kept."""

    id: int
    title: str
    aim: str
    change_idea: str
    measures: tuple[MeasureDefinition, ...]
    prediction: str
    changed_on: dt.date
    study: str
    decision: str
    decided_on: dt.date | None
    created_by: str

    @property
    def decision_words(self) -> str:
        return w.DECISIONS.get(self.decision, w.OPEN)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "aim": self.aim,
            "change_idea": self.change_idea,
            "measures": [m.as_dict() for m in self.measures],
            "prediction": self.prediction,
            "changed_on": self.changed_on.isoformat(),
            "study": self.study,
            "decision": self.decision or None,
            "decided_on": self.decided_on.isoformat() if self.decided_on else None,
            "created_by": self.created_by,
        }


@dataclass(frozen=True)
class BeforeAfter:
    """One measure of a cycle charted before and after its change.

    ``spc`` is None when no month has a figure to show; ``left_off`` lists the months with
    small numbers; ``reading`` is the chart in one line.
    """

    measure: MeasureDefinition
    spc: SpcChart | None
    left_off: tuple[str, ...]
    before: float | None
    after: float | None
    after_signal: bool
    reading: str

    @property
    def value_label(self) -> str:
        return w.VALUE_LABELS[self.measure.unit]

    def left_off_words(self) -> str:
        return w.LEFT_OFF.format(months=", ".join(self.left_off)) if self.left_off else ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "measure": self.measure.as_dict(),
            "title": self.measure.title,
            "before_mean": self.before,
            "after_mean": self.after,
            "special_cause_after": self.after_signal,
            "reading": self.reading,
            "left_off": list(self.left_off),
        }


def create_cycle(
    store: Store,
    fields: dict[str, str],
    measures: list[MeasureDefinition],
    changed_on: dt.date,
    created_by: str,
) -> Cycle:
    """Keep a new cycle (its Plan and the day of its Do); refused, naming the field, if a
    field is blank or no measure is chosen."""
    for key, name in _TEXT_FIELDS:
        if not fields.get(key, "").strip():
            raise CycleError(key, w.REQUIRED.format(field=name))
    if not measures:
        raise CycleError("measures", w.NO_MEASURES)
    made = store.scalar(
        "INSERT INTO ws_thrive_pdsa (title, aim, change_idea, measures, prediction, changed_on, "
        "study, decision, created_by, created_at, updated_by) "
        "VALUES (?, ?, ?, ?, ?, ?, '', '', ?, ?, '') RETURNING id",
        [*(fields[k].strip() for k, _ in _TEXT_FIELDS[:3]), dumps(measures),
         fields["prediction"].strip(), changed_on.isoformat(), created_by, _now()],
    )  # fmt: skip
    found = cycle(store, int(made))
    assert found is not None
    return found


def record_study(
    store: Store,
    cycle_id: int,
    study: str,
    decision: str,
    decided_on: dt.date | None,
    by: str,
) -> Cycle:
    """Keep what the cycle found and, when given, the decision and its day."""
    kept = cycle(store, cycle_id)
    if kept is None:
        raise CycleError("cycle", w.NO_CYCLE.format(id=cycle_id))
    if not study.strip():
        raise CycleError("study", w.REQUIRED.format(field="study"))
    if decision and decision not in DECISIONS:
        raise CycleError("decision", w.DECISION)
    if decision and (decided_on is None or decided_on < kept.changed_on):
        raise CycleError("decided_on", w.DECIDED_ON)
    store.execute(
        "UPDATE ws_thrive_pdsa SET study = ?, decision = ?, decided_on = ?, updated_by = ?, "
        "updated_at = ? WHERE id = ?",
        [study.strip(), decision, decided_on.isoformat() if decision and decided_on else None,
         by, _now(), cycle_id],
    )  # fmt: skip
    found = cycle(store, cycle_id)
    assert found is not None
    return found


_COLUMNS: Final = (
    "SELECT id, title, aim, change_idea, measures, prediction, changed_on, study, decision, "
    "decided_on, created_by FROM ws_thrive_pdsa"
)


def cycles(store: Store) -> list[Cycle]:
    """Every cycle, the newest first."""
    return [_cycle(row) for row in store.query(f"{_COLUMNS} ORDER BY id DESC")]


def cycle(store: Store, cycle_id: int) -> Cycle | None:
    """One cycle, or None if there is none with that id."""
    rows = store.query(f"{_COLUMNS} WHERE id = ?", [cycle_id])
    return _cycle(rows[0]) if rows else None


def before_after(store: Store, kept: Cycle) -> list[BeforeAfter]:
    """Each of the cycle's measures charted, its limits recalculated at the change."""
    return [chart_measure(monthly(store, m), m, kept.changed_on) for m in kept.measures]


def chart_measure(
    months: list[MonthFigure], measure: MeasureDefinition, changed_on: dt.date
) -> BeforeAfter:
    """A measure's months charted with a new section from the month of the change.

    The month the change was made in opens the "after" section: a change is made to run
    on, and a month split in two would be neither. Small-number months are left off.
    """
    shown = [m for m in months if m.value is not None and not m.small_numbers]
    left_off = tuple(m.month for m in months if m.value is not None and m.small_numbers)
    if not shown:
        return BeforeAfter(measure, None, left_off, None, None, False, w.NO_POINTS)
    change = changed_on.isoformat()[:7]
    after_first = next((m.month for m in shown if m.month >= change), None)
    rebase = (after_first,) if after_first and after_first != shown[0].month else ()
    spc = xmr_chart(
        [(m.month, float(m.value or 0)) for m in shown],
        ChartOptions(direction=measure.direction, rebase_at=rebase),
    )
    series = [(m.month, float(m.value or 0)) for m in shown]
    return _read(measure, spc, left_off, change, _moved_beyond_before(series, change, measure))


def _moved_beyond_before(
    series: list[tuple[str, float]], change: str, measure: MeasureDefinition
) -> bool:
    """Whether the months since the change show special cause against the limits of the
    months before it, carried forward (the Making Data Count way of asking whether a change
    moved a process). With 12 months or more before the change every rule is read against
    those limits; with 2 to 11 (trial limits) only a month outside them counts, the one
    rule that needs no run of months."""
    before = sum(1 for month, _ in series if month < change)
    if before < 2 or before == len(series):
        return False
    if before < MIN_BASELINE:
        first = xmr_chart(series[:before], ChartOptions(direction=measure.direction)).sections[0]
        low, high = first.lower_limit, first.upper_limit
        return any(
            (high is not None and v > high) or (low is not None and v < low)
            for _, v in series[before:]
        )
    extended = xmr_chart(series, ChartOptions(direction=measure.direction, baseline=before))
    return any(p.special_cause for p in extended.points[before:])


def _read(
    measure: MeasureDefinition,
    spc: SpcChart,
    left_off: tuple[str, ...],
    change: str,
    moved: bool,
) -> BeforeAfter:
    """The chart's means before and after and its reading in one line: special cause since
    the change, on the rebased chart or against the limits before it."""
    before = [p for p in spc.points if str(p.period) < change]
    after = [p for p in spc.points if str(p.period) >= change]
    before_mean = before[0].mean if before else None
    after_mean = after[0].mean if after else None
    signal = moved or any(p.special_cause for p in after)
    if not after:
        reading = w.READING_NO_AFTER
    elif not before:
        reading = w.READING_NO_BEFORE
    else:
        template = w.READING_SHIFT if signal else w.READING_NONE
        reading = template.format(
            before=figure(before_mean or 0),
            after=figure(after_mean or 0),
            icon=_icon(spc, measure, moved),
        )
    return BeforeAfter(measure, spc, left_off, before_mean, after_mean, signal, reading)


def _icon(spc: SpcChart, measure: MeasureDefinition, moved: bool) -> str:
    """The variation in words; when only the carried-forward limits show it, which way."""
    if spc.summary.variation is not VariationIcon.COMMON_CAUSE or not moved:
        return VARIATION_WORDS[spc.summary.variation].lower()
    return w.MOVED_BEYOND


def _cycle(row: tuple[Any, ...]) -> Cycle:
    cid, title, aim, idea, measures, prediction, changed, study, decision, decided, by = row
    return Cycle(
        int(cid), str(title), str(aim), str(idea), tuple(loads(str(measures))), str(prediction),
        _date(changed), str(study or ""), str(decision or ""),
        _date(decided) if decided else None, str(by),
    )  # fmt: skip


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
