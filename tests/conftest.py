"""Shared fixtures: a fresh store on SQLite and, when a server is given, on PostgreSQL.

Tests that take the ``store`` fixture run once per database. PostgreSQL runs
when ``WHOLESTORY_TEST_POSTGRES_URL`` names a server (``.ci/run`` starts one);
with ``WHOLESTORY_TEST_REQUIRE_POSTGRES=1`` a missing server fails the run
instead of skipping, so CI cannot pass on SQLite alone.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher

from wholestory.store import Store, StoreURL, open_store, resolve_url
from wholestory.web.bootstrap import ensure_schema

# The web app under test: plain HTTP on the test client's host, static files from the package.
os.environ.setdefault("WHOLESTORY_ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
os.environ.setdefault("WHOLESTORY_SSL_REDIRECT", "0")
os.environ.setdefault("WHOLESTORY_EMAIL_BACKEND", "memory")  # mail.outbox, not the console
os.environ.setdefault("WHOLESTORY_LOGIN_RATE", "10000")  # one test checks the real limit
os.environ.setdefault("WHOLESTORY_STATIC_ROOT", tempfile.mkdtemp(prefix="wholestory-static-"))
# Passwords are still hashed with Argon2 in tests (a test checks the stored hash), but with
# its cheapest parameters: Django's defaults (100 MB, eight lanes) cost a third of a second a
# hash and a sign-in, and the web tests create and sign in two dozen users per module and
# database, minutes of every run. Django's documentation advises a faster hasher in tests;
# the app's own settings (web/settings.py) and every process a test starts keep the defaults.
Argon2PasswordHasher.time_cost = 1
Argon2PasswordHasher.memory_cost = 8
Argon2PasswordHasher.parallelism = 1

# Test mode: a fixed, public audit key (real ones come from the environment; see audit.py).
os.environ.setdefault("WHOLESTORY_AUDIT_KEY", "test-only-audit-key-not-secret-" + "k" * 32)

PG_ENV = "WHOLESTORY_TEST_POSTGRES_URL"
TABLES = (
    "ws_audit",
    "ws_audit_head",
    "ws_notification",
    "ws_access_grant",
    "ws_api_token",
    "ws_password_link",
    "ws_membership",
    "otp_totp_totpdevice",
    "axes_accessattempt",
    "django_session",
    "auth_user",
    "ws_flag",
    "ws_chronology",
    "ws_record_version",
    "ws_record",
    "ws_relationship",
    "ws_quarantine",
    "ws_import",
    "ws_person_event",
    "ws_link_pair",
    "ws_lookalike",
    "ws_link_run",
    "ws_link_model",
    "ws_link_decision",
    "ws_source_person",
    "ws_person",
    "ws_household_link",
    "ws_agency_setting",
    "ws_marac_decision",
    "ws_confidential_address",
    "ws_encompass_notice",
    "ws_dash",
    "ws_marac_action",
    "ws_marac_research_fact",
    "ws_marac_research",
    "ws_marac_case_person",
    "ws_marac_case",
    "ws_marac_meeting",
    "ws_marac_list",
    "ws_change",
    "ws_need",
    "ws_thrive_grouping",
    "ws_thrive_pdsa",
    "ws_thrive_implementation",
    "ws_action_assurance",
    "ws_action_evidence",
    "ws_action_update",
    "ws_recommendation_action",
    "ws_recommendation",
    "ws_review_narrative",
    "ws_review_decision",
    "ws_review_case",
    "ws_board_pack",
    "ws_yearly_report",
    "ws_thrive_current_view",
    "ws_lead_professional",
    "ws_alert_recipient",
    "ws_alert",
    "ws_flag_raised",
    "ws_assurance_measure",
    "ws_assurance_action",
    "ws_assurance_learning",
    "ws_assurance_moderation",
    "ws_assurance_answer",
    "ws_assurance_auditor",
    "ws_assurance_case",
    "ws_assurance_programme",
)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file, copied for each test (migrating each time is slow)."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    ensure_schema(resolve_url(f"sqlite:///{path}"))
    return path


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[StoreURL]:
    """A fresh PostgreSQL database for this test session, dropped at the end."""
    server = os.environ.get(PG_ENV)
    if not server:
        if os.environ.get("WHOLESTORY_TEST_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"{PG_ENV} is not set but PostgreSQL tests are required")
        pytest.skip(f"set {PG_ENV} to run the PostgreSQL tests")
    import psycopg

    name = f"wholestory_test_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    base, _, _ = server.rpartition("/")
    url = resolve_url(f"{base}/{name}")
    ensure_schema(url)
    yield url
    from django.db import connections

    for alias in list(connections.databases):
        if alias.startswith("store_"):
            connections[alias].close()
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """An empty, migrated store on each database."""
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        path = tmp_path / "store.sqlite3"
        shutil.copy(template, path)
        opened = open_store(resolve_url(f"sqlite:///{path}"))
    else:
        url: StoreURL = request.getfixturevalue("postgres_url")
        opened = open_store(url)
        opened.execute(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE")
    yield opened
    opened.close()


@pytest.fixture
def store_env(store: Store, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Store]:
    """The same store, named by WHOLESTORY_DATABASE_URL, for CLI tests; cwd is tmp_path."""
    monkeypatch.setenv("WHOLESTORY_DATABASE_URL", store.url.raw)
    monkeypatch.chdir(tmp_path)
    yield store
