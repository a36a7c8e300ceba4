"""Chronologies kept in the store: built for everyone at once, read one at a time.

Pages and partnership-wide lists read what is stored here rather than rebuild
a child's story on every view. :func:`build_all` rebuilds every person's
chronology from the store in one pass (:class:`~wholestory.chronology.material.Everyone`)
and replaces the stored ones in one transaction, so readers see either the
old set or the new, never half of each.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import time
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Final

import polars as pl

from wholestory.access import VISIBLE_TO_AGENCY
from wholestory.chronology import build
from wholestory.chronology.display import age_on, as_day, parse_iso
from wholestory.chronology.flag_history import flags_now, keep_raised
from wholestory.chronology.indicators import SEVERITY_ORDER
from wholestory.chronology.material import Everyone, Material, load_material
from wholestory.chronology.model import (
    Chronology,
    age_words,
)
from wholestory.chronology.thresholds import IndicatorThresholds
from wholestory.identity import people_touched_since
from wholestory.store.connection import Store

#: Chronologies written per insert: bounds memory on a large partnership.
CHUNK: Final = 5_000

_CHRONOLOGY_SCHEMA: Final = {
    "ws_person_id": pl.String(),
    "as_of": pl.String(),
    "display_name": pl.String(),
    "date_of_birth": pl.String(),
    "is_child": pl.Boolean(),
    "date_of_death": pl.String(),
    "entry_count": pl.Int64(),
    "flag_count": pl.Int64(),
    "top_severity": pl.String(),
    "open_plan": pl.Boolean(),
    "content": pl.Binary(),
}
_FLAG_SCHEMA: Final = {
    "ws_person_id": pl.String(),
    "code": pl.String(),
    "title": pl.String(),
    "severity": pl.String(),
    "first_date": pl.String(),
    "last_date": pl.String(),
    "explanation": pl.String(),
    "evidence": pl.String(),
    "open_plan": pl.Boolean(),
}


@dataclass(frozen=True, slots=True)
class BuildSummary:
    """What one build of every chronology did."""

    people: int
    children: int
    entries: int
    flags: int  # on children
    flagged_children: int
    flagged_grown_up: int  # people 18 or over on the as-of date with flags from childhood
    as_of: str
    seconds: float

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "seconds": round(self.seconds, 2)}


def store_as_of(store: Store, today: dt.date | None = None) -> dt.date:
    """The day the store's data runs to: its newest event or recorded death, or today if
    that is in the future.

    Ages ("under 18") and open plans are judged on this day, so that a
    partnership's data loaded a month ago is read as it stood then. A person
    who has died is read as of their death (see :func:`~wholestory.chronology.build`).
    """
    today = today or dt.date.today()
    found = [
        as_day(day)
        for day in (
            store.scalar("SELECT MAX(event_date_start) FROM ws_record"),
            store.scalar("SELECT MAX(date_of_death) FROM ws_record"),
        )
        if day is not None
    ]
    return min(max(found), today) if found else today


def chronology_of(
    store: Store,
    person: str,
    as_of: dt.date | None = None,
    thresholds: IndicatorThresholds | None = None,
) -> Chronology:
    """One person's chronology, built now from the store (always current)."""
    return build(
        load_material(store, person),
        as_of or store_as_of(store),
        thresholds or IndicatorThresholds.load(),
    )


