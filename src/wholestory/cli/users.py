"""``wholestory user ...``: accounts, teams and API tokens.

Passwords come from stdin (``--password-stdin``) or a hidden prompt, never
from an argument, so they stay out of shell history and process lists; only
their Argon2 hash is kept. Tokens are printed once, on the last line, and
only their SHA-256 is kept.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

from wholestory.cli.audit import record as _audit
from wholestory.cli.errors import fail
from wholestory.cli.store import ready_store
from wholestory.words import count_words

if TYPE_CHECKING:
    from django.contrib.auth.models import User

console = Console(highlight=False, soft_wrap=True)

#: The name agencies' records give the user as a practitioner, on commands that set it.
PRACTITIONER_HELP = typer.Option(
    "--practitioner",
    help="Their name as their agency's records give it (its practitioner column): "
    "their home page lists the children they are the allocated worker for.",
)

user_app = typer.Typer(
    help="Add users, set passwords and issue API tokens (agency, team and role for each).",
    no_args_is_help=True,
)


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            fail("No password on stdin: give it as the first line.")
        return password
    if not sys.stdin.isatty():
        fail("Give the password on stdin with --password-stdin, or run in a terminal.")
    return str(typer.prompt("Password", hide_input=True, confirmation_prompt=True))


def _user(name: str) -> User:
    from django.contrib.auth.models import User

    found = User.objects.filter(username=name).select_related("membership").first()
    if found is None:
        fail(f"There is no user called '{name}'. See them all with: wholestory user list")
    return found


@contextmanager
def _audited_user(name: str, action: str) -> Iterator[User]:
    """The named user, once ``action`` on them is in the audit log; the store closes after.

    Recorded before the change is made, so nothing is ever done to an account unaudited.
    """
    store = ready_store()  # sets Django up: the accounts are imported only after this
    try:
        user = _user(name)
        _audit(store, action, name)
        yield user
    finally:
        store.close()


def authenticator_lines(user: User) -> list[str]:
    """How to set up the user's authenticator app (a new TOTP device)."""
    from wholestory.web.accounts.users import add_totp, authenticator_secret

    device = add_totp(user)
    secret = authenticator_secret(device)
    return [
        "Their role needs a second factor. Add this to their authenticator app",
        "(scan the URL as a QR code, or type the secret):",
        f"  secret: {secret}",
        f"  {device.config_url}",
    ]


@user_app.command("add")
def user_add_command(
    name: Annotated[str, typer.Argument(help="The username they sign in with.")],
    agency: Annotated[str, typer.Option("--agency", help="Their agency's code, e.g. CSC.")],
    role: Annotated[
        str,
        typer.Option(
            "--role",
            help="practitioner, manager, lead, reviewer, qa, board, admin or data (uploads files).",
        ),
    ],
    team: Annotated[str, typer.Option("--team", help="Their team, in their agency's words.")] = "",
    practitioner: Annotated[str, PRACTITIONER_HELP] = "",
    password_stdin: Annotated[
        bool,
        typer.Option("--password-stdin", help="Read the password from the first line of stdin."),
    ] = False,
) -> None:
    """Add a user with their agency, team and role; leads and admins get an authenticator.

    The password must be at least 12 characters and not a common one; it is
    kept only as an Argon2 hash.
    """
    password = _read_password(password_stdin)
    store = ready_store()  # sets Django up: import the accounts only after this
    from wholestory.web.accounts.users import (
        UserError,
        add_user,
        check_new_user,
        set_practitioner_name,
    )

    try:
        try:
            role, agency = check_new_user(name, agency, role, password)
        except UserError as error:
            fail(str(error))
        # Recorded before the user exists, so no account is ever made unaudited.
        practitioner = " ".join(practitioner.split())
        _audit(store, "user_added", name, {"agency": agency, "role": role, "team": team,
                                           "practitioner": practitioner})  # fmt: skip
        user = add_user(name, agency, role, password, team, check_password=False)
        if practitioner:
            set_practitioner_name(user, practitioner)
        _tell_leads_of(name, agency, role)
    finally:
        store.close()
    from wholestory.access import ROLES, TWO_FACTOR_REQUIRED

    console.print(f"Added {name}: {ROLES[role]}, {agency.upper()}" + (f", {team}" if team else ""))
    if practitioner:
        console.print(f"Their {agency.upper()} records' practitioner name: {practitioner}")
    if role in TWO_FACTOR_REQUIRED:
        for line in authenticator_lines(user):
            console.print(line)


