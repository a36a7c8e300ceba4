"""The authorization matrix: every URL, by every role, with and without a relationship.

The URLs are enumerated from the URLconf, so a new page fails this test until
its expected outcomes are written down here. Each outcome is asserted; each
refusal is checked to show none of the person's names, to leave an audit entry,
and to change nothing else in the store.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest

from web_support import (
    PASSWORD,
    REFUGE_TRACE,
    USERS,
    Seeded,
    open_test_store,
    seed,
    serving,
    sign_in,
)
from wholestory.access import (
    ADMIN,
    AUDIT_GRANT,
    AUDITOR,
    BOARD,
    CAPABILITIES,
    CASEWORK,
    CHAIR,
    COORDINATOR,
    DASH_RECORDING_AGENCIES,
    DATA,
    DSL,
    ENCOMPASS,
    GOVERNANCE,
    IDENTITY,
    IDVA,
    LEAD,
    MANAGER,
    MODERATOR,
    NO_CASE_DATA,
    QA,
    REVIEWER,
    SEES_CONFIDENTIAL_ADDRESSES,
    THRIVE_RECORDING_AGENCIES,
    TWO_FACTOR_REQUIRED,
)
from wholestory.store import Store

#: Tables a refusal must leave exactly as they were.
UNTOUCHED = (
    "ws_access_grant", "ws_notification", "ws_link_decision", "ws_record", "ws_import",
    "ws_flag", "ws_chronology", "auth_user", "ws_membership", "ws_api_token",
    "otp_totp_totpdevice", "ws_source_person", "ws_password_link",
)  # fmt: skip


@dataclass(frozen=True)
class Who:
    username: str
    agency: str
    role: str


@dataclass(frozen=True)
class Case:
    """One request: the user, whether they have a relationship with the person, the URL."""

    who: Who
    related: bool
    person: str
    url: str


#: Expected status for a route, from (who, related). The route keys are the URLconf's patterns.
Expect = Callable[[Who, bool], int]


def everyone(status: int) -> Expect:
    return lambda who, related: status


def roles(allowed: frozenset[str] | set[str], ok: int = 200, no: int = 403) -> Expect:
    return lambda who, related: ok if who.role in allowed else no


#: Roles a time-limited grant opens a person to: a reviewer's grant, an auditor's audit grant
#: (issue 15). For them "related" means "granted".
GRANTED = frozenset({REVIEWER, AUDITOR})


def person_page(ok: int = 200) -> Expect:
    """Casework with a relationship, or a reviewer or auditor with a grant: allowed; anyone
    else refused."""

    def expect(who: Who, related: bool) -> int:
        if who.role in NO_CASE_DATA:
            return 403
        return ok if related and (who.role in CASEWORK or who.role in GRANTED) else 403

    return expect


def dash_form(who: Who, related: bool) -> int:
    """Casework at an agency that records Dash here, about someone they may see."""
    allowed = who.role in CASEWORK and who.agency in DASH_RECORDING_AGENCIES
    return 200 if related and allowed else 403


def thrive_form(who: Who, related: bool) -> int:
    """Casework at an agency that records THRIVE, about a child they may see (issue 16)."""
    allowed = who.role in CASEWORK and who.agency in THRIVE_RECORDING_AGENCIES
    return 200 if related and allowed else 403


def needs_form(who: Who, related: bool) -> int:
    """Anyone who works with people records a need of someone they may see."""
    return 200 if related and who.role in CASEWORK else 403


def break_glass(who: Who, related: bool) -> int:
    if who.role in NO_CASE_DATA or who.role not in CAPABILITIES["break_glass"][1]:
        return 403
    if related and (who.role in CASEWORK or who.role == REVIEWER):
        return 302  # already allowed: straight to the person's page
    return 200


def access_log(who: Who, related: bool) -> int:
    return 200 if who.role == LEAD and related else 403


def two_factor(who: Who, related: bool) -> int:
    return 200 if who.role in TWO_FACTOR_REQUIRED else 403


def api_person(who: Who, related: bool) -> int:
    if who.role in NO_CASE_DATA:
        return 403
    return 200 if related and (who.role in CASEWORK or who.role in GRANTED) else 404


SEARCHERS = CASEWORK | {REVIEWER, QA}
EXPECTED: dict[str, Expect] = {
    "": everyone(200),
    "login": everyone(200),
    "logout": everyone(405),  # signing out is a POST; a GET changes nothing
    "two-factor": two_factor,
    "health": everyone(200),
    "search": roles(SEARCHERS),
    "search/break-glass": roles(SEARCHERS),
    "notifications": roles({LEAD}),
    "people/<str:person>": person_page(),
    "people/<str:person>/chronology.pdf": person_page(),
    "people/<str:person>/chronology.csv": person_page(),
    "people/<str:person>/break-glass": break_glass,
    "people/<str:person>/access-log": access_log,
    "people/<str:person>/dash/new": dash_form,
    "people/<str:person>/needs/new": needs_form,
    # A child's THRIVE record (issue 16): read by anyone who may see them; recorded by casework
    # at an agency that records THRIVE.
    "people/<str:person>/thrive": person_page(),
    "people/<str:person>/thrive/current-view/new": thrive_form,
    "people/<str:person>/thrive/grouping/new": thrive_form,
    "people/<str:person>/needs/<str:record_id>": person_page(ok=404),  # no such need
    # Who is allocated and who leads: read by anyone who may see the person; set by a lead.
    "people/<str:person>/lead": person_page(),
    "people/<str:person>/records/<str:agency>/<path:record_id>": person_page(),
    "people/<str:agency>/<str:person_id>": everyone(302),
    "flags": roles({MANAGER, LEAD}),
    "review": roles({IDENTITY}),  # identity review is its own role (issue 11, M2)
    "review/<str:key_a>/<str:key_b>": lambda who, related: (
        (404 if related or who.agency == "PARTNERSHIP" else 403) if who.role == IDENTITY else 403
    ),
    "upload": roles({DATA}),  # records are the basis of access: only a data officer uploads
    "uploads": roles({LEAD}),  # a lead confirms their agency's hand uploads
    "audit": roles({LEAD, GOVERNANCE}),  # a lead's scoped to their agency (issue 11, L2)
    "approvals": roles({LEAD, GOVERNANCE}),  # the second pair of eyes (issue 11, M1)
    "welcome/<str:token>": everyone(404),  # a one-time link; a wrong one shows nothing
    "duplicates": roles({LEAD}),
    "users": roles({ADMIN}),
    "users/add": roles({ADMIN}),
    "users/grant": roles({ADMIN}),
    "users/<str:username>/authenticator": roles({ADMIN}),
    "users/<str:username>/practitioner": roles({ADMIN}),
    "figures": roles({MANAGER, LEAD, QA, BOARD}),
    "sharing": everyone(200),  # the agreement in words: no one's data (issue 18)
    "api-docs": everyone(200),  # the API's Swagger UI page: the schema, no one's data
    "api/v1/openapi.json": everyone(200),
    "api/v1/me": everyone(200),
    "api/v1/people/<agency>/<person_id>/chronology": api_person,
    "api/v1/people/<ws_id>/chronology": api_person,
    "api/v1/search": roles(SEARCHERS, no=403),
    "api/v1/flags": roles({MANAGER, LEAD}),
    "marac": roles({COORDINATOR, CHAIR}),  # the Marac referral list, partnership-wide
    "marac/decide": roles({COORDINATOR}, ok=404),  # no candidate named: nothing to decide
    "marac/meetings": roles({COORDINATOR, CHAIR}),
    "marac/meetings/<int:meeting_id>": roles({COORDINATOR, CHAIR}),  # the agenda
    "marac/meetings/<int:meeting_id>/add": everyone(405),  # changes are POSTs
    "marac/meetings/<int:meeting_id>/confidentiality": everyone(405),
    "marac/cases/<int:case_id>/actions": everyone(405),
    "marac/cases/<int:case_id>/research": roles({MANAGER, LEAD, IDVA}),  # each agency's own
    "marac/actions/<int:action_id>/done": everyone(405),
    "marac/research": roles({MANAGER, LEAD, IDVA}),
    "encompass": roles({ENCOMPASS}),  # the police queue, partnership-wide
    "encompass/send": roles({ENCOMPASS}, ok=404),  # no notice named: nothing to send
    "encompass/school": roles({DSL}),  # a school's own pupils' notices
    "encompass/ack/<str:token>": everyone(404),  # a one-time link; a wrong one shows nothing
    # An alert is read only by a casework user it was sent to who may see the child now: each
    # user was sent one about each of their two people (site, below), and the one about the
    # person they are not related to is refused like an alert that does not exist.
    "alerts": roles(CASEWORK),
    "alerts/<int:alert>": lambda who, related: 200 if related and who.role in CASEWORK else 403,
    # Case file audits (issue 15): programmes are the QA officer's; no programme is seeded.
    "assurance/programmes": roles({QA}),
    "assurance/programmes/new": roles({QA}),
    "assurance/programmes/<int:programme_id>": roles({QA}, ok=404),
    # An auditor's cases are theirs alone, and only while their audit grant is open: any other
    # number is refused like one that names no assignment (none is seeded: all refused).
    "assurance/audits": roles({AUDITOR}),
    "assurance/audits/<int:auditor_id>": everyone(403),
    "assurance/moderation": roles({MODERATOR}),
    "assurance/programmes/<int:programme_id>/moderation": roles({MODERATOR}, ok=404),
    "assurance/moderation/<int:case_id>": roles({MODERATOR}, ok=404),
    # The themes across audits (issue 15): aggregated and suppressed, for QA, moderators and
    # the board; the auditors' own words for the QA officer alone.
    "assurance/themes": roles(CAPABILITIES["audit_themes"][1]),
    "assurance/themes.csv": roles(CAPABILITIES["audit_themes"][1]),
    "assurance/themes.pdf": roles(CAPABILITIES["audit_themes"][1]),
    "assurance/themes/learning": roles(CAPABILITIES["audit_programmes"][1]),
    # The practice measures month by month (issue 15): counts, small numbers suppressed.
    "assurance/measures": roles({QA, MODERATOR, BOARD, LEAD, MANAGER}),
    # THRIVE quality improvement (issue 16): PDSA cycles and the implementation assessment.
    "thrive/improvement": roles(CAPABILITIES["thrive_improvement"][1]),
    "thrive/improvement/new": roles(CAPABILITIES["thrive_improvement"][1]),
    "thrive/improvement/<int:cycle_id>": roles(CAPABILITIES["thrive_improvement"][1], ok=404),
    "thrive/implementation": roles(CAPABILITIES["thrive_improvement"][1]),
    "thrive/population": roles(CAPABILITIES["thrive_population"][1]),  # aggregate only
    # The recommendations tracker and "my actions" (issue 17): no case data, owners are staff.
    "recommendations": roles(CAPABILITIES["tracker"][1]),
    "actions": roles(CAPABILITIES["own_actions"][1]),
    "actions/<int:action_id>": roles(CAPABILITIES["tracker"][1], ok=404),  # none seeded
    "actions/<int:action_id>/evidence/<int:evidence_id>": roles(CAPABILITIES["tracker"][1], ok=404),
    # A recommendation (issue 17): the business unit adds one; the tracker's readers read one
    # (none numbered 999999: allowed roles get 404).
    "recommendations/new": roles(CAPABILITIES["recommendations"][1]),
    "recommendations/<int:rec_id>": roles(CAPABILITIES["tracker"][1], ok=404),
    # The board's pages (issue 17): packs read by the board and those who report to it, built
    # by the business unit and QA; the yearly report for the board and the business unit.
    # The numbered pack and the year named are not there: allowed roles get 404.
    "board/packs": roles(CAPABILITIES["board_pack"][1]),
    "board/packs/new": roles(CAPABILITIES["build_board_pack"][1]),
    "board/packs/<int:pack_id>": roles(CAPABILITIES["board_pack"][1], ok=404),
    "board/packs/<int:pack_id>.pdf": roles(CAPABILITIES["board_pack"][1], ok=404),
    "board/definitions": roles(CAPABILITIES["board_pack"][1]),
    "board/yearly-report": roles(CAPABILITIES["yearly_report"][1]),
    "board/yearly-report/<str:year>": roles(CAPABILITIES["yearly_report"][1], ok=404),
    # Learning reviews (issue 17): the business unit's; no review is seeded (allowed: 404);
    # the decision and the draft are POSTs.
    "reviews": roles(CAPABILITIES["reviews"][1]),
    "reviews/new": roles(CAPABILITIES["reviews"][1]),
    "reviews/<int:review_id>": roles(CAPABILITIES["reviews"][1], ok=404),
    "reviews/<int:review_id>/decide": everyone(405),
    "reviews/<int:review_id>/pack.zip": roles(CAPABILITIES["reviews"][1], ok=404),
    "reviews/<int:review_id>/draft": everyone(405),
    "reviews/<int:review_id>/narrative": roles(CAPABILITIES["reviews"][1], ok=404),
    "reviews/<int:review_id>/narrative/<int:version>": roles(CAPABILITIES["reviews"][1], ok=404),
    "api/v1/": everyone(404),
    "api/v1/^.*$": everyone(404),
}


def url_patterns() -> list[str]:
    """Every route of the URLconf, as its pattern text."""
    from django.urls import URLPattern, URLResolver, get_resolver

    def walk(patterns: list[Any], prefix: str = "") -> Iterator[str]:
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                yield prefix + str(p.pattern)

    return list(walk(get_resolver().url_patterns))


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Seeded, dict[str, Any], dict[str, str]]]:
    """A seeded site, a signed-in client and an API token for every user."""
    from wholestory.web.bootstrap import setup_django

    setup_django()
    from django.test import Client

    from wholestory.web.accounts.models import ApiToken
    from wholestory.web.accounts.users import grant_review

    store = open_test_store(request.param, request, tmp_path_factory.mktemp("matrix"))
    with serving(store.url):
        seeded = seed(store, tmp_path_factory.mktemp("matrix-partnership"), refuge=True)
        from django.contrib.auth.models import User

        reviewer = User.objects.get(username="rey.reviewer")
        grant_review(reviewer, seeded.person_known_to("SCHOOL"), 7, "ada.admin", "case review")
        _send_alerts(seeded)
        clients, tokens = {}, {}
        for username, _, _ in USERS:
            client = Client()
            sign_in(client, username)
            clients[username] = client
            tokens[username] = ApiToken.issue(User.objects.get(username=username))
        yield seeded, clients, tokens
    store.close()


def _people(seeded: Seeded, who: Who) -> tuple[str, str]:
    """(a person the user is related to, a person they are not)."""
    if who.role in CASEWORK or (who.role == IDENTITY and who.agency != "PARTNERSHIP"):
        return seeded.person_known_to(who.agency), seeded.person_unknown_to(who.agency)
    granted = seeded.person_known_to("SCHOOL")
    other = next(
        str(p)
        for (p,) in seeded.store.query(
            "SELECT ws_person_id FROM ws_chronology WHERE ws_person_id <> ? ORDER BY 1", [granted]
        )
    )
    return granted, other


def _send_alerts(
    seeded: Seeded, users: Sequence[tuple[str, str, str]] = USERS, code: str = "CODE"
) -> None:
    """An alert about each of every user's two people, as sent to them: the one about the
    person they are not related to stands for an alert whose access has since ended."""
    store = seeded.store
    for n, (username, agency, role) in enumerate(users):
        for m, person in enumerate(_people(seeded, Who(username, agency, role))):
            store.execute(
                "INSERT INTO ws_alert (rule, ws_person_id, agency, record, code, raised_at) "
                "VALUES ('NEW_FLAG', ?, '', '', ?, '2026-12-01 09:00:00+00:00')",
                [person, f"{code}_{n}_{m}"],
            )
            alert = store.scalar("SELECT MAX(id) FROM ws_alert")
            store.execute(
                "INSERT INTO ws_alert_recipient (alert_id, username, why, told_at) "
                "VALUES (?, ?, 'lead', '2026-12-01 09:00:00+00:00')",
                [alert, username],
            )


#: The Marac meeting, case and action the seeded partnership has (web_support.add_marac_case).
MARAC_IDS = (
    ("meeting_id", "ws_marac_meeting"),
    ("case_id", "ws_marac_case"),
    ("action_id", "ws_marac_action"),
)


def _fill(pattern: str, seeded: Seeded, person: str, who: Who) -> str:
    """A concrete URL for a route and a person (their record at the user's agency first)."""
    store = seeded.store
    agency, person_id = store.query(
        "SELECT agency, person_id FROM ws_source_person WHERE ws_person_id = ? "
        "ORDER BY CASE WHEN agency = ? THEN 0 ELSE 1 END, key",
        [person, who.agency],
    )[0]
    record_agency, record_id = store.query(
        "SELECT r.agency, r.record_id FROM ws_record r JOIN ws_source_person s "
        "ON s.agency = r.agency AND s.person_id = r.person_id WHERE s.ws_person_id = ? "
        "ORDER BY r.record_id LIMIT 1",
        [person],
    )[0]
    values = {
        "person": person,
        "ws_id": person,
        "agency": str(agency),
        "person_id": str(person_id),
        "key_a": f"{agency}:{person_id}",
        "key_b": "GP:NOBODY",
        "username": "pat.police",
        "token": "no-such-link",
        "record_id": "APP-NO-SUCH-NEED",  # a record's route names a real one, below
        "programme_id": "1",  # no audit programme is seeded: none there
        "auditor_id": "1",
        "cycle_id": "1",  # no PDSA cycle is seeded: none there
        "review_id": "999999",  # no learning review is seeded: none there
        "version": "1",
        "pack_id": "999999",  # no such board pack, whatever the POSTs below build
        "year": "1999-00",  # no yearly report for that year
        "evidence_id": "1",  # no action evidence is seeded: none there
        "rec_id": "999999",  # no such recommendation, whatever the POSTs below add
        **{name: str(store.scalar(f"SELECT MIN(id) FROM {table}")) for name, table in MARAC_IDS},
        "alert": str(
            store.scalar(
                "SELECT a.id FROM ws_alert a JOIN ws_alert_recipient r ON r.alert_id = a.id "
                "WHERE r.username = ? AND a.ws_person_id = ?",
                [who.username, person],
            )
        ),
    }
    if "records/" in pattern:
        values["agency"], values["record_id"] = str(record_agency), str(record_id)
    url = "/" + pattern
    url = url.replace("^.*$", "no-such-endpoint")
    if pattern == "api/v1/search":
        url += "?name=smith"
    return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: values[m.group(1)], url)