def build_all(
    store: Store,
    as_of: dt.date | None = None,
    thresholds: IndicatorThresholds | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> BuildSummary:
    """Build and store every person's chronology and flags, replacing the stored ones."""
    started = time.perf_counter()
    day = as_of or store_as_of(store)
    t = thresholds or IndicatorThresholds.load()
    everyone = Everyone(store)
    persons = everyone.persons()
    built_at = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    totals = {"children": 0, "entries": 0, "flags": 0, "flagged": 0, "grown_up": 0}
    with store.transaction():
        first = stored_count(store) == 0  # a store's first build raises nothing new
        before = flags_now(store)
        store.execute("DELETE FROM ws_flag")
        store.execute("DELETE FROM ws_chronology")
        for start in range(0, len(persons), CHUNK):
            chunk = [everyone.material(p) for p in persons[start : start + CHUNK]]
            _write(store, chunk, day, t, built_at, totals)
            if progress:
                progress(min(start + CHUNK, len(persons)), len(persons))
        if not first:
            keep_raised(store, before, None)
    return BuildSummary(
        people=len(persons),
        children=totals["children"],
        entries=totals["entries"],
        flags=totals["flags"],
        flagged_children=totals["flagged"],
        flagged_grown_up=totals["grown_up"],
        as_of=day.isoformat(),
        seconds=time.perf_counter() - started,
    )


def rebuild_people(
    store: Store,
    persons: Sequence[str],
    as_of: dt.date | None = None,
    thresholds: IndicatorThresholds | None = None,
) -> int:
    """Rebuild and store the chronologies of some people (after a daily feed); returns how many."""
    if not persons:
        return 0
    day = as_of or store_as_of(store)
    t = thresholds or IndicatorThresholds.load()
    built_at = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    totals = {"children": 0, "entries": 0, "flags": 0, "flagged": 0, "grown_up": 0}
    with store.transaction():
        before = flags_now(store, persons)
        condition, params = store.keys_in("ws_person_id", list(persons))
        store.execute(f"DELETE FROM ws_flag WHERE {condition}", params)
        store.execute(f"DELETE FROM ws_chronology WHERE {condition}", params)
        _write(store, [load_material(store, p) for p in persons], day, t, built_at, totals)
        keep_raised(store, before, persons)
    return len(persons)


def _write(
    store: Store,
    materials: Iterable[Material],
    day: dt.date,
    t: IndicatorThresholds,
    built_at: str,
    totals: dict[str, int],
) -> None:
    chronologies: list[tuple[Any, ...]] = []
    flags: list[tuple[Any, ...]] = []
    for material in materials:
        c = build(material, day, t, produced_at=built_at)
        child = c.is_child
        open_plan = any(p["end"] is None for p in c.summary["plans"])
        top = min(
            (f.severity for f in c.flags), key=lambda s: SEVERITY_ORDER.get(s, 9), default=None
        )
        content = zlib.compress(json.dumps(c.as_dict(), separators=(",", ":")).encode(), 6)
        chronologies.append(
            (
                c.person.id,
                day.isoformat(),
                c.person.names[0] if c.person.names else "",
                c.person.date_of_birth,
                child,
                c.as_of.isoformat() if c.died else None,
                len(c.entries),
                len(c.flags),
                top,
                open_plan,
                content,
            )
        )
        for f in c.flags:
            evidence = json.dumps([{"agency": a, "record_id": r} for a, r in f.evidence])
            flags.append((c.person.id, *f.heading(), f.explanation, evidence, open_plan))
        totals["children"] += child
        totals["entries"] += len(c.entries)
        totals["flags"] += len(c.flags) if child else 0
        totals["flagged"] += bool(c.flags) and child
        totals["grown_up"] += bool(c.flags) and not child
    store.insert_frame(
        "ws_chronology",
        pl.DataFrame(chronologies, schema=_CHRONOLOGY_SCHEMA, orient="row"),
        {"built_at": built_at},
    )
    store.insert_frame(
        "ws_flag",
        pl.DataFrame(flags, schema=_FLAG_SCHEMA, orient="row"),
        {"built_at": built_at},
    )


def stored_chronology(store: Store, person: str) -> dict[str, Any] | None:
    """A person's stored chronology JSON, or None if it has not been built."""
    content = store.scalar("SELECT content FROM ws_chronology WHERE ws_person_id = ?", [person])
    if content is None:
        return None
    loaded: dict[str, Any] = json.loads(zlib.decompress(bytes(content)))
    return loaded


def stored_count(store: Store) -> int:
    return int(store.scalar("SELECT COUNT(*) FROM ws_chronology") or 0)


#: A flag and its child, as the dashboard lists them.
_FLAG_COLUMNS: Final = (
    "SELECT f.ws_person_id, f.code, f.title, f.severity, f.first_date, f.last_date, "
    "f.explanation, f.open_plan, c.as_of, c.display_name, c.date_of_birth, c.is_child, "
    "c.date_of_death FROM ws_flag f JOIN ws_chronology c ON c.ws_person_id = f.ws_person_id "
)

#: The setting that lets a partnership list young people up to an age on the flags dashboard.
FLAGS_UP_TO_AGE_ENV: Final = "WHOLESTORY_FLAGS_UP_TO_AGE"
#: Its default: children only (under 18 on the as-of date).
CHILDREN_ONLY: Final = 17
#: The oldest it may reach: care leavers and young people moving to adult services.
OLDEST_LISTED: Final = 25


class FlagsSettingError(ValueError):
    """``WHOLESTORY_FLAGS_UP_TO_AGE`` is not a usable age (the message names it)."""


def flags_up_to_age(value: str | None = None) -> int:
    """Up to what age (on the as-of date) the flags dashboard lists people with flags.

    ``WHOLESTORY_FLAGS_UP_TO_AGE`` (or ``value``): 17, the default, lists
    children only; up to 25 adds the young people a partnership still follows
    (care leavers, those moving to adult services). Anyone with flags can
    still be opened on their own chronology page, whatever their age.
    """
    text = (os.environ.get(FLAGS_UP_TO_AGE_ENV, "") if value is None else value).strip()
    if not text:
        return CHILDREN_ONLY
    try:
        age = int(text)
    except ValueError:
        age = -1
    if not CHILDREN_ONLY <= age <= OLDEST_LISTED:
        raise FlagsSettingError(
            f"{FLAGS_UP_TO_AGE_ENV} must be an age from {CHILDREN_ONLY} (children only, the "
            f"default) to {OLDEST_LISTED}, not '{text}'"
        )
    return age


def flagged_children(
    store: Store,
    code: str | None = None,
    *,
    agency: str | None = None,
    open_plan_first: bool = False,
    up_to_age: int | None = None,
) -> list[dict[str, Any]]:
    """Children with flags, one row each with their flags, most serious first.

    Children are those under 18 on their chronology's as-of date (the day of
    their death, for a child who died); ``up_to_age`` (by default the
    ``WHOLESTORY_FLAGS_UP_TO_AGE`` setting, see :func:`flags_up_to_age`) adds
    young people up to that age. ``code`` keeps only children with that flag;
    ``agency`` only the children that agency may see (records of its own, or
    of a child in the household; records uploaded by hand count once a lead of the
    agency confirms them, as in :func:`wholestory.access_facts.facts_about`). By default
    high severity comes first, then no open plan; ``open_plan_first`` puts children
    with no plan open first (the dashboard: who may be slipping between agencies).
    """
    oldest = flags_up_to_age() if up_to_age is None else flags_up_to_age(str(up_to_age))
    who = "c.is_child" if oldest == CHILDREN_ONLY else "(c.is_child OR c.date_of_birth IS NOT NULL)"
    sql, params = f"{_FLAG_COLUMNS} WHERE {who}", []
    if agency:
        sql = VISIBLE_TO_AGENCY + sql + " AND f.ws_person_id IN (SELECT person FROM visible)"
        params.append(agency)
    if code:
        sql += " AND f.ws_person_id IN (SELECT ws_person_id FROM ws_flag WHERE code = ?)"
        params.append(code)
    children: dict[str, dict[str, Any]] = {}
    for (
        person, fcode, title, severity, first, last, why, plan, as_of, name, dob, young, died
    ) in store.query(sql, params):  # fmt: skip
        born = parse_iso(dob) if dob and len(str(dob)) == 10 else None
        age = age_on(born, dt.date.fromisoformat(str(as_of))) if born else None
        if not young and (age is None or age > oldest):
            continue
        child = children.setdefault(
            str(person),
            {
                "person": str(person),
                "name": name,
                "date_of_birth": dob,
                "age": age,
                "date_of_death": died,
                "open_plan": bool(plan),
                "as_of": as_of,
                "flags": [],
            },
        )
        child["flags"].append(
            {
                "code": fcode,
                "title": title,
                "severity": severity,
                "first_date": first,
                "last_date": last,
                "ages": _ages(born, str(first), str(last)),
                "explanation": why,
            }
        )
    for child in children.values():
        child["flags"].sort(key=lambda f: (SEVERITY_ORDER.get(f["severity"], 9), f["code"]))
        child["top_severity"] = child["flags"][0]["severity"]
        child["latest"] = max(f["last_date"] for f in child["flags"])

    def order(c: dict[str, Any]) -> tuple[Any, ...]:
        severity, plan = SEVERITY_ORDER.get(c["top_severity"], 9), c["open_plan"]
        return (
            *((plan, severity) if open_plan_first else (severity, plan)),
            -sum(1 for f in c["flags"] if f["severity"] == "high"),
            -len(c["flags"]),
            _negated(c["latest"]),
            c["person"],
        )

    return sorted(children.values(), key=order)


def _ages(born: dt.date | None, first: str, last: str) -> str:
    """ "aged 14 to 15": the age on a flag's first and last dates ("" with no date of birth)."""
    start, end = parse_iso(first), parse_iso(last)
    if born is None or start is None or end is None:
        return ""
    return age_words(age_on(born, start), age_on(born, end))


def _negated(date: str) -> int:
    """A date as a number that sorts the most recent first."""
    return -int(date.replace("-", "")[:8].ljust(8, "0"))


def refresh_after_feed(store: Store, since: str) -> int:
    """Bring stored chronologies up to date after a daily feed; returns how many were rebuilt.

    Rebuilds the people with records written since ``since`` and the members
    of their households (whose chronologies show household events), and drops
    the stored chronologies of ids that linking has since merged away. Does
    nothing until chronologies have been built once.
    """
    return refresh_for_keys(store, people_touched_since(store, since))


def refresh_for_keys(store: Store, keys: Sequence[str]) -> int:
    """Rebuild the stored chronologies of these source persons' people and their households.

    Used after a feed and after a review decision; does nothing until
    chronologies have been built once. Returns how many were rebuilt.
    """
    if stored_count(store) == 0:
        return 0
    persons = people_of_keys(store, keys)
    persons |= household_people(store, persons)
    gone = [
        str(p)
        for (p,) in store.query(
            "SELECT ws_person_id FROM ws_chronology WHERE ws_person_id NOT IN "
            "(SELECT ws_person_id FROM ws_source_person WHERE ws_person_id IS NOT NULL) "
            "AND ws_person_id NOT IN (SELECT key FROM ws_source_person WHERE ws_person_id IS NULL)"
        )
    ]
    if gone:
        with store.transaction():
            condition, params = store.keys_in("ws_person_id", gone)
            store.execute(f"DELETE FROM ws_flag WHERE {condition}", params)
            store.execute(f"DELETE FROM ws_chronology WHERE {condition}", params)
    return rebuild_people(store, sorted(persons))


def people_of_keys(store: Store, keys: Sequence[str]) -> set[str]:
    """The WholeStory ids of these source keys (a key stands for itself while unlinked)."""
    if not keys:
        return set()
    condition, params = store.keys_in("key", list(keys))
    found = {
        str(k): str(p) if p else str(k)
        for k, p in store.query(
            f"SELECT key, ws_person_id FROM ws_source_person WHERE {condition}", params
        )
    }
    return {found.get(k, k) for k in keys}


def household_people(store: Store, persons: set[str]) -> set[str]:
    """Everyone directly linked by a household link to one of ``persons``."""
    if not persons:
        return set()
    condition, params = store.keys_in("ws_person_id", sorted(persons))
    keys = [
        str(k)
        for (k,) in store.query(f"SELECT key FROM ws_source_person WHERE {condition}", params)
    ]
    if not keys:
        return set()
    in_a, params_a = store.keys_in("key_a", keys)
    in_b, params_b = store.keys_in("key_b", keys)
    others = {
        str(k)
        for a, b in store.query(
            f"SELECT key_a, key_b FROM ws_household_link WHERE {in_a} OR {in_b}",
            [*params_a, *params_b],
        )
        for k in (a, b)
    }
    return people_of_keys(store, sorted(others)) - persons


# -- the stored JSON read back ----------------------------------------------------------


#: Transitional alias of :meth:`Chronology.from_dict`, until web/pages/stories.py calls that.
