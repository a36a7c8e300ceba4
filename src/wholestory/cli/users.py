"""``wholestory user ...`` (accounts and API tokens) and ``wholestory audit ...`` (the audit log).

Passwords come from stdin (``--password-stdin``) or a hidden prompt, never
from an argument, so they stay out of shell history and process lists; only
their Argon2 hash is kept. Tokens are printed once, on the last line, and
only their SHA-256 is kept.
"""

from __future__ import annotations

import getpass
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

from wholestory import audit
from wholestory.cli.errors import err_console, fail
from wholestory.cli.store import ready_store
from wholestory.store import Store

if TYPE_CHECKING:
    from django.contrib.auth.models import User

console = Console(highlight=False, soft_wrap=True)

user_app = typer.Typer(
    help="Add users, set passwords and issue API tokens (agency, team and role for each).",
    no_args_is_help=True,
)
audit_app = typer.Typer(
    help="Check the audit log has not been tampered with, and read its entries.",
    no_args_is_help=True,
)


def operator() -> str:
    """Who is running the command, as the audit log names them."""
    try:
        return f"cli:{getpass.getuser()}"
    except Exception:  # no login name (a container): still say it came from the command line
        return "cli"


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


def _audit(store: Store, action: str, target: str, detail: dict[str, Any] | None = None) -> None:
    try:
        audit.append(
            store, audit.Event(actor=operator(), action=action, target=target, detail=detail or {})
        )
    except audit.AuditUnavailable as error:
        fail(f"Nothing was done: {error}")


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
    from wholestory.web.accounts.users import UserError, add_user, check_new_user

    try:
        try:
            role, agency = check_new_user(name, agency, role, password)
        except UserError as error:
            fail(str(error))
        # Recorded before the user exists, so no account is ever made unaudited.
        _audit(store, "user_added", name, {"agency": agency, "role": role, "team": team})
        user = add_user(name, agency, role, password, team, check_password=False)
        _tell_leads_of(name, agency, role)
    finally:
        store.close()
    from wholestory.access import ROLES, TWO_FACTOR_REQUIRED

    console.print(f"Added {name}: {ROLES[role]}, {agency.upper()}" + (f", {team}" if team else ""))
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
        + (
            f" Their {revoked} API token{'s' if revoked != 1 else ''} no longer work."
            if revoked
            else ""
        )
    )


@user_app.command("disable")
def user_disable_command(
    name: Annotated[str, typer.Argument(help="The username.")],
) -> None:
    """Stop a user signing in or using the API (when they leave, or their access must end).

    Their API tokens are revoked. What they did stays in the audit log.
    """
    store = ready_store()
    from wholestory.web.accounts.users import disable_user

    try:
        user = _user(name)
        _audit(store, "user_disabled", name)
        revoked = disable_user(user)
    finally:
        store.close()
    console.print(
        f"{name} can no longer sign in; {revoked} API token{'s' if revoked != 1 else ''} revoked."
    )


@user_app.command("token")
def user_token_command(
    name: Annotated[str, typer.Argument(help="The username the token acts for.")],
) -> None:
    """Issue an API token for a user; it is printed once, on the last line.

    Send it as 'Authorization: Bearer <token>' to /api/v1/. Only its hash is
    kept, so a lost token cannot be shown again: issue a new one.
    """
    store = ready_store()
    from wholestory.web.accounts.users import issue_token

    try:
        user = _user(name)
        _audit(store, "token_issued", name)
        token = issue_token(user)
    finally:
        store.close()
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


# The audit log


def _audit_keys() -> tuple[audit.AuditKey, ...]:
    try:
        return audit.audit_keys()
    except audit.AuditKeyError as error:
        fail(str(error))


def _report(result: audit.Verification, as_json: bool) -> None:
    """Print a check's result; exit 1 unless the log is intact."""
    if as_json:
        typer.echo(json.dumps(result.as_dict(), indent=2))
    elif result.ok:
        console.print(f"The audit log is intact: {result.entries:,} entries, every hash checks.")
    else:
        verdict = "has been tampered with" if result.entries else "cannot be vouched for"
        console.print(
            f"[bold red]The audit log {verdict}[/] ({result.entries:,} entries read):",
            markup=True,
        )
        for problem in result.problems:
            console.print(f"  - {problem}", markup=False)
    if not as_json:
        for note in result.notes:
            console.print(f"  Note: {note}", markup=False)
    if not result.ok:
        raise typer.Exit(1)


