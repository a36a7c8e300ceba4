"""``wholestory audit ...``: check the audit log has not been tampered with, and read it.

Also how every other command writes its own entry (:func:`record`), named for who ran it.
"""

from __future__ import annotations

import getpass
import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from wholestory import audit
from wholestory.cli.errors import err_console, fail
from wholestory.cli.store import ready_store
from wholestory.store import Store

console = Console(highlight=False, soft_wrap=True)

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


def record(store: Store, action: str, target: str, detail: dict[str, Any] | None = None) -> None:
    """Write a command's audit entry before it acts; stop, having done nothing, if it cannot."""
    try:
        audit.append(
            store, audit.Event(actor=operator(), action=action, target=target, detail=detail or {})
        )
    except audit.AuditUnavailable as error:
        fail(f"Nothing was done: {error}")


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
    with ready_store() as store:
        result = audit.verify(store, keys=keys, anchor=anchor)
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
    with ready_store() as store:
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
    with ready_store() as store:
        found = audit.entries(store, person=person, actor=actor, action=action, limit=limit)
        filters = {k: v for k, v in (("person", person), ("actor", actor), ("action", action)) if v}
        record(store, "audit_view", "wholestory audit list", {**filters, "shown": len(found)})
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
