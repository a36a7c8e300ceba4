"""Finding people: by name, date of birth, NHS number or an agency's own id.

The query runs over ``ws_source_person`` (every agency's person, with every
name they recorded in ``names``) and answers with WholeStory ids, named and
dated as their stored chronology has them. Who the asker may see is decided
afterwards by :func:`visible_to`, with the same rules as every page
(:func:`wholestory.access.may_see_person`): a search never says that someone
exists where the asker has no relationship, because people they may not see
are simply not in the answer.

Plain Python over the store: the web pages, the API and tests call the same
functions.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any, Final

from wholestory.access import Decision, Viewer, may_see_person
from wholestory.access_facts import facts_about
from wholestory.store.connection import Store

#: The most source persons one query reads: a query this broad needs more words.
CANDIDATE_LIMIT: Final = 500
#: The most people one search answers with.
RESULT_LIMIT: Final = 50
#: The most people a break-glass search shows: it is for finding one child, not for browsing.
GLASS_LIMIT: Final = 5

_DATE: Final = re.compile(r"(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?")
_UK_DATE: Final = re.compile(r"(?:(\d{1,2})[/.])?(\d{1,2})[/.](\d{4})")


class QueryError(ValueError):
    """A query that cannot be run as given (the message says what to change)."""


@dataclass(frozen=True, slots=True)
class Query:
    """What the asker typed. Every field given must match; empty fields are ignored."""

    given_name: str = ""
    family_name: str = ""
    date_of_birth: str = ""  # YYYY, YYYY-MM, YYYY-MM-DD, or DD/MM/YYYY, MM/YYYY
    nhs_number: str = ""
    agency: str = ""
    agency_id: str = ""

    def is_empty(self) -> bool:
        return not any(asdict(self).values())

    def as_detail(self) -> dict[str, str]:
        """The fields given, for the audit entry."""
        return {k: v for k, v in asdict(self).items() if v}


@dataclass(frozen=True, slots=True)
class Found:
    """One person a search found."""

    person: str  # WholeStory id, or AGENCY:PERSON_ID while unlinked
    name: str
    date_of_birth: str
    is_child: bool


def normalise_date(text: str) -> str:
    """A date of birth as an ISO prefix (``2014``, ``2014-03``, ``2014-03-09``).

    Raises :class:`QueryError` for text that is not a date.
    """
    text = text.strip()
    if not text:
        return ""
    iso = _DATE.fullmatch(text)
    uk = _UK_DATE.fullmatch(text)
    if iso:
        year, month, day = iso.groups()
    elif uk:
        day, month, year = uk.groups()
    else:
        raise QueryError("Enter a date of birth like 2014, 2014-03 or 9/3/2014.")
    try:
        dt.date(int(year), int(month or 1), int(day or 1))
    except ValueError as error:
        raise QueryError("Enter a real date of birth.") from error
    parts = [year] + [f"{int(p):02d}" for p in (month, day) if p]
    return "-".join(parts)


def normalise_nhs(text: str) -> str:
    """An NHS number's ten digits (spaces and dashes dropped); :class:`QueryError` otherwise."""
    digits = re.sub(r"[\s-]", "", text)
    if digits and not re.fullmatch(r"\d{10}", digits):
        raise QueryError("Enter an NHS number as 10 digits.")
    return digits


def clean(query: Query) -> Query:
    """The query with its dates and numbers in stored form (:class:`QueryError` if it cannot be)."""
    cleaned = Query(
        given_name=" ".join(query.given_name.split()),
        family_name=" ".join(query.family_name.split()),
        date_of_birth=normalise_date(query.date_of_birth),
        nhs_number=normalise_nhs(query.nhs_number),
        agency=query.agency.strip().upper(),
        agency_id=query.agency_id.strip(),
    )
    if bool(cleaned.agency) != bool(cleaned.agency_id):
        raise QueryError("To search by an agency's id, choose the agency and enter its id.")
    if cleaned.is_empty():
        raise QueryError("Enter a name, a date of birth, an NHS number or an agency's id.")
    return cleaned