def _tell_leads_of(name: str, agency: str, role: str) -> None:
    """The agency's leads hear of every account made in it, on the server too (issue 11, M1)."""
    from wholestory.access import ROLES
    from wholestory.chronology.vocabulary import agency_name
    from wholestory.web.accounts.approval import tell_leads

    tell_leads(
        agency,
        f"An account for {name} ({ROLES[role]}) at {agency_name(agency)} was added on the "
        "server. If you do not know this person, tell your administrator at once.",
    )


@user_app.command("password")
def user_password_command(
    name: Annotated[str, typer.Argument(help="The username.")],
    password_stdin: Annotated[
        bool,
        typer.Option("--password-stdin", help="Read the password from the first line of stdin."),
    ] = False,
) -> None:
    """Set a user's password (and lift a lockout from failed sign-ins)."""
    password = _read_password(password_stdin)
    store = ready_store()
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    from wholestory.web.accounts.users import revoke_tokens

    try:
        user = _user(name)
        try:
            validate_password(password, user)
        except ValidationError as error:
            fail("The password is not strong enough: " + " ".join(error.messages))
        _audit(store, "password_set", name)
        user.set_password(password)
        user.save(update_fields=["password"])
        revoked = revoke_tokens(user)
        from axes.utils import reset

        reset(username=name)
    finally:
        store.close()
    console.print(
        f"Set a new password for {name}."
        + (f" Their {count_words(revoked, 'API token')} no longer work." if revoked else "")
    )


@user_app.command("disable")
def user_disable_command(
    name: Annotated[str, typer.Argument(help="The username.")],
) -> None:
    """Stop a user signing in or using the API (when they leave, or their access must end).

    Their API tokens are revoked. What they did stays in the audit log.
    """
    with _audited_user(name, "user_disabled") as user:
        from wholestory.web.accounts.users import disable_user

        revoked = disable_user(user)
    console.print(f"{name} can no longer sign in; {count_words(revoked, 'API token')} revoked.")


@user_app.command("team")
def user_team_command(
    name: Annotated[str, typer.Argument(help="The username.")],
    team: Annotated[str, typer.Argument(help="Their new team, in their agency's words.")],
) -> None:
    """Move a user to another team of their agency; what they may open follows at once.

    At an agency the sharing agreement makes team-level (police and the health trusts
    by default), a practitioner opens a person only when their own team holds a record
    of them, so a move is a change of access: it is audited, with the old and the new
    team, and the agency's leads are told.
    """
    with ready_store() as store:
        user = _user(name)
        membership = getattr(user, "membership", None)
        if membership is None:
            fail(f"{name} has no agency, so no team. Add them with: wholestory user add")
        before = membership.team
        if before == team:
            console.print(f"{name} is already in {_team_words(team)}: nothing was changed.")
            return
        detail = {"agency": membership.agency, "from": before, "to": team}
        _audit(store, "team_set", name, detail)
        membership.team = team
        membership.save(update_fields=["team"])
    _tell_leads_of_move(name, membership.agency, before, team)
    console.print(f"{name} moved from {_team_words(before)} to {_team_words(team)}.")


