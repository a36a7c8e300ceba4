"""The yearly report's first draft: Markdown written from the store, figures inserted.

It reads what the board already reads (the latest board pack built in the year, or the
same contents gathered fresh for the year's last quarter so far), plus the year's own
reviews and domestic abuse counts. Every count of children, reviews or events goes through
:func:`wholestory.figures.suppressed`; the pack's figures are suppressed already. No child
is named: reviews are counted, not listed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from wholestory.board import yearly_words as words
from wholestory.board.pack import gather, packs
from wholestory.board.quarter import Quarter
from wholestory.board.words import COUNT_WORDS
from wholestory.board.yearly_report import ReportYear
from wholestory.domestic_abuse.encompass import timeliness
from wholestory.domestic_abuse.figures import domestic_abuse_figures
from wholestory.figures import suppressed
from wholestory.reviews.cases import reviews
from wholestory.store import Store


def drafted_text(store: Store, year: ReportYear, today: dt.date) -> str:
    """The whole draft, section by section."""
    end = min(year.end, today)
    contents, quarter = _contents(store, year, end)
    parts = [
        f"# {words.TITLE.format(year=year)}",
        words.MARKING,
        words.PERIOD.format(start=f"{year.start:%-d %B %Y}", end=f"{year.end:%-d %B %Y}"),
        *_reviews(store, year, end),
        *_tracker(contents),
        *_themes(contents),
        *_measures(contents, quarter),
        *_domestic_abuse(store, year, end),
        *_thrive(contents),
        f"## {words.NEXT}",
        words.NEXT_PROMPT,
    ]
    return "\n\n".join(parts) + "\n"


def _contents(store: Store, year: ReportYear, end: dt.date) -> tuple[dict[str, Any], str]:
    """The latest pack built for a quarter of the year, else the same contents fresh."""
    inside = [p for p in packs(store) if year.start <= Quarter.parse(p.quarter).start <= end]
    if inside:
        chosen = max(inside, key=lambda p: (Quarter.parse(p.quarter), p.built_at))
        return chosen.contents, chosen.quarter
    quarter = Quarter.of(end)
    return gather(store, quarter, end), str(quarter)


def _reviews(store: Store, year: ReportYear, end: dt.date) -> list[str]:
    every = reviews(store)
    started = [r for r in every if year.start <= r.learned_on <= end]
    clocks = [c for r in every for c in r.clocks().all()]
    done = [c for c in clocks if c.done_on is not None and year.start <= c.done_on <= end]
    on_time = sum(bool(c.on_time) for c in done)
    still = [r for r in every if r.learned_on <= end and r.status == "open"]
    return [
        f"## {words.REVIEWS}",
        _bullets([
            words.REVIEWS_OPENED.format(n=suppressed(len(started))),
            words.REVIEWS_STEPS.format(done=suppressed(len(done)), on_time=suppressed(on_time),
                                       late=suppressed(len(done) - on_time)),
            words.REVIEWS_OPEN.format(n=suppressed(len(still))),
        ]),
    ]  # fmt: skip


def _tracker(contents: dict[str, Any]) -> list[str]:
    overall = contents["tracker"]["overall"]
    rows = [words.TRACKER_ROW.format(label=label, n=overall[k]) for k, label in COUNT_WORDS.items()]
    return [f"## {words.TRACKER}", _bullets(rows)]


def _themes(contents: dict[str, Any]) -> list[str]:
    found = [f["sentence"] for f in contents["themes"].get("findings", [])]
    return [f"## {words.THEMES}", _bullets(found) if found else words.NO_FINDINGS]


def _measures(contents: dict[str, Any], quarter: str) -> list[str]:
    rows = [f"**{m['title']}**: {m['reading'] or words.NO_READING}" for m in contents["measures"]]
    return [f"## {words.MEASURES}", words.MEASURES_FROM.format(quarter=quarter), _bullets(rows)]


def _domestic_abuse(store: Store, year: ReportYear, end: dt.date) -> list[str]:
    first, last = f"{year.start:%Y-%m}", f"{end:%Y-%m}"
    months = [m for m in domestic_abuse_figures(store, end).months if first <= m.month <= last]
    notices = [t for t in timeliness(store) if first <= t.month <= last]
    sums = {
        k: sum(getattr(m, k) for m in months)
        for k in ("incidents", "repeat_incidents", "marac_referrals", "repeat_marac_referrals")
    }
    sums |= {"encompass_owed": sum(t.owed for t in notices),
             "encompass_on_time": sum(t.on_time for t in notices)}  # fmt: skip
    rows = [f"{label}: {suppressed(sums[k])}." for k, label in words.DA_ROWS.items()]
    return [f"## {words.DOMESTIC_ABUSE}", _bullets(rows)]


def _thrive(contents: dict[str, Any]) -> list[str]:
    thrive = contents.get("thrive") or {}
    rows = [words.THRIVE_UNMET.format(n=thrive.get("unmet_need", {}).get("children", "0"))]
    for q in thrive.get("waiting", [])[-4:]:
        median = q.get("median_days")
        rows.append(words.THRIVE_WAITING.format(
            quarter=q.get("quarter"), n=q.get("referrals"),
            median=words.NOT_SHOWN if median is None else median,
        ))  # fmt: skip
    return [f"## {words.THRIVE}", _bullets(rows)]


def _bullets(rows: list[str]) -> str:
    """A Markdown list (each row's own Markdown markers kept as they are: rows are ours)."""
    return "\n".join(f"- {row}" for row in rows)
