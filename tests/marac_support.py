"""A small domestic abuse history, ingested and linked by hand: the Marac tests' partnership.

A victim known to the police, her GP, housing and the domestic abuse service (linked
as ``WS-V``); her partner (``WS-P``); their child (``WS-C``), present at the first
incident. The DA service referred her to Marac on 1 February 2025.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from factories import event_row, write_csv
from web_support import open_test_store, serving, signed_in
from wholestory.identity import rebuild_household_links, refresh_sources
from wholestory.ingest import ingest_paths
from wholestory.store import Store

_ids = itertools.count(1)


def row(
    agency: str, record: str, person: str, role: str, day: str, kind: str, **more: str
) -> dict[str, str]:
    values = {
        "agency": agency, "record_id": record, "person_id": person, "role": role,
        "event_date": day, "event_type": kind, "given_name": more.pop("given", "Alex"),
        "family_name": "Testcase", "date_of_birth": more.pop("born", "1990-01-01"),
    }  # fmt: skip
    values.update(more)
    return event_row(next(_ids), **values)


def load(store: Store, tmp_path: Path) -> None:
    """A victim known to the police and her GP, linked; her partner; their child."""
    records = [
        row("POLICE", "P1", "V1", "VICTIM", "2025-01-10", "DA_INCIDENT", event_id="INC1"),
        row("POLICE", "P2", "S1", "SUSPECT", "2025-01-10", "DA_INCIDENT", event_id="INC1"),
        row("POLICE", "P3", "C1", "PRESENT", "2025-01-10", "DA_INCIDENT", event_id="INC1",
            born="2016-05-05", given="Kit"),
        row("POLICE", "P4", "V1", "VICTIM", "2025-01-10", "DASH_ASSESSMENT", event_id="INC1",
            summary="DASH risk checklist completed: 15 of 27 questions answered yes"),
        row("GP", "G1", "GV9", "VICTIM", "2025-04-02", "DA_INCIDENT",
            summary="Patient disclosed domestic abuse"),
        row("HOUSING", "H1", "HV3", "VICTIM", "2025-09-20", "DA_INCIDENT"),
        row("DA_SERVICE", "D1", "DV2", "VICTIM", "2025-02-01", "MARAC_REFERRAL", event_id="M1"),
        row("DA_SERVICE", "D2", "DS2", "SUSPECT", "2025-02-01", "MARAC_REFERRAL", event_id="M1"),
        row("POLICE", "P5", "V1", "VICTIM", "2026-01-30", "DA_INCIDENT", event_id="INC2"),
        row("POLICE", "P6", "S1", "SUSPECT", "2026-01-30", "DA_INCIDENT", event_id="INC2"),
    ]  # fmt: skip
    result = ingest_paths(store, [write_csv(tmp_path / "da.csv", records)], None)
    assert not result.failed and result.totals()["quarantined"] == 0
    refresh_sources(store)
    linked = {
        "POLICE:V1": "WS-V", "GP:GV9": "WS-V", "HOUSING:HV3": "WS-V", "DA_SERVICE:DV2": "WS-V",
        "POLICE:S1": "WS-P", "DA_SERVICE:DS2": "WS-P", "POLICE:C1": "WS-C",
    }  # fmt: skip
    store.executemany(
        "UPDATE ws_source_person SET ws_person_id = ? WHERE key = ?",
        [(ws, key) for key, ws in linked.items()],
    )
    rebuild_household_links(store)


def loaded(store: Store, tmp_path: Path) -> Store:
    """The store emptied of people and household links, then this partnership loaded."""
    store.execute("DELETE FROM ws_household_link")
    store.execute("DELETE FROM ws_source_person")
    load(store, tmp_path)
    return store


def marac_site(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    users: tuple[tuple[str, str, str], ...],
) -> Iterator[tuple[Store, dict[str, Any]]]:
    """A module's site on ``request.param``'s database: this partnership, and a signed-in
    client for each of ``users`` (username, agency, role)."""
    store = open_test_store(request.param, request, tmp_path_factory.mktemp("marac"))
    store.execute("DELETE FROM ws_source_person")
    with serving(store.url):
        load(store, tmp_path_factory.mktemp("marac-files"))
        yield store, signed_in([(*user, "") for user in users])
    store.close()