def find_people(store: Store, query: Query, limit: int | None = None) -> list[Found]:
    """Everyone matching ``query`` (already :func:`clean`), whoever may see them.

    Raises :class:`QueryError` when more than ``limit`` (default
    :data:`CANDIDATE_LIMIT`) source persons match: the asker must narrow it.
    """
    limit = CANDIDATE_LIMIT if limit is None else limit
    where: list[str] = []
    params: list[Any] = []
    if query.agency:
        where.append("agency = ? AND person_id = ?")
        params += [query.agency, query.agency_id]
    if query.nhs_number:
        where.append("nhs_number = ?")
        params.append(query.nhs_number)
    if query.date_of_birth:
        where.append("date_of_birth LIKE ?")
        params.append(query.date_of_birth + "%")
    for part, names in (("given", query.given_name), ("family", query.family_name)):
        for word in _words(names):
            condition = _name_condition(store, part, word)
            where.append(condition)
            params += [f"%{_like(word)}%"] * condition.count("?")
    sql = (
        "SELECT key, ws_person_id, given_name, family_name, other_names, names, date_of_birth "
        "FROM ws_source_person"
    )
    if where:
        sql += " WHERE " + " AND ".join(f"({w})" for w in where)
    sql += f" ORDER BY key LIMIT {int(limit) + 1}"
    rows = store.query(sql, params)
    if len(rows) > limit:
        # Never a silent cut: the person wanted might be past it, and "not found" would mislead.
        raise QueryError(
            f"More than {limit} records match: add a date of birth, or more of the name."
        )
    people: dict[str, tuple[str, str]] = {}  # person -> (name, date of birth) as first recorded
    for key, person, given, family, other, names, dob in rows:
        if _names_match(query, _names_of(given, family, other, names)):
            recorded = (f"{given or ''} {family or ''}".strip(), str(dob or ""))
            people.setdefault(str(person) if person else str(key), recorded)
    return _described(store, people)


def decisions(
    store: Store, viewer: Viewer, found: Iterable[Found], now: dt.datetime
) -> list[tuple[Found, Decision]]:
    """Each person found with the decision (and its reason) on whether ``viewer`` may see them."""
    return [(f, may_see_person(viewer, facts_about(store, f.person), now)) for f in found]


def visible_to(
    store: Store, viewer: Viewer, found: Iterable[Found], now: dt.datetime
) -> list[Found]:
    """Only the people ``viewer`` may see, by the same rules as every page."""
    return [f for f, d in decisions(store, viewer, found, now) if d.allowed]


def search(
    store: Store,
    viewer: Viewer,
    query: Query,
    now: dt.datetime,
    everyone: bool = False,
    limit: int = RESULT_LIMIT,
) -> list[Found]:
    """The people matching ``query`` that ``viewer`` may see (or everyone, when breaking glass)."""
    found = find_people(store, query)
    shown = found if everyone else visible_to(store, viewer, found, now)
    return shown[:limit]


def break_glass_search(store: Store, query: Query) -> list[Found]:
    """Everyone matching ``query`` (already :func:`clean`), for someone breaking glass.

    Searching everyone is for finding one person, so the query must be able to
    name one: a full name with a full date of birth, an NHS number, or an
    agency's id. More than :data:`GLASS_LIMIT` matches is refused, never cut,
    so nobody browses the partnership a page of names at a time.
    """
    full_date = re.fullmatch(r"\d{4}-\d{2}-\d{2}", query.date_of_birth)
    named = _words(query.given_name) and _words(query.family_name) and full_date
    if not (named or query.nhs_number or query.agency_id):
        raise QueryError(
            "To search everyone, give the person's full name and full date of birth "
            "(day, month and year), or their NHS number, or an agency and its id for them."
        )
    found = find_people(store, query)
    if len(found) > GLASS_LIMIT:
        raise QueryError(
            f"More than {GLASS_LIMIT} people match: add their NHS number or an agency's id."
        )
    return found


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"[\s,]+", text.casefold()) if w]


