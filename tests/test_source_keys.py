"""The key of one agency's person is made alike in Python and in both databases' SQL."""

from __future__ import annotations

import pytest

from wholestory.records.keys import key_agency, source_key, source_key_sql, split_key
from wholestory.store import Store

#: Ids an agency might really use: colons, spaces, slashes, quotes, non-ASCII, empty.
AWKWARD = ("P-1", "NOM:2024:77", " lead space", "a/b\\c", "O'Brien#3", "Zoë-ü", "")


@pytest.mark.parametrize("person_id", AWKWARD)
def test_a_key_splits_back_into_its_agency_and_id(person_id: str) -> None:
    key = source_key("POLICE", person_id)
    assert split_key(key) == ("POLICE", person_id)
    assert key_agency(key) == "POLICE"


def test_the_sql_expression_makes_the_same_key_as_python(store: Store) -> None:
    rows = store.query(
        "SELECT "
        + ", ".join(
            f"{source_key_sql('CAST(? AS TEXT)', 'CAST(? AS TEXT)')} AS k{n}"
            for n in range(len(AWKWARD))
        ),
        [value for person_id in AWKWARD for value in ("CSC", person_id)],
    )
    made = list(rows[0])
    assert made == [source_key("CSC", person_id) for person_id in AWKWARD]


def test_keys_in_finds_awkward_keys_through_the_sql_expression(store: Store) -> None:
    """What households.py relies on: Python's keys matched against the SQL expression."""
    store.execute("CREATE TEMPORARY TABLE key_probe (agency TEXT, person_id TEXT)")
    store.executemany(
        "INSERT INTO key_probe (agency, person_id) VALUES (?, ?)",
        [("CSC", p) for p in AWKWARD] + [("POLICE", p) for p in AWKWARD],
    )
    wanted = [source_key("CSC", p) for p in AWKWARD[:4]] + [source_key("POLICE", AWKWARD[1])]
    condition, params = store.keys_in(source_key_sql(), wanted)
    found = store.query(f"SELECT agency, person_id FROM key_probe WHERE {condition}", params)
    assert sorted(source_key(agency, person_id) for agency, person_id in found) == sorted(wanted)
