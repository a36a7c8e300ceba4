"""The insider with an account (issue 11: M2, M3, L1, L3, L4, L7), on both databases.

Each test is the attack as the issue found it, and what now stops it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from web_support import Seeded, open_test_store, seed, serving, sign_in
from wholestory import audit
from wholestory.access_facts import facts_about
from wholestory.reasons import GROUNDS, ReasonError, check_reason
from wholestory.search import GLASS_LIMIT, Query, QueryError, break_glass_search, clean


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Seeded]:
    store = open_test_store(request.param, request, tmp_path_factory.mktemp("insider"))
    with serving(store.url):
        yield seed(store, tmp_path_factory.mktemp("insider-partnership"))
    store.close()


@pytest.fixture(autouse=True)
def _no_rate_limits() -> None:
    from django.core.cache import cache

    from wholestory.web.bootstrap import setup_django

    setup_django()

    cache.clear()


def _client(username: str) -> Any:
    from django.test import Client

    client = Client()
    sign_in(client, username)
    return client


def _newest(site: Seeded, **kwargs: str) -> audit.Entry:
    found = audit.entries(site.store, limit=1, **kwargs)  # type: ignore[arg-type]
    assert found, kwargs
    return found[0]


def _hidden_from_police(site: Seeded) -> str:
    """A child Police hold no records of (nor of their household), the school does."""
    for (person,) in site.store.query(
        "SELECT ws_person_id FROM ws_chronology WHERE is_child ORDER BY ws_person_id"
    ):
        facts = facts_about(site.store, str(person))
        if "POLICE" not in facts.agencies | facts.household_child_agencies and facts.agencies:
            return str(person)
    raise LookupError("no child hidden from Police")


def _identity(site: Seeded, person: str) -> tuple[str, str, str, str]:
    """A source person's given name, family name, full date of birth and NHS number."""
    given, family, born, nhs = site.store.query(
        "SELECT given_name, family_name, date_of_birth, nhs_number FROM ws_source_person "
        "WHERE ws_person_id = ? AND given_name IS NOT NULL AND date_of_birth IS NOT NULL "
        "ORDER BY key LIMIT 1",
        [person],
    )[0]
    return str(given), str(family), str(born)[:10], str(nhs or "")


# -- L7: break-glass reasons ----------------------------------------------------------------


@pytest.mark.parametrize(
    "said",
    ["aaaaaaaaaa", "asdf qwer zxcv hjkl uiop", "help help help help help", "urgent", "x y z 1 2"],
)
def test_a_meaningless_reason_is_refused(said: str) -> None:
    with pytest.raises(ReasonError, match="at least 5 different words"):
        check_reason("risk", said)


def test_a_reason_is_a_ground_from_the_list_and_real_words() -> None:
    with pytest.raises(ReasonError, match="Choose why"):
        check_reason("", "Child at A&E with injuries, need history now")
    said = "Child at A&E with injuries, need history now"
    assert check_reason("emergency", said) == f"{GROUNDS['emergency']}: {said}"
    assert check_reason("other", f"  {said} ") == said


def test_break_glass_with_a_meaningless_reason_gives_no_access(site: Seeded) -> None:
    from wholestory.web.accounts.models import AccessGrant, Notification

    person = _hidden_from_police(site)
    client = _client("pat.police")
    page = client.get(f"/people/{person}/break-glass")
    assert page.status_code == 200 and b'name="ground"' in page.content
    assert GROUNDS["s47"].encode() in page.content
    notes = Notification.objects.count()
    for posted in ({"ground": "risk", "reason": "aaaaaaaaaa"}, {"reason": "Child at A&E, need "
                   "the history now please"}):  # fmt: skip
        refused = client.post(f"/people/{person}/break-glass", posted)
        assert refused.status_code == 200 and b"There is a problem" in refused.content
    assert b"Choose why you need to do this." in refused.content
    assert not AccessGrant.objects.filter(person=person, user__username="pat.police").exists()
    assert Notification.objects.count() == notes
    assert client.get(f"/people/{person}").status_code == 403


# -- M3: break-glass search ----------------------------------------------------------------


