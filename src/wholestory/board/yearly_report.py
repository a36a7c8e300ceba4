"""The safeguarding partners' yearly report (issue 17): drafted once from the store as
Markdown with its figures inserted, then edited by people, each save a new version.

Version 1 is the draft (``drafted`` true), written from what the board already reads: the
reviews held and their timeliness, the tracker, the audit themes, the measures' readings,
domestic abuse and THRIVE figures, every count suppressed and no child named. Nothing is
ever overwritten, so what the partners signed off can be told from what was drafted. The
text is rendered with markdown-it-py (locked in uv.lock) with raw HTML and images turned
off, so what anyone types is escaped and the page stays safe under the strict CSP.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Final

from markdown_it import MarkdownIt
from markupsafe import Markup

from wholestory.assurance.audits import log, stamp, utc
from wholestory.audit.actions import Action
from wholestory.board import yearly_words as words
from wholestory.store import Store

_YEAR: Final = re.compile(r"^(\d{4})-(\d{2})$")

#: The longest text kept (a report is a few pages; this stops a paste of anything else).
MAX_CHARS: Final = 200_000


class ReportError(ValueError):
    """Not a year, or not a text that can be kept: the message says what to write."""


@dataclass(frozen=True, slots=True, order=True)
class ReportYear:
    """A reporting year, April to March: ``2025-26`` is April 2025 to March 2026."""

    first: int

    @classmethod
    def parse(cls, text: str) -> ReportYear:
        found = _YEAR.match(text.strip())
        if not found or int(found[2]) != (int(found[1]) + 1) % 100:
            raise ReportError(words.NOT_A_YEAR.format(text=text))
        return cls(int(found[1]))

    @classmethod
    def of(cls, day: dt.date) -> ReportYear:
        return cls(day.year if day.month >= 4 else day.year - 1)

    @property
    def start(self) -> dt.date:
        return dt.date(self.first, 4, 1)

    @property
    def end(self) -> dt.date:
        return dt.date(self.first + 1, 3, 31)

    def __str__(self) -> str:
        return f"{self.first}-{(self.first + 1) % 100:02d}"


@dataclass(frozen=True, slots=True)
class Version:
    year: str
    version: int
    text: str
    drafted: bool
    saved_by: str
    saved_at: dt.datetime


def draft(store: Store, year: ReportYear, by: str, now: dt.datetime | None = None) -> Version:
    """Version 1 drafted from the store; if the year has a version already, the latest is
    returned unchanged (a draft never overwrites people's words)."""
    from wholestory.board.yearly_draft import drafted_text

    found = latest(store, year)
    if found is not None:
        return found
    at = utc(now)
    return _keep(store, year, drafted_text(store, year, at.date()), True, by, at)


def save(
    store: Store, year: ReportYear, text: str, by: str, now: dt.datetime | None = None
) -> Version:
    """Keep an edit as the year's next version (``drafted`` false)."""
    cleaned = text.replace("\r\n", "\n").strip()
    if not cleaned:
        raise ReportError(words.EMPTY)
    if len(cleaned) > MAX_CHARS:
        raise ReportError(words.TOO_LONG.format(n=f"{MAX_CHARS:,}"))
    return _keep(store, year, cleaned + "\n", False, by, utc(now))


def versions(store: Store, year: ReportYear) -> list[Version]:
    """Every version of the year's report, the newest first."""
    rows = store.query(f"{_SELECT} WHERE year = ? ORDER BY version DESC", [str(year)])
    return [_version(r) for r in rows]


def latest(store: Store, year: ReportYear) -> Version | None:
    rows = store.query(f"{_SELECT} WHERE year = ? ORDER BY version DESC LIMIT 1", [str(year)])
    return _version(rows[0]) if rows else None


def version(store: Store, year: ReportYear, number: int) -> Version | None:
    rows = store.query(f"{_SELECT} WHERE year = ? AND version = ?", [str(year), number])
    return _version(rows[0]) if rows else None


def years(store: Store) -> list[tuple[str, int]]:
    """Each year with a report and how many versions it has, the latest year first."""
    rows = store.query(
        "SELECT year, COUNT(*) FROM ws_yearly_report GROUP BY year ORDER BY year DESC"
    )
    return [(str(r[0]), int(r[1])) for r in rows]


def html(text: str) -> Markup:
    """The Markdown as HTML, safely: raw HTML is escaped, images are not drawn, and links
    other than http(s) and mailto are refused by markdown-it's own link check."""
    return Markup(_markdown().render(text))


def _markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.disable(["image", "html_block", "html_inline"])
    return md


_SELECT = "SELECT year, version, text, drafted, saved_by, saved_at FROM ws_yearly_report"


def _keep(
    store: Store, year: ReportYear, text: str, drafted: bool, by: str, at: dt.datetime
) -> Version:
    with store.transaction():
        number = int(store.scalar(
            "SELECT COALESCE(MAX(version), 0) + 1 FROM ws_yearly_report WHERE year = ?",
            [str(year)],
        ))  # fmt: skip
        store.execute(
            "INSERT INTO ws_yearly_report (year, version, text, drafted, saved_by, saved_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [str(year), number, text, drafted, by, stamp(at)],
        )
        log(store, by, Action.YEARLY_REPORT, "", f"yearly report {year}",
            {"version": number, "drafted": drafted})  # fmt: skip
    kept = version(store, year, number)
    assert kept is not None
    return kept


def _version(row: Any) -> Version:
    at = row[5] if isinstance(row[5], dt.datetime) else dt.datetime.fromisoformat(str(row[5]))
    return Version(str(row[0]), int(row[1]), str(row[2]), bool(row[3]), str(row[4]), utc(at))
