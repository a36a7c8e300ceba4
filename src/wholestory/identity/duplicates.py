"""Duplicates at an agency: two of its ids that WholeStory holds as one person.

An agency that gives one id per person sometimes registers a child twice (a
move, a misspelt name at the front desk). Linking joins two of its ids only
on overwhelming evidence, or on a person's decision. Each such join is a
duplicate the agency should merge in its own system, so the list is given
back to it: ``wholestory duplicates AGENCY``, and the agency lead's page.
Ids of an agency that gives a new id per episode are not duplicates.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Final

from wholestory.identity.agencies import episode_agencies
from wholestory.identity.thresholds import LinkThresholds
from wholestory.store.connection import Store

#: The columns of the duplicates export, in order.
DUPLICATE_COLUMNS: Final = (
    "agency",
    "wholestory_id",
    "person_id",
    "duplicate_person_id",
    "given_name",
    "family_name",
    "date_of_birth",
    "how_linked",
)


@dataclass(frozen=True)
class Duplicate:
    """Two ids of one agency held as one person, and why."""

    agency: str
    wholestory_id: str
    person_id: str
    duplicate_person_id: str
    given_name: str
    family_name: str
    date_of_birth: str
    how_linked: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def row(self) -> list[str]:
        return [str(getattr(self, c)) for c in DUPLICATE_COLUMNS]


class EpisodeAgencyError(ValueError):
    """The agency gives a new id per episode: its ids of one person are not duplicates."""


def agency_duplicates(store: Store, agency: str) -> list[Duplicate]:
    """Every pair of ``agency``'s ids that WholeStory holds as one person, oldest id first."""
    code = agency.strip().upper()
    if code in episode_agencies(store):
        raise EpisodeAgencyError(
            f"{code} gives a new id per attendance or episode, so several ids of one "
            "person are expected there, not duplicates."
        )
    rows = store.query(
        "SELECT s.ws_person_id, s.key, s.person_id, s.given_name, s.family_name, "
        "s.date_of_birth FROM ws_source_person s WHERE s.agency = ? AND s.ws_person_id IN "
        "(SELECT ws_person_id FROM ws_source_person WHERE agency = ? "
        "AND ws_person_id IS NOT NULL GROUP BY ws_person_id HAVING COUNT(*) > 1) "
        "ORDER BY s.ws_person_id, s.first_seen, s.person_id",
        [code, code],
    )
    bar = LinkThresholds.from_environment().same_agency
    by_person: dict[str, list[tuple[Any, ...]]] = {}
    for row in rows:
        by_person.setdefault(str(row[0]), []).append(row)
    found: list[Duplicate] = []
    for person, members in by_person.items():
        first = members[0]
        for other in members[1:]:
            found.append(
                Duplicate(
                    agency=code,
                    wholestory_id=person,
                    person_id=str(first[2]),
                    duplicate_person_id=str(other[2]),
                    given_name=str(other[3] or first[3] or ""),
                    family_name=str(other[4] or first[4] or ""),
                    date_of_birth=str(other[5] or first[5] or ""),
                    how_linked=_how(store, str(first[1]), str(other[1]), bar),
                )
            )
    return found


def _how(store: Store, key_a: str, key_b: str, same_agency_bar: float) -> str:
    """Words for why two ids are one person: a decision, or the direct link's strength."""
    key_l, key_r = sorted((key_a, key_b))
    decided = store.query(
        "SELECT decision, reason, decided_by FROM ws_link_decision WHERE key_l = ? AND key_r = ?",
        [key_l, key_r],
    )
    if decided and decided[0][0] == "same":
        return f"{decided[0][2]} decided they are one person: {decided[0][1]}"
    pair = store.query(
        "SELECT match_probability FROM ws_link_pair WHERE key_l = ? AND key_r = ?", [key_l, key_r]
    )
    if not pair:
        return "one person through a person's decision on another of their records"
    probability = float(pair[0][0])
    if probability >= same_agency_bar:
        return f"overwhelming evidence ({probability:.5f})"
    return f"their records match ({probability:.3f}) and both match another agency's"


def count_by_agency(store: Store) -> dict[str, int]:
    """How many duplicate ids each agency holds (an id beyond a person's first at that agency)."""
    episodes = episode_agencies(store)
    rows = store.query(
        "SELECT agency, COUNT(*) - COUNT(DISTINCT ws_person_id) FROM ws_source_person "
        "WHERE ws_person_id IS NOT NULL GROUP BY agency"
    )
    return {str(a): int(n) for a, n in rows if int(n) and str(a) not in episodes}
