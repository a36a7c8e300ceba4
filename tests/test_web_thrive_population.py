"""The THRIVE population page on both databases: the roles with ``thrive_population`` see
it, others are refused; every number in its tables is 0 or 5 and more (or a day, a quarter
or an age band); the flows are drawn as inline SVG with no script; the look is audited."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

import pytest

from thrive_population_support import AS_OF, build
from web_support import open_test_store, serving, signed_in
from wholestory.store import Store

USERS = (
    ("bo.business", "PARTNERSHIP", "business_unit"),
    ("bea.board", "PARTNERSHIP", "board"),
    ("pat.police", "POLICE", "practitioner"),
)
PAGE = f"/thrive/population?as_of={AS_OF.isoformat()}"


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Store, dict[str, Any]]]:
    folder = tmp_path_factory.mktemp("population")
    store = build(open_test_store(request.param, request, folder), folder)
    with serving(store.url):
        yield store, signed_in([(*user, "") for user in USERS])
    store.close()


class _Cells(HTMLParser):
    """The text of every table cell on a page."""

    def __init__(self) -> None:
        super().__init__()
        self.cells: list[str] = []
        self._in = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("td", "th"):
            self._in = True
            self.cells.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th"):
            self._in = False

    def handle_data(self, data: str) -> None:
        if self._in:
            self.cells[-1] += data


def test_the_board_reads_the_page_with_no_small_number(site: tuple[Store, dict[str, Any]]) -> None:
    store, clients = site
    response = clients["bea.board"].get(PAGE)
    assert response.status_code == 200
    page = response.content.decode()
    assert "<svg" in page and "<script" not in page.split("</main>")[0].split("<main")[-1]
    parser = _Cells()
    parser.feed(page)
    numbers = [c.strip() for c in parser.cells if re.fullmatch(r"[\d,]+", c.strip())]
    assert numbers, "the tables show numbers"
    assert "6" in numbers  # the six children who moved to Getting Advice
    assert all(not 0 < int(n.replace(",", "")) < 5 for n in numbers), numbers
    assert "fewer than 5" in page
    rows = store.query(
        "SELECT action, outcome FROM ws_audit WHERE actor = 'bea.board' AND target = ?",
        ["/thrive/population"],
    )
    assert [(str(a), str(o)) for a, o in rows] == [("view", "allowed")]


def test_a_practitioner_is_refused(site: tuple[Store, dict[str, Any]]) -> None:
    _, clients = site
    assert clients["pat.police"].get(PAGE).status_code == 403
    assert clients["bo.business"].get(PAGE).status_code == 200
