"""The sharing agreement applied everywhere a person reads a story (issue 18), on both databases.

Every row of a hand-written family's records carries its own marker phrase in
its summary, action and practitioner. For each agency and casework role (with a
relationship), for viewers who broke glass (without one), and for a reviewer,
each record's marker appears exactly where the agreement shows that record in
full: in the person's pages, the CSV, the PDF, the API, the record pages, and
never in search results or notifications.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest

from family_case import write_family
from web_support import PASSWORD, open_test_store, serving, totp_code
from wholestory import audit
from wholestory.chronology.stored import chronology_of
from wholestory.chronology.vocabulary import category_of
from wholestory.sharing import FULL, default_agreement, level_for
from wholestory.store import Store

#: A record's marker: "zq" + its row number + "zq", in its summary, action and practitioner.
MARK = re.compile(r"zq(\d+)zq")
#: The agencies holding records of the boy at the centre of the family.
HIS_AGENCIES = ("POLICE", "CSC", "GP", "SCHOOL", "ED", "CAMHS", "HOUSING", "YOUTH_JUSTICE")
CASEWORK_ROLES = ("practitioner", "manager", "lead")
#: Viewers with no relationship to him, who break glass.
GLASS = (("ADULT_MH", "practitioner"), ("PROBATION", "manager"), ("PARTNERSHIP", "qa"))


@dataclass(frozen=True)
class Family:
    store: Store
    boy: str
    marks: dict[tuple[str, str], set[str]]  # (agency, record_id) -> its rows' markers
    #: Signed-in clients, kept: a lead's second factor cannot be used twice in one time step.
    clients: dict[tuple[str, str], Any] = field(default_factory=dict)


def _marked(folder: Path) -> None:
    """Put a marker in every row's summary, action and practitioner."""
    number = 0
    for path in sorted(folder.glob("*.csv")):
        if path.name == "relationships.csv":
            continue
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            fields = list(reader.fieldnames or [])
            rows = list(reader)
        if path.name == "gp.csv":
            rows.append(_restricted_visit(rows))
        for row in rows:
            number += 1
            mark = f"zq{number}zq"
            row["summary"] = f"{row['summary']} {mark}"
            row["action"] = f"Action {mark}"
            row["practitioner"] = f"Worker {mark}"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=fields)
            writer.writeheader()
            writer.writerows(rows)


#: The words of the boy's restricted record (before its marker), and the address it gives.
RESTRICTED_WORDS = "Sexual health consultation"
SAFE_ADDRESS = "1 Hidden Lane, Safeton"


def _restricted_visit(gp_rows: list[dict[str, str]]) -> dict[str, str]:
    """A consultation the boy's GP marks as restricted: only the GP may ever read it."""
    his = next(r for r in gp_rows if r["person_id"] == "G300")
    return {
        **his, "record_id": "G300-R1", "event_date": "2023-05-02",
        "event_type": "APPOINTMENT_ATTENDED", "summary": RESTRICTED_WORDS, "outcome": "",
        "restricted": "SEXUAL_HEALTH", "address": SAFE_ADDRESS, "postcode": "SF1 9ZZ",
    }  # fmt: skip


def _username(agency: str, role: str) -> str:
    # Leads sign in with a second factor; web_support's sign-in knows them by "lee.".
    prefix = "lee" if role == "lead" else role[:3]
    return f"{prefix}.{agency.lower()}"


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def family(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Family]:
    from wholestory.chronology.stored import build_all
    from wholestory.identity import link_all
    from wholestory.ingest import ingest_paths
    from wholestory.web.bootstrap import setup_django

    setup_django()
    from django.contrib.auth.models import User

    from wholestory.web.accounts.models import AccessGrant
    from wholestory.web.accounts.users import add_totp, add_user, grant_review

    store = open_test_store(request.param, request, tmp_path_factory.mktemp("sharing"))
    folder = write_family(tmp_path_factory.mktemp("family") / "family")
    _marked(folder)
    with serving(store.url):
        result = ingest_paths(store, [folder])
        assert not result.failed and result.totals()["quarantined"] == 0
        link_all(store)
        build_all(store)
        boy = str(store.scalar("SELECT ws_person_id FROM ws_source_person WHERE key = 'CSC:C200'"))
        marks: dict[tuple[str, str], set[str]] = {}
        for agency, record_id, summary in store.query(
            "SELECT agency, record_id, summary FROM ws_record"
        ):
            marks.setdefault((str(agency), str(record_id)), set()).update(
                f"zq{n}zq" for n in MARK.findall(str(summary))
            )
        viewers = [(a, r) for a in HIS_AGENCIES for r in CASEWORK_ROLES]
        for agency, role in [*viewers, *GLASS, ("PARTNERSHIP", "reviewer")]:
            user = add_user(_username(agency, role), agency, role, PASSWORD, check_password=False)
            if role == "lead":
                add_totp(user)
            now = dt.datetime.now(dt.UTC)
            if (agency, role) in GLASS:
                AccessGrant.objects.create(
                    user=user, person=boy, kind=AccessGrant.BREAK_GLASS,
                    reason="Test: an urgent strategy discussion about this child.",
                    granted_by=user.username, starts_at=now, ends_at=now + dt.timedelta(hours=1),
                )  # fmt: skip
        reviewer = User.objects.get(username=_username("PARTNERSHIP", "reviewer"))
        grant_review(reviewer, boy, 7, "lee.csc", "Rapid review")
        yield Family(store, boy, marks)
    store.close()


