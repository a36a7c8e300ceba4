"""The facts the access rules decide on, gathered from the store: which agencies (and, where
the sharing agreement says so, which teams) hold records of a person or of a child in their
household, and which of those records still wait for a lead's confirmation.

The rules themselves are :mod:`wholestory.access`'s, which reads no store.
"""

from __future__ import annotations

from typing import Final

from wholestory.access import Facts, partnership_grain
from wholestory.store.connection import Store


def facts_about(store: Store, person: str) -> Facts:
    """The agencies holding records of a person, and of the children in their household.

    A record uploaded by hand counts fully only once a lead of its agency confirms it
    (:mod:`wholestory.arrival`); a household child's unconfirmed records do not count.
    At the agencies the agreement in force makes team-level, the teams holding the
    records too: one more query each for the person and the household's children,
    asking only those agencies' records for their distinct teams.
    """
    from wholestory.arrival import holding

    grain = partnership_grain()
    asked = None if grain.every_agency else grain.team_agencies
    # An unlinked AGENCY:PERSON_ID counts through its records, like anyone else: an id
    # that names no one must not look like a person its agency holds (issue 11, L3).
    mine = holding(store, [person], asked)
    children = holding(store, _household_children(store, person), asked)
    return Facts(
        person,
        mine.confirmed | frozenset(mine.waiting),
        children.confirmed,
        mine.waiting,
        grain,
        mine.teams,
        mine.waiting_teams,
        children.teams,
    )


#: The children (as the stored chronologies know them) linked by a household link to a
#: person: ``household_people`` and the chronology's ``is_child`` in one query.
_HOUSEHOLD_CHILDREN: Final = """
WITH mine AS (SELECT key FROM ws_source_person WHERE ws_person_id = ?), near AS (
    SELECT h.key_b AS key FROM ws_household_link h JOIN mine m ON h.key_a = m.key
    UNION SELECT h.key_a FROM ws_household_link h JOIN mine m ON h.key_b = m.key
)
SELECT c.ws_person_id FROM ws_chronology c WHERE c.is_child AND c.ws_person_id <> ?
AND c.ws_person_id IN (
    SELECT COALESCE(s.ws_person_id, n.key) FROM near n LEFT JOIN ws_source_person s ON s.key = n.key
)
"""


def _household_children(store: Store, person: str) -> list[str]:
    """Children (as the stored chronologies know them) linked to the person's household.

    The same people as ``chronology.stored.household_people`` then ``is_child``, in one
    query rather than four: this runs on every look at a person.
    """
    return [str(p) for (p,) in store.query(_HOUSEHOLD_CHILDREN, [person, person])]
