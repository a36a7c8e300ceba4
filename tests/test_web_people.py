"""Pages about people, on both databases: search, the chronology, records, downloads,
break glass, notifications and who has looked; every one audited, refusals leaking nothing."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from web_support import Seeded, open_test_store, seed, serving, sign_in
from wholestory import audit
from wholestory.access_facts import facts_about
from wholestory.chronology.stored import stored_chronology


@pytest.fixture(scope="module")
def partnership(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("web-people-partnership")


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def site(
    request: pytest.FixtureRequest, partnership: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Seeded]:
    """One seeded store per database for the module (seeding takes seconds)."""
    store = open_test_store(request.param, request, tmp_path_factory.mktemp("web-people"))
    with serving(store.url):
        yield seed(store, partnership)
    store.close()


@pytest.fixture(autouse=True)
def _no_rate_limits() -> None:
    from django.core.cache import cache

    cache.clear()


_leads: dict[tuple[str, str], Any] = {}


def _client(username: str | None = None) -> Any:
    """A test client signed in as ``username``. Leads sign in once per database: a TOTP code
    cannot be used twice, and the next one is up to 30 seconds away."""
    from django.db import connection
    from django.test import Client

    key = (str(connection.settings_dict["NAME"]), username or "")
    if username and username.startswith(("lee.", "liz.")) and key in _leads:
        return _leads[key]
    client = Client()
    if username:
        sign_in(client, username)
        if username.startswith(("lee.", "liz.")):
            _leads[key] = client
    return client


def _school_only(
    site: Seeded, having: Callable[[dict[str, Any]], bool] = lambda data: True
) -> tuple[str, dict[str, Any]]:
    """A child the school holds records of, and Police know nothing about (nor their household),
    whose stored chronology passes ``having`` (a test that checks a field picks a child with it).

    (In the seeded partnership Police know every household they meet, so the person hidden
    from one agency is a school child hidden from Police.)
    """
    for (person,) in site.store.query(
        "SELECT ws_person_id FROM ws_chronology WHERE is_child ORDER BY entry_count DESC"
    ):
        facts = facts_about(site.store, str(person))
        if "SCHOOL" in facts.agencies and "POLICE" not in (
            facts.agencies | facts.household_child_agencies
        ):
            data = stored_chronology(site.store, str(person))
            assert data is not None
            if having(data):
                return str(person), data
    raise LookupError("no such school-only child in the seeded partnership")


def _dob_and_nhs(data: dict[str, Any]) -> bool:
    """The child has a date of birth and an NHS number to search by."""
    return bool(data["person"]["date_of_birth"]) and bool(
        data["person"]["identifiers"].get("nhs_number")
    )


def _flags_and_household(data: dict[str, Any]) -> bool:
    """The child has a flag, and household entries among the first page of entries."""
    return bool(data["flags"]) and any(e["household"] for e in data["entries"][:100])


def _family(data: dict[str, Any]) -> str:
    return str(data["person"]["names"][0]).split()[-1]


def _born(data: dict[str, Any]) -> str:
    return str(data["person"]["date_of_birth"])


def _rows(response: Any) -> list[str]:
    return re.findall(r'data-entry="([^"]+)" tabindex', response.content.decode())


def _results(response: Any) -> str:
    found = re.search(r'<div id="results".*?</div>\s*(?=<details)', response.content.decode(), re.S)
    assert found, response.content.decode()[:2000]
    return found.group(0)


def _newest(site: Seeded, **kwargs: str) -> audit.Entry:
    found = audit.entries(site.store, limit=1, **kwargs)  # type: ignore[arg-type]
    assert found, kwargs
    return found[0]


def test_search_finds_only_people_the_user_may_see(site: Seeded) -> None:
    person, data = _school_only(site)
    family = _family(data)
    insider = _client("sam.school").get("/search", {"family_name": family.upper()})
    assert insider.status_code == 200 and f"/people/{person}".encode() in insider.content
    entry = _newest(site, action="search", actor="sam.school")
    assert entry.detail and '"count"' in entry.detail and family.upper() in entry.detail
    outsider = _client("pat.police")
    hidden = outsider.get("/search", {"family_name": family})
    miss = outsider.get("/search", {"family_name": "Zzyzxnotaname"})
    assert hidden.status_code == miss.status_code == 200
    assert person.encode() not in hidden.content
    assert data["person"]["names"][0].encode() not in hidden.content
    assert _results(hidden) == _results(miss)  # a hidden person looks exactly like no one
    counts = [
        e.as_dict()["detail"]["count"]
        for e in audit.entries(site.store, actor="pat.police", action="search", limit=2)
    ]
    assert counts == [0, 0]


def test_search_by_date_of_birth_nhs_number_and_agency_id(site: Seeded) -> None:
    person, data = _school_only(site, _dob_and_nhs)
    client = _client("sam.school")
    year = str(data["person"]["date_of_birth"])[:4]
    by_year = client.get("/search", {"date_of_birth": year, "family_name": _family(data)})
    assert person.encode() in by_year.content
    school_id = next(
        r["person_id"] for r in data["person"]["source_records"] if r["agency"] == "SCHOOL"
    )
    by_id = client.get("/search", {"agency": "SCHOOL", "agency_id": school_id})
    assert person.encode() in by_id.content
    nhs = data["person"]["identifiers"]["nhs_number"][0]
    assert person.encode() in client.get("/search", {"nhs_number": nhs}).content
    bad = client.get("/search", {"date_of_birth": "31/02/2014"})
    assert bad.status_code == 200 and b"There is a problem" in bad.content


def test_roles_without_search_are_refused(site: Seeded) -> None:
    response = _client("bea.board").get("/search", {"family_name": "a"})
    assert response.status_code == 403
    assert _newest(site, actor="bea.board").action == "denied"


def test_break_glass_search_finds_everyone_and_is_audited(site: Seeded) -> None:
    person, data = _school_only(site)
    client = _client("pat.police")
    given, family = str(data["person"]["names"][0]).split()[0], _family(data)
    terms = {"given_name": given, "family_name": family, "date_of_birth": _born(data)}
    short = client.post("/search/break-glass", {"ground": "risk", "reason": "urgent", **terms})
    assert short.status_code == 200 and person.encode() not in short.content
    reason = "Child at A&E with injuries, need history now"
    found = client.post("/search/break-glass", {"ground": "risk", "reason": reason, **terms})
    assert found.status_code == 200
    assert f"/people/{person}/break-glass".encode() in found.content
    entry = _newest(site, actor="pat.police", action="break_glass")
    assert reason in entry.reason and entry.as_dict()["detail"]["kind"] == "search"


def test_the_chronology_page_is_audited_and_shows_the_analysis_first(site: Seeded) -> None:
    person, data = _school_only(site)
    response = _client("sam.school").get(f"/people/{person}")
    assert response.status_code == 200
    page = response.content.decode()
    assert data["person"]["names"][0].split()[0] in page
    assert "School holds records of this person." in page
    assert page.index('id="flags"') < page.index('id="summary"') < page.index('id="timeline"')
    assert page.index('id="timeline"') < page.index('id="entries"')
    assert "<svg" in page and "<style>" not in page  # the CSP allows no inline style
    assert 'style="' not in page and "<script>" not in page
    assert f"/people/{person}/chronology.pdf" in page and f"/people/{person}/records/" in page
    assert "access-log" not in page  # a practitioner, not a lead
    assert len(_rows(response)) == min(len(data["entries"]), 100)
    for flag in data["flags"]:
        assert flag["title"] in page
    entry = _newest(site, actor="sam.school", action="view")
    assert entry.person == person and entry.outcome == "allowed"


def test_a_refused_person_shows_nothing_and_is_audited(site: Seeded) -> None:
    person, data = _school_only(site)
    for username in ("pat.police", "bea.board", "ada.admin"):
        response = _client(username).get(f"/people/{person}")
        assert response.status_code == 403
        assert data["person"]["names"][0].encode() not in response.content
        assert b"<svg" not in response.content
        entry = _newest(site, actor=username)
        assert entry.action == "denied" and entry.person == person and entry.outcome == "denied"
    unknown = _client("pat.police").get("/people/WS-9999999")
    known = _client("pat.police").get(f"/people/{person}")
    strip = re.compile(rb'(name="csrfmiddlewaretoken" value="[^"]+"|/people/[^/"]+/break-glass)')
    assert strip.sub(b"", unknown.content) == strip.sub(b"", known.content)


def _school_child(site: Seeded) -> tuple[str, dict[str, Any]]:
    """The school child with the most entries among those with a flag and household entries,
    so that the flag filter and the household toggle each have something to change."""
    for (person,) in site.store.query(
        "SELECT c.ws_person_id FROM ws_chronology c JOIN ws_source_person s "
        "ON s.ws_person_id = c.ws_person_id WHERE s.agency = 'SCHOOL' AND c.is_child "
        "ORDER BY c.entry_count DESC"
    ):
        data = stored_chronology(site.store, str(person))
        assert data is not None
        if _flags_and_household(data):
            return str(person), data
    raise LookupError("no school child with flags and household entries")


def test_filters_and_the_household_toggle_change_the_entries(site: Seeded) -> None:
    person, data = _school_child(site)
    entries = data["entries"][:100]
    client = _client("sam.school")
    everything = _rows(client.get(f"/people/{person}"))
    assert everything == [e["id"] for e in entries]
    agency = client.get(f"/people/{person}", {"agency": "SCHOOL"})
    assert _rows(agency) == [e["id"] for e in data["entries"] if "SCHOOL" in e["agencies"]][:100]
    category = entries[0]["category"]
    by_category = _rows(client.get(f"/people/{person}", {"category": category}))
    assert by_category == [e["id"] for e in data["entries"] if e["category"] == category][:100]
    year = entries[len(entries) // 2]["date"][:4]
    in_year = _rows(client.get(f"/people/{person}", {"from": year, "to": year}))
    assert in_year and in_year == [e["id"] for e in data["entries"] if e["date"][:4] == year]
    hidden = _rows(client.get(f"/people/{person}", {"household": "hide"}))
    assert hidden == [e["id"] for e in data["entries"] if not e["household"]][:100]
    assert len(hidden) < len(everything)
    flag = data["flags"][0]
    flagged = _rows(client.get(f"/people/{person}", {"flag": flag["code"]}))
    assert flagged == [e["id"] for e in data["entries"] if e["id"] in flag["entries"]]
    assert _rows(client.get(f"/people/{person}", {"flag": "NO_SUCH_FLAG"})) == []


def test_source_records_open_only_from_their_own_chronology(site: Seeded) -> None:
    person, data = _school_only(site)
    # The school's own record: shown as written (another agency's may be shown only in part,
    # under the sharing agreement: tests/test_sharing_views.py).
    own = next(r for e in data["entries"] for r in e["records"] if r["agency"] == "SCHOOL")
    source = {"agency": own["agency"], "record_id": own["record_id"]}
    client = _client("sam.school")
    url = f"/people/{person}/records/{source['agency']}/{source['record_id']}"
    response = client.get(url)
    assert response.status_code == 200 and source["record_id"].encode() in response.content
    assert own["summary"].encode() in response.content
    entry = _newest(site, actor="sam.school")
    assert entry.action == "view" and entry.target == url
    mine = {(s["agency"], s["record_id"]) for e in data["entries"] for s in e["sources"]}
    agency, record_id = next(
        (str(a), str(r))
        for a, r in site.store.query(
            "SELECT agency, record_id FROM ws_record WHERE agency = 'SCHOOL'"
        )
        if (a, r) not in mine
    )
    summary = str(
        site.store.scalar(
            "SELECT summary FROM ws_record WHERE agency = ? AND record_id = ?", [agency, record_id]
        )
    )
    other = client.get(f"/people/{person}/records/{agency}/{record_id}")
    assert other.status_code == 404 and summary.encode() not in other.content
    refused = _client("pat.police").get(url)
    assert refused.status_code == 403 and source["record_id"].encode() not in refused.content


def test_downloads_are_audited(site: Seeded) -> None:
    person, data = _school_only(site)
    client = _client("sam.school")
    pdf = client.get(f"/people/{person}/chronology.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert _newest(site, actor="sam.school").action == "download"
    csv_file = client.get(f"/people/{person}/chronology.csv")
    assert csv_file.status_code == 200 and csv_file.content.startswith("\ufeffnumber,date".encode())
    assert csv_file.content.decode().count("\n") >= len(data["entries"]) + 1
    entry = _newest(site, actor="sam.school")
    assert entry.action == "download" and entry.person == person
    refused = _client("pat.police").get(f"/people/{person}/chronology.csv")
    assert refused.status_code == 403 and b"number,date" not in refused.content


def test_break_glass_grants_access_audits_and_tells_the_leads(site: Seeded) -> None:
    from wholestory.web.accounts.models import AccessGrant, Notification

    person, _ = _school_only(site)
    username = "quinn.qa" if "GP" in facts_about(site.store, person).agencies else "gus.gp"
    client = _client(username)
    assert client.get(f"/people/{person}").status_code == 403
    form = client.get(f"/people/{person}/break-glass")
    assert form.status_code == 200 and b'name="reason"' in form.content
    short = client.post(f"/people/{person}/break-glass", {"ground": "risk", "reason": "because"})
    assert short.status_code == 200 and b"at least 5 different words" in short.content
    assert not AccessGrant.objects.filter(person=person, user__username=username).exists()
    reason = "Child brought to hospital unconscious, need history now"
    done = client.post(f"/people/{person}/break-glass", {"ground": "emergency", "reason": reason})
    assert done.status_code == 302 and done.url == f"/people/{person}"
    entry = _newest(site, action="break_glass", actor=username)
    assert entry.person == person and entry.reason.endswith(reason)
    grant = AccessGrant.objects.get(person=person, user__username=username)
    assert grant.kind == AccessGrant.BREAK_GLASS
    assert 23.9 < (grant.ends_at - grant.starts_at).total_seconds() / 3600 <= 24
    page = client.get(f"/people/{person}")
    assert page.status_code == 200 and b"Break-glass access until" in page.content
    notes = Notification.objects.filter(person=person, agency="SCHOOL")
    assert notes.exists() and reason in notes.latest("id").message
    lead = _client("liz.school")
    inbox = lead.get("/notifications")
    assert inbox.status_code == 200 and reason.encode() in inbox.content
    lead.post("/notifications", {"all": "1"})
    assert b"Mark all as read" not in lead.get("/notifications").content
    assert _client("sam.school").get("/notifications").status_code == 403
    board = _client("bea.board").post(
        f"/people/{person}/break-glass", {"ground": "risk", "reason": reason}
    )
    assert board.status_code == 403
    assert not AccessGrant.objects.filter(person=person, user__username="bea.board").exists()


def test_who_has_looked_is_for_the_leads_of_involved_agencies(site: Seeded) -> None:
    person, _ = _school_only(site)
    _client("sam.school").get(f"/people/{person}")
    lead = _client("liz.school")
    assert b"access-log" in lead.get(f"/people/{person}").content
    log = lead.get(f"/people/{person}/access-log")
    assert log.status_code == 200 and b"sam.school" in log.content
    assert _newest(site, actor="liz.school").action == "audit_view"
    for username in ("sam.school", "lee.police", "rey.reviewer"):
        refused = _client(username).get(f"/people/{person}/access-log")
        assert (
            refused.status_code == 403 and b"Who has looked at this person" not in refused.content
        )
        assert _newest(site, actor=username).action == "denied"


def test_a_view_that_cannot_be_audited_is_refused(
    site: Seeded, monkeypatch: pytest.MonkeyPatch
) -> None:
    person, data = _school_only(site)
    client = _client("sam.school")
    before = len(audit.entries(site.store, person=person))

    def broken(*args: object, **kwargs: object) -> None:
        raise audit.AuditUnavailable("the disk is full")

    monkeypatch.setattr(audit, "append", broken)
    name = data["person"]["names"][0].encode()
    for url in (
        f"/people/{person}",
        f"/people/{person}/chronology.csv",
        f"/search?family_name={_family(data)}",
    ):
        response = client.get(url)
        assert response.status_code == 503, url
        assert name not in response.content and person.encode() not in response.content
    monkeypatch.undo()
    assert len(audit.entries(site.store, person=person)) == before


def test_an_agency_id_leads_to_the_person(site: Seeded) -> None:
    person, data = _school_only(site)
    school_id = next(
        r["person_id"] for r in data["person"]["source_records"] if r["agency"] == "SCHOOL"
    )
    response = _client("sam.school").get(f"/people/SCHOOL/{school_id}")
    assert response.status_code == 302 and response.url == f"/people/{person}"
    hidden = _client("pat.police").get(f"/people/SCHOOL/{school_id}")
    assert hidden.status_code == 302 and person not in hidden.url


NAME_FRAGMENTS = ["mi", "a", "e", "%", "_", "\\"]


def _given_names(given: Any, other: Any, names: Any) -> list[str]:
    recorded = names if isinstance(names, dict) else json.loads(str(names or "{}"))
    return [str(n).casefold() for n in [*(recorded.get("given") or []), given, other] if n]


@pytest.mark.parametrize("typed", NAME_FRAGMENTS)
def test_search_matches_names_only_with_wildcards_as_themselves(site: Seeded, typed: str) -> None:
    from wholestory.search import Query, clean, find_people

    named = [
        (str(person or key))
        for key, person, given, other, names in site.store.query(
            "SELECT key, ws_person_id, given_name, other_names, names FROM ws_source_person"
        )
        if any(typed in n for n in _given_names(given, other, names))
    ]
    # Exactly the source persons with the fragment in a given name are read: not those
    # whose stored names JSON holds it in a key ("family") or an address, nor everyone
    # for a wildcard.
    found = find_people(site.store, clean(Query(given_name=typed)), limit=len(named))
    assert {f.person for f in found} == set(named)


@pytest.mark.parametrize("typed", NAME_FRAGMENTS)
def test_every_search_is_audited_even_when_refused(
    site: Seeded, typed: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from wholestory import search as search_module

    monkeypatch.setattr(search_module, "CANDIDATE_LIMIT", 3)
    client = _client("sam.school")
    response = client.get("/search", {"given_name": typed})
    assert response.status_code == 200
    entry = _newest(site, actor="sam.school")
    assert entry.action == "search" and entry.as_dict()["detail"]["query"] == {"given_name": typed}
    if b"More than 3 records match" in response.content:
        assert entry.outcome == "refused" and b"There is a problem" in response.content
    else:
        assert entry.outcome == "allowed" and typed in ("%", "_", "\\")
    broad = client.get("/search", {"given_name": "a"})
    assert broad.status_code == 200 and b"More than 3 records match" in broad.content
    assert _newest(site, actor="sam.school").outcome == "refused"
    bad = client.get("/search", {"date_of_birth": "31/02/2014"})
    assert bad.status_code == 200 and b"There is a problem" in bad.content
    refused = _newest(site, actor="sam.school")
    assert (refused.action, refused.outcome) == ("search", "refused")
    assert refused.as_dict()["detail"]["query"] == {"date_of_birth": "31/02/2014"}
    reason = "Child at A&E with injuries, need history now"
    glass = _client("pat.police").post(
        "/search/break-glass", {"ground": "other", "reason": reason, "given_name": "a"}
    )
    assert glass.status_code == 200 and b"To search everyone, give" in glass.content
    entry = _newest(site, actor="pat.police")
    assert (entry.action, entry.outcome, entry.reason) == ("break_glass", "refused", reason)


def test_pages_about_people_and_downloads_are_never_stored(site: Seeded) -> None:
    person, data = _school_only(site)
    school_id = next(
        r["person_id"] for r in data["person"]["source_records"] if r["agency"] == "SCHOOL"
    )
    client = _client("sam.school")
    for url in (
        f"/people/{person}",
        f"/people/{person}/chronology.pdf",
        f"/people/{person}/chronology.csv",
        f"/people/SCHOOL/{school_id}",
        f"/search?family_name={_family(data)}",
    ):
        response = client.get(url)
        assert response.status_code in (200, 302), url
        assert "no-store" in response.headers.get("Cache-Control", ""), url
