"""Groupings and Current Views kept and read back: recorded here by a practitioner, or sent
in an agency's ``thrive`` and ``current_view`` tables.

An agency's file names the child by its own id, so its rows are read through
``ws_source_person``: they belong to the WholeStory person that id is linked to (or, while
unlinked, to its ``AGENCY:PERSON_ID`` key). A row recorded here names the person the
practitioner opened. Reading asks for both, as ``engagement.needs`` does, so a child's
history of groupings is the same whoever recorded each.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from wholestory.store.connection import Store
from wholestory.store.thrive import (
    CURRENT_VIEWS_TABLE,
    GROUPINGS_TABLE,
    app_record_id,
    insert_recorded,
)
from wholestory.thrive.current_view import PARTS, CurrentView
from wholestory.thrive.groupings import Grouping, checked

#: Each table's columns as read, the day recorded third in both (what reading sorts by).
_GROUPING_COLUMNS: Final = (
    "t.agency, t.record_id, t.recorded_on, t.grouping, t.practitioner, t.reason, "
    "t.childs_view, t.agreement, t.goals, t.success_by, t.review_on, t.suggested, "
    "t.recorded_in_app, t.recorded_by"
)
_VIEW_COLUMNS: Final = (
    "t.agency, t.record_id, t.recorded_on, t.practitioner, t.answers, t.confirmed, "
    "t.recorded_in_app, t.recorded_by"
)


@dataclass(frozen=True, slots=True)
class KeptGrouping:
    """A grouping as the store keeps it. Its ``person`` is the WholeStory person (or
    ``AGENCY:PERSON_ID`` while unlinked) and its ``recorded_by`` the practitioner as their
    agency names them; ``app_user`` is who recorded it here ("" from an agency's file)."""

    record_id: str
    grouping: Grouping
    recorded_in_app: bool
    app_user: str

    def as_dict(self) -> dict[str, Any]:
        return {"record_id": self.record_id, **self.grouping.as_dict(),
                "recorded_in_app": self.recorded_in_app, "app_user": self.app_user}  # fmt: skip


@dataclass(frozen=True, slots=True)
class KeptCurrentView:
    """A Current View as the store keeps it (see :class:`KeptGrouping`)."""

    record_id: str
    view: CurrentView
    recorded_in_app: bool
    app_user: str

    def as_dict(self) -> dict[str, Any]:
        return {"record_id": self.record_id, **self.view.as_dict(),
                "recorded_in_app": self.recorded_in_app, "app_user": self.app_user}  # fmt: skip


def record_grouping(
    store: Store,
    grouping: Grouping,
    *,
    agency: str,
    recorded_by: str,
    now: str,
    today: dt.date | None = None,
) -> str:
    """Keep a grouping recorded here; return its record id (``APP-...``).

    ``grouping.person`` is the WholeStory id of the child the practitioner opened and
    ``grouping.recorded_by`` the practitioner's name; ``agency`` and ``recorded_by`` are
    the signed-in user's agency and user name, which the record keeps (the agency, not
    ``grouping.agency``, is whose record it is). The grouping is checked again (``today``,
    by default the day of ``now``): one that cannot be kept, with agreement unrecorded
    say, raises :class:`~wholestory.thrive.groupings.GroupingError` and nothing is kept.
    """
    checked(grouping, today or dt.date.fromisoformat(now[:10]))
    record_id = app_record_id()
    g = grouping
    values = {
        "agency": agency, "record_id": record_id, "person_id": g.person,
        "grouping": g.grouping, "recorded_on": g.recorded_on.isoformat(),
        "practitioner": g.recorded_by, "reason": g.reason, "childs_view": g.childs_view,
        "agreement": g.agreement, "goals": g.goals,
        "success_by": g.success_by.isoformat() if g.success_by else None,
        "review_on": g.review_on.isoformat(), "suggested": g.suggested,
        "recorded_by": recorded_by,
    }  # fmt: skip
    insert_recorded(store, GROUPINGS_TABLE, values, now)
    return record_id


def record_current_view(
    store: Store, view: CurrentView, *, agency: str, recorded_by: str, now: str
) -> str:
    """Keep a Current View recorded here (as :func:`~wholestory.thrive.current_view.
    current_view` checked it); return its record id (``APP-...``). ``view.person`` is the
    WholeStory id of the child, ``view.recorded_by`` the practitioner's name, and
    ``view.confirmed`` the factors proposed from the records that they confirmed."""
    record_id = app_record_id()
    values = {
        "agency": agency, "record_id": record_id, "person_id": view.person,
        "recorded_on": view.recorded_on.isoformat(), "practitioner": view.recorded_by,
        "answers": json.dumps({name: view.part(name) for name in PARTS}),
        "confirmed": json.dumps(list(view.confirmed)), "recorded_by": recorded_by,
    }  # fmt: skip
    insert_recorded(store, CURRENT_VIEWS_TABLE, values, now)
    return record_id


def groupings_of(store: Store, people: Sequence[str]) -> list[KeptGrouping]:
    """Every grouping of ``people`` (WholeStory ids, or ``AGENCY:PERSON_ID`` keys while
    unlinked), from every agency and the app: newest first, then by agency and record."""
    rows = _rows(store, GROUPINGS_TABLE, _GROUPING_COLUMNS, people)
    return [_grouping(row) for row in rows]


def current_views_of(store: Store, people: Sequence[str]) -> list[KeptCurrentView]:
    """Every Current View of ``people``, as :func:`groupings_of` reads groupings."""
    rows = _rows(store, CURRENT_VIEWS_TABLE, _VIEW_COLUMNS, people)
    return [_view(row) for row in rows]


def _rows(store: Store, table: str, columns: str, people: Sequence[str]) -> list[tuple[Any, ...]]:
    """(person, *columns) of ``table`` for ``people``: an agency's rows through its source
    person, linked or unlinked; the app's by the person it names."""
    if not people:
        return []
    asked = sorted(set(people))
    linked, by_id = store.keys_in("s.ws_person_id", asked)
    unlinked, by_key = store.keys_in("s.key", asked)
    directly, named = store.keys_in("t.person_id", asked)
    rows = store.query(
        f"SELECT COALESCE(s.ws_person_id, s.key), {columns} FROM {table} t "
        "JOIN ws_source_person s ON s.agency = t.agency AND s.person_id = t.person_id "
        f"WHERE ({linked} OR (s.ws_person_id IS NULL AND {unlinked})) AND t.recorded_in_app = ? "
        f"UNION ALL SELECT t.person_id, {columns} FROM {table} t "
        f"WHERE {directly} AND t.recorded_in_app = ?",
        [*by_id, *by_key, False, *named, True],
    )
    rows.sort(key=lambda r: (str(r[1]), str(r[2])))  # by agency and record,
    rows.sort(key=lambda r: str(r[3]), reverse=True)  # within the newest recorded first
    return rows


def _day(value: Any) -> dt.date:
    return dt.date.fromisoformat(str(value))


def _grouping(row: tuple[Any, ...]) -> KeptGrouping:
    (person, agency, record_id, recorded_on, grouping, practitioner, reason, view, agreement,
     goals, success_by, review_on, suggested, in_app, user) = row  # fmt: skip
    kept = Grouping(
        person=str(person), grouping=str(grouping), recorded_on=_day(recorded_on),
        recorded_by=str(practitioner or ""), agency=str(agency), reason=str(reason),
        childs_view=str(view), agreement=str(agreement), review_on=_day(review_on),
        goals=str(goals or ""), success_by=_day(success_by) if success_by else None,
        suggested=str(suggested or ""),
    )  # fmt: skip
    return KeptGrouping(str(record_id), kept, bool(in_app), str(user or ""))


def _view(row: tuple[Any, ...]) -> KeptCurrentView:
    person, agency, record_id, recorded_on, practitioner, answers, confirmed, in_app, user = row
    parts = json.loads(str(answers))
    view = CurrentView(
        person=str(person), recorded_on=_day(recorded_on), recorded_by=str(practitioner or ""),
        agency=str(agency), **{name: dict(parts.get(name, {})) for name in PARTS},
        confirmed=tuple(json.loads(str(confirmed or "[]"))),
    )  # fmt: skip
    return KeptCurrentView(str(record_id), view, bool(in_app), str(user or ""))
