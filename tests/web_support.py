"""Web tests' shared set-up: a store with a partnership, users of every role, on either database.

``serving(url)`` points Django's default connection and the pages' core
connection at one store, so the same test runs on SQLite and PostgreSQL in
one process. ``seed`` imports a small synthetic partnership, links it, builds
every chronology and adds one user of each role (casework roles at two
agencies), all with :data:`PASSWORD`.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from wholestory.records.keys import source_key
from wholestory.records.template import COLUMNS
from wholestory.store import Store, StoreURL, open_store
from wholestory.store.url import django_database_settings
from wholestory.web.bootstrap import setup_django

PASSWORD = "correct horse battery staple 42"

#: (username, agency, role) of the users ``seed`` adds.
USERS: tuple[tuple[str, str, str], ...] = (
    ("pat.police", "POLICE", "practitioner"),
    ("mia.police", "POLICE", "manager"),
    ("lee.police", "POLICE", "lead"),
    ("sam.school", "SCHOOL", "practitioner"),
    ("meg.school", "SCHOOL", "manager"),
    ("liz.school", "SCHOOL", "lead"),
    ("gus.gp", "GP", "practitioner"),
    ("rey.reviewer", "PARTNERSHIP", "reviewer"),
    ("quinn.qa", "PARTNERSHIP", "qa"),
    ("bea.board", "PARTNERSHIP", "board"),
    ("ada.admin", "PARTNERSHIP", "admin"),
    ("dot.police", "POLICE", "data"),
    ("ivy.police", "POLICE", "identity"),  # reviews pairs with a Police record (issue 11, M2)
    ("ian.identity", "PARTNERSHIP", "identity"),  # reviews every pair
    ("gil.governance", "PARTNERSHIP", "governance"),
    ("cody.coordinator", "PARTNERSHIP", "coordinator"),  # the Marac referral list (issue 13)
    # Safe addresses (issue 13): the perpetrator's probation officer must not learn the
    # refuge; the domestic abuse service that recorded it may read it.
    ("pip.probation", "PROBATION", "practitioner"),
    ("dee.das", "DA_SERVICE", "practitioner"),
    ("eve.encompass", "POLICE", "encompass"),  # Operation Encompass (issue 13)
    ("dan.dsl", "SCHOOL", "dsl"),
    ("mo.moderator", "PARTNERSHIP", "moderator"),  # case file audits (issue 15)
    ("bo.business", "PARTNERSHIP", "business_unit"),  # learning reviews (issue 17)
    ("otto.owner", "CSC", "action_owner"),
)
#: The teams of the seeded users who have one, as the synthetic police records name them. The
#: default agreement makes the police team-level: the practitioner is in a team that holds
#: records of several of the partnership's children (``person_known_to`` picks one of them);
#: the manager and the lead oversee the whole force (``access.TEAM_BOUND``), whatever team.
TEAMS: dict[str, str] = {
    "pat.police": "Response South",
    "mia.police": "Response South",
    "lee.police": "Public Protection Unit",
}


@contextlib.contextmanager
def serving(url: StoreURL) -> Iterator[None]:
    """Make Django's default database, and the pages' store connection, this store."""
    setup_django()
    from django.db import connections

    from wholestory.web.pages import guard

    old = dict(connections.settings["default"])
    old_env = os.environ.get("WHOLESTORY_DATABASE_URL")
    _switch(connections, django_database_settings(url))
    os.environ["WHOLESTORY_DATABASE_URL"] = url.raw  # other threads' store connections
    guard._local.store = open_store(url)
    try:
        yield
    finally:
        guard._local.store.close()
        guard._local.store = None
        _switch(connections, old)
        if old_env is None:
            os.environ.pop("WHOLESTORY_DATABASE_URL", None)
        else:
            os.environ["WHOLESTORY_DATABASE_URL"] = old_env


def _switch(connections: object, settings: dict[str, object]) -> None:
    handler = connections  # django.db.utils.ConnectionHandler
    with contextlib.suppress(Exception):
        handler["default"].close()  # type: ignore[index]
    configured = handler.configure_settings({"default": settings})  # type: ignore[attr-defined]
    handler.settings["default"] = configured["default"]  # type: ignore[attr-defined]
    with contextlib.suppress(AttributeError):
        delattr(handler._connections, "default")  # type: ignore[attr-defined]


@dataclass
class Seeded:
    """What ``seed`` made: the store, and people to test with."""

    store: Store
    folder: Path
    users: dict[str, tuple[str, str]] = field(default_factory=dict)  # username -> (agency, role)
    refuge: Refuge | None = None

    def person_known_to(self, agency: str, child: bool = True, team: str | None = None) -> str:
        """A WholeStory person whose records include ``agency``'s (a child by default).

        At an agency whose seeded practitioner has a team, one of whom that team holds
        records (``team`` names another), so every casework user of the agency sees them.
        """
        if team is None:
            team = next((TEAMS[u] for u, a, r in USERS if a == agency and r == "practitioner"
                         and u in TEAMS), "")  # fmt: skip
        row = self.store.query(
            "SELECT s.ws_person_id FROM ws_source_person s JOIN ws_chronology c "
            "ON c.ws_person_id = s.ws_person_id WHERE s.agency = ? AND c.is_child = ? "
            "AND (? = '' OR EXISTS (SELECT 1 FROM ws_record r WHERE r.agency = s.agency "
            "AND r.person_id = s.person_id AND r.team = ?)) ORDER BY s.ws_person_id LIMIT 1",
            [agency, child, team, team],
        )
        if not row and child:  # probation, a domestic abuse service: adults' agencies
            return self.person_known_to(agency, False, team)
        return str(row[0][0])

    def person_unknown_to(self, agency: str) -> str:
        """A person with no records at ``agency`` and no household child known to it."""
        from wholestory.access_facts import facts_about

        for (person,) in self.store.query(
            "SELECT ws_person_id FROM ws_chronology ORDER BY ws_person_id"
        ):
            facts = facts_about(self.store, str(person))
            if agency not in facts.agencies and agency not in facts.household_child_agencies:
                return str(person)
        raise LookupError(f"everyone is known to {agency}")


#: The refuge ``add_refuge`` records (synthetic: the XZ postcode area does not exist).
REFUGE: Final = ("Flat 3, 27 Sorrel Gardens", "XZ9 4RF")
#: Any trace of the refuge in a page: its street or its postcode, however spaced.
REFUGE_TRACE: Final = re.compile(r"sorrel|xz9\s*4rf", re.IGNORECASE)


@dataclass(frozen=True)
class Refuge:
    """Who ``add_refuge`` wrote records for, by their police keys, and the records themselves."""

    victim: str
    perpetrator: str
    child: str
    records: tuple[tuple[str, str], ...]  # (agency, record_id) of each record at the refuge


def add_refuge(folder: Path) -> Refuge:
    """The victim of the partnership's first police domestic incident flees with a child.

    The domestic abuse service records her at a refuge, marked confidential; the
    child's new school records him there unmarked; probation supervises the
    perpetrator. Their details are copied from the police records, so linking
    joins them to the people the police know.
    """
    with (folder / "police.csv").open(encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["event_type"] == "DA_INCIDENT"]
    event = next(
        e for e in dict.fromkeys(r["event_id"] for r in rows)
        if {"VICTIM", "SUSPECT"} <= {r["role"] for r in rows if r["event_id"] == e}
        and any(r["role"] in ("PRESENT", "HOUSEHOLD_MEMBER") for r in rows if r["event_id"] == e)
    )  # fmt: skip
    at = [r for r in rows if r["event_id"] == event]
    victim = next(r for r in at if r["role"] == "VICTIM")
    perpetrator = next(r for r in at if r["role"] == "SUSPECT")
    child = next(r for r in at if r["role"] in ("PRESENT", "HOUSEHOLD_MEMBER"))
    day = (dt.date.fromisoformat(victim["event_date"]) + dt.timedelta(days=9)).isoformat()
    address, postcode = REFUGE
    written = [
        _moved(victim, "DA_SERVICE", "DAS-REFUGE-1", day, "DA_SERVICE_CONTACT", "VICTIM", "Y",
               f"Moved with the children to {address}, {postcode}; safety plan agreed"),
        _moved(child, "SCHOOL", "SCH-REFUGE-1", day, "ATTENDANCE_CONCERN", "SUBJECT", "",
               "Joined the school; living at 27 Sorrel Gardens with mum"),
        _moved(perpetrator, "PROBATION", "PRB-REFUGE-1", day, "RELEASE", "SUBJECT", "",
               "Released on licence; no contact with the victim or the children",
               address=perpetrator["address"], postcode=perpetrator["postcode"]),
    ]  # fmt: skip
    with (folder / "refuge.csv").open("w", encoding="utf-8", newline="") as handle:
        out = csv.DictWriter(handle, fieldnames=list(COLUMNS))
        out.writeheader()
        out.writerows(written)
    keys = [source_key("POLICE", r["person_id"]) for r in (victim, perpetrator, child)]
    return Refuge(*keys, records=tuple((r["agency"], r["record_id"]) for r in written[:2]))


def _moved(
    person: dict[str, str],
    agency: str,
    record_id: str,
    day: str,
    event_type: str,
    role: str,
    confidential: str,
    summary: str,
    address: str = REFUGE[0],
    postcode: str = REFUGE[1],
) -> dict[str, str]:
    """One agency's record of ``person`` (copied from a police record) on ``day``."""
    row = dict.fromkeys(COLUMNS, "")
    same = ("given_name", "family_name", "date_of_birth", "sex", "nhs_number")
    row.update({c: person[c] for c in same})
    row.update(
        agency=agency, record_id=record_id, person_id=f"{record_id}-P", address=address,
        postcode=postcode, role=role, event_date=day, event_type=event_type, summary=summary,
        address_confidential=confidential,
    )  # fmt: skip
    return row