def test_break_glass_search_needs_enough_to_identify_one_person(site: Seeded) -> None:
    person = _hidden_from_police(site)
    given, family, born, nhs = _identity(site, person)
    for vague in (
        Query(date_of_birth=born[:4]),
        Query(family_name=family),
        Query(given_name=given, family_name=family, date_of_birth=born[:7]),
        Query(given_name=given, date_of_birth=born),
    ):
        with pytest.raises(QueryError, match="To search everyone, give"):
            break_glass_search(site.store, clean(vague))
    named = break_glass_search(
        site.store, clean(Query(given_name=given, family_name=family, date_of_birth=born))
    )
    assert person in {f.person for f in named} and len(named) <= GLASS_LIMIT
    if nhs:
        assert person in {f.person for f in break_glass_search(site.store, Query(nhs_number=nhs))}


def test_break_glass_search_is_capped(site: Seeded, monkeypatch: pytest.MonkeyPatch) -> None:
    from wholestory import search as search_module

    person = _hidden_from_police(site)
    given, family, born, _ = _identity(site, person)
    monkeypatch.setattr(search_module, "GLASS_LIMIT", 0)
    with pytest.raises(QueryError, match="More than 0 people match"):
        break_glass_search(
            site.store, clean(Query(given_name=given, family_name=family, date_of_birth=born))
        )


def test_break_glass_search_by_year_alone_lists_no_one(site: Seeded) -> None:
    from wholestory.web.accounts.models import Notification

    person = _hidden_from_police(site)
    _, _, born, _ = _identity(site, person)
    notes = Notification.objects.count()
    said = "Youth offending panel tomorrow, need to check the family"
    response = _client("pat.police").post(
        "/search/break-glass", {"ground": "other", "reason": said, "date_of_birth": born[:4]}
    )
    assert response.status_code == 200 and b"To search everyone, give" in response.content
    assert person.encode() not in response.content
    entry = _newest(site, actor="pat.police")
    assert (entry.action, entry.outcome) == ("break_glass", "refused")
    assert Notification.objects.count() == notes


def test_break_glass_search_records_who_was_shown_and_tells_their_leads(site: Seeded) -> None:
    from wholestory.web.accounts.models import Notification

    person = _hidden_from_police(site)
    given, family, born, _ = _identity(site, person)
    said = "Child at A&E with injuries, need the history now"
    response = _client("pat.police").post(
        "/search/break-glass",
        {"ground": "emergency", "reason": said, "given_name": given, "family_name": family,
         "date_of_birth": born},
    )  # fmt: skip
    assert response.status_code == 200 and f"/people/{person}/break-glass".encode() in (
        response.content
    )
    entry = _newest(site, actor="pat.police", action="break_glass")
    assert person in entry.as_dict()["detail"]["shown"] and said in entry.reason
    told = {n.agency for n in Notification.objects.filter(person=person)}
    assert told == set(facts_about(site.store, person).agencies)
    note = Notification.objects.filter(person=person).latest("id")
    assert "searched everyone" in note.message and said in note.message


# -- L3: unknown ids -----------------------------------------------------------------------


def test_an_unknown_id_of_ones_own_agency_is_not_found(site: Seeded) -> None:
    client = _client("pat.police")
    before = len(audit.entries(site.store, action="view"))
    response = client.get("/people/POLICE:NOPE")
    assert response.status_code == 404 and b"No records found" in response.content
    assert len(audit.entries(site.store, action="view")) == before
    entry = _newest(site, actor="pat.police")
    assert (entry.action, entry.person) == ("denied", "POLICE:NOPE")
    assert not facts_about(site.store, "POLICE:NOPE").agencies
    # Another agency's unknown id is refused exactly as a hidden person is: no "not found".
    assert client.get("/people/SCHOOL:NOPE").status_code == 403


# -- L4: record ids containing "/" ---------------------------------------------------------


def test_a_record_whose_id_has_a_slash_opens(site: Seeded, tmp_path: Path) -> None:
    from factories import event_row, write_csv
    from wholestory.chronology.stored import refresh_for_keys
    from wholestory.ingest import ingest_paths
    from wholestory.web.pages.stories import record_url

    person = site.person_known_to("POLICE")
    agency, person_id, given, family, born = site.store.query(
        "SELECT agency, person_id, given_name, family_name, date_of_birth FROM ws_source_person "
        "WHERE ws_person_id = ? AND agency = 'POLICE' ORDER BY key LIMIT 1",
        [person],
    )[0]
    row = event_row(
        1, agency=agency, record_id="PC/2024/17", person_id=person_id, given_name=given,
        family_name=family, date_of_birth=born, nhs_number="", event_id="PC/2024/17-E",
        summary="Welfare check with a slash in its id",
    )  # fmt: skip
    ingest_paths(site.store, [write_csv(tmp_path / "slash.csv", [row])])
    refresh_for_keys(site.store, [f"{agency}:{person_id}"])
    client = _client("pat.police")
    url = record_url(person, "POLICE", "PC/2024/17")
    assert url.encode() in client.get(f"/people/{person}", {"q": "slash"}).content
    page = client.get(url)
    assert page.status_code == 200 and b"Welfare check with a slash" in page.content