@audit_app.command("verify")
def audit_verify_command(
    anchor_file: Annotated[
        Path | None,
        typer.Option(
            "--anchor",
            help="Also check the log against this anchor (from 'wholestory audit anchor'): "
            "it fails if the log has shrunk or was rewritten since.",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Check every entry's keyed hash and the chain between them: exit 0 if intact, 1 if not.

    Finds an entry changed after it was written, entries rewritten or added
    without WHOLESTORY_AUDIT_KEY, entries removed (including the newest) or
    moved out of order, and an empty log. With --anchor, also a log cut back
    to before the anchor was made.
    """
    keys = _audit_keys()
    anchor = None
    if anchor_file is not None:
        try:
            text = anchor_file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            fail(f"cannot read the anchor {anchor_file}: {getattr(error, 'strerror', error)}")
        try:
            anchor = audit.read_anchor(text, keys)
        except audit.AnchorError as error:
            fail(f"{anchor_file} does not check: {error}", code=1)
    store = ready_store()
    try:
        result = audit.verify(store, keys=keys, anchor=anchor)
    finally:
        store.close()
    _report(result, as_json)


@audit_app.command("anchor")
def audit_anchor_command(
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Write the anchor to this new file (never overwritten) instead of printing it.",
        ),
    ] = None,
    adopt: Annotated[
        bool,
        typer.Option(
            "--adopt",
            help="Once, after first setting WHOLESTORY_AUDIT_KEY on a store with older "
            "entries: vouch for the entries chained without a key, as they stand now.",
        ),
    ] = False,
) -> None:
    """Sign the log's head (number, hash, time) with the audit key, to keep away from the store.

    Records the anchoring in the log, checks the whole log, and only if it is
    intact prints the anchor (or writes it to --out). Keep anchors where
    someone with the database file cannot reach them; 'wholestory audit
    verify --anchor FILE' then fails if the log no longer reaches the anchor.
    """
    keys = _audit_keys()
    if out is not None:
        if out.exists():
            fail(f"{out} already exists: an anchor is never overwritten. Give a new name.")
        if not out.parent.is_dir():
            fail(f"there is no folder {out.parent} to write the anchor into.")
    store = ready_store()
    try:
        try:
            entry = audit.append(
                store,
                audit.Event(actor=operator(), action="audit_anchor", target=str(out or "stdout")),
                key=keys[0],
                adopt=adopt,
            )
        except audit.AuditUnavailable as error:
            fail(f"Nothing was done: {error}")
        result = audit.verify(store, keys=keys)
    finally:
        store.close()
    if not result.ok:
        err_console.print("No anchor was made: the log does not check.")
        _report(result, as_json=False)
    text = audit.make_anchor(entry, keys[0]).text()
    if out is None:
        typer.echo(text, nl=False)
        return
    try:
        with out.open("x", encoding="utf-8") as file:
            file.write(text)
    except OSError as error:
        fail(f"cannot write the anchor to {out}: {error.strerror or error}")
    console.print(
        f"Anchored the audit log at entry {entry.seq:,} ({entry.at[:19].replace('T', ' ')} UTC) "
        f"in {out}. Keep it away from the store; check the log against it with: "
        f"wholestory audit verify --anchor {out}",
        markup=False,
    )


@audit_app.command("list")
def audit_list_command(
    person: Annotated[
        str | None, typer.Option("--person", help="Only entries about this person (WS-...).")
    ] = None,
    actor: Annotated[str | None, typer.Option("--actor", help="Only this user's entries.")] = None,
    action: Annotated[
        str | None,
        typer.Option("--action", help="Only this action: view, search, download, login, ..."),
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="At most this many entries.")] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="Print the entries as JSON.")] = False,
) -> None:
    """The newest audit entries first: who did what, about whom, when and why.

    Reading the log is itself recorded in it.
    """
    if action and action not in audit.ACTIONS:
        fail(f"Unknown action '{action}'. Actions: {', '.join(sorted(audit.ACTIONS))}")
    store = ready_store()
    try:
        found = audit.entries(store, person=person, actor=actor, action=action, limit=limit)
        filters = {k: v for k, v in (("person", person), ("actor", actor), ("action", action)) if v}
        _audit(store, "audit_view", "wholestory audit list", {**filters, "shown": len(found)})
    finally:
        store.close()
    if as_json:
        typer.echo(json.dumps([e.as_dict() for e in found], indent=2, ensure_ascii=False))
        return
    if not found:
        console.print("No audit entries match.")
        return
    for e in found:
        who = e.actor + (f" ({e.role}, {e.agency})" if e.role else "")
        line = f"{e.seq:>6}  {e.at[:19].replace('T', ' ')}  {who}  {e.action}"
        line += (f"  {e.person}" if e.person else "") + (f"  {e.target}" if e.target else "")
        line += f"  {e.outcome}"
        console.print(line + (f": {e.reason}" if e.reason else ""), markup=False)