def seed(
    store: Store, folder: Path, children: int = 60, seed_number: int = 4, refuge: bool = False
) -> Seeded:
    """A partnership imported, linked and built, and one user per role.

    With ``refuge``, :func:`add_refuge` adds a victim's confidential address (issue 13).
    """
    from wholestory.access import TWO_FACTOR_REQUIRED
    from wholestory.chronology.stored import build_all
    from wholestory.identity import LinkThresholds, link_all
    from wholestory.ingest import ingest_paths
    from wholestory.synth import generate
    from wholestory.web.accounts.users import add_totp, add_user

    if not (folder / "manifest.json").exists():
        generate(children, seed_number, folder)
    if refuge:
        seeded_refuge = add_refuge(folder)
    ingest_paths(store, [folder])
    link_all(store, thresholds=LinkThresholds())
    build_all(store)
    seeded = Seeded(store, folder, refuge=seeded_refuge if refuge else None)
    if refuge:
        add_marac_case(store, seeded_refuge)
    for username, agency, role in USERS:
        user = add_user(username, agency, role, PASSWORD, TEAMS.get(username, ""),
                        check_password=False)  # fmt: skip
        if role in TWO_FACTOR_REQUIRED:
            add_totp(user)
        seeded.users[username] = (agency, role)
    return seeded


