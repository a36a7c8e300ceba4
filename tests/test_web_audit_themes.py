"""The themes across audits on the web (issue 15, item 4), on both databases: the page for the
QA officer, the moderator and the board, each seeing the same aggregated and suppressed
figures and no free text; the CSV and PDF downloads, each audited as a download; the
auditors' own words on a page for the QA officer alone; everyone else refused, audited,
shown nothing; and the charts inline with no script and no style attribute.
"""

from __future__ import annotations

from typing import Any

import pytest

from themes_support import audit, graded, learn, programme
from web_support import serving, signed_in
from wholestory.store import Store

USERS = [
    ("quinn.qa", "PARTNERSHIP", "qa", ""),
    ("mo.moderator", "PARTNERSHIP", "moderator", ""),
    ("bea.board", "PARTNERSHIP", "board", ""),
    ("abe.auditor", "CSC", "auditor", ""),
    ("pat.police", "POLICE", "practitioner", ""),
]
THEMES_ROLES = ("quinn.qa", "mo.moderator", "bea.board")
WORDS = "Kayden told his teacher nobody had read the police history"


def _audits(store: Store) -> list[str]:
    """Two programmes of eight cases; the police audit two of each (small counts); every
    case's learning point written in words that name a child. Returns the children's ids."""
    for end in ("2025-03-31", "2025-06-30"):
        _, cases = programme(store, "Use of history", end, 8)
        for i, case in enumerate(cases):
            grade = "Good" if i < 5 else "Requires improvement"
            audit(store, case, "CSC", graded({"assessment": grade, "overall": "Good"},
                                             assessment__uses_history="no"))  # fmt: skip
            if i < 2:
                audit(store, case, "POLICE", graded({"assessment": "Inadequate"}))
            learn(store, case, "CSC", "History not used", WORDS)
    return [str(p) for (p,) in store.query("SELECT ws_person_id FROM ws_assurance_case")]


def _get(client: Any, url: str) -> Any:
    return client.get(url)


def _clients(*usernames: str) -> dict[str, Any]:
    """Those users signed in (each sign-in hashes a password: only those a test needs)."""
    return signed_in([u for u in USERS if u[0] in usernames])


def _entries(store: Store, actor: str) -> list[tuple[str, str, str]]:
    return [
        (str(a), str(t), str(o))
        for a, t, o in store.query(
            "SELECT action, target, outcome FROM ws_audit WHERE actor = ? ORDER BY seq", [actor]
        )
    ]


def test_qa_moderators_and_the_board_see_the_same_suppressed_themes(store: Store) -> None:
    children = _audits(store)
    with serving(store.url):
        clients = _clients(*THEMES_ROLES)
        bodies = {}
        for username in THEMES_ROLES:
            page = _get(clients[username], "/assurance/themes")
            assert page.status_code == 200, username
            body = page.content.decode()
            bodies[username] = body
            assert "Themes across case file audits" in body
            assert "Grades by domain" in body and "fewer than 5" in body
            assert "History not used: recorded for 16 of 16 cases audited." in body
            assert WORDS not in body and not [c for c in children if c in body]
            assert "<script>" not in body.replace('<script src="', "")  # no inline script
            assert "style=" not in body  # the strict CSP: no style attributes, the SVG too
            assert "<svg" in body and 'role="img"' in body  # the charts, inline
            assert 'href="/assurance/themes"' in body  # the menu
        qa_only = "/assurance/themes/learning"
        assert qa_only in bodies["quinn.qa"] and qa_only not in bodies["bea.board"]
        chosen = _get(clients["bea.board"], "/assurance/themes?programme=2&by=month")
        assert chosen.status_code == 200
        text = chosen.content.decode()
        assert "<li>No. 2: Use of history, 2025-01-01" in text  # the programmes covered
        assert "<li>No. 1: Use of history" not in text
        assert 'href="/assurance/themes.pdf?programme=2&amp;by=month"' in text
    for username in THEMES_ROLES:
        assert ("view", "/assurance/themes", "allowed") in _entries(store, username)


def test_the_downloads_are_audited_as_downloads(store: Store) -> None:
    children = _audits(store)
    with serving(store.url):
        board = _clients("bea.board")["bea.board"]
        got = _get(board, "/assurance/themes.csv?programme=1&programme=2")
        assert got.status_code == 200 and got["Content-Type"].startswith("text/csv")
        assert 'filename="audit-themes.csv"' in got["Content-Disposition"]
        text = got.content.decode("utf-8-sig")
        assert text.startswith("domain,domain_title,agency,agency_name,grade,grades")
        assert "fewer than 5" in text and WORDS not in text
        assert not [c for c in children if c in text]
        pdf = _get(board, "/assurance/themes.pdf")
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
        assert pdf["Content-Type"] == "application/pdf"
    entries = _entries(store, "bea.board")
    assert ("download", "/assurance/themes.csv", "allowed") in entries
    assert ("download", "/assurance/themes.pdf", "allowed") in entries


def test_the_auditors_words_are_for_the_qa_officer_alone(store: Store) -> None:
    _audits(store)
    with serving(store.url):
        clients = _clients(*THEMES_ROLES)
        page = _get(clients["quinn.qa"], "/assurance/themes/learning")
        assert page.status_code == 200 and WORDS in page.content.decode()
        for username in ("mo.moderator", "bea.board"):
            refused = _get(clients[username], "/assurance/themes/learning")
            assert refused.status_code == 403 and WORDS not in refused.content.decode()
    assert ("view", "/assurance/themes/learning", "allowed") in _entries(store, "quinn.qa")
    assert ("denied", "/assurance/themes/learning", "denied") in _entries(store, "bea.board")


@pytest.mark.parametrize("username", ["abe.auditor", "pat.police"])
def test_everyone_else_is_refused_and_shown_nothing(store: Store, username: str) -> None:
    _audits(store)
    with serving(store.url):
        client = _clients(username)[username]
        for url in ("/assurance/themes", "/assurance/themes.csv", "/assurance/themes.pdf"):
            refused = _get(client, url)
            assert refused.status_code == 403, url
            body = refused.content.decode(errors="replace")
            assert "Grades by domain" not in body and "History not used" not in body
        home = _get(client, "/").content.decode()
        assert 'href="/assurance/themes"' not in home
    entries = _entries(store, username)
    assert [t for a, t, o in entries if a == "denied" and o == "denied"] == [
        "/assurance/themes", "/assurance/themes.csv", "/assurance/themes.pdf"
    ]  # fmt: skip
    assert not [e for e in entries if e[1].startswith("/assurance") and e[2] == "allowed"]


def test_a_date_that_is_not_one_is_said_and_every_programme_shown(store: Store) -> None:
    _audits(store)
    with serving(store.url):
        board = _clients("bea.board")["bea.board"]
        page = _get(board, "/assurance/themes?ends_from=2025-13-01")
        body = page.content.decode()
        assert page.status_code == 200 and "There is a problem" in body
        assert "Enter a date like 2025-06-30" in body
        assert "<li>No. 1: Use of history" in body and "<li>No. 2: Use of history" in body
