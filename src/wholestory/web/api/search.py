"""A minimal people search for the API: name, date of birth, NHS number or an agency's id.

Only people the viewer may see are returned; everyone else is left out
silently, so a search never reveals that someone is known to another agency.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Final

from wholestory.access import Viewer, facts_about, may_see_person
from wholestory.store import Store

#: Candidates read from the store before the access rules filter them.
CANDIDATES: Final = 500
#: Results returned at most.
RESULTS: Final = 50


class SearchError(ValueError):
    """The search terms cannot be used; the message says why, for a person."""


@dataclass(frozen=True, slots=True)
class Terms:
    name: str = ""
    dob: str = ""
    nhs: str = ""
    agency: str = ""
    person_id: str = ""

    def as_dict(self) -> dict[str, str]:
        pairs = (
            ("name", self.name),
            ("dob", self.dob),
            ("nhs", self.nhs),
            ("agency", self.agency),
            ("person_id", self.person_id),
        )
        return {k: v for k, v in pairs if v}


def clean_terms(name: str, dob: str, nhs: str, agency: str, person_id: str) -> Terms:
    """Checked, normalised terms, or :class:`SearchError`."""
    name = " ".join(name.split())[:100]
    dob, agency, person_id = dob.strip(), agency.strip().upper(), person_id.strip()
    nhs = re.sub(r"[\s-]", "", nhs)
    if dob:
        try:
            dob = dt.date.fromisoformat(dob).isoformat()
        except ValueError as error:
            raise SearchError("Give the date of birth as YYYY-MM-DD.") from error
    if nhs and not re.fullmatch(r"\d{10}", nhs):
        raise SearchError("An NHS number has 10 digits.")
    if bool(agency) != bool(person_id):
        raise SearchError("Give both the agency and its id for the person.")
    if len(agency) > 32 or len(person_id) > 100:
        raise SearchError("That agency or id is too long.")
    tokens = [t for t in re.split(r"[^\w'-]+", name.lower()) if t]
    if name and not any(len(t) >= 2 for t in tokens):
        raise SearchError("Give at least two letters of a name.")
    terms = Terms(" ".join(tokens), dob, nhs, agency, person_id)
    if not terms.as_dict():
        raise SearchError("Give a name, a date of birth, an NHS number, or an agency and its id.")
    return terms


def search_people(
    store: Store, viewer: Viewer, terms: Terms, now: dt.datetime
) -> list[dict[str, Any]]:
    """People matching every term whom the viewer may see, best known first."""
    where: list[str] = []
    params: list[Any] = []
    for token in terms.name.split():
        where.append(
            "LOWER(COALESCE(given_name, '') || ' ' || COALESCE(family_name, '') || ' ' "
            "|| COALESCE(other_names, '')) LIKE ?"
        )
        params.append(f"%{token.replace('%', '').replace('_', '')}%")
    if terms.dob:
        where.append("date_of_birth = ?")
        params.append(terms.dob)
    if terms.nhs:
        where.append("nhs_number = ?")
        params.append(terms.nhs)
    if terms.agency:
        where.append("key = ?")
        params.append(f"{terms.agency}:{terms.person_id}")
    rows = store.query(
        "SELECT COALESCE(ws_person_id, key), given_name, family_name, date_of_birth "
        f"FROM ws_source_person WHERE {' AND '.join(where)} ORDER BY 1 LIMIT {CANDIDATES}",
        params,
    )
    found: dict[str, dict[str, Any]] = {}
    for person, given, family, dob in rows:
        person = str(person)
        if person in found:
            continue
        found[person] = {
            "id": person,
            "name": " ".join(str(n) for n in (given, family) if n),
            "date_of_birth": str(dob) if dob else None,
        }
    results: list[dict[str, Any]] = []
    for person, result in found.items():
        decision = may_see_person(viewer, facts_about(store, person), now)
        if decision.allowed:
            results.append({**result, "why_you_may_see": decision.reason})
            if len(results) >= RESULTS:
                break
    return results