# -- M2: identity review is its own role ----------------------------------------------------


def _queue(site: Seeded, key_a: str, key_b: str) -> tuple[str, str]:
    key_l, key_r = sorted((key_a, key_b))
    site.store.execute(
        "INSERT INTO ws_link_pair (key_l, key_r, match_weight, match_probability, evidence, "
        "state, note, model_id, scored_at) VALUES (?, ?, 1.0, 0.7, '{}', 'review', NULL, NULL, "
        "'2025-01-01 00:00:00+00:00')",
        [key_l, key_r],
    )
    return key_l, key_r


def test_identity_review_is_its_own_role_and_shows_only_the_pairs_agencies(
    site: Seeded,
) -> None:
    store = site.store
    # A Police record whose person the school knows too, paired with another child's GP record.
    police, school_id, person = store.query(
        "SELECT p.key, s.person_id, p.ws_person_id FROM ws_source_person p "
        "JOIN ws_source_person s ON s.ws_person_id = p.ws_person_id AND s.agency = 'SCHOOL' "
        "WHERE p.agency = 'POLICE' ORDER BY p.key LIMIT 1"
    )[0]
    gp, other = store.query(
        "SELECT key, ws_person_id FROM ws_source_person WHERE agency = 'GP' AND "
        "ws_person_id <> ? ORDER BY key LIMIT 1",
        [person],
    )[0]
    a, b = _queue(site, str(police), str(gp))
    gp_family = store.scalar("SELECT family_name FROM ws_source_person WHERE key = ?", [gp])
    for manager in ("mia.police", "lee.police"):  # managers and leads no longer review
        refused = _client(manager).get(f"/review/{a}/{b}")
        assert refused.status_code == 403 and str(gp_family).encode() not in refused.content
    reviewer = _client("ivy.police")
    page = reviewer.get(f"/review/{a}/{b}")
    body = page.content.decode()
    assert page.status_code == 200 and str(gp_family) in body
    assert f"School {school_id}" not in body and "not shown here" in body
    viewed = audit.entries(store, actor="ivy.police", action="view", limit=2)
    assert {e.person for e in viewed} == {str(person), str(other)}
    # A pair with no Police record: not for a Police identity reviewer; the partnership's may.
    school_key = store.scalar(
        "SELECT key FROM ws_source_person WHERE agency = 'SCHOOL' AND ws_person_id <> ? "
        "ORDER BY key LIMIT 1",
        [other],
    )
    c, d = _queue(site, str(school_key), str(gp))
    assert reviewer.get(f"/review/{c}/{d}").status_code == 403
    assert _newest(site, actor="ivy.police").outcome == "denied"
    assert _client("ian.identity").get(f"/review/{c}/{d}").status_code == 200


# -- L1: a hidden person and a missing one take the same work -------------------------------


def test_the_api_does_the_same_work_for_a_hidden_person_and_a_missing_one(
    site: Seeded, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.contrib.auth.models import User
    from django.test import Client

    from wholestory.web.accounts.users import issue_token
    from wholestory.web.api import api

    checked: list[tuple[str, int]] = []
    real = api.check_person  # type: ignore[attr-defined]

    def counting(request: Any, person: str) -> Any:
        result = real(request, person)
        known = site.store.scalar(
            "SELECT COUNT(*) FROM ws_chronology WHERE ws_person_id = ?", [person]
        )
        checked.append((person, int(known)))
        return result

    monkeypatch.setattr(api, "check_person", counting)
    token = issue_token(User.objects.get(username="pat.police"))
    headers: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    hidden = _hidden_from_police(site)
    for asked in (hidden, "WS-9999999"):
        response = Client().get(f"/api/v1/people/{asked}/chronology", **headers)
        assert response.status_code == 404 and response.json() == {"detail": api.NOT_FOUND}
    # Both checked the rules once, on a real person: the missing id on a stand-in.
    assert [known for _, known in checked] == [1, 1] and checked[0][0] == hidden
    assert _newest(site, actor="pat.police").person == "WS-9999999"