def _counts(store: Store) -> dict[str, int]:
    return {t: int(store.scalar(f"SELECT COUNT(*) FROM {t}")) for t in UNTOUCHED}


def _names(store: Store, person: str) -> set[str]:
    rows = store.query(
        "SELECT given_name, family_name FROM ws_source_person WHERE ws_person_id = ?", [person]
    )
    return {str(n) for row in rows for n in row if n and len(str(n)) > 3}


def test_every_route_has_its_expected_outcomes() -> None:
    from wholestory.web.bootstrap import setup_django

    setup_django()
    routes = set(url_patterns())
    assert routes == set(EXPECTED), {
        "routes without expectations": sorted(routes - set(EXPECTED)),
        "expectations without routes": sorted(set(EXPECTED) - routes),
    }


def test_the_matrix(site: tuple[Seeded, dict[str, Any], dict[str, str]]) -> None:
    seeded, clients, tokens = site
    wrong: list[str] = []
    checked = 0
    for username, agency, role in USERS:
        who = Who(username, agency, role)
        related, unrelated = _people(seeded, who)
        found, walked = _walk(seeded, clients, tokens, who, ((True, related), (False, unrelated)))
        wrong += found
        checked += walked
    assert not wrong, "\n".join(wrong[:60]) + f"\n({len(wrong)} of {checked})"
    assert checked >= len(USERS) * len(EXPECTED) * 2


