"""How to work with this family, at the top of a person's page (issue 14), on both databases.

The family is the Marac tests' (``marac_support``): the mother ``WS-V``, her partner
``WS-P`` and their child ``WS-C``. Agencies' needs files say the mother needs an
interpreter and that the child has a trusted adult. The child's page shows both, the
child's first and the mother's under her name and relation, each with its agency, who
recorded it and its review; an overdue review is marked. Someone who cannot see the
child sees none of it.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pypdfium2
import pytest

from factories import event_row, write_csv
from marac_support import marac_site
from wholestory.engagement import words
from wholestory.identity import refresh_sources
from wholestory.ingest import ingest_paths
from wholestory.records.template import NEEDS_COLUMNS
from wholestory.store import Store
from wholestory.store.needs import record_need

USERS = (
    ("pat.police", "POLICE", "practitioner"),
    ("hal.housing", "HOUSING", "practitioner"),
    ("gil.gp", "GP", "practitioner"),
    ("bo.board", "PARTNERSHIP", "board"),
    ("lia.lead", "POLICE", "lead"),
    ("rey.reviewer", "PARTNERSHIP", "reviewer"),
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


def _form(client: Any, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return str(response.content.decode())


def test_a_worker_records_a_need_and_it_shows_first(site: tuple[Store, dict[str, Any]]) -> None:
    store, clients = site
    client = clients["pat.police"]
    page = client.get("/people/WS-P").content.decode()
    assert 'href="/people/WS-P/needs/new"' in page
    assert "Record a communication or engagement need" in _form(client, "/people/WS-P/needs/new")

    missing = client.post("/people/WS-P/needs/new", {"need": "INTERPRETER", "detail": " "})
    body = missing.content.decode()
    assert missing.status_code == 400 and "govuk-error-summary" in body
    assert "Enter the language: the need means nothing without it" in body
    past = client.post("/people/WS-P/needs/new", {"need": "BSL", "review_on": "2020-01-01"})
    assert past.status_code == 400 and words.REVIEW_IN_PAST in past.content.decode()

    done = client.post("/people/WS-P/needs/new",
                       {"need": "CONTACT_METHOD", "detail": "Phone after 6pm; not at work",
                        "review_on": "2099-06-01"})  # fmt: skip
    assert done.status_code == 302 and done["Location"] == "/people/WS-P#needs-title"
    page = client.get("/people/WS-P").content.decode()
    own = page[page.index(words.HEADING) : page.index('href="/people/WS-V"')]
    assert "How to make contact" in own and "How: Phone after 6pm; not at work" in own
    assert "by pat.police" in own and "Review by 1 June 2099" in own
    in_app = "SELECT record_id FROM ws_need WHERE recorded_in_app = ? AND person_id = 'WS-P'"
    (record,) = [str(r) for (r,) in store.query(in_app, [True])]
    assert f'href="/people/WS-P/needs/{record}"' in own
    logged = store.query(
        "SELECT actor, person, detail FROM ws_audit WHERE action = 'need_recorded'"
    )
    assert [(a, p) for a, p, _ in logged] == [("pat.police", "WS-P")]
    assert "CONTACT_METHOD" in str(logged[0][2])

    # Changed by the agency that recorded it; the change shows and is audited.
    change = {"need": "CONTACT_METHOD", "detail": "Text first", "review_on": ""}
    changed = client.post(f"/people/WS-P/needs/{record}", change)
    assert changed.status_code == 302
    after = client.get("/people/WS-P").content.decode()
    assert "How: Text first" in after and "Phone after 6pm" not in after
    assert "No review date set" in after
    assert store.scalar("SELECT COUNT(*) FROM ws_audit WHERE action = 'need_changed'") == 1


def test_a_need_from_a_file_cannot_be_changed_here(site: tuple[Store, dict[str, Any]]) -> None:
    store, clients = site
    client = clients["pat.police"]
    page = client.get("/people/WS-C").content.decode()
    assert 'href="/people/WS-V/needs/N1"' not in page and "/needs/N2" not in page
    refused = client.get("/people/WS-V/needs/N1")
    assert refused.status_code == 403
    assert "came from the agency&#x27;s own system: change it there" in refused.content.decode()
    unchanged = client.post("/people/WS-V/needs/N1", {"need": "BSL"})
    assert unchanged.status_code == 403
    assert store.scalar("SELECT need FROM ws_need WHERE record_id = 'N1'") == "INTERPRETER"


def test_only_the_agency_that_recorded_a_need_here_changes_it(
    site: tuple[Store, dict[str, Any]],
) -> None:
    store, clients = site
    made = clients["pat.police"].post("/people/WS-V/needs/new", {"need": "ADVOCATE"})
    assert made.status_code == 302
    advocate = "SELECT record_id FROM ws_need WHERE person_id = 'WS-V' AND need = 'ADVOCATE'"
    record = str(store.scalar(advocate))
    gp = clients["gil.gp"]
    page = gp.get("/people/WS-V").content.decode()
    assert "Needs an advocate" in page and f"/needs/{record}" not in page
    refused = gp.post(f"/people/WS-V/needs/{record}", {"need": "BSL"})
    assert refused.status_code == 403
    assert "Only the agency that recorded a need changes it" in refused.content.decode()
    assert store.scalar(f"SELECT need FROM ws_need WHERE record_id = '{record}'") == "ADVOCATE"


def test_a_board_member_records_no_need(site: tuple[Store, dict[str, Any]]) -> None:
    store, clients = site
    before = store.scalar("SELECT COUNT(*) FROM ws_need")
    assert clients["bo.board"].post("/people/WS-V/needs/new", {"need": "BSL"}).status_code == 403
    assert store.scalar("SELECT COUNT(*) FROM ws_need") == before


def test_the_api_and_the_pdf_carry_the_familys_needs(site: tuple[Store, dict[str, Any]]) -> None:
    from django.contrib.auth.models import User
    from django.test import Client

    from wholestory.web.accounts.models import ApiToken

    _, clients = site
    token = ApiToken.issue(User.objects.get(username="pat.police"))
    # By the police's own id: this hand-linked family has no WholeStory person rows.
    asked = "/api/v1/people/POLICE/C1/chronology"
    answer = Client().get(asked, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert answer.status_code == 200, answer.content
    found = answer.json()["needs"]
    needs = {(m["name"], n["need"], n["detail"]) for m in found for n in m["needs"]}
    assert ("Alex Testcase", "INTERPRETER", "Tigrinya") in needs
    assert ("Kit Testcase", "TRUSTED_ADULT", "Mrs Okafor, his class teacher") in needs
    pdf = clients["pat.police"].get("/people/WS-C/chronology.pdf")
    assert pdf.status_code == 200
    document = pypdfium2.PdfDocument(io.BytesIO(b"".join(pdf.streaming_content)
                                                if pdf.streaming else pdf.content))  # fmt: skip
    text = " ".join(document[0].get_textpage().get_text_range().split())
    assert "How to work with this family" in text and "Tigrinya" in text


def test_the_page_shows_how_appointments_went(
    site: tuple[Store, dict[str, Any]], tmp_path: Path
) -> None:
    store, clients = site
    rows = [
        event_row(910 + n, agency="GP", record_id=f"E{n}", person_id="GE1", role="SUBJECT",
                  event_date=day, event_type=kind, given_name="Eli", family_name="Engage",
                  date_of_birth="2019-02-02", summary=summary)
        for n, (day, kind, summary) in enumerate([
            ("2025-03-01", "APPOINTMENT_MISSED", "Was not brought to the asthma review"),
            ("2025-04-01", "APPOINTMENT_MISSED", "Was not brought again"),
            ("2025-04-20", "CONTACT", "Letter to mother: discharged from the asthma clinic"),
            ("2025-06-01", "APPOINTMENT_ATTENDED", "Seen with an interpreter"),
        ])
    ]  # fmt: skip
    assert not ingest_paths(store, [write_csv(tmp_path / "eli.csv", rows)], None).failed
    refresh_sources(store, ["GP:GE1"])
    store.execute("UPDATE ws_source_person SET ws_person_id = 'WS-E' WHERE key = 'GP:GE1'")
    body = clients["gil.gp"].get("/people/WS-E").content.decode()
    section = body[body.index('id="engagement-title"') : body.index("How each agency became")]
    assert "Engagement: appointments by agency" in section
    assert ">1</td>" in section and ">2</td>" in section  # attended once, missed twice
    assert "1 Mar 2025 to 1 Apr 2025" in section
    assert "20 Apr 2025: Letter to mother: discharged from the asthma clinic" in section


def test_a_lead_sees_the_needs_past_their_review_at_home(
    site: tuple[Store, dict[str, Any]],
) -> None:
    store, clients = site
    # A need the police recorded here of someone only the GP holds (as after breaking glass).
    store.execute(
        "INSERT INTO ws_source_person (key, agency, person_id, names, details_hash, "
        "ws_person_id, given_name, family_name) "
        "VALUES ('GP:Z1', 'GP', 'Z1', '{}', '', 'WS-Z', 'Zed', 'Hidden')"
    )
    record_need(store, agency="POLICE", person="WS-Z", need="BSL", detail="",
                review_on=dt.date(2025, 1, 1), recorded_by="pat.police",
                today=dt.date(2024, 6, 1), now="2024-06-01 10:00:00+00:00")  # fmt: skip
    body = clients["lia.lead"].get("/").content.decode()
    section = body[body.index('id="needs-review"') :]
    assert "Needs past their review at Police" in section
    assert 'href="/people/WS-V"' in section and "Needs an interpreter" in section
    assert "10 Jul 2025" in section  # the mother's interpreter, due for review then
    assert "Trusted adult" not in section  # the child's is due in 2099
    assert "WS-Z" not in section and "Zed Hidden" not in section  # not theirs to see
    logged = store.query("SELECT detail FROM ws_audit WHERE actor = 'lia.lead' AND target = '/'")
    assert logged and "WS-V" in str(logged[-1][0])
    assert 'id="needs-review"' not in clients["pat.police"].get("/").content.decode()


def test_a_reviewer_sees_their_cases_at_home(site: tuple[Store, dict[str, Any]]) -> None:
    from django.contrib.auth.models import User

    from wholestory.web.accounts.users import grant_review

    store, clients = site
    reviewer = User.objects.get(username="rey.reviewer")
    assert "No case is granted to you now" in clients["rey.reviewer"].get("/").content.decode()
    grant_review(reviewer, "WS-C", 30, "ada.admin", "Rapid review of Kit's case")
    grant_review(reviewer, "WS-V", 3, "ada.admin", "His mother's part", waiting=True)
    body = clients["rey.reviewer"].get("/").content.decode()
    cases = body[body.index('id="cases"') :]
    assert "You see the cases granted to you" in body
    mother, kit = cases.index("WS-V"), cases.index("WS-C")
    assert mother < kit  # the grant ending soonest first
    assert 'href="/people/WS-C">Kit Testcase</a>' in cases
    assert "Rapid review of Kit&#x27;s case" in cases and "Waiting for approval" in cases
    logged = store.query(
        "SELECT detail FROM ws_audit WHERE actor = 'rey.reviewer' AND target = '/'"
    )
    assert "WS-C" in str(logged[-1][0]) and "WS-V" in str(logged[-1][0])