@user_app.command("practitioner")
def user_practitioner_command(
    name: Annotated[str, typer.Argument(help="The username.")],
    practitioner: Annotated[
        str,
        typer.Argument(help="Their name as their agency's records give it ('' to unmatch them)."),
    ],
) -> None:
    """Match a user to the practitioner name their agency's records give them.

    Their home page then lists the children they are the allocated worker for: open plans
    at their own agency whose practitioner is this name (case and spacing do not matter),
    and alerts reach them as that worker. Audited, with the old and the new name.
    """
    from wholestory.web.accounts.users import set_practitioner_name

    with ready_store() as store:
        user = _user(name)
        membership = getattr(user, "membership", None)
        if membership is None:
            fail(
                f"{name} has no agency, so no practitioner name. Add them with: wholestory user add"
            )
        wanted = " ".join(practitioner.split())
        before = membership.practitioner_name
        _audit(store, "practitioner_set", name,
               {"agency": membership.agency, "from": before, "to": wanted})  # fmt: skip
        set_practitioner_name(user, wanted)
    if wanted:
        console.print(f"{name} is matched to {membership.agency}'s practitioner name: {wanted}")
    else:
        console.print(f"{name} is no longer matched to a practitioner name.")


def _team_words(team: str) -> str:
    return f"the {team}" if team else "no team"


def _tell_leads_of_move(name: str, agency: str, before: str, team: str) -> None:
    """A move changes whose records the user opens, so the agency's leads hear of it."""
    from wholestory.web.accounts.approval import tell_leads

    tell_leads(
        agency,
        f"{name} was moved on the server from {_team_words(before)} to {_team_words(team)}. "
        "If this is not right, tell your administrator at once.",
    )


@user_app.command("token")
def user_token_command(
    name: Annotated[str, typer.Argument(help="The username the token acts for.")],
) -> None:
    """Issue an API token for a user; it is printed once, on the last line.

    Send it as 'Authorization: Bearer <token>' to /api/v1/. Only its hash is
    kept, so a lost token cannot be shown again: issue a new one.
    """
    with _audited_user(name, "token_issued") as user:
        from wholestory.web.accounts.users import issue_token

        token = issue_token(user)
    console.print(f"An API token for {name} (shown once; keep it secret):")
    sys.stdout.flush()
    print(token)


@user_app.command("list")
def user_list_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print the users as JSON.")] = False,
) -> None:
    """Every user: agency, team, role, second factor, API tokens and last sign-in."""
    ready_store().close()
    from django.contrib.auth.models import User
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from wholestory.web.accounts.models import ApiToken

    with_totp = set(TOTPDevice.objects.filter(confirmed=True).values_list("user_id", flat=True))
    rows: list[dict[str, Any]] = []
    for user in User.objects.select_related("membership").order_by("username"):
        membership = getattr(user, "membership", None)
        rows.append(
            {
                "username": user.username,
                "agency": membership.agency if membership else "",
                "team": membership.team if membership else "",
                "practitioner_name": membership.practitioner_name if membership else "",
                "role": membership.role if membership else "",
                "second_factor": user.pk in with_totp,
                "api_tokens": ApiToken.objects.filter(user=user, revoked=False).count(),
                "last_login": user.last_login.isoformat(timespec="minutes")
                if user.last_login
                else None,
                "active": user.is_active,
            }
        )
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    if not rows:
        console.print("No users yet. Add one with: wholestory user add NAME --agency A --role R")
        return
    shown = [("user", "agency", "role", "2FA", "tokens", "last sign-in", "team")]
    for r in rows:
        shown.append(
            (
                r["username"] + ("" if r["active"] else " (inactive)"),
                r["agency"],
                r["role"],
                "yes" if r["second_factor"] else "-",
                str(r["api_tokens"]),
                r["last_login"] or "never",
                r["team"],
            )
        )
    widths = [max(len(row[i]) for row in shown) for i in range(6)]
    for row in shown:  # plain lines: names are never cut short
        cells = "  ".join(row[i].ljust(widths[i]) for i in range(6))
        console.print(f"{cells}  {row[6]}".rstrip(), markup=False)