def _walk(
    seeded: Seeded, clients: dict[str, Any], tokens: dict[str, str], who: Who,
    people: tuple[tuple[bool, str], ...],
) -> tuple[list[str], int]:  # fmt: skip
    """Every route as ``who``, about each of ``people`` (related to them, or not): what is
    wrong, and how many requests were checked. Each outcome is as EXPECTED says; a refusal
    about a person shows none of their names, changes nothing and is audited."""
    from wholestory import audit

    wrong: list[str] = []
    checked = 0
    username = who.username
    for pattern in url_patterns():
        for is_related, person in people:
            url = _fill(pattern, seeded, person, who)
            expected = EXPECTED[pattern](who, is_related)
            refusal = expected in (403, 404) and ("<str:person>" in pattern or "{person" in pattern)
            # What a refusal must leave alone, counted only where a refusal is checked.
            before = _counts(seeded.store) if refusal else {}
            audited = audit.count(seeded.store)
            response = _get(clients, tokens, username, url)
            checked += 1
            if response.status_code != expected:
                wrong.append(f"{username} {url}: {response.status_code}, expected {expected}")
                continue
            if refusal:
                body = response.content.decode(errors="replace")
                leaked = [n for n in _names(seeded.store, person) if n in body]
                if leaked:
                    wrong.append(f"{username} {url}: refusal shows {leaked}")
                if _counts(seeded.store) != before:
                    wrong.append(f"{username} {url}: refusal changed the store")
                if not pattern.startswith("api/") and audit.count(seeded.store) <= audited:
                    wrong.append(f"{username} {url}: refusal not audited")
    return wrong, checked