@pytest.fixture(autouse=True)
def _no_rate_limits() -> None:
    from django.core.cache import cache

    from wholestory.web.bootstrap import setup_django

    setup_django()
    cache.clear()


def _client(family: Family, agency: str, role: str) -> Any:
    from django.test import Client

    if (agency, role) in family.clients:
        return family.clients[agency, role]
    username = _username(agency, role)
    client = Client()
    response = client.post("/login", {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content[:300]
    if role == "lead":
        response = client.post("/two-factor", {"code": totp_code(username)})
        assert response.status_code == 302, response.content[:300]
    family.clients[agency, role] = client
    return client


def _expected(family: Family, agency: str, role: str) -> tuple[set[str], set[str], set[str]]:
    """The markers of the records the agreement shows this viewer in full, every other
    marker there is, and the markers of the entries' own words (their summaries) where every
    record of the entry is shown in full: what a download of the entries must hold."""
    agreement = default_agreement()
    shown: set[str] = set()
    entries: set[str] = set()
    for entry in chronology_of(family.store, family.boy).entries:
        full = [
            level_for(
                agreement,
                agency,
                role,
                s.agency,
                category_of(s.event_type),
                not s.own,
                bool(s.restricted),
            )[0]
            == FULL
            for s in entry.sources
        ]
        for source, in_full in zip(entry.sources, full, strict=True):
            if in_full:
                shown |= family.marks[source.agency, source.record_id]
        if all(full):
            entries |= _marks_in(entry.summary)
    everything = {m for marks in family.marks.values() for m in marks}
    return shown, everything - shown, entries


def _marks_in(text: str) -> set[str]:
    return {f"zq{n}zq" for n in MARK.findall(text)}


def _story_bodies(client: Any, boy: str) -> str:
    pages = [client.get(f"/people/{boy}"), client.get(f"/people/{boy}", {"page": "2"})]
    for page in pages:
        assert page.status_code == 200
    return "".join(page.content.decode() for page in pages)


def _api_text(family: Family, agency: str, role: str) -> str:
    from django.contrib.auth.models import User
    from django.test import Client

    from wholestory.web.accounts.users import issue_token

    token = issue_token(User.objects.get(username=_username(agency, role)))
    response = Client().get(
        f"/api/v1/people/{family.boy}/chronology", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert response.status_code == 200
    return str(response.content.decode())


VIEWERS = [
    *[(a, r) for a in HIS_AGENCIES for r in CASEWORK_ROLES],
    *GLASS,
    ("PARTNERSHIP", "reviewer"),
]


@pytest.mark.parametrize(("agency", "role"), VIEWERS)
def test_each_entry_s_text_appears_exactly_where_the_agreement_allows(
    family: Family, agency: str, role: str
) -> None:
    shown, hidden, entries = _expected(family, agency, role)
    client = _client(family, agency, role)
    pages = _story_bodies(client, family.boy)
    download = client.get(f"/people/{family.boy}/chronology.csv")
    assert download.status_code == 200
    spreadsheet = download.content.decode("utf-8-sig")
    from django.contrib.auth.models import User

    from wholestory.web.accounts.users import issue_token

    token = issue_token(User.objects.get(username=_username(agency, role)))
    api = client.get(
        f"/api/v1/people/{family.boy}/chronology", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert api.status_code == 200
    # The page and the API show every record (its practitioner at least); the CSV has the
    # entries' words.
    for name, body, wanted in (
        ("page", pages, shown),
        ("API", api.content.decode(), shown),
        ("CSV", spreadsheet, entries),
    ):
        found = _marks_in(body)
        assert found & hidden == set(), f"{name} shows records the agreement does not allow"
        assert wanted <= found, f"{name} lacks records the agreement shows in full"


@pytest.mark.parametrize(("agency", "role"), [("POLICE", "practitioner"), ("CSC", "practitioner")])
def test_record_pages_and_the_pdf_follow_the_agreement(
    family: Family, agency: str, role: str
) -> None:
    shown, hidden, entries = _expected(family, agency, role)
    client = _client(family, agency, role)
    pages = _story_bodies(client, family.boy)
    links = set(re.findall(r'href="(/people/[^"]+/records/[^"]+)"', pages))
    assert links
    seen: set[str] = set()
    for link in sorted(links):
        response = client.get(link)
        assert response.status_code == 200, link
        seen |= _marks_in(response.content.decode())
    assert seen & hidden == set()
    assert shown <= seen
    pdf = client.get(f"/people/{family.boy}/chronology.pdf")
    assert pdf.status_code == 200
    document = pdfium.PdfDocument(pdf.content)
    text = "".join(page.get_textpage().get_text_range() for page in document)
    # A PDF table cell may wrap a marker; compare with spaces and hyphens taken out.
    flat = re.sub(r"[\s\-]+", "", text)
    assert _marks_in(flat) & hidden == set()
    assert entries <= _marks_in(flat)


def test_search_results_and_notifications_show_no_entry_text(family: Family) -> None:
    client = _client(family, "POLICE", "manager")
    found = client.get("/search", {"family_name": "Rowland", "given_name": "James"})
    assert found.status_code == 200
    assert _marks_in(found.content.decode()) == set()
    notices = _client(family, "SCHOOL", "lead").get("/notifications")
    assert notices.status_code == 200
    assert _marks_in(notices.content.decode()) == set()


def test_a_police_officer_sees_his_health_entries_but_not_what_was_written(
    family: Family,
) -> None:
    """Issue 18's example: a police practitioner's API chronology of the boy holds his GP and
    CAMHS entries (date, type, agency), but none of the three sentences; children's social
    care's holds all three."""
    from django.contrib.auth.models import User

    from wholestory.web.accounts.users import issue_token

    sentences = ("started antidepressants", "Disclosed alcohol dependence", "low mood, poor sleep")

    def chronology(agency: str) -> dict[str, Any]:
        from django.test import Client

        token = issue_token(User.objects.get(username=_username(agency, "practitioner")))
        response = Client().get(
            f"/api/v1/people/{family.boy}/chronology", HTTP_AUTHORIZATION=f"Bearer {token}"
        )
        assert response.status_code == 200
        data: dict[str, Any] = response.json()
        return data

    police = chronology("POLICE")
    text = str(police)
    assert not any(s.casefold() in text.casefold() for s in sentences)
    health = [
        e
        for e in police["entries"]
        if {"GP", "CAMHS"} & set(e["agencies"]) and e["event_type"] != "RESTRICTED"
    ]
    assert {"GP", "CAMHS"} <= {a for e in health for a in e["agencies"]}
    assert all(e["date"] and e["event_type"] for e in health)
    assert {e["sharing"]["level"] for e in health} == {"involvement"}
    assert all(e["summary"] == "" and e["action"] == "" for e in health)
    social_care = str(chronology("CSC"))
    assert all(s.casefold() in social_care.casefold() for s in sentences)


def test_a_flag_s_evidence_shows_only_what_the_viewer_sees_and_counts_the_rest(
    family: Family,
) -> None:
    from django.contrib.auth.models import User
    from django.test import Client

    from wholestory.web.accounts.users import issue_token

    token = issue_token(User.objects.get(username=_username("SCHOOL", "practitioner")))
    data = (
        Client()
        .get(f"/api/v1/people/{family.boy}/chronology", HTTP_AUTHORIZATION=f"Bearer {token}")
        .json()
    )
    full = chronology_of(family.store, family.boy)
    assert [f["code"] for f in data["flags"]] == [f.code for f in full.flags]  # all flags stay
    shown = {(s["agency"], s["record_id"]) for e in data["entries"] for s in e["sources"]}
    for flag, whole in zip(data["flags"], full.flags, strict=True):
        evidence = {(e["agency"], e["record_id"]) for e in flag["evidence"]}
        assert evidence <= shown
        assert len(evidence) + flag["hidden_evidence"] == len(whole.evidence)


def test_each_look_is_audited_with_the_level_of_each_agency_s_records(family: Family) -> None:
    client = _client(family, "POLICE", "practitioner")
    assert client.get(f"/people/{family.boy}").status_code == 200
    entry = audit.entries(family.store, limit=1, person=family.boy, action="view")[0]
    sharing = json.loads(entry.detail)["sharing"]
    assert sharing["levels"]["POLICE"] == "full"
    assert sharing["levels"]["GP"] == "involvement"
    assert sharing["rules"]["own-records"] > 0
    lead = _client(family, "CSC", "lead")
    log = lead.get(f"/people/{family.boy}/access-log")
    assert log.status_code == 200
    assert "GP practice: date, type and outcome only" in log.content.decode()


def test_a_restricted_record_never_leaves_its_agency_even_through_break_glass(
    family: Family,
) -> None:
    restricted = family.marks["GP", "G300-R1"]
    assert restricted
    for agency, role in VIEWERS:
        pages = _story_bodies(_client(family, agency, role), family.boy)
        if agency == "GP":
            assert restricted <= _marks_in(pages) and RESTRICTED_WORDS in pages
        else:
            assert not restricted & _marks_in(pages), (agency, role)
            assert RESTRICTED_WORDS not in pages and "SEXUAL_HEALTH" not in pages
            assert "A restricted record" in pages, (agency, role)
        # A restricted record's address is not among the person's details, for anyone.
        assert "Hidden Lane" not in pages + _api_text(family, agency, role), (agency, role)


def test_a_review_pack_holds_what_its_reader_may_see(family: Family, tmp_path: Path) -> None:
    from wholestory.chronology.pack import write_pack

    chronology = chronology_of(family.store, family.boy)
    restricted = family.marks["GP", "G300-R1"]
    for reader in (("PARTNERSHIP", "reviewer"), ("POLICE", "practitioner")):
        shown, hidden, _ = _expected(family, *reader)
        out = tmp_path / "-".join(reader)
        write_pack(family.store, chronology, out, reader=reader)
        data = (out / "chronology.json").read_text(encoding="utf-8")
        html = (out / "chronology.html").read_text(encoding="utf-8")
        for text in (data, html):
            assert _marks_in(text) & hidden == set(), reader
            assert not restricted & _marks_in(text)
        assert shown <= _marks_in(data)
        assert "Shared: " in html


def test_the_chronology_command_for_a_reader_holds_what_they_may_see(
    family: Family, tmp_path: Path
) -> None:
    """``wholestory chronology ... --for AGENCY:ROLE``: a file made on the server to hand
    to someone holds what the agreement shows them, in every format."""
    from typer.testing import CliRunner

    from wholestory.cli.main import app

    restricted = family.marks["GP", "G300-R1"]
    for reader in (("POLICE", "practitioner"), ("CSC", "practitioner")):
        shown, hidden, entries = _expected(family, *reader)
        # JSON and HTML hold every record shown (its practitioner at least); the CSV has
        # the entries' own words.
        for fmt, wanted in (("json", shown), ("html", shown), ("csv", entries)):
            out = tmp_path / f"{'-'.join(reader)}.{fmt}"
            made = CliRunner().invoke(
                app,
                ["chronology", family.boy, "--format", fmt, "--out", str(out),
                 "--for", ":".join(reader)],
            )  # fmt: skip
            assert made.exit_code == 0, made.output
            text = out.read_text(encoding="utf-8")
            assert _marks_in(text) & hidden == set(), (reader, fmt)
            assert not restricted & _marks_in(text), (reader, fmt)
            assert wanted <= _marks_in(text), (reader, fmt)
    whole = CliRunner().invoke(app, ["chronology", family.boy, "--format", "json"])
    assert whole.exit_code == 0 and restricted <= _marks_in(whole.stdout)
    wrong = CliRunner().invoke(app, ["chronology", family.boy, "--format", "json", "--for", "X"])
    assert wrong.exit_code != 0 and "give an agency and a role" in wrong.output


def test_the_agreement_is_shown_read_only_in_the_app(family: Family) -> None:
    page = _client(family, "POLICE", "practitioner").get("/sharing")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Every agency sees its own records in full" in body
    assert "<form" not in body.split('class="govuk-main-wrapper')[-1]  # nothing to change here
