"""``wholestory demo``: everything that exists, on synthetic data, in one command."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import secrets
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from wholestory.assurance.usage import UsageFileError, replay
from wholestory.chronology.pack import write_pack
from wholestory.chronology.stored import build_all, chronology_of, flagged_children
from wholestory.cli.chronology import indicator_settings, print_build
from wholestory.cli.identity import _print_summary, link_settings
from wholestory.cli.ingest import _print_result, _run
from wholestory.cli.store import ready_store
from wholestory.cli.synth import run_synth
from wholestory.domestic_abuse.encompass import refresh_notices
from wholestory.domestic_abuse.marac_meetings import (
    MeetingError,
    add_case,
    create_meeting,
    meetings,
    offers,
)
from wholestory.engagement.family import with_engagement
from wholestory.feed import run_feed
from wholestory.identity import link_all
from wholestory.store import Store
from wholestory.store.imports import FEED as FEED_ARRIVAL
from wholestory.store.imports import Arrival
from wholestory.synth import AS_OF, FEED, FEED_DAYS
from wholestory.web.accounts.alert_mail import send_digests
from wholestory.words import count_words

console = Console(highlight=False)


#: How many referrals the demo's Marac meeting hears (SafeLives: about 15 a meeting).
DEMO_CASES = 8


def demo_command(
    children: Annotated[int, typer.Option("--children", min=1, help="Synthetic children.")] = 2000,
    seed: Annotated[int, typer.Option("--seed", help="The same seed gives the same data.")] = 1,
    data: Annotated[
        Path, typer.Option("--data", help="Where the synthetic agency files go.")
    ] = Path("demo-data"),
    serve: Annotated[
        bool,
        typer.Option(
            "--serve/--no-serve", help="End by serving the web app on 127.0.0.1 (demo mode)."
        ),
    ] = True,
    port: Annotated[
        int, typer.Option("--port", min=1, max=65535, help="The port to serve on.")
    ] = 8000,
) -> None:
    """Make a synthetic partnership, import it, and show what was loaded and where.

    Then make demo users (once; their passwords are shown that one time) and
    serve the web app on this machine (http://127.0.0.1:PORT/) in demo mode.
    """
    # Demo mode: plain HTTP on loopback, and a secret key for this run only.
    os.environ["WHOLESTORY_DEMO"] = "1"
    os.environ.setdefault("WHOLESTORY_SECRET_KEY", secrets.token_urlsafe(50))
    if data.exists() and any(data.iterdir()):
        console.print(f"Using the synthetic partnership already in {data}/")
    else:
        summary = run_synth(data, children, seed, force=False, feed_days=FEED_DAYS)
        console.print(
            f"Made a synthetic partnership: {summary.children:,} children, "
            f"{summary.people:,} people, {summary.rows:,} agency rows in {data}/"
        )
    linking, indicators = link_settings(), indicator_settings()  # settings checked first
    with ready_store() as store:
        result = _run(store, [data], None, quiet=False)
        _print_result(result, store.url.describe())
        if result.failed:
            raise typer.Exit(2)
        console.print("\nLinking people across agencies (the first run trains the model)…")
        linked = link_all(store, thresholds=linking)
        _print_summary(linked, linking)
        console.print("\nBuilding every chronology and raising flags…")
        print_build(build_all(store, thresholds=indicators))
        # The synthetic partnership's incidents end before the duty began (7 November
        # 2025), so the demo works its last two years', for the queue to have something in it.
        owed = refresh_notices(store, since=AS_OF - dt.timedelta(days=730))
        console.print(
            f"Operation Encompass: {owed:,} notices owed for the partnership's last two years "
            "(the queue shows them: wholestory encompass, or /encompass)."
        )
        _demo_meeting(store)
        _print_store_summary(store)
        _demo_pack(store, Path(f"{data}-review-pack"))
        _demo_users(store)
        _demo_feed(store, data / FEED)
        _demo_looks(store, data)
        _demo_measures(store)
    if serve:
        _serve(port)


def _demo_feed(store: Store, folder: Path) -> None:
    """The partnership's last days, held back by the generator, arriving as a feed once the
    users exist: alerts are raised for them, told in the app and emailed (to the console)."""
    files = sorted(folder.glob("*.csv")) if folder.is_dir() else []
    if not files:
        return
    console.print(f"\nThe last {FEED_DAYS} days arrive as a feed ({folder}/)…")
    run = run_feed(store, files, Arrival(FEED_ARRIVAL, "demo"), thresholds=link_settings())
    _print_result(run.result, store.url.describe())
    told = {t.username for t in run.alerts.told}
    emailed = send_digests(store) if told else 0
    console.print(
        f"{count_words(len(run.alerts.kept), 'alert')} raised, "
        f"{count_words(len(told), 'user')} told and {count_words(emailed, 'digest')} emailed "
        "(to this console: no mail relay is set). Each user reads theirs at /alerts and on "
        "their home page; wholestory alerts lists them."
    )


def _demo_looks(store: Store, data: Path) -> None:
    """The synthetic users' looks at children's chronologies, replayed into the audit log
    once every record (the feed's too) is in and linked: the first practice measure reads
    them (wholestory practice-measures)."""
    try:
        replayed = replay(store, data)
    except UsageFileError as error:
        console.print(f"\nLooks at chronologies not replayed: {error}")
        return
    console.print(f"\n{replayed.words()}")


def _demo_measures(store: Store) -> None:
    """The practice measures kept month by month, as the nightly build keeps them, once the
    looks are in: /assurance/measures charts them."""
    from wholestory.assurance.measure_history import keep_months
    from wholestory.cli.chronology import print_kept

    console.print("\nCounting the practice measures month by month (the nightly job does this)…")
    print_kept(keep_months(store))


def _demo_meeting(store: Store) -> None:
    """A Marac meeting two weeks from today with the latest practitioners' referrals on it,
    for the coordinator's agenda and the agencies' research lists (made once)."""
    if meetings(store):
        return
    made = create_meeting(store, dt.date.today() + dt.timedelta(days=14), "demo")
    waiting = sorted(offers(store), key=lambda o: o.referred_on, reverse=True)
    for offer in waiting[:DEMO_CASES]:
        with contextlib.suppress(MeetingError):  # one victim referred twice: one case
            add_case(store, made.id, offer, "demo")
    console.print(
        f"Marac: a meeting on {made.held_on:%d %B %Y} with the latest referrals on it "
        "(/marac/meetings; each agency researches them at /marac/research)."
    )


def _demo_users(store: Store) -> None:
    """One user per role, made once; the passwords are printed now and never again."""
    from wholestory.access import ROLES
    from wholestory.web.demo_users import make_demo_users

    made = make_demo_users(store)
    if made is None:
        console.print(
            "\nDemo users already exist; their passwords were shown when they were made. "
            "Reset one with: wholestory user password NAME"
        )
        return
    rows = [("username", "role", "agency", "password")]
    rows += [(u.username, ROLES[u.role], u.agency, u.password) for u in made.users]
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    console.print("\nDemo users (their passwords are shown this once, and never kept):\n")
    for r in rows:  # plain lines: a password must never be wrapped or cut short
        line = "  ".join(r[i].ljust(widths[i]) for i in range(3))
        console.print(f"  {line}  {r[3]}", soft_wrap=True, markup=False)
    console.print()
    console.print(
        "Only Argon2 hashes of these passwords are stored: copy them now. "
        "Leads and administrators also need a code from an authenticator app; "
        "add their secret (or the otpauth:// link) to one, or run oathtool --totp -b SECRET."
    )
    for u in made.users:
        if u.totp_secret:
            console.print(f"  {u.username}: secret {u.totp_secret}", soft_wrap=True)
            console.print(f"    {u.otpauth_url}", soft_wrap=True, markup=False)
    if made.reviewer_case:
        console.print(
            f"rey.reviewer may review {made.reviewer_case} (the child with the most flags) "
            "for 30 days."
        )


def _serve(port: int) -> None:
    """Replace this process with ``wholestory serve`` (a fresh process loads serving settings)."""
    console.print(f"\nStarting the web app on http://127.0.0.1:{port}/ in demo mode…")
    sys.stdout.flush()
    sys.stderr.flush()
    command = [sys.executable, "-m", "wholestory.cli.main", "serve", "--port", str(port)]
    os.execv(sys.executable, command)


def _print_store_summary(store: Store) -> None:
    rows = store.query(
        "SELECT agency, COUNT(*), COUNT(DISTINCT person_id) FROM ws_record GROUP BY agency "
        "ORDER BY agency"
    )
    console.print("\nThe store now holds:")
    for agency, records, people in rows:
        console.print(f"  {agency:<16} {records:>9,} records about {people:>7,} people")
    console.print(f"\nStore: {store.url.describe()}")
    console.print(
        "Also try: wholestory flags, "
        "wholestory chronology WS-0000001 --format html --out story.html, "
        "wholestory review, or wholestory quarantine"
    )


def _demo_pack(store: Store, out: Path) -> None:
    """A review pack for the child with the most serious flags, so there is a report to open."""
    children = flagged_children(store)
    if not children:
        return
    if out.exists() and any(out.iterdir()) and not (out / "README.txt").exists():
        console.print(f"\n{out}/ holds other files: no sample review pack written there.")
        return
    person = children[0]["person"]
    write_pack(store, with_engagement(store, chronology_of(store, person), AS_OF), out)
    console.print(
        f"\nA sample rapid review pack for {person} (the child with the most serious flags) "
        f"is in {out}/: open chronology.html or chronology.pdf."
    )