#: Auditors (issue 15), of the agency holding the granted person's records: one with an audit
#: grant on that person, one with none.
AUDITORS = (Who("abe.auditor", "SCHOOL", AUDITOR), Who("ann.auditor", "SCHOOL", AUDITOR))


def test_audit_grants_in_the_matrix(
    site: tuple[Seeded, dict[str, Any], dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every route, as an auditor with an audit grant on one person and as one with none
    (issue 15): the grant opens that person's pages to its auditor alone; the other auditor
    is refused them, like anyone unrelated, and neither may break glass. At the grant's end
    the person is refused again: a second before it the page is shown, at it and a minute
    after it is refused. The users and the grant are removed afterwards."""
    import datetime as dt

    from django.contrib.auth.models import User
    from django.test import Client
    from django.utils import timezone

    from wholestory.web.accounts.models import AccessGrant, ApiToken
    from wholestory.web.accounts.users import add_user

    seeded, clients, tokens = site
    granted, other = _people(seeded, AUDITORS[0])
    ends = timezone.now() + dt.timedelta(hours=1)  # within the session, for the boundary
    clients, tokens = dict(clients), dict(tokens)
    last_alert = seeded.store.scalar("SELECT COALESCE(MAX(id), 0) FROM ws_alert")
    try:
        for who in AUDITORS:
            user = add_user(who.username, who.agency, who.role, PASSWORD, check_password=False)
            clients[who.username] = Client()
            sign_in(clients[who.username], who.username)
            tokens[who.username] = ApiToken.issue(user)
        _send_alerts(seeded, [(w.username, w.agency, w.role) for w in AUDITORS], "AUDIT")
        AccessGrant.objects.create(
            user=User.objects.get(username=AUDITORS[0].username), person=granted,
            kind=AUDIT_GRANT, reason="Case file audit (matrix)", granted_by="quinn.qa",
            starts_at=timezone.now(), ends_at=ends,
        )  # fmt: skip
        wrong, checked = _walk(seeded, clients, tokens, AUDITORS[0],
                               ((True, granted), (False, other)))  # fmt: skip
        found, walked = _walk(seeded, clients, tokens, AUDITORS[1],
                              ((False, granted), (False, other)))  # fmt: skip
        wrong += found
        page = f"/people/{granted}"
        boundary = (
            (ends - dt.timedelta(seconds=1), 200, "a second before"),
            (ends, 403, "at"),
            (ends + dt.timedelta(minutes=1), 403, "a minute after"),
        )
        for at, status, when in boundary:
            monkeypatch.setattr(timezone, "now", lambda at=at: at)
            if (got := clients[AUDITORS[0].username].get(page).status_code) != status:
                wrong.append(f"abe.auditor {page} {when} the grant's end: {got}, not {status}")
        monkeypatch.undo()
    finally:
        User.objects.filter(username__in=[w.username for w in AUDITORS]).delete()
        seeded.store.execute("DELETE FROM ws_alert_recipient WHERE alert_id > ?", [last_alert])
        seeded.store.execute("DELETE FROM ws_alert WHERE id > ?", [last_alert])
    assert not wrong, "\n".join(wrong[:60]) + f"\n({len(wrong)} of {checked + walked})"
    assert checked + walked >= len(AUDITORS) * len(EXPECTED) * 2


def _get(clients: dict[str, Any], tokens: dict[str, str], username: str, url: str) -> Any:
    if url.startswith("/api/"):
        return clients[username].get(url, HTTP_AUTHORIZATION=f"Bearer {tokens[username]}")
    return clients[username].get(url)


def test_no_page_shows_a_confidential_address_but_to_those_allowed(
    site: tuple[Seeded, dict[str, Any], dict[str, str]],
) -> None:
    """Safe addresses through the matrix (issue 13): every route, as every user, about the
    victim at the refuge, her child and the perpetrator, and each record made at the refuge.

    The refuge's street and postcode may appear only on a record's own page for the agency
    that recorded it, or for the IDVA and the Marac coordinator; never in a person page,
    household, chronology, download, search result, review page or the API, and never to
    the perpetrator's probation officer.
    """
    seeded, clients, tokens = site
    refuge = seeded.refuge
    assert refuge is not None
    store = seeded.store
    people = [
        str(store.scalar("SELECT ws_person_id FROM ws_source_person WHERE key = ?", [key]))
        for key in (refuge.victim, refuge.child, refuge.perpetrator)
    ]
    family = str(
        store.scalar("SELECT family_name FROM ws_source_person WHERE key = ?", [refuge.victim])
    )
    shown: list[str] = []
    leaks: list[str] = []
    checked = pdfs_read = 0
    patterns = url_patterns()
    for username, agency, role in USERS:
        who = Who(username, agency, role)
        urls = [_fill(p, seeded, person, who) for p in patterns for person in people]
        urls = [u.replace("name=smith", f"name={family}") for u in urls]
        urls += [f"/people/{people[0]}/records/{a}/{r}" for a, r in refuge.records[:1]]
        urls += [f"/people/{people[1]}/records/{a}/{r}" for a, r in refuge.records[1:]]
        for url in dict.fromkeys(urls):
            response = _get(clients, tokens, username, url)
            checked += 1
            body = _text_of(response)
            if url.endswith(".pdf") and response.status_code == 200:
                pdfs_read += family in body  # the PDF's text was read: the check sees into it
            if response.status_code != 200 or not REFUGE_TRACE.search(body):
                continue
            own_record = any(url.endswith(f"/records/{a}/{r}") and a == agency
                             for a, r in refuge.records)  # fmt: skip
            if own_record or role in SEES_CONFIDENTIAL_ADDRESSES:
                shown.append(f"{username} {url}")
            else:
                leaks.append(f"{username} {url}")
    assert not leaks, "\n".join(leaks[:40]) + f"\n({len(leaks)} of {checked})"
    # The check can see the address: the agency that recorded it reads it on its record.
    assert any(s.startswith("dee.das /people/") for s in shown), shown
    assert pdfs_read > 0
    assert checked >= len(USERS) * len(EXPECTED)


def _text_of(response: Any) -> str:
    """What a response says: a PDF's text extracted (its bytes are compressed and subset),
    with the spaces and hyphens a table cell's wrapping puts in taken out too."""
    if response.get("Content-Type", "").startswith("application/pdf"):
        document = pdfium.PdfDocument(response.content)
        text = "".join(page.get_textpage().get_text_range() for page in document)
        return text + "\n" + re.sub(r"[\s\-]+", "", text)
    return str(response.content.decode(errors="replace"))


def _state(store: Store) -> tuple[object, ...]:
    """What a refused user or grant action must leave alone: counts, and who waits for what."""
    return (
        _counts(store),
        store.query(
            "SELECT u.username, u.is_active, u.password, m.waiting, m.role FROM auth_user u "
            "JOIN ws_membership m ON m.user_id = u.id ORDER BY u.username"
        ),
        store.query("SELECT id, waiting, starts_at, ends_at FROM ws_access_grant ORDER BY id"),
        store.query("SELECT id, used_at FROM ws_password_link ORDER BY id"),
    )


def _case_for_school_only(seeded: Seeded) -> str:
    """A person the school holds records of and the police do not, not yet granted to anyone."""
    from wholestory.access_facts import facts_about

    granted = seeded.person_known_to("SCHOOL")
    for (person,) in seeded.store.query("SELECT ws_person_id FROM ws_chronology ORDER BY 1"):
        facts = facts_about(seeded.store, str(person))
        if person != granted and "SCHOOL" in facts.agencies and "POLICE" not in facts.agencies:
            return str(person)
    raise LookupError("no person known to the school alone")


def _post_by_every_role(
    seeded: Seeded, clients: dict[str, Any], url: str, form: dict[str, str], allowed: str,
    names: set[str], also: frozenset[str] = frozenset(),
) -> list[str]:  # fmt: skip
    """POST as every user, the one allowed (and any ``also`` allowed) last; every refusal
    shows none of ``names``, changes nothing and is audited as refused."""
    from wholestory import audit

    wrong: list[str] = []
    ok = also | {allowed}
    order = [u for u in USERS if u[0] not in ok] + [u for u in USERS if u[0] in ok]
    for username, _, _ in order:
        before, audited = _state(seeded.store), audit.count(seeded.store)
        response = clients[username].post(url, form)
        if username in ok:
            if response.status_code not in (200, 302):
                wrong.append(f"{username} {url}: {response.status_code}, expected it allowed")
            continue
        if response.status_code != 403:
            wrong.append(f"{username} {url}: {response.status_code}, expected 403")
        body = response.content.decode(errors="replace")
        if leaked := [n for n in names if n in body]:
            wrong.append(f"{username} {url}: refusal shows {leaked}")
        if _state(seeded.store) != before:
            wrong.append(f"{username} {url}: refusal changed the store")
        new = audit.entries(seeded.store, limit=1)
        if audit.count(seeded.store) <= audited or new[0].outcome != "denied":
            wrong.append(f"{username} {url}: refusal not audited")
    return wrong


def test_users_and_grants_by_every_role(
    site: tuple[Seeded, dict[str, Any], dict[str, str]],
) -> None:
    """The users' and grants' POSTs (issue 11, M1), by every role: only an administrator asks
    for an account or a grant, and neither opens until the right second person approves it
    (a police lead for a police account; a lead of an agency holding the case for a grant).
    Every other try is refused, shows no case data, changes nothing and is audited."""
    from django.contrib.auth.models import User

    from wholestory.web.accounts.models import AccessGrant

    seeded, clients, _ = site
    case = _case_for_school_only(seeded)
    names = _names(seeded.store, case)
    account = {"username": "m1.new", "agency": "POLICE", "team": "", "role": "practitioner"}
    wrong = _post_by_every_role(seeded, clients, "/users/add", account, "ada.admin", names)
    new = User.objects.get(username="m1.new")
    assert not new.is_active and not new.has_usable_password()  # nobody chose its password
    ask = {"reviewer": "rey.reviewer", "person": case, "days": "7", "reason": "M1 review"}
    wrong += _post_by_every_role(seeded, clients, "/users/grant", ask, "ada.admin", names)
    grant = AccessGrant.objects.get(user__username="rey.reviewer", person=case)
    assert grant.waiting and clients["rey.reviewer"].get(f"/people/{case}").status_code == 403
    wrong += _post_by_every_role(
        seeded, clients, "/users/gus.gp/authenticator", {}, "ada.admin", names
    )
    wrong += _post_by_every_role(
        seeded, clients, "/approvals", {"account": "m1.new"}, "lee.police", names
    )
    wrong += _post_by_every_role(
        seeded, clients, "/approvals", {"grant": str(grant.pk)}, "liz.school", names
    )
    assert not wrong, "\n".join(wrong)
    assert User.objects.get(username="m1.new").is_active
    assert clients["rey.reviewer"].get(f"/people/{case}").status_code == 200


def test_board_packs_and_the_yearly_report_by_every_role(
    site: tuple[Seeded, dict[str, Any], dict[str, str]],
) -> None:
    """The board's POSTs (issue 17): only the business unit and QA build a pack; only the
    business unit and the board draft and edit the yearly report. Every other try is
    refused, keeps nothing and is audited."""
    seeded, clients, _ = site
    store = seeded.store
    kept = ("SELECT COUNT(*) FROM ws_board_pack", "SELECT COUNT(*) FROM ws_yearly_report")
    before = [store.scalar(q) for q in kept]
    builders = frozenset(u for u, _, r in USERS if r in CAPABILITIES["build_board_pack"][1])
    writers = frozenset(u for u, _, r in USERS if r in CAPABILITIES["yearly_report"][1])
    wrong = _post_by_every_role(seeded, clients, "/board/packs/new", {"quarter": "2026Q3"},
                                "bo.business", set(), also=builders)  # fmt: skip
    wrong += _post_by_every_role(seeded, clients, "/board/yearly-report", {"year": "2026-27"},
                                 "bo.business", set(), also=writers)  # fmt: skip
    edit = {"text": "# Edited"}
    wrong += _post_by_every_role(seeded, clients, "/board/yearly-report/2026-27", edit,
                                 "bea.board", set(), also=writers)  # fmt: skip
    assert not wrong, "\n".join(wrong)
    after = [store.scalar(q) for q in kept]
    assert after[0] == before[0] + len(builders)  # each builder's pack, none of the refused
    assert after[1] == before[1] + 1 + len(writers)  # the draft once, then each writer's edit


def test_adding_a_recommendation_by_every_role(
    site: tuple[Seeded, dict[str, Any], dict[str, str]],
) -> None:
    """Adding a recommendation (issue 17): only the business unit; every other try is
    refused, keeps nothing and is audited."""
    seeded, clients, _ = site
    store = seeded.store
    before = store.scalar("SELECT COUNT(*) FROM ws_recommendation")
    adders = frozenset(u for u, _, r in USERS if r in CAPABILITIES["recommendations"][1])
    form = {"source": "audit", "source_ref": "Matrix", "text": "Read the history first",
            "accepted_on": "2026-01-15"}  # fmt: skip
    wrong = _post_by_every_role(seeded, clients, "/recommendations/new", form, "bo.business",
                                set(), also=adders)  # fmt: skip
    assert not wrong, "\n".join(wrong)
    assert store.scalar("SELECT COUNT(*) FROM ws_recommendation") == before + len(adders)


def _glass_form() -> dict[str, str]:
    return {"ground": "risk", "reason": "Ambulance crew found the child alone at home tonight"}


def test_learning_reviews_by_every_role(
    site: tuple[Seeded, dict[str, Any], dict[str, str]],
) -> None:
    """The learning review POSTs (issue 17): only the business unit opens a review, records a
    decision and drafts its narrative; every other try is refused, keeps nothing and is
    audited. The review is closed at the end, so the business unit no longer sees the child
    and the other checks are as before."""
    seeded, clients, _ = site
    store = seeded.store
    ws_id = seeded.person_known_to("POLICE")
    agency, person_id = store.query(
        "SELECT agency, person_id FROM ws_source_person WHERE ws_person_id = ? ORDER BY agency "
        "LIMIT 1", [ws_id])[0]  # fmt: skip
    opened = {"agency": str(agency), "person_id": str(person_id),
              "learned_on": "2025-01-06", "title": "Matrix review"}  # fmt: skip
    kept = "SELECT COUNT(*) FROM ws_review_case"
    before = store.scalar(kept)
    wrong = _post_by_every_role(seeded, clients, "/reviews/new", opened, "bo.business", set())
    assert store.scalar(kept) == before + 1, "only the business unit's review kept"
    review_id = store.scalar("SELECT MAX(id) FROM ws_review_case")
    url = f"/reviews/{review_id}"
    wrong += _post_by_every_role(seeded, clients, f"{url}/draft", {}, "bo.business", set())
    closing = {"decision": "closed", "on": "2025-01-10", "reason": "Matrix"}
    wrong += _post_by_every_role(seeded, clients, f"{url}/decide", closing, "bo.business", set())
    assert not wrong, "\n".join(wrong)
    decided = store.query("SELECT decided_by FROM ws_review_decision WHERE review_id = ?",
                          [review_id])  # fmt: skip
    assert [str(r[0]) for r in decided] == ["bo.business"]
    assert clients["bo.business"].get(url).status_code == 403  # closed: the child unseen again


def test_breaking_glass_by_every_role(site: tuple[Seeded, dict[str, Any], dict[str, str]]) -> None:
    """The break-glass POST (issue 11, M3, L7), by every role, with and without a relationship:
    a role that may not break glass is refused (nothing of the person shown, nothing changed,
    the refusal audited); a worker already related goes to the page without a grant; anyone
    else who may break glass gets one. The grants made are removed afterwards."""
    from wholestory import audit
    from wholestory.web.accounts.models import AccessGrant, Notification

    seeded, clients, _ = site
    last_grant = AccessGrant.objects.order_by("-id").values_list("id", flat=True).first() or 0
    last_note = Notification.objects.order_by("-id").values_list("id", flat=True).first() or 0
    wrong: list[str] = []
    try:
        for username, agency, role in USERS:
            who = Who(username, agency, role)
            for is_related, person in zip((True, False), _people(seeded, who), strict=True):
                refused = break_glass(who, is_related) == 403
                before, audited = _counts(seeded.store), audit.count(seeded.store)
                url = f"/people/{person}/break-glass"
                response = clients[username].post(url, _glass_form())
                granted = AccessGrant.objects.filter(
                    id__gt=last_grant, user__username=username, person=person
                ).exists()
                already = is_related and (role in CASEWORK or role == REVIEWER)
                if response.status_code != (403 if refused else 302):
                    wrong.append(f"{username} {url}: {response.status_code}")
                elif not refused and granted == already:
                    wrong.append(f"{username} {url}: granted {granted}, related {already}")
                if not refused:
                    continue
                body = response.content.decode(errors="replace")
                if leaked := [n for n in _names(seeded.store, person) if n in body]:
                    wrong.append(f"{username} {url}: refusal shows {leaked}")
                if _counts(seeded.store) != before:
                    wrong.append(f"{username} {url}: refusal changed the store")
                new = audit.entries(seeded.store, limit=1)
                if audit.count(seeded.store) <= audited or new[0].outcome != "denied":
                    wrong.append(f"{username} {url}: refusal not audited")
    finally:
        AccessGrant.objects.filter(id__gt=last_grant).delete()
        Notification.objects.filter(id__gt=last_note).delete()
    assert not wrong, "\n".join(wrong)


RECORD_AGENCIES = ("POLICE", "SCHOOL", "GP")


def _queued(store: Store, agency_a: str, agency_b: str) -> tuple[str, str]:
    """A new pair in the review queue: two different people's records, one at each agency."""
    key_a, key_b = store.query(
        "SELECT a.key, b.key FROM ws_source_person a JOIN ws_source_person b "
        "ON a.ws_person_id <> b.ws_person_id WHERE a.agency = ? AND b.agency = ? "
        "AND NOT EXISTS (SELECT 1 FROM ws_link_pair p WHERE (p.key_l = a.key AND "
        "p.key_r = b.key) OR (p.key_l = b.key AND p.key_r = a.key)) ORDER BY a.key, b.key LIMIT 1",
        [agency_a, agency_b],
    )[0]
    key_l, key_r = sorted((str(key_a), str(key_b)))
    store.execute(
        "INSERT INTO ws_link_pair (key_l, key_r, match_weight, match_probability, evidence, "
        "state, note, model_id, scored_at) VALUES (?, ?, 1.0, 0.7, '{}', 'review', NULL, NULL, "
        "'2025-01-01 00:00:00+00:00')",
        [key_l, key_r],
    )
    return key_l, key_r


def _pair_for(store: Store, who: Who, related: bool) -> tuple[str, str]:
    """A queued pair with a record of the user's agency (related), or with none."""
    home = who.agency if who.agency in RECORD_AGENCIES else "POLICE"
    others = [a for a in RECORD_AGENCIES if a != home]
    return _queued(store, home, others[0]) if related else _queued(store, *others)


def test_review_decisions_by_every_role(
    site: tuple[Seeded, dict[str, Any], dict[str, str]],
) -> None:
    """The link review decision POST (issue 11, M2), by every role, with and without a record
    of their agency in the pair: only an identity reviewer decides, on pairs with a record of
    their agency (or any pair, for the partnership's); every other try is refused with
    neither record's names shown, nothing changed and the refusal audited."""
    from wholestory import audit

    seeded, clients, _ = site
    store = seeded.store
    wrong: list[str] = []
    for username, agency, role in USERS:
        who = Who(username, agency, role)
        for related in (True, False):
            key_a, key_b = _pair_for(store, who, related)
            allowed = role == IDENTITY and (related or agency == "PARTNERSHIP")
            before, audited = _counts(store), audit.count(store)
            url = f"/review/{key_a}/{key_b}"
            response = clients[username].post(
                url, {"decision": "different", "reason": f"Matrix check by {username}"}
            )
            decided = store.scalar(
                "SELECT COUNT(*) FROM ws_link_decision WHERE key_l = ? AND key_r = ?",
                [key_a, key_b],
            )
            if response.status_code != (302 if allowed else 403):
                wrong.append(f"{username} {url}: {response.status_code}")
            elif bool(decided) != allowed:
                wrong.append(f"{username} {url}: decided {decided}, allowed {allowed}")
            if allowed:
                continue
            body = response.content.decode(errors="replace")
            names = {
                str(n)
                for row in store.query(
                    "SELECT given_name, family_name FROM ws_source_person WHERE key IN (?, ?)",
                    [key_a, key_b],
                )
                for n in row
                if n and len(str(n)) > 3
            }
            if leaked := [n for n in names if n in body]:
                wrong.append(f"{username} {url}: refusal shows {leaked}")
            if _counts(store) != before:
                wrong.append(f"{username} {url}: refusal changed the store")
            new = audit.entries(store, limit=1)
            if audit.count(store) <= audited or new[0].outcome != "denied":
                wrong.append(f"{username} {url}: refusal not audited")
    assert not wrong, "\n".join(wrong)


def test_uploading_by_every_role(
    site: tuple[Seeded, dict[str, Any], dict[str, str]], tmp_path: Path
) -> None:
    """The upload POST (issue 11, H1): one row naming a child another agency knows. Only a
    data officer may put it in; every other role is refused with nothing from the file in
    the page, nothing changed in the store, and the refusal audited. (Last in this module:
    the data officer's upload goes in.)"""
    from arrival_support import one_row_file, row_naming
    from wholestory import audit

    seeded, clients, _ = site
    child = seeded.person_known_to("SCHOOL")
    wrong: list[str] = []
    for username, agency, role in USERS:
        row = row_naming(seeded.store, child, agency, f"H1-{username}")
        names = {row["given_name"], row["family_name"], row["date_of_birth"]}
        before, audited = _counts(seeded.store), audit.count(seeded.store)
        with one_row_file(tmp_path, row).open("rb") as handle:
            response = clients[username].post("/upload", {"file": handle})
        expected = 200 if role == DATA else 403
        if response.status_code != expected:
            wrong.append(f"{username}: {response.status_code}, expected {expected}")
            continue
        if role == DATA:
            continue
        body = response.content.decode(errors="replace")
        if leaked := [n for n in names if n in body]:
            wrong.append(f"{username}: refusal shows {leaked}")
        if _counts(seeded.store) != before:
            wrong.append(f"{username}: refusal changed the store")
        new = audit.entries(seeded.store, limit=1)
        if audit.count(seeded.store) <= audited or new[0].outcome != "denied":
            wrong.append(f"{username}: refusal not audited")
    assert not wrong, "\n".join(wrong)


def test_alerts_and_their_emails_reach_only_those_who_may_see_the_child(
    site: tuple[Seeded, dict[str, Any], dict[str, str]],
) -> None:
    """Every rule, for children known to each casework agency and one the police do not know,
    told as the feed tells them: everyone told may see the child, and the email digests go
    to exactly the people told (issue 14)."""
    import datetime as dt

    from django.contrib.auth.models import User
    from django.core import mail

    from wholestory.access import may_see_person
    from wholestory.access_facts import facts_about
    from wholestory.alerts.recipients import tell, users
    from wholestory.alerts.rules import Alert, keep_alerts
    from wholestory.alerts.settings import NEW_FLAG, NEW_INVOLVEMENT, SOMETHING_NEW
    from wholestory.web.accounts.alert_mail import send_digests

    seeded, _, _ = site
    store = seeded.store
    for username, *_ in USERS:
        User.objects.filter(username=username).update(email=f"{username}@example.org")
    agencies = ("POLICE", "SCHOOL", "GP", "PROBATION", "DA_SERVICE")
    people = sorted({seeded.person_known_to(a) for a in agencies}
                    | {seeded.person_unknown_to("POLICE")})  # fmt: skip
    alerts: list[Alert] = []
    for person in people:
        for agency, record_id, practitioner in store.query(
            "SELECT r.agency, r.record_id, r.practitioner FROM ws_record r JOIN ws_source_person s "
            "ON s.agency = r.agency AND s.person_id = r.person_id WHERE s.ws_person_id = ? "
            "ORDER BY r.agency, r.record_id",
            [person],
        ):
            key = f"{agency}:{record_id}"
            alerts += [Alert(NEW_INVOLVEMENT, person, str(agency), key),
                       Alert(SOMETHING_NEW, person, str(agency), key)]  # fmt: skip
            for username, user_agency, role in USERS:  # the worker who wrote it, matched
                if user_agency == agency and role == "practitioner" and practitioner:
                    store.execute(
                        "UPDATE ws_membership SET practitioner_name = ? WHERE user_id = "
                        "(SELECT id FROM auth_user WHERE username = ?)",
                        [practitioner, username],
                    )
        alerts.append(Alert(NEW_FLAG, person, "", "", "MATRIX_CHECK"))
    now = dt.datetime.now(dt.UTC)
    # The alerts the site was seeded with (_send_alerts) count as emailed already.
    store.execute("UPDATE ws_alert_recipient SET emailed_at = told_at")
    told = tell(store, keep_alerts(store, alerts, now), now)
    by_name = {u.username: u for u in users(store)}
    whose = {int(i): str(p) for i, p in store.query("SELECT id, ws_person_id FROM ws_alert")}
    wrong = [
        (t.username, whose[t.alert])
        for t in told
        if not may_see_person(
            by_name[t.username].viewer(), facts_about(store, whose[t.alert]), now
        ).allowed
    ]
    assert told and not wrong, wrong
    roles = {by_name[t.username].role for t in told}
    assert roles <= CASEWORK and LEAD in roles  # leads of several agencies, and workers
    mail.outbox = []
    send_digests(store)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        {f"{t.username}@example.org" for t in told}
    )


def test_thrive_records_by_every_role(site: tuple[Seeded, dict[str, Any], dict[str, str]]) -> None:
    """A child's THRIVE POSTs (issue 16), by every role: casework at an agency that records
    THRIVE and may see the child keeps a grouping and a Current View; every other try is
    refused, shows nothing of the child, keeps nothing and is audited."""
    import datetime as dt

    from wholestory.access import may_record_thrive, may_see_person
    from wholestory.access_facts import facts_about
    from wholestory.alerts.recipients import users

    seeded, clients, _ = site
    store = seeded.store
    case = _case_for_school_only(seeded)
    facts, now = facts_about(store, case), dt.datetime.now(dt.UTC)
    recorders = frozenset(
        u.username for u in users(store)
        if u.username in clients and may_record_thrive(u.viewer()).allowed
        and may_see_person(u.viewer(), facts, now).allowed
    )  # fmt: skip
    today = dt.date.today()
    grouping = {"grouping": "advice", "reason": "Worried about exams.", "agreement": "agreed",
                "childs_view": "Wants tips for sleep.", "recorded_on": today.isoformat(),
                "review_on": (today + dt.timedelta(days=30)).isoformat()}  # fmt: skip
    kept = [f"SELECT COUNT(*) FROM {t}" for t in ("ws_thrive_grouping", "ws_thrive_current_view")]
    before = [store.scalar(q) for q in kept]
    url = f"/people/{case}/thrive"
    names = _names(store, case)
    wrong = _post_by_every_role(seeded, clients, f"{url}/grouping/new", grouping, "sam.school",
                                names, also=recorders)  # fmt: skip
    view = {"recorded_on": today.isoformat(), "problems__panics": "mild"}
    wrong += _post_by_every_role(seeded, clients, f"{url}/current-view/new", view, "sam.school",
                                 names, also=recorders)  # fmt: skip
    assert not wrong, "\n".join(wrong)
    assert "sam.school" in recorders and "pat.police" not in recorders
    assert [store.scalar(q) for q in kept] == [b + len(recorders) for b in before]
