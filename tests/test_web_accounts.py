"""Signing in, second factors, lockout, idle timeout and their audit entries, on both databases."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest

from web_support import PASSWORD, Seeded, open_test_store, seed, serving, sign_in, totp_code
from wholestory import audit


@pytest.fixture(scope="module")
def partnership(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("web-partnership")


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def site(
    request: pytest.FixtureRequest, partnership: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Seeded]:
    """One seeded store per database for the module (seeding takes seconds)."""
    store = open_test_store(request.param, request, tmp_path_factory.mktemp("web"))
    with serving(store.url):
        yield seed(store, partnership)
    store.close()


def _client() -> object:
    from django.test import Client

    return Client()


def test_sign_in_is_audited_and_shows_the_role(site: Seeded) -> None:
    client = _client()
    sign_in(client, "pat.police")
    page = client.get("/")  # type: ignore[attr-defined]
    assert page.status_code == 200
    assert b"Practitioner" in page.content and b"Police" in page.content
    logins = audit.entries(site.store, action="login", actor="pat.police")
    assert logins and logins[0].role == "practitioner" and logins[0].agency == "POLICE"
    assert audit.verify(site.store).ok


def test_a_wrong_password_is_refused_and_audited(site: Seeded) -> None:
    client = _client()
    response = client.post("/login", {"username": "pat.police", "password": "nope"})  # type: ignore[attr-defined]
    assert response.status_code == 200 and b"not right" in response.content
    failed = audit.entries(site.store, action="login_failed")
    assert failed and failed[0].outcome == "denied"


def test_repeated_failures_lock_the_account(site: Seeded) -> None:
    client = _client()
    for _ in range(5):
        client.post("/login", {"username": "sam.school", "password": "wrong"})  # type: ignore[attr-defined]
    locked = client.post("/login", {"username": "sam.school", "password": PASSWORD})  # type: ignore[attr-defined]
    assert locked.status_code == 429 and b"locked" in locked.content


def test_leads_must_pass_the_second_factor(site: Seeded) -> None:
    client = _client()
    response = client.post("/login", {"username": "lee.police", "password": PASSWORD})  # type: ignore[attr-defined]
    assert response.status_code == 302
    assert client.get("/").status_code == 302  # type: ignore[attr-defined]
    assert client.get("/").url == "/two-factor"  # type: ignore[attr-defined]
    wrong = client.post("/two-factor", {"code": "000000"})  # type: ignore[attr-defined]
    assert wrong.status_code == 200 and b"not right" in wrong.content
    time.sleep(1.1)  # django-otp slows down guessing: a second try waits a second
    right = client.post("/two-factor", {"code": totp_code("lee.police")})  # type: ignore[attr-defined]
    assert right.status_code == 302
    assert client.get("/").status_code == 200  # type: ignore[attr-defined]


def test_idle_sessions_end(site: Seeded) -> None:
    client = _client()
    sign_in(client, "pat.police")
    session = client.session  # type: ignore[attr-defined]
    session["last_seen"] = 0
    session.save()
    response = client.get("/")  # type: ignore[attr-defined]
    assert response.status_code == 302 and "timeout=1" in response.url


def test_security_headers(site: Seeded) -> None:
    response = _client().get("/login")  # type: ignore[attr-defined]
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert b"csrfmiddlewaretoken" in response.content


def test_sign_in_attempts_are_rate_limited(site: Seeded, monkeypatch: pytest.MonkeyPatch) -> None:
    from django.conf import settings
    from django.core.cache import cache

    from wholestory.web.pages import limits

    cache.clear()
    monkeypatch.setitem(settings.RATE_LIMITS, "login", 3)
    # One minute's window for all five: on a loaded machine five hashed sign-ins can
    # straddle the minute's turn, which would start a new allowance part way through.
    monkeypatch.setattr(limits, "time", SimpleNamespace(time=lambda: 1_800_000_030.0))
    client = _client()
    codes = [
        client.post("/login", {"username": f"nobody{i}", "password": "x"}).status_code  # type: ignore[attr-defined]
        for i in range(5)
    ]
    assert codes[:3] == [200, 200, 200] and codes[3:] == [429, 429]
