"""How to work with this family, at the top of a person's page (issue 14), on both databases.

The family is the Marac tests' (``marac_support``): the mother ``WS-V``, her partner
``WS-P`` and their child ``WS-C``. Agencies' needs files say the mother needs an
interpreter and that the child has a trusted adult. The child's page shows both, the
child's first and the mother's under her name and relation, each with its agency, who
recorded it and its review; an overdue review is marked. Someone who cannot see the
child sees none of it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from factories import event_row, write_csv
from marac_support import marac_site
from wholestory.engagement import words
from wholestory.identity import refresh_sources
from wholestory.ingest import ingest_paths
from wholestory.records.template import NEEDS_COLUMNS
from wholestory.store import Store

USERS = (
    ("pat.police", "POLICE", "practitioner"),
    ("hal.housing", "HOUSING", "practitioner"),
)
NEEDS = [
    {"agency": "POLICE", "record_id": "N1", "person_id": "V1", "need": "INTERPRETER",
     "detail": "Tigrinya", "recorded_on": "2025-01-10", "review_on": "2025-07-10",
     "practitioner": "PC 101 Ahmed"},
    {"agency": "POLICE", "record_id": "N2", "person_id": "C1", "need": "TRUSTED_ADULT",
     "detail": "Mrs Okafor, his class teacher", "recorded_on": "2025-01-11",
     "review_on": "2099-01-11", "practitioner": "PC 101 Ahmed"},
]  # fmt: skip


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Store, dict[str, Any]]]:
    for store, clients in marac_site(request, tmp_path_factory, USERS):
        path = write_csv(tmp_path_factory.mktemp("needs") / "needs.csv", NEEDS, NEEDS_COLUMNS)
        assert ingest_paths(store, [Path(path)], None).totals()["inserted"] == 2
        yield store, clients


def test_the_childs_page_shows_the_familys_needs_first(site: tuple[Store, dict[str, Any]]) -> None:
    _, clients = site
    response = clients["pat.police"].get("/people/WS-C")
    assert response.status_code == 200
    body = response.content.decode()
    needs = body[body.index(words.HEADING) : body.index("How each agency became involved")]
    child, mother = needs.split('href="/people/WS-V"')
    assert "Kit Testcase (this person)" in child
    assert "Trusted adult" in child and "Detail: Mrs Okafor, his class teacher" in child
    assert "Review by 11 January 2099" in child
    assert mother.startswith(">Alex Testcase</a> (adult in the household)")
    assert "Needs an interpreter" in mother and "Language: Tigrinya" in mother
    assert "recorded 10 Jan 2025 by PC 101 Ahmed" in mother
    assert 'govuk-tag--orange">Review overdue: it was due on 10 July 2025' in mother
    assert body.index(words.HEADING) < body.index('id="entries"')


def test_a_person_with_no_needs_in_the_family_is_told_so(
    site: tuple[Store, dict[str, Any]], tmp_path: Path
) -> None:
    store, clients = site
    lone = event_row(900, agency="POLICE", record_id="L1", person_id="L1", role="VICTIM",
                     event_date="2025-03-01", event_type="DA_INCIDENT", given_name="Lou",
                     family_name="Alone", date_of_birth="1985-05-05")  # fmt: skip
    assert not ingest_paths(store, [write_csv(tmp_path / "lone.csv", [lone])], None).failed
    refresh_sources(store, ["POLICE:L1"])
    store.execute("UPDATE ws_source_person SET ws_person_id = 'WS-L' WHERE key = 'POLICE:L1'")
    body = clients["pat.police"].get("/people/WS-L").content.decode()
    assert words.NONE_RECORDED in body and "Tigrinya" not in body


def test_someone_who_cannot_see_the_child_sees_none_of_it(
    site: tuple[Store, dict[str, Any]],
) -> None:
    _, clients = site
    response = clients["hal.housing"].get("/people/WS-C")
    assert response.status_code == 403
    assert "Tigrinya" not in response.content.decode()
