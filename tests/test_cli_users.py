"""``wholestory user ...``: users, passwords and API tokens; and the demo users. Both databases."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from click.testing import Result
from typer.testing import CliRunner

from web_support import serving
from wholestory import audit
from wholestory.cli.main import app
from wholestory.store import Store

runner = CliRunner()
STRONG = "a long and private passphrase 7"


@pytest.fixture
def accounts(store_env: Store) -> Iterator[Store]:
    """An empty store that the CLI (by environment) and Django (by connection) both use."""
    with serving(store_env.url):
        yield store_env


def _add(name: str, role: str = "practitioner", password: str = STRONG, *extra: str) -> Result:
    return runner.invoke(
        app,
        ["user", "add", name, "--agency", "csc", "--role", role, "--password-stdin", *extra],
        input=password + "\n",
    )


def test_add_a_user_and_use_their_token_against_the_api(accounts: Store) -> None:
    from django.contrib.auth.models import User
    from django.test import Client

    added = _add("sam.jones", "practitioner", STRONG, "--team", "Assessment Team 1")
    assert added.exit_code == 0, added.output
    assert "Added sam.jones: Practitioner, CSC, Assessment Team 1" in added.output
    user = User.objects.get(username="sam.jones")
    assert user.password.startswith("argon2") and STRONG not in user.password
    assert user.check_password(STRONG)
    assert (user.membership.agency, user.membership.role) == ("CSC", "practitioner")

    issued = runner.invoke(app, ["user", "token", "sam.jones"])
    assert issued.exit_code == 0, issued.output
    token = issued.stdout.strip().splitlines()[-1]
    assert token.startswith("ws_") and " " not in token
    me = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert me.status_code == 200 and me.json()["username"] == "sam.jones"

    actions = [(e.action, e.target) for e in audit.entries(accounts, newest_first=False)]
    assert actions == [("user_added", "sam.jones"), ("token_issued", "sam.jones")]
    assert audit.verify(accounts).ok


def test_the_agencys_leads_are_told_of_an_account_added_on_the_server(accounts: Store) -> None:
    """Issue 11, M1: a lead hears of every account at their agency, however it was made."""
    from wholestory.web.accounts.models import Notification

    assert _add("sam.jones").exit_code == 0
    told = Notification.objects.get(agency="CSC")
    assert "sam.jones" in told.message and "Practitioner" in told.message
    assert told.url == "/approvals"


def test_leads_get_an_authenticator(accounts: Store) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    added = _add("kim.lead", "LEAD")
    assert added.exit_code == 0, added.output
    assert "otpauth://totp/WholeStory" in added.output
    assert TOTPDevice.objects.filter(user__username="kim.lead", confirmed=True).count() == 1


@pytest.mark.parametrize(
    ("password", "role", "says"),
    [
        ("short", "practitioner", "not strong enough"),
        ("password123456", "practitioner", "too common"),
        (STRONG, "chief", "Unknown role 'chief'"),
    ],
)
def test_a_weak_password_or_unknown_role_is_refused_in_one_line(
    accounts: Store, password: str, role: str, says: str
) -> None:
    from django.contrib.auth.models import User

    result = _add("weak.one", role, password)
    assert result.exit_code == 2
    output = result.output.strip()
    assert says in output and output.startswith("Error:")
    assert len(output.splitlines()) == 1
    assert not User.objects.filter(username="weak.one").exists()


def test_a_name_is_taken_once_and_a_password_is_needed(accounts: Store) -> None:
    assert _add("sam.jones").exit_code == 0
    again = _add("sam.jones")
    assert again.exit_code == 2 and "already exists" in again.output
    empty = runner.invoke(
        app,
        ["user", "add", "x.y", "--agency", "CSC", "--role", "qa", "--password-stdin"],
        input="\n",
    )
    assert empty.exit_code == 2 and "No password" in empty.output


def test_set_a_new_password_list_users_and_unknown_names(accounts: Store) -> None:
    import json

    from django.contrib.auth.models import User

    assert _add("sam.jones").exit_code == 0
    changed = runner.invoke(
        app, ["user", "password", "sam.jones", "--password-stdin"], input="another fine phrase 9\n"
    )
    assert changed.exit_code == 0, changed.output
    assert User.objects.get(username="sam.jones").check_password("another fine phrase 9")
    weak = runner.invoke(app, ["user", "password", "sam.jones", "--password-stdin"], input="x\n")
    assert weak.exit_code == 2 and "not strong enough" in weak.output
    listed = json.loads(runner.invoke(app, ["user", "list", "--json"]).stdout)
    assert [(u["username"], u["agency"], u["role"]) for u in listed] == [
        ("sam.jones", "CSC", "practitioner")
    ]
    missing = runner.invoke(app, ["user", "token", "nobody"])
    assert missing.exit_code == 2 and "no user called 'nobody'" in missing.output


def test_a_new_password_or_disabling_ends_tokens(accounts: Store) -> None:
    from django.test import Client

    assert _add("sam.jones").exit_code == 0
    first = runner.invoke(app, ["user", "token", "sam.jones"]).stdout.strip().splitlines()[-1]
    changed = runner.invoke(
        app, ["user", "password", "sam.jones", "--password-stdin"], input="another fine phrase 9\n"
    )
    assert changed.exit_code == 0 and "no longer work" in changed.output
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {first}").status_code == 401
    second = runner.invoke(app, ["user", "token", "sam.jones"]).stdout.strip().splitlines()[-1]
    disabled = runner.invoke(app, ["user", "disable", "sam.jones"])
    assert disabled.exit_code == 0 and "can no longer sign in" in disabled.output
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {second}").status_code == 401
    signed = Client().post("/login", {"username": "sam.jones", "password": "another fine phrase 9"})
    assert signed.status_code == 200  # the form again: no session
    actions = [e.action for e in audit.entries(accounts, newest_first=False)]
    assert actions == [
        "user_added", "token_issued", "password_set", "token_issued", "user_disabled",
        "login_failed",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "agency", "says"),
    [("x y", "CSC", "Use only letters"), ("x.y", "polce typo!", "agency's code")],
)
def test_a_bad_username_or_agency_is_refused_before_anything_is_written(
    accounts: Store, name: str, agency: str, says: str
) -> None:
    result = runner.invoke(
        app,
        ["user", "add", name, "--agency", agency, "--role", "qa", "--password-stdin"],
        input=STRONG + "\n",
    )
    assert result.exit_code == 2 and says in result.output
    assert audit.entries(accounts) == []


def test_demo_users_are_made_once_and_only_in_demo_mode(
    accounts: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.conf import settings
    from django.contrib.auth.models import User
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from wholestory.access import ROLES, TWO_FACTOR_REQUIRED
    from wholestory.web.demo_users import NotDemoMode, make_demo_users

    monkeypatch.setattr(settings, "DEMO", False)
    with pytest.raises(NotDemoMode):
        make_demo_users(accounts)
    monkeypatch.setattr(settings, "DEMO", True)
    made = make_demo_users(accounts)
    assert made is not None
    # One user per role, a second practitioner (a social worker with plans) and a second
    # lead (a school's, told of children starting school whom others know): issue 14; a
    # second auditor (issue 15); a third practitioner, at CAMHS, for THRIVE (issue 16).
    assert sorted(u.role for u in made.users) == sorted(
        [*ROLES, "practitioner", "practitioner", "lead", "auditor"]
    )
    assert {u.agency for u in made.users if u.role in ("practitioner", "manager", "lead")} == {
        "POLICE",
        "SCHOOL",
        "CSC",
        "CAMHS",
    }
    for u in made.users:
        stored = User.objects.get(username=u.username)
        assert stored.check_password(u.password) and u.password not in stored.password
        assert bool(u.totp_secret) == (u.role in TWO_FACTOR_REQUIRED)
        assert TOTPDevice.objects.filter(user=stored).exists() == (u.role in TWO_FACTOR_REQUIRED)
    assert len({u.password for u in made.users}) == len(made.users)
    assert make_demo_users(accounts) is None  # the second time: nothing made, nothing shown


def test_a_user_is_matched_to_the_practitioner_name_their_agency_sends(accounts: Store) -> None:
    """Issue 14: their home page lists the children allocated to that name at their agency."""
    import json

    from django.contrib.auth.models import User

    added = _add("jo.smith", "practitioner", STRONG, "--practitioner", "  Jo   Smith ")
    assert added.exit_code == 0, added.output
    assert "Their CSC records' practitioner name: Jo Smith" in added.output
    assert User.objects.get(username="jo.smith").membership.practitioner_name == "Jo Smith"
    changed = runner.invoke(app, ["user", "practitioner", "jo.smith", "J. Smith (SW)"])
    assert changed.exit_code == 0, changed.output
    assert "jo.smith is matched to CSC's practitioner name: J. Smith (SW)" in changed.output
    listed = json.loads(runner.invoke(app, ["user", "list", "--json"]).stdout)
    assert listed[0]["practitioner_name"] == "J. Smith (SW)"
    cleared = runner.invoke(app, ["user", "practitioner", "jo.smith", ""])
    assert "no longer matched" in cleared.output
    logged = [(e.action, e.detail) for e in audit.entries(accounts, newest_first=False)]
    assert logged[0][0] == "user_added" and '"practitioner":"Jo Smith"' in logged[0][1]
    assert [a for a, _ in logged[1:]] == ["practitioner_set", "practitioner_set"]
    assert '"from":"Jo Smith"' in logged[1][1] and '"to":"J. Smith (SW)"' in logged[1][1]
    missing = runner.invoke(app, ["user", "practitioner", "nobody", "X"])
    assert missing.exit_code == 2 and "no user called 'nobody'" in missing.output