def add_marac_case(store: Store, refuge: Refuge) -> None:
    """A Marac meeting a week from today hearing the refuge's victim, her child and the
    perpetrator, with an action for the DA service and its research, every fact shared
    (the refuge's own record among them)."""
    from wholestory.domestic_abuse import marac_words
    from wholestory.domestic_abuse.marac_meetings import Offer, add_action, add_case, create_meeting
    from wholestory.domestic_abuse.marac_research import prefill, save_research
    from wholestory.identity.household_reading import people_of

    ws = people_of(store, [refuge.victim, refuge.perpetrator, refuge.child])
    today = dt.date.today()
    meeting = create_meeting(store, today + dt.timedelta(days=7), "cody.coordinator")
    offer = Offer("seeded", ws[refuge.victim], marac_words.PROFESSIONAL_JUDGEMENT, "DA_SERVICE",
                  today, (ws[refuge.perpetrator],), (ws[refuge.child],))  # fmt: skip
    case = add_case(store, meeting.id, offer, "cody.coordinator")
    add_action(store, case.id, "DA_SERVICE", "Dee", "Safety plan review", today, "cody.coordinator")
    facts = prefill(store, case, "DA_SERVICE")
    save_research(store, case, "DA_SERVICE", [f.record for f in facts], "High risk", "", "dee.das")


