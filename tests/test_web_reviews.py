"""Learning reviews on the web (issue 17, items 1-2), on both databases: the business unit
opens a review from the form, sees it listed with its clocks in words, records a decision,
drafts the narrative and edits it (a new version), downloads the rapid review pack; other
roles are refused every page; a wrong form names its field; every look is audited.

The children are planted: K01 known to the police and children's social care, K02 to the
police alone (its review is closed, so the business unit no longer sees it).
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterator
from typing import Any

import pytest

from assurance_support import planted, rec
from web_support import open_test_store, serving, signed_in
from wholestory.reviews.cases import decide, open_review
from wholestory.store import Store

USERS = (
    ("bo.business", "PARTNERSHIP", "business_unit"),
    ("pat.police", "POLICE", "practitioner"),
    ("bea.board", "PARTNERSHIP", "board"),
    ("quinn.qa", "PARTNERSHIP", "qa"),
)
LEARNED = dt.date.today() - dt.timedelta(days=40)  # the notification's clock long overdue


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Store, dict[str, Any]]]:
    store = open_test_store(request.param, request, tmp_path_factory.mktemp("reviews"))
    rows = [rec("K01", "POLICE", "DA_INCIDENT", "2013-03-01"),
            rec("K01", "POLICE", "DA_INCIDENT", "2015-03-01"),
            rec("K01", "CSC", "REFERRAL_NFA", "2015-04-01"),
            rec("K02", "POLICE", "DA_INCIDENT", "2016-05-01")]  # fmt: skip
    with serving(store.url):
        planted(store, tmp_path_factory.mktemp("reviews-files"), rows)
        yield store, signed_in([(*user, "") for user in USERS])
    store.close()


def _opened(store: Store, child: str = "K01") -> int:
    return open_review(store, "POLICE", child, LEARNED, "bo.business", title="Review K").id


def _looks(store: Store, after: int) -> list[tuple[str, str, str]]:
    rows = store.query(
        "SELECT actor, person, target FROM ws_audit WHERE action = 'review_look' AND seq > ? "
        "ORDER BY seq",
        [after],
    )
    return [(str(a), str(p), str(t)) for a, p, t in rows]


def _seq(store: Store) -> int:
    return int(store.scalar("SELECT COALESCE(MAX(seq), 0) FROM ws_audit"))


def test_the_business_unit_opens_a_review_and_follows_it(
    site: tuple[Store, dict[str, Any]],
) -> None:
    store, clients = site
    bo = clients["bo.business"]
    form = bo.get("/reviews/new")
    assert form.status_code == 200 and "Open the review" in form.content.decode()
    sent = {"agency": "POLICE", "person_id": "K01", "learned_on": LEARNED.isoformat(),
            "notified_on": "", "title": "Serious incident in the spring"}  # fmt: skip
    made = bo.post("/reviews/new", sent)
    assert made.status_code == 302
    url = made["Location"]
    review_id = int(url.rsplit("/", 1)[1])
    kept = store.scalar("SELECT ws_person_id FROM ws_review_case WHERE id = ?", [review_id])
    assert kept == "WS-K01"  # the child as the police know them, by their WholeStory id

    listed = bo.get("/reviews").content.decode()
    assert "Serious incident in the spring" in listed
    assert "review clock" in listed and "overdue" in listed  # the banner, in words
    assert "Overdue by" in listed  # the clock, in words not colour alone

    page = bo.get(url).content.decode()
    assert "/people/WS-K01" in page and "Record the decision" in page
    assert "Draft the narrative" in page
    decided = bo.post(f"{url}/decide", {"decision": "notified", "on": LEARNED.isoformat(),
                                        "reason": "Told the Panel the same day"})  # fmt: skip
    assert decided.status_code == 302
    page = bo.get(url).content.decode()
    assert "Told the Panel the same day" in page and "Done on time" in page


def test_the_narrative_is_drafted_edited_and_compared(site: tuple[Store, dict[str, Any]]) -> None:
    store, clients = site
    bo, review_id = clients["bo.business"], _opened(store)
    url = f"/reviews/{review_id}"
    assert bo.post(f"{url}/draft").status_code == 302
    page = bo.get(url).content.decode()
    assert "two domestic abuse incidents were recorded at the home" in page
    assert 'href="/people/WS-K01/records/POLICE/' in page  # each citation links its record
    assert "Draft the narrative" not in page

    editing = bo.get(f"{url}/narrative").content.decode()
    assert "Save a new version" in editing and "Version 1" in editing
    saved = bo.post(f"{url}/narrative", {"text": "What the reviewer wrote."})
    assert saved.status_code == 302
    versions = bo.get(f"{url}/narrative").content.decode()
    assert "Version 2" in versions and "What the reviewer wrote." in versions
    second = bo.get(f"{url}/narrative/2").content.decode()
    assert "Added: What the reviewer wrote." in second and "Removed: " in second
    assert bo.get(f"{url}/narrative/9").status_code == 404
    empty = bo.post(f"{url}/narrative", {"text": "  "})
    assert empty.status_code == 400 and "Enter the narrative" in empty.content.decode()


@pytest.mark.slow  # the PDF chronology takes seconds
def test_the_rapid_review_pack_downloads_as_a_zip(site: tuple[Store, dict[str, Any]]) -> None:
    store, clients = site
    review_id = _opened(store)
    before = _seq(store)
    got = clients["bo.business"].get(f"/reviews/{review_id}/pack.zip")
    assert got.status_code == 200 and "attachment" in got["Content-Disposition"]
    names = zipfile.ZipFile(io.BytesIO(got.content)).namelist()
    assert any(n.endswith(".pdf") for n in names)
    downloads = store.query(
        "SELECT person FROM ws_audit WHERE action = 'download' AND seq > ?", [before]
    )
    assert [str(r[0]) for r in downloads] == ["WS-K01"]


def test_other_roles_are_refused_every_page(site: tuple[Store, dict[str, Any]]) -> None:
    store, clients = site
    review_id = _opened(store)
    before = _seq(store)
    pages = ["/reviews", "/reviews/new", f"/reviews/{review_id}",
             f"/reviews/{review_id}/narrative", f"/reviews/{review_id}/pack.zip"]  # fmt: skip
    for who in ("pat.police", "bea.board", "quinn.qa"):
        for url in pages:
            response = clients[who].get(url)
            assert response.status_code == 403, (who, url)
            assert b"Review K" not in response.content
        posted = clients[who].post(
            f"/reviews/{review_id}/decide",
            {"decision": "closed", "on": dt.date.today().isoformat()},
        )
        assert posted.status_code == 403
    refused = store.scalar(
        "SELECT COUNT(*) FROM ws_audit WHERE outcome = 'denied' AND seq > ?", [before]
    )
    assert refused == 3 * (len(pages) + 1)
    assert "closed" not in [str(r[0]) for r in store.query(
        "SELECT decision FROM ws_review_decision WHERE review_id = ?", [review_id])]  # fmt: skip


def test_a_closed_reviews_child_is_refused(site: tuple[Store, dict[str, Any]]) -> None:
    store, clients = site
    review_id = _opened(store, "K02")
    assert clients["bo.business"].get(f"/reviews/{review_id}").status_code == 200
    decide(store, review_id, "closed", dt.date.today(), "Finished", "bo.business")
    assert clients["bo.business"].get(f"/reviews/{review_id}").status_code == 403
    assert clients["bo.business"].get("/reviews/999999").status_code == 404


def test_a_wrong_form_names_its_field(site: tuple[Store, dict[str, Any]]) -> None:
    store, clients = site
    bo = clients["bo.business"]
    count = store.scalar("SELECT COUNT(*) FROM ws_review_case")
    blank = bo.post("/reviews/new", {"agency": "POLICE", "person_id": "", "learned_on": "x"})
    page = blank.content.decode()
    assert blank.status_code == 400
    assert 'id="person_id-error"' in page and "Enter the agency" in page
    assert 'id="learned_on-error"' in page and "Enter a real date" in page
    unknown = bo.post("/reviews/new", {"agency": "POLICE", "person_id": "NOBODY",
                                       "learned_on": LEARNED.isoformat()})  # fmt: skip
    assert unknown.status_code == 400 and 'id="person_id-error"' in unknown.content.decode()
    early = bo.post("/reviews/new", {
        "agency": "POLICE", "person_id": "K01", "learned_on": LEARNED.isoformat(),
        "notified_on": (LEARNED - dt.timedelta(days=3)).isoformat(),
    })  # fmt: skip
    assert early.status_code == 400 and 'id="notified_on-error"' in early.content.decode()
    assert store.scalar("SELECT COUNT(*) FROM ws_review_case") == count
    review_id = _opened(store)
    wrong = bo.post(f"/reviews/{review_id}/decide", {"decision": "", "on": ""})
    page = wrong.content.decode()
    assert wrong.status_code == 400
    assert 'id="decision-error"' in page and 'id="on-error"' in page


def test_every_look_is_audited_naming_the_child(site: tuple[Store, dict[str, Any]]) -> None:
    store, clients = site
    bo = clients["bo.business"]
    review_id = _opened(store)
    before = _seq(store)
    for url in ("/reviews", f"/reviews/{review_id}", f"/reviews/{review_id}/narrative"):
        assert bo.get(url).status_code == 200
    looks = _looks(store, before)
    assert [(a, p) for a, p, _ in looks] == [
        ("bo.business", ""), ("bo.business", "WS-K01"), ("bo.business", "WS-K01")
    ]  # fmt: skip


def test_the_business_units_home_page_says_how_many_clocks_are_overdue(
    site: tuple[Store, dict[str, Any]],
) -> None:
    store, clients = site
    _opened(store)
    home = clients["bo.business"].get("/").content.decode()
    assert "review clocks are overdue" in home and 'href="/reviews"' in home
    assert "review clocks are overdue" not in clients["bea.board"].get("/").content.decode()
