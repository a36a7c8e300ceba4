"""A person's chronology as pages read it: shared under the agreement, kept per build.

Every page, download and API response about a person reads the chronology
through :func:`load`, which applies the partnership's sharing agreement
(:mod:`wholestory.sharing`) for the viewer's agency and role. The result is
kept per build and viewer class, with the rows, picture and rendered pages
derived from it, so a page view costs a look-up, not a build.
"""

from __future__ import annotations

import datetime as dt
import gc
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape
from typing import Any, Final
from urllib.parse import quote

from wholestory.access import Viewer
from wholestory.chronology.display import event_label, parse_iso, role_label, show_date
from wholestory.chronology.entries_csv import involved_words
from wholestory.chronology.model import Chronology
from wholestory.chronology.stored import chronology_of, stored_chronology
from wholestory.chronology.timeline import (
    LABEL_WIDTH,
    RIGHT_PAD,
    WIDTH,
    axis_for,
    lane_agencies,
    timeline_svg,
)
from wholestory.chronology.timeline_groupings import GroupingSpan
from wholestory.chronology.vocabulary import agency_name
from wholestory.engagement.analysis import Contact, contacts_of_json
from wholestory.sharing import partnership_agreement
from wholestory.sharing.story import SharedStory, share
from wholestory.sharing.words import entry_words
from wholestory.store import Store
from wholestory.web.pages.thrive_sharing import grouping_spans

#: Chronologies whose page material is kept in memory (per process and viewer class).
CACHE_SIZE: Final = 64


def person_url(person: str, suffix: str = "") -> str:
    """The page of a person (a WholeStory id or an unlinked AGENCY:PERSON_ID)."""
    return f"/people/{quote(person, safe=':')}{suffix}"


def record_url(person: str, agency: str, record_id: str) -> str:
    return person_url(person, f"/records/{quote(agency, safe='')}/{quote(record_id, safe='')}")


@dataclass
class Loaded:
    """One person's chronology as one viewer class may see it, and what pages derive from it
    (computed once per build and viewer class)."""

    person: str
    data: dict[str, Any]
    rows: list[dict[str, Any]]
    #: The level the viewer sees of each record behind it, by (agency, record_id): a record
    #: the viewer may not see at all is not here.
    records: dict[tuple[str, str], str]
    #: What the audit keeps of a look at it: the level of each agency's records, the rules.
    sharing: dict[str, Any]
    #: The child's THRIVE groupings the viewer class may see, for the timeline's lane.
    groupings: tuple[GroupingSpan, ...] = ()
    _svg: str = ""
    _axis: dict[str, str] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    #: The rendered story (flags, summary, picture, entries) by query: it is the same for
    #: every viewer of one class allowed to see it, and rendering 100 rows and the picture is
    #: most of a page's cost.
    _stories: OrderedDict[str, str] = field(default_factory=OrderedDict)
    _contacts: list[Contact] | None = None

    def story(self, query: str, render_story: Callable[[], str]) -> str:
        with self._lock:
            found = self._stories.get(query)
            if found is not None:
                self._stories.move_to_end(query)
                return found
        made = render_story()
        with self._lock:
            self._stories[query] = made
            while len(self._stories) > STORIES_PER_PERSON:
                self._stories.popitem(last=False)
        return made

    def chronology(self) -> Chronology:
        return Chronology.from_dict(self.data)

    def sharing_words(self) -> dict[str, str]:
        """How each entry was shared with this viewer class, in words, by entry id."""
        return {e["id"]: entry_words(e["sharing"]) for e in self.data["entries"] if "sharing" in e}

    def contacts(self) -> list[Contact]:
        """The person's own records as engagement reads them: read from the entries once a
        build (about 7 ms for 2,000 entries), for the page's engagement section."""
        with self._lock:
            if self._contacts is None:
                self._contacts = contacts_of_json(self.data.get("entries", []))
            return self._contacts

    def timeline(self) -> tuple[str, dict[str, str]]:
        """The timeline SVG fit for the page (no inline style), and its axis for the script."""
        with self._lock:
            if not self._svg:
                self._svg, self._axis = page_timeline(self.chronology(), self.groupings)
            return self._svg, self._axis


#: Rendered stories kept per person (filters and pages asked for most recently).
STORIES_PER_PERSON = 16

_cache: OrderedDict[tuple[str, str, str, str, str, tuple[GroupingSpan, ...]], Loaded] = (
    OrderedDict()
)
_cache_lock = threading.Lock()


def load(store: Store, person: str, viewer: Viewer) -> Loaded | None:
    """The person's chronology as ``viewer``'s class may see it: stored if built, else built now.

    Kept per build and viewer class (agency and role), so the sharing agreement
    is applied once for each, not once per entry per request (issue 18).
    """
    built = store.scalar("SELECT built_at FROM ws_chronology WHERE ws_person_id = ?", [person])
    # Read each time (one query), so a grouping recorded since the build shows at once.
    groupings = grouping_spans(store, person, viewer)
    if built is not None:
        key = (str(store.url), person, str(built), viewer.agency, viewer.role, groupings)
        with _cache_lock:
            found = _cache.get(key)
            if found is not None:
                _cache.move_to_end(key)
                return found
        data = stored_chronology(store, person)
        if data is not None:
            loaded = _prepare(person, _shared(Chronology.from_dict(data), viewer), groupings)
            loaded.timeline()
            with _cache_lock:
                _cache[key] = loaded
                while len(_cache) > CACHE_SIZE:
                    _cache.popitem(last=False)
            # A big chronology is hundreds of thousands of small objects that live as long as
            # the cache keeps them: keep the collector from walking them on every full pass
            # (they hold no cycles, so reference counting still frees them when evicted).
            gc.freeze()
            return loaded
    fresh = chronology_of(store, person)
    if not fresh.entries and not fresh.person.source_records:
        return None
    return _prepare(person, _shared(fresh, viewer), groupings)