def signed_in(users: list[tuple[str, str, str, str]]) -> dict[str, object]:
    """A Django test client for each new user (username, agency, role, team), signed in.

    A role that needs a second factor gets an authenticator and passes it.
    """
    from django.test import Client

    from wholestory.access import TWO_FACTOR_REQUIRED
    from wholestory.web.accounts.users import add_totp, add_user

    clients: dict[str, object] = {}
    for username, agency, role, team in users:
        user = add_user(username, agency, role, PASSWORD, team, check_password=False)
        if role in TWO_FACTOR_REQUIRED:
            add_totp(user)
        client = Client()
        client.post("/login", {"username": username, "password": PASSWORD})
        if role in TWO_FACTOR_REQUIRED:
            client.post("/two-factor", {"code": totp_code(username)})
        clients[username] = client
    return clients


def totp_code(username: str) -> str:
    """The current TOTP code of a seeded user's authenticator.

    Read from the store the site is serving (``WHOLESTORY_DATABASE_URL``, set by
    :func:`serving`) rather than through Django's connection: a browser journey calls
    this from Playwright's greenlet, where Django may still hold the connection of an
    earlier module's store.
    """
    from django_otp.oath import totp

    from wholestory.store import resolve_url

    with open_store(resolve_url(os.environ["WHOLESTORY_DATABASE_URL"])) as store:
        key, step, t0, digits, drift = store.query(
            "SELECT d.key, d.step, d.t0, d.digits, d.drift FROM otp_totp_totpdevice d "
            "JOIN auth_user u ON u.id = d.user_id WHERE u.username = ?",
            [username],
        )[0]
    return f"{totp(bytes.fromhex(str(key)), int(step), int(t0), int(digits), int(drift)):06d}"


def sign_in(client: object, username: str) -> None:
    """Sign a Django test client in, passing the second factor where the role needs one."""
    response = client.post("/login", {"username": username, "password": PASSWORD})  # type: ignore[attr-defined]
    assert response.status_code == 302, response.content[:500]
    from wholestory.access import TWO_FACTOR_REQUIRED

    role = next((r for u, _, r in USERS if u == username), "")
    if role in TWO_FACTOR_REQUIRED or username.startswith(
        ("lee.", "liz.", "ada.", "gil.", "dot.", "cody.", "eve.")
    ):
        response = client.post("/two-factor", {"code": totp_code(username)})  # type: ignore[attr-defined]
        assert response.status_code == 302, response.content[:500]


def open_test_store(backend: str, request: object, folder: Path) -> Store:
    """An empty migrated store on ``backend`` for a module's tests (module-scoped fixtures)."""
    from conftest import TABLES
    from wholestory.store import resolve_url
    from wholestory.web.bootstrap import ensure_schema

    if backend == "sqlite":
        url = resolve_url(f"sqlite:///{folder / 'store.sqlite3'}")
        ensure_schema(url)
        return open_store(url)
    store = open_store(request.getfixturevalue("postgres_url"))  # type: ignore[attr-defined]
    store.execute(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE")
    return store
