"""The i-THRIVE implementation assessment: each THRIVE principle scored 1 to 4, dated.

A score of 3 or more is "THRIVE-like" (``../shared/spec/thrive.md``). Each assessment is
kept whole (every principle on one day), so the first is the baseline, the latest says
where the partnership is, and each principle can be read over time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from wholestory.store import Store
from wholestory.thrive import improvement_words as w
from wholestory.thrive.vocabulary import PRINCIPLES, THRIVE_LIKE


class AssessmentError(ValueError):
    """An assessment that cannot be kept; ``field`` names the field at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True, slots=True)
class Assessment:
    """One day's assessment: each principle's score and notes."""

    assessed_on: dt.date
    scores: dict[str, int]
    notes: dict[str, str]
    assessed_by: str

    def thrive_like(self, principle: str) -> bool:
        return thrive_like(self.scores[principle])

    def as_dict(self) -> dict[str, Any]:
        return {
            "assessed_on": self.assessed_on.isoformat(),
            "assessed_by": self.assessed_by,
            "principles": {
                p: {"score": s, "thrive_like": thrive_like(s), "notes": self.notes.get(p, "")}
                for p, s in self.scores.items()
            },
        }


def thrive_like(score: int) -> bool:
    """Whether a principle's score is "THRIVE-like": 3 or more."""
    return score >= THRIVE_LIKE


def record_assessment(
    store: Store,
    assessed_on: dt.date,
    scores: Mapping[str, int],
    notes: Mapping[str, str],
    by: str,
) -> Assessment:
    """Keep one assessment: every principle scored 1 to 4; refused, naming the principle,
    if one is missing or out of range, or if the day already has one."""
    for principle in PRINCIPLES:
        score = scores.get(principle)
        if not isinstance(score, int) or isinstance(score, bool) or not 1 <= score <= 4:
            raise AssessmentError(principle, w.SCORE)
    day = assessed_on.isoformat()
    if store.scalar("SELECT COUNT(*) FROM ws_thrive_implementation WHERE assessed_on = ?", [day]):
        raise AssessmentError("assessed_on", w.ALREADY.format(day=day))
    at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    with store.transaction():
        store.executemany(
            "INSERT INTO ws_thrive_implementation (assessed_on, principle, score, notes, "
            "assessed_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?)",
            [(day, p, scores[p], notes.get(p, "").strip(), by, at) for p in PRINCIPLES],
        )
    return next(a for a in assessments(store) if a.assessed_on == assessed_on)


def assessments(store: Store) -> list[Assessment]:
    """Every assessment, the oldest (the baseline) first."""
    found: dict[dt.date, Assessment] = {}
    for day, principle, score, notes, by in store.query(
        "SELECT assessed_on, principle, score, notes, assessed_by FROM ws_thrive_implementation "
        "ORDER BY assessed_on"
    ):
        on = day if isinstance(day, dt.date) else dt.date.fromisoformat(str(day)[:10])
        kept = found.setdefault(on, Assessment(on, {}, {}, str(by)))
        kept.scores[str(principle)] = int(score)
        kept.notes[str(principle)] = str(notes or "")
    return list(found.values())


def baseline_and_latest(store: Store) -> tuple[Assessment | None, Assessment | None]:
    """The first assessment and the latest (the same one when there is only one)."""
    kept = assessments(store)
    return (kept[0], kept[-1]) if kept else (None, None)