def _shared(chronology: Chronology, viewer: Viewer) -> SharedStory:
    return share(chronology, partnership_agreement(), viewer.agency, viewer.role)


def _prepare(person: str, shared: SharedStory, groupings: tuple[GroupingSpan, ...] = ()) -> Loaded:
    data = shared.as_dict()
    flags_of: dict[str, list[str]] = {}
    for flag in data.get("flags", []):
        for entry_id in flag.get("entries", []):
            flags_of.setdefault(entry_id, []).append(flag["title"])
    rows = [_row(person, n, e, flags_of) for n, e in enumerate(data.get("entries", []), start=1)]
    levels = {
        (s.agency, s.record_id): shared.shown[e.id].level
        for e in shared.chronology.entries
        for s in e.sources
    }
    return Loaded(person, data, rows, levels, shared.audit_detail(), groupings)


def _row(
    person: str, number: int, e: dict[str, Any], flags_of: dict[str, list[str]]
) -> dict[str, Any]:
    """One table row, ready for the template (dates, names and links worked out once)."""
    agencies = e.get("agencies") or [e["agency"]]
    precision = {"month": "month known", "year": "year known"}.get(e.get("precision", ""), "")
    notes = ", ".join(filter(None, ["approximate" if e.get("approximate") else "", precision]))
    others = [t for t in dict.fromkeys(e.get("event_types", [])) if t != e.get("event_type")]
    owners = {(r["agency"], r["record_id"]): r for r in e.get("records", [])}
    return {
        "id": e["id"],
        "number": number,
        "date": show_date(e["date"], bool(e.get("approximate"))),
        "day": (parse_iso(e["date"]) or dt.date(1900, 1, 1)).isoformat(),
        "end": e["date"],
        "date_note": notes,
        "agencies": agencies,
        "agency_names": [agency_name(a) for a in agencies],
        "event": event_label(e.get("event_type", "")),
        "inferred": bool(e.get("inferred")),
        "other_events": [event_label(t) for t in others],
        "category": e.get("category", ""),
        "category_class": re.sub(r"[^a-z]+", "-", str(e.get("category", "")).lower()).strip("-"),
        "role": role_label(e.get("role", "")),
        "household": bool(e.get("household")),
        "summary": e.get("summary", ""),
        "action": (e.get("action") or "").strip(),
        "outcome": e.get("outcome") or "",
        "involved": [_who(i) for i in e.get("involved", [])],
        "merged_because": e.get("merged_because", "") if len(agencies) > 1 else "",
        "flags": flags_of.get(e["id"], []),
        "sharing": entry_words(e["sharing"]) if "sharing" in e else "",
        "sources": [
            {
                "label": f"{agency_name(s['agency'])} {s['record_id']}",
                "url": record_url(person, s["agency"], s["record_id"]),
                "who": ", ".join(
                    filter(
                        None,
                        [
                            owners.get((s["agency"], s["record_id"]), {}).get("practitioner"),
                            owners.get((s["agency"], s["record_id"]), {}).get("team"),
                        ],
                    )
                ),
            }
            for s in e.get("sources", [])
        ],
    }


def _who(i: dict[str, Any]) -> str:
    """Someone involved in an entry, worded as the report and the CSV word them."""
    name = str(i.get("name") or "Name not recorded")
    return involved_words(name, str(i.get("relation") or ""), str(i.get("role") or ""))


_STYLE = re.compile(r"<style>.*?</style>", re.S)
_MARK = re.compile(r'<g class="mark" ')


def page_timeline(
    chronology: Chronology, groupings: tuple[GroupingSpan, ...] = ()
) -> tuple[str, dict[str, str]]:
    """:func:`timeline_svg` for a page: its styles moved to people.css (the CSP allows no
    inline style), and each mark told which entry it is, for the script that links them."""
    svg = _STYLE.sub("", timeline_svg(chronology, groupings=groupings))
    household = [e for e in chronology.entries if e.household]
    order = list(household)
    for agency in lane_agencies(chronology):
        order += [e for e in chronology.entries if agency in (e.agencies or [e.agency])]
    marks = iter(order)

    def tag(_: re.Match[str]) -> str:
        entry = next(marks, None)
        if entry is None:
            return '<g class="mark" '
        return f'<g class="mark" data-entry="{escape(entry.id)}" data-day="{entry.day}" '

    svg = _MARK.sub(tag, svg)
    axis = axis_for(chronology, LABEL_WIDTH + 8, WIDTH - RIGHT_PAD)
    return svg, {
        "start": axis.start.isoformat(),
        "end": axis.end.isoformat(),
        "left": str(axis.left),
        "right": str(axis.right),
    }
