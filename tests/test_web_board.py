"""The board's pages (issue 17) on both databases: who reads the packs and who builds one
(the board reads, it does not build; a practitioner is refused), each look audited, the
PDF download, the definitions the charts link to, the pack placed under the strict CSP,
and the figures page as the board's home (the latest pack, no count from 1 to 4, the wide
table in a scrollable region)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest

from assurance_support import planted, selection_rows
from test_board_pack import _measures
from test_recommendations import T0
from web_support import open_test_store, serving, signed_in
from wholestory.reviews.cases import open_review
from wholestory.reviews.recommendations import add_action, add_recommendation
from wholestory.reviews.timescales import Timescales
from wholestory.store import Store

USERS = [
    ("bo.business", "PARTNERSHIP", "business_unit", ""),
    ("bea.board", "PARTNERSHIP", "board", ""),
    ("quinn.qa", "PARTNERSHIP", "qa", ""),
    ("lee.lead", "CSC", "lead", ""),
    ("mo.manager", "CSC", "manager", "Team A"),
    ("otto.owner", "CSC", "action_owner", ""),
    ("pat.police", "POLICE", "practitioner", "Team A"),
]
READERS = ("bo.business", "bea.board", "quinn.qa", "lee.lead", "mo.manager")


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Store, dict[str, Any]]]:
    folder = tmp_path_factory.mktemp("board")
    store = open_test_store(request.param, request, folder)
    planted(store, folder, selection_rows())
    _measures(store)
    with serving(store.url):
        clients = signed_in(USERS)
        open_review(store, "CSC", "C01", dt.date(2026, 8, 3), "bo.business",
                    title="Rapid review R1", settings=Timescales(), now=T0)  # fmt: skip
        rec = add_recommendation(store, "review", "Rapid review R1", "Read the history first",
                                 dt.date(2026, 8, 20), "bo.business", now=T0)  # fmt: skip
        add_action(store, rec.id, "Brief every team", "CSC", "otto.owner", dt.date(2026, 9, 1),
                   "bo.business", now=T0)  # fmt: skip
        yield store, clients
    store.close()


def _audited(store: Store, actor: str) -> tuple[str, str, str]:
    from wholestory import audit

    entry = audit.entries(store, actor=actor, limit=1)[0]
    return str(entry.action), entry.outcome, entry.target


def _built(store: Store, clients: dict[str, Any]) -> int:
    """A pack the business unit built through the page (once per store)."""
    found = store.scalar("SELECT MAX(id) FROM ws_board_pack")
    if found:
        return int(found)
    made = clients["bo.business"].post("/board/packs/new", {"quarter": "2026Q3"})
    assert made.status_code == 302, made.content[:300]
    return int(made["Location"].rsplit("/", 1)[1])


def test_the_board_reads_but_does_not_build_and_a_practitioner_is_refused(
    site: tuple[Store, dict[str, Any]],
) -> None:
    store, clients = site
    for username in READERS:
        assert clients[username].get("/board/packs").status_code == 200, username
        assert _audited(store, username) == ("board_pack", "allowed", "/board/packs")
    refused = clients["pat.police"].get("/board/packs")
    assert refused.status_code == 403 and _audited(store, "pat.police")[1] == "denied"
    before = store.scalar("SELECT COUNT(*) FROM ws_board_pack")
    assert clients["bea.board"].post("/board/packs/new", {"quarter": "2026Q3"}).status_code == 403
    assert store.scalar("SELECT COUNT(*) FROM ws_board_pack") == before
    assert _audited(store, "bea.board")[1] == "denied"
    assert b"Build the pack" not in clients["bea.board"].get("/board/packs").content
    assert b"Build the pack" in clients["quinn.qa"].get("/board/packs").content
    bad = clients["bo.business"].post("/board/packs/new", {"quarter": "Q9"})
    assert bad.status_code == 400 and b"is not a quarter" in bad.content
    assert store.scalar("SELECT COUNT(*) FROM ws_board_pack") == before


def test_a_built_pack_is_read_on_the_page_under_the_csp_and_its_look_audited(
    site: tuple[Store, dict[str, Any]],
) -> None:
    store, clients = site
    pack_id = _built(store, clients)
    for username in READERS:
        page = clients[username].get(f"/board/packs/{pack_id}")
        assert page.status_code == 200, username
        assert _audited(store, username) == ("board_pack", "allowed", f"board pack {pack_id}")
    body = page.content.decode()
    assert "Quality and Impact Executive board pack" in body and "<svg" in body
    assert "Rapid review R1" in body and "Brief every team" in body
    assert "style=" not in body and "<script>" not in body and " on" + "load=" not in body
    csp = page["Content-Security-Policy"]
    assert "script-src 'self'" in csp or "default-src 'self'" in csp
    assert "'unsafe-inline'" not in csp
    assert 'href="/board/definitions#def-' in body
    assert clients["pat.police"].get(f"/board/packs/{pack_id}").status_code == 403
    assert clients["bea.board"].get("/board/packs/99999").status_code == 404


def test_the_pdf_downloads_for_readers_only(site: tuple[Store, dict[str, Any]]) -> None:
    store, clients = site
    pack_id = _built(store, clients)
    got = clients["bea.board"].get(f"/board/packs/{pack_id}.pdf")
    assert got.status_code == 200 and got["Content-Type"] == "application/pdf"
    assert got.content.startswith(b"%PDF") and "attachment" in got["Content-Disposition"]
    assert _audited(store, "bea.board") == ("board_pack", "allowed", f"board pack {pack_id}")
    assert clients["pat.police"].get(f"/board/packs/{pack_id}.pdf").status_code == 403


def test_the_definitions_hold_every_anchor_the_pack_links_to(
    site: tuple[Store, dict[str, Any]],
) -> None:
    store, clients = site
    pack_id = _built(store, clients)
    linked = set(re.findall(r"#def-([\w-]+)", clients["lee.lead"].get(
        f"/board/packs/{pack_id}").content.decode()))  # fmt: skip
    page = clients["lee.lead"].get("/board/definitions")
    anchors = set(re.findall(r'id="def-([\w-]+)"', page.content.decode()))
    assert linked and linked <= anchors
    assert _audited(store, "lee.lead") == ("board_pack", "allowed", "/board/definitions")
    assert clients["pat.police"].get("/board/definitions").status_code == 403


def test_the_figures_page_is_the_boards_home(site: tuple[Store, dict[str, Any]]) -> None:
    store, clients = site
    pack_id = _built(store, clients)
    page = clients["bea.board"].get("/figures")
    body = page.content.decode()
    assert page.status_code == 200 and f'href="/board/packs/{pack_id}"' in body
    assert "<svg" in body and "style=" not in body
    region = re.search(r'<div class="[^"]*\bscroll\b[^"]*" tabindex="0" role="region" '
                       r'aria-label="Records by agency and year">', body)  # fmt: skip
    assert region, "the wide table sits in a scrollable region"
    cells = re.findall(r'<td class="govuk-table__cell[^"]*">([^<]*)</td>', body)
    assert cells and not {c.strip() for c in cells} & {"1", "2", "3", "4"}
    assert clients["bo.business"].get("/figures").status_code == 403  # as today: aggregates
    assert clients["pat.police"].get("/figures").status_code == 403
