"""What an evidence prompt is, and the child's story as the prompts read it (issue 15).

A prompt (:class:`Prompt`) says what the records show and cites the chronology entries it
rests on (:class:`Cited`), each with a link the chronology page understands:
``/people/<id>?entry=<entry id>#entry-<n>``. The page picks the page of its list that
holds the entry from ``entry=`` and brings that row into view (``timeline.js``); ``n`` is
the entry's place in the chronology, as the page numbers its rows (``entry-<n>``), so the
link lands on the row even without script.

The story (:class:`Story`) is one chronology in its JSON form: the stored one, or the one
a viewer may see under the sharing agreement (``web/pages/stories.load(...).data``), so
that a prompt quotes and links only entries its reader sees. Entry numbers are counted in
the story given, which is how the page counts them for that reader.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final
from urllib.parse import quote, urlencode

from wholestory.chronology.display import event_label, show_date
from wholestory.chronology.model import Chronology, Entry, Flag, long_date
from wholestory.chronology.vocabulary import agency_name

#: The longest summary a cited entry quotes, in characters: the entry says the rest.
SUMMARY_CHARACTERS: Final = 120


@dataclass(frozen=True, slots=True)
class Cited:
    """One chronology entry a prompt rests on, and where the chronology page shows it."""

    id: str
    number: int  # its place in the chronology, from 1: the page's row ``entry-<number>``
    day: dt.date
    date: str  # as recorded: 2025, 2025-03 or 2025-03-09 (a leading ~ if approximate)
    agency: str
    summary: str
    link: str

    @property
    def agency_name(self) -> str:
        return agency_name(self.agency)

    @property
    def shown(self) -> str:
        """The date at the precision it was recorded: "9 Mar 2025", "Mar 2025"."""
        return show_date(self.date)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "number": self.number,
            "day": self.day.isoformat(),
            "date": self.date,
            "shown": self.shown,
            "agency": self.agency,
            "agency_name": self.agency_name,
            "summary": self.summary,
            "link": self.link,
        }


@dataclass(frozen=True, slots=True)
class Prompt:
    """One thing the records show that an auditor may ask about: never a grade.

    ``kind`` is a code (:data:`~wholestory.assurance.evidence_words.TITLES`); ``agencies``
    are those whose practice it asks about, so an auditor's own agency's come first;
    ``day`` is the day it turns on (an assessment's, a flag's first, a run's last).
    """

    kind: str
    title: str
    text: str
    entries: tuple[Cited, ...]
    agencies: tuple[str, ...] = ()
    day: dt.date = field(default=dt.date.min, compare=False)

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "title": self.title,
            "text": self.text,
            "agencies": list(self.agencies),
            "day": self.day.isoformat(),
            "entries": [e.as_dict() for e in self.entries],
        }


class Story:
    """One child's chronology as the prompts read it: the entries up to a day, numbered."""

    def __init__(self, person: str, data: Mapping[str, Any], as_of: dt.date | None = None):
        chronology = Chronology.from_dict(dict(data))
        self.person = person
        self.as_of = min(as_of, chronology.as_of) if as_of else chronology.as_of
        self.summary: dict[str, Any] = chronology.summary
        self._numbers = {e.id: n for n, e in enumerate(chronology.entries, start=1)}
        #: Every entry up to the as-of day, oldest first.
        self.entries: list[Entry] = [e for e in chronology.entries if e.day <= self.as_of]
        self._by_id = {e.id: e for e in self.entries}
        #: The flags of the build, as they stood (their evidence up to the as-of day).
        self.flags: list[Flag] = [f for f in chronology.flags if f.first <= self.as_of]

    def entry(self, entry_id: str) -> Entry | None:
        return self._by_id.get(entry_id)

    def cite(self, entries: Sequence[Entry | None]) -> tuple[Cited, ...]:
        """The entries as a prompt cites them, each once, in date order."""
        kept = {e.id: e for e in entries if e is not None and e.id in self._by_id}
        return tuple(self._cited(e) for e in sorted(kept.values(), key=self._place))

    def cite_ids(self, ids: Sequence[str]) -> tuple[Cited, ...]:
        return self.cite([self.entry(i) for i in ids])

    def link(self, entry: Entry) -> str:
        """Where the chronology page shows ``entry`` (see the module's docstring)."""
        page = f"/people/{quote(self.person, safe=':')}"
        return f"{page}?{urlencode({'entry': entry.id})}#entry-{self._numbers[entry.id]}"

    def _place(self, entry: Entry) -> int:
        return self._numbers[entry.id]

    def _cited(self, e: Entry) -> Cited:
        date = f"~{e.date}" if e.approximate else e.date
        return Cited(e.id, self._numbers[e.id], e.day, date, e.agency, short(e), self.link(e))


def short(e: Entry) -> str:
    """An entry's summary, cut to its first record's words and to a line's length."""
    text = e.summary.split(" | ")[0].strip() or event_label(e.event_type)
    if len(text) <= SUMMARY_CHARACTERS:
        return text
    return text[: SUMMARY_CHARACTERS - 1].rsplit(" ", 1)[0] + "…"


def day_words(e: Entry) -> str:
    """An entry's day in a sentence: "3 March 2025", or "Mar 2025" when only the month is known."""
    return long_date(e.day) if e.precision == "day" else show_date(e.date)


def in_sentence(name: str) -> str:
    """An agency's name inside a sentence: "children's social care", but "GP practice"."""
    return name[:1].lower() + name[1:] if name[1:2].islower() else name
