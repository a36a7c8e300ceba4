"""A person's communication, information and engagement needs, as every agency recorded them.

The Accessible Information Standard asks that needs be identified, recorded, flagged,
shared, met and reviewed. WholeStory shares and flags them: each view of the person
(page, PDF, review pack, API) shows them first, with who recorded each, when, at which
agency, and when it is due for review; a need past its review date is marked, not
hidden, because an old need is more often still true than not.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from wholestory.chronology.model import long_date
from wholestory.engagement import words
from wholestory.records.confidential import hide_in_text
from wholestory.records.keys import source_key_sql
from wholestory.store.confidential import every_place
from wholestory.store.connection import Store
from wholestory.store.needs import NEEDS_TABLE

_COLUMNS = (
    "n.agency, n.record_id, n.person_id, n.need, n.detail, n.recorded_on, n.review_on, "
    "n.practitioner, n.recorded_in_app, n.recorded_by"
)


@dataclass(frozen=True)
class Need:
    """One agency's record of one need of the person."""

    agency: str
    record_id: str
    person_id: str
    need: str
    detail: str
    recorded_on: str
    review_on: str | None
    practitioner: str
    recorded_in_app: bool
    recorded_by: str

    @property
    def words(self) -> str:
        return words.NEED_WORDS.get(self.need, self.need)

    @property
    def detail_label(self) -> str:
        return words.DETAIL_LABELS.get(self.need, words.DETAIL_LABEL)

    def past_review(self, today: dt.date) -> bool:
        """True when its review day has gone by (a need with no review day never is)."""
        return self.review_on is not None and self.review_on < today.isoformat()

    def review_words(self, today: dt.date) -> str:
        """When it is due for review, in words, saying so when that day has gone by."""
        if self.review_on is None:
            return words.NO_REVIEW_DATE
        day = long_date(dt.date.fromisoformat(self.review_on))
        return (words.PAST_REVIEW if self.past_review(today) else words.REVIEW_DUE).format(day=day)

    def as_dict(self, today: dt.date) -> dict[str, Any]:
        """For JSON (the API, ``wholestory needs --json``): the fields, and the words."""
        return {
            **asdict(self),
            "words": self.words,
            "past_review": self.past_review(today),
            "review": self.review_words(today),
        }


def needs_of_person(store: Store, person: str) -> list[Need]:
    """Every need recorded of the WholeStory person ``person``, by any agency, newest first."""
    return needs_of_people(store, [person]).get(person, [])


def needs_of_people(store: Store, people: Sequence[str]) -> dict[str, list[Need]]:
    """Each of ``people``'s needs (WholeStory ids), newest first; those with none are left out.

    A need's detail is free text: any mention of a confidential place (a refuge, a
    victim's new home) is hidden, as it is in the records of everyone at that place.
    """
    if not people:
        return {}
    asked = sorted(set(people))
    through, by_source = store.keys_in("s.ws_person_id", asked)
    directly, by_id = store.keys_in("n.person_id", asked)
    return _needs_by_person(store, (through, by_source), (directly, by_id))


def every_need(store: Store) -> dict[str, list[Need]]:
    """Every linked person's needs, as :func:`needs_of_people` gives each, read at once.

    The nightly build of every chronology reads them so (the ``NEEDS_NOT_MET`` indicator
    reads the needs of everyone in a person's story); a page reads one person's.
    """
    return _needs_by_person(store, ("s.ws_person_id IS NOT NULL", []), ("1 = 1", []))


def _needs_by_person(
    store: Store, through: tuple[str, list[Any]], directly: tuple[str, list[Any]]
) -> dict[str, list[Need]]:
    """Needs by WholeStory id, newest first, where ``through`` picks the linked people whose
    agencies' needs are read and ``directly`` the people whose needs the app recorded."""
    rows = store.query(
        # An agency's file names its own id for the person; the app names the WholeStory id.
        f"SELECT s.ws_person_id, {_COLUMNS} FROM {NEEDS_TABLE} n JOIN ws_source_person s "
        f"ON s.agency = n.agency AND s.person_id = n.person_id "
        f"WHERE {through[0]} AND n.recorded_in_app = ? "
        f"UNION ALL SELECT n.person_id, {_COLUMNS} FROM {NEEDS_TABLE} n "
        f"WHERE {directly[0]} AND n.recorded_in_app = ?",
        [*through[1], False, *directly[1], True],
    )
    rows.sort(key=lambda r: (str(r[1]), str(r[2])))  # by agency and record,
    rows.sort(key=lambda r: str(r[6]), reverse=True)  # within the newest recorded first
    places = every_place(store)
    hidden: dict[str, str] = {}  # details repeat ("Polish"): each is searched for places once
    found: dict[str, list[Need]] = {}
    for row in rows:
        found.setdefault(str(row[0]), []).append(_need(row[1:], places, hidden))
    return found


def needs_of_source(store: Store, agency: str, person_id: str) -> list[Need]:
    """The needs one agency recorded of its own person (``AGENCY PERSON_ID``), newest first."""
    rows = store.query(
        f"SELECT {_COLUMNS} FROM {NEEDS_TABLE} n WHERE n.agency = ? AND n.person_id = ? "
        "ORDER BY n.recorded_on DESC, n.record_id",
        [agency, person_id],
    )
    places = every_place(store)
    return [_need(row, places) for row in rows]


def _need(
    row: tuple[Any, ...], places: re.Pattern[str] | None, hidden: dict[str, str] | None = None
) -> Need:
    """A need from its row, any confidential place in its detail hidden (``hidden`` keeps
    what each detail became, for a caller reading many)."""
    values = [str(v) if v is not None else None for v in row]
    text = values[4] or ""
    detail = hidden.get(text) if hidden is not None else None
    if detail is None:
        detail = hide_in_text(text, places) or ""
        if hidden is not None:
            hidden[text] = detail
    return Need(
        agency=str(values[0]), record_id=str(values[1]), person_id=str(values[2]),
        need=str(values[3]), detail=detail,
        recorded_on=str(values[5]), review_on=values[6], practitioner=values[7] or "",
        recorded_in_app=bool(row[8]), recorded_by=values[9] or "",
    )  # fmt: skip


def past_review(
    store: Store, agency: str, today: dt.date, offset: int = 0, limit: int = 25
) -> tuple[list[tuple[str, Need]], int]:
    """The needs ``agency`` recorded whose review day has gone by, the longest overdue first,
    each with its person's WholeStory id (or ``AGENCY:ID`` before linking); and how many."""
    late = "n.agency = ? AND n.review_on IS NOT NULL AND n.review_on < ?"
    whose = (
        "CASE WHEN n.recorded_in_app = ? THEN n.person_id ELSE "
        f"COALESCE(s.ws_person_id, {source_key_sql('n.agency', 'n.person_id')}) END"
    )
    rows = store.query(
        f"SELECT {whose}, {_COLUMNS} FROM {NEEDS_TABLE} n LEFT JOIN ws_source_person s "
        f"ON s.agency = n.agency AND s.person_id = n.person_id AND n.recorded_in_app = ? "
        f"WHERE {late} ORDER BY n.review_on, n.record_id LIMIT {int(limit)} OFFSET {int(offset)}",
        [True, False, agency, today.isoformat()],
    )
    total = store.scalar(f"SELECT COUNT(*) FROM {NEEDS_TABLE} n WHERE {late}",
                         [agency, today.isoformat()])  # fmt: skip
    places = every_place(store)
    return [(str(row[0]), _need(row[1:], places)) for row in rows], int(total or 0)