def _like(word: str) -> str:
    """``word`` for a LIKE pattern with ``ESCAPE '\\'``: its wildcards stand for themselves."""
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


#: Where each part of a name is recorded: the latest value's column(s), and the key in
#: ``names`` (JSON) listing every value the agency has used. Postcodes and addresses are
#: in ``names`` too, so the whole JSON text is never matched.
_NAME_COLUMNS: Final = {"given": ("given_name", "other_names"), "family": ("family_name",)}


def _name_condition(store: Store, part: str, word: str) -> str:
    """SQL true when one of the source person's ``part`` names contains the pattern ``?``.

    The recorded names are JSON; reading it for every person is most of a search's time.
    So the JSON's text is tried first (a name that holds ``word`` puts ``word`` in that text
    too), and only the few that pass are read as JSON (so that a key such as "given" never
    matches, issue 11, M5). A word with a character JSON escapes (a quote, a backslash, a
    control character) is not in the text as typed, so it skips the first try.
    """
    like = "LIKE ? ESCAPE '\\'"
    columns = [f"LOWER(COALESCE({c}, '')) {like}" for c in _NAME_COLUMNS[part]]
    if store.backend == "sqlite":
        recorded = (
            "EXISTS (SELECT 1 FROM json_each(CASE WHEN json_valid(names) THEN names "
            f"ELSE '{{}}' END, '$.{part}') AS n WHERE LOWER(n.value) {like})"
        )
    else:
        recorded = (
            "EXISTS (SELECT 1 FROM jsonb_array_elements_text(CASE WHEN "
            f"jsonb_typeof(names->'{part}') = 'array' THEN names->'{part}' ELSE '[]'::jsonb END)"
            f" AS n(value) WHERE LOWER(n.value) {like})"
        )
    if not any(c in word for c in '"\\') and all(ord(c) >= 0x20 for c in word):
        text = "names::text" if store.backend != "sqlite" else "names"
        recorded = f"LOWER(COALESCE({text}, '')) {like} AND {recorded}"
    return " OR ".join([*columns, recorded])


def _names_of(
    given: str | None, family: str | None, other: str | None, names: Any
) -> tuple[list[str], list[str]]:
    """Every given and family name of a source person, folded for matching."""
    recorded: dict[str, Any] = {}
    if isinstance(names, dict):
        recorded = names
    elif names:
        try:
            loaded = json.loads(str(names))
        except ValueError:
            loaded = {}
        recorded = loaded if isinstance(loaded, dict) else {}
    givens = [str(n) for n in recorded.get("given") or []] + [given or "", other or ""]
    families = [str(n) for n in recorded.get("family") or []] + [family or ""]
    return [n.casefold() for n in givens if n], [n.casefold() for n in families if n]


def _names_match(query: Query, names: tuple[list[str], list[str]]) -> bool:
    """Each word of the given name is in a given name, each of the family name in a family name."""
    givens, families = names
    return all(any(w in n for n in givens) for w in _words(query.given_name)) and all(
        any(w in n for n in families) for w in _words(query.family_name)
    )


def _described(store: Store, people: dict[str, tuple[str, str]]) -> list[Found]:
    """Names and dates of birth as the stored chronologies have them, in name order."""
    if not people:
        return []
    condition, params = store.keys_in("ws_person_id", list(people))
    rows = {
        str(p): (str(n or ""), str(d or ""), bool(c))
        for p, n, d, c in store.query(
            "SELECT ws_person_id, display_name, date_of_birth, is_child FROM ws_chronology "
            f"WHERE {condition}",
            params,
        )
    }
    found = [Found(p, *rows.get(p, (*recorded, False))) for p, recorded in people.items()]
    return sorted(found, key=lambda f: (f.name.casefold(), f.date_of_birth, f.person))
