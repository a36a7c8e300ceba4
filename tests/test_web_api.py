"""The JSON API: token auth, the same access rules and audit as the pages, and Schemathesis.

One seeded partnership per database (SQLite and PostgreSQL), a token for each
user. Schemathesis generates requests from the published OpenAPI schema and
sends them in process, through the WSGI app, asserting no server errors.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from web_support import USERS, Seeded, open_test_store, seed, serving, sign_in
from wholestory import audit


@pytest.fixture(scope="module")
def partnership(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("api-partnership")


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def site(
    request: pytest.FixtureRequest, partnership: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Seeded]:
    store = open_test_store(request.param, request, tmp_path_factory.mktemp("api"))
    with serving(store.url):
        yield seed(store, partnership)
    store.close()


@pytest.fixture(scope="module")
def tokens(site: Seeded) -> dict[str, str]:
    """One API token per seeded user; the reviewer is granted the first police child."""
    from django.contrib.auth.models import User

    from wholestory.web.accounts.users import grant_review, issue_token

    issued = {name: issue_token(User.objects.get(username=name)) for name, _, _ in USERS}
    reviewer = User.objects.get(username="rey.reviewer")
    grant_review(reviewer, site.person_known_to("POLICE"), 7, "lee.police", "Rapid review")
    return issued


def _get(path: str, token: str | None = None, **params: str) -> Any:
    from django.test import Client

    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return Client().get(path, params, **headers)


def _agency_id(site: Seeded, person: str, agency: str) -> str:
    rows = site.store.query(
        "SELECT person_id FROM ws_source_person WHERE ws_person_id = ? AND agency = ? "
        "ORDER BY person_id LIMIT 1",
        [person, agency],
    )
    return str(rows[0][0])


# Tokens


def test_me_with_a_token(site: Seeded, tokens: dict[str, str]) -> None:
    response = _get("/api/v1/me", tokens["mia.police"])
    assert response.status_code == 200
    me = response.json()
    assert me["username"] == "mia.police" and me["agency"] == "POLICE"
    assert me["role"] == "manager" and "flags_dashboard" in me["may"]


@pytest.mark.parametrize("header", [None, "Bearer nope", "Bearer ", "Basic abc", "ws_only"])
def test_no_token_or_a_bad_one_is_refused(site: Seeded, header: str | None) -> None:
    from django.test import Client

    extra = {"HTTP_AUTHORIZATION": header} if header is not None else {}
    response = Client().get("/api/v1/me", **extra)
    assert response.status_code == 401
    assert response.headers["Content-Type"].startswith("application/json")
    assert "token" in response.json()["detail"]


def test_a_revoked_token_is_refused_and_use_is_recorded(
    site: Seeded, tokens: dict[str, str]
) -> None:
    from django.contrib.auth.models import User

    from wholestory.web.accounts.models import ApiToken
    from wholestory.web.accounts.users import issue_token

    token = issue_token(User.objects.get(username="gus.gp"))
    assert _get("/api/v1/me", token).status_code == 200
    row = ApiToken.objects.get(digest=ApiToken.digest_of(token))
    assert row.last_used_at is not None
    row.revoked = True
    row.save()
    assert _get("/api/v1/me", token).status_code == 401


# One person's chronology


def test_chronology_by_agency_id_is_the_chronology_json(
    site: Seeded, tokens: dict[str, str]
) -> None:
    from wholestory.chronology.stored import chronology_of
    from wholestory.engagement.family import engagement_json
    from wholestory.sharing import default_agreement
    from wholestory.sharing.story import share

    person = site.person_known_to("POLICE")
    agency_id = _agency_id(site, person, "POLICE")
    response = _get(f"/api/v1/people/POLICE/{agency_id}/chronology", tokens["pat.police"])
    assert response.status_code == 200, response.content[:300]
    data = response.json()
    assert data["person"]["id"] == person
    assert {"agency": "POLICE", "person_id": agency_id} in data["person"]["source_records"]
    assert data["entries"] and all(e["sources"] for e in data["entries"])
    assert all(f["evidence"] for f in data["flags"])
    # The chronology as a police practitioner may see it under the sharing agreement (issue 18).
    fresh = chronology_of(site.store, person, dt.date.fromisoformat(data["as_of"]))
    seen = share(fresh, default_agreement(), "POLICE", "practitioner").as_dict()
    # With the family's needs and the engagement section as they stand now (issue 14).
    shared = engagement_json(site.store, seen, dt.date.today())
    assert shared["summary"]["engagement"]["by_agency"] and "needs" in shared
    expected = json.loads(json.dumps(shared, default=str))
    data.pop("produced_at"), expected.pop("produced_at")
    assert data == expected
    by_ws_id = _get(f"/api/v1/people/{person}/chronology", tokens["pat.police"]).json()
    by_ws_id.pop("produced_at")
    assert by_ws_id == data


def test_each_view_is_audited_first(site: Seeded, tokens: dict[str, str]) -> None:
    person = site.person_known_to("SCHOOL")
    assert _get(f"/api/v1/people/{person}/chronology", tokens["sam.school"]).status_code == 200
    newest = audit.entries(site.store, actor="sam.school", limit=1)[0]
    assert (newest.action, newest.person, newest.outcome) == ("view", person, "allowed")
    detail = newest.as_dict()["detail"]
    assert (detail["basis"], detail["via"]) == ("relationship", "api")
    # What the look showed of each agency's records (issue 18): the school's own in full.
    assert detail["sharing"]["levels"]["SCHOOL"] == "full"
    assert detail["sharing"]["rules"]["own-records"] > 0
    assert "School" in newest.reason
    assert audit.verify(site.store).ok


def test_no_relationship_is_answered_like_no_person(site: Seeded, tokens: dict[str, str]) -> None:
    hidden = site.person_unknown_to("POLICE")
    refused = _get(f"/api/v1/people/{hidden}/chronology", tokens["pat.police"])
    unknown = _get("/api/v1/people/WS-9999999/chronology", tokens["pat.police"])
    unknown_agency_id = _get("/api/v1/people/POLICE/NOBODY/chronology", tokens["pat.police"])
    assert refused.status_code == unknown.status_code == unknown_agency_id.status_code == 404
    assert refused.content == unknown.content == unknown_agency_id.content
    assert hidden.encode() not in refused.content
    denied = audit.entries(site.store, actor="pat.police", action="denied", limit=3)
    assert {e.person for e in denied} >= {hidden, "WS-9999999"}
    assert all(e.outcome == "denied" for e in denied)


@pytest.mark.parametrize("user", ["bea.board", "ada.admin"])
def test_board_and_admin_are_refused_person_data(
    site: Seeded, tokens: dict[str, str], user: str
) -> None:
    person = site.person_known_to("POLICE")
    response = _get(f"/api/v1/people/{person}/chronology", tokens[user])
    assert response.status_code == 403
    assert person.encode() not in response.content
    assert _get("/api/v1/search", tokens[user], name="smith").status_code == 403


def test_a_reviewer_sees_only_granted_cases(site: Seeded, tokens: dict[str, str]) -> None:
    granted = site.person_known_to("POLICE")
    other = site.person_known_to("SCHOOL")
    assert other != granted
    token = tokens["rey.reviewer"]
    assert _get(f"/api/v1/people/{granted}/chronology", token).status_code == 200
    assert _get(f"/api/v1/people/{other}/chronology", token).status_code == 404
    grant = audit.entries(site.store, actor="rey.reviewer", action="view", limit=1)[0]
    assert grant.as_dict()["detail"]["basis"] == "grant"


def test_no_view_without_its_audit_entry(
    site: Seeded, tokens: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise audit.AuditUnavailable("disk full")

    person = site.person_known_to("POLICE")
    monkeypatch.setattr(audit, "append", broken)
    response = _get(f"/api/v1/people/{person}/chronology", tokens["pat.police"])
    assert response.status_code == 503
    assert person.encode() not in response.content and b"audit" in response.content


# Search and flags


def test_search_finds_only_people_the_user_may_see(site: Seeded, tokens: dict[str, str]) -> None:
    from django.core.cache import cache

    cache.clear()
    seen = site.person_known_to("POLICE")
    hidden = site.person_unknown_to("POLICE")
    (family, dob) = site.store.query(
        "SELECT family_name, date_of_birth FROM ws_source_person WHERE ws_person_id = ? "
        "AND family_name IS NOT NULL AND date_of_birth IS NOT NULL LIMIT 1",
        [seen],
    )[0]
    found = _get("/api/v1/search", tokens["pat.police"], name=str(family), dob=str(dob))
    assert found.status_code == 200
    assert seen in [r["id"] for r in found.json()["results"]]
    (hidden_dob,) = site.store.query(
        "SELECT date_of_birth FROM ws_source_person WHERE ws_person_id = ? "
        "AND date_of_birth IS NOT NULL LIMIT 1",
        [hidden],
    )[0]
    none = _get("/api/v1/search", tokens["pat.police"], dob=str(hidden_dob))
    assert hidden not in [r["id"] for r in none.json()["results"]]
    searches = audit.entries(site.store, actor="pat.police", action="search", limit=2)
    assert searches[0].as_dict()["detail"]["terms"] == {"date_of_birth": str(hidden_dob)}
    assert searches[1].as_dict()["detail"]["terms"] == {
        "name": str(family),
        "date_of_birth": str(dob),
    }
    bad = _get("/api/v1/search", tokens["pat.police"], dob="30/02/2010")
    assert bad.status_code == 400 and "date of birth" in bad.json()["detail"]
    assert _get("/api/v1/search", tokens["pat.police"]).status_code == 400


def test_flags_for_managers_show_their_agency_children(
    site: Seeded, tokens: dict[str, str]
) -> None:
    response = _get("/api/v1/flags", tokens["meg.school"])
    assert response.status_code == 200
    children = response.json()["children"]
    school = {
        str(p)
        for (p,) in site.store.query(
            "SELECT ws_person_id FROM ws_source_person WHERE agency = 'SCHOOL'"
        )
    }
    assert children and all(c["person"] in school for c in children)
    assert all(c["flags"] for c in children)
    assert _get("/api/v1/flags", tokens["sam.school"]).status_code == 403


# The schema


def test_the_schema_is_published_and_errors_are_json(site: Seeded) -> None:
    schema = _get("/api/v1/openapi.json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/v1/people/{agency}/{person_id}/chronology" in paths
    assert {"/api/v1/me", "/api/v1/search", "/api/v1/flags"} <= set(paths)
    assert _get("/api/v1/docs").status_code == 404  # the docs page would need a CDN
    missing = _get("/api/v1/no/such/thing")
    assert missing.status_code == 404 and "detail" in missing.json()


@pytest.mark.slow
def test_schemathesis_finds_no_server_errors(site: Seeded, tokens: dict[str, str]) -> None:
    """Requests generated from the OpenAPI schema, sent in process: never a 5xx."""
    import schemathesis
    from hypothesis import HealthCheck, Phase, given, settings
    from schemathesis.core.result import Ok

    from wholestory.web.wsgi import application

    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    headers = {"Authorization": f"Bearer {tokens['lee.police']}"}
    checked, calls = 0, [0]
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result
        operation = result.ok()

        @settings(
            max_examples=25,
            deadline=None,
            derandomize=True,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def call(case: Any) -> None:
            response = case.call(headers=headers)
            calls[0] += 1
            assert response.status_code < 500, (case.path, case.query, response.text[:300])

        call()
        checked += 1
    assert checked >= 5 and calls[0] >= 3 * checked, calls


def test_a_refused_search_is_audited(
    site: Seeded, tokens: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.core.cache import cache

    from wholestory import search as search_module

    cache.clear()
    monkeypatch.setattr(search_module, "CANDIDATE_LIMIT", 3)
    for typed in ("a", "e", "mi", "%", "_", "\\"):
        response = _get("/api/v1/search", tokens["pat.police"], given_name=typed)
        entry = audit.entries(site.store, actor="pat.police", action="search", limit=1)[0]
        assert entry.as_dict()["detail"]["terms"] in ({"given_name": typed}, {"name": typed})
        if response.status_code == 400:
            assert "More than 3 records match" in response.json()["detail"]
            assert entry.outcome == "refused"
        else:  # a wildcard matches itself: nobody here has one in a name
            assert typed in ("%", "_", "\\") and response.status_code == 200
            assert response.json()["results"] == [] and entry.outcome == "allowed"
    bad = _get("/api/v1/search", tokens["pat.police"], dob="30/02/2010")
    assert bad.status_code == 400
    entry = audit.entries(site.store, actor="pat.police", action="search", limit=1)[0]
    assert entry.outcome == "refused" and entry.as_dict()["detail"]["terms"] == {
        "date_of_birth": "30/02/2010"
    }


def test_every_api_answer_is_never_stored(site: Seeded, tokens: dict[str, str]) -> None:
    from django.core.cache import cache

    cache.clear()
    person = site.person_known_to("POLICE")
    agency_id = _agency_id(site, person, "POLICE")
    for path, token in (
        (f"/api/v1/people/POLICE/{agency_id}/chronology", tokens["pat.police"]),
        (f"/api/v1/people/{person}/chronology", tokens["pat.police"]),
        (f"/api/v1/people/{site.person_unknown_to('POLICE')}/chronology", tokens["pat.police"]),
        ("/api/v1/search?given_name=a", tokens["pat.police"]),
        ("/api/v1/flags", tokens["mia.police"]),
        ("/api/v1/me", tokens["pat.police"]),
        ("/api/v1/me", None),
        ("/api/v1/no/such/thing", tokens["pat.police"]),
    ):
        response = _get(path, token)
        assert "no-store" in response.headers.get("Cache-Control", ""), (path, response.status_code)


# The documentation page


def test_the_docs_page_is_served_from_the_site_under_its_csp(site: Seeded) -> None:
    """Swagger UI from the files django-ninja ships: every script and stylesheet it loads is
    served here (200), and the Content Security Policy names no other host and no inline code."""
    from django.test import Client

    anonymous = Client().get("/api-docs")
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/login")
    client = Client()
    sign_in(client, "pat.police")
    page = client.get("/api-docs")
    assert page.status_code == 200, page.content[:500]
    html = page.content.decode()
    assert 'id="swagger-ui"' in html and '"/api/v1/openapi.json"' in html
    assets = re.findall(r'<(?:script|link)\b[^>]*?\b(?:src|href)="([^"]+)"', html)
    assert any(a.endswith(".js") for a in assets) and any(a.endswith(".css") for a in assets)
    for asset in assets:
        assert asset.startswith("/static/"), asset
        assert client.get(asset).status_code == 200, asset
    executable = re.findall(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", html)
    assert executable == [], "an inline script would need 'unsafe-inline'"
    policy = page["Content-Security-Policy"]
    assert "http" not in policy and "unsafe" not in policy and "*" not in policy, policy
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert client.get("/api/v1/openapi.json").status_code == 200
