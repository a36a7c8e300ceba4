"""One child, Keeley, for the alert tests: known to the school and the GP, on a child
protection plan at children's social care with a named social worker, and missing twice
from home; and a user at each agency, one of whom knows nothing of her."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from arrival_support import child_row
from factories import write_csv
from web_support import PASSWORD, serving
from wholestory.chronology.stored import build_all
from wholestory.feed import FeedRun, run_feed
from wholestory.identity import LinkThresholds, link_all
from wholestory.ingest import ingest_paths
from wholestory.store import Store
from wholestory.store.imports import FEED, Arrival

TODAY = dt.date.today()


def day(days_ago: int) -> str:
    return (TODAY - dt.timedelta(days=days_ago)).isoformat()


#: (username, agency, role, practitioner name)
USERS = (
    ("sue.social", "CSC", "practitioner", "S. Okafor"),  # Keeley's social worker
    ("cal.lead", "CSC", "lead", ""),
    ("hal.housing", "HOUSING", "practitioner", "H. Worker"),  # writes the housing record
    ("hope.lead", "HOUSING", "lead", ""),
    ("gail.lead", "GP", "lead", ""),
    ("sam.lead", "SCHOOL", "lead", ""),
    ("paul.lead", "POLICE", "lead", ""),
    ("yas.lead", "YOUTH_JUSTICE", "lead", ""),  # knows nothing of Keeley
    ("sid.school", "SCHOOL", "practitioner", "H. Worker"),  # the same name, another agency
)


def add_users(store: Store) -> None:
    from wholestory.web.accounts.users import add_user

    with serving(store.url):
        for username, agency, role, name in USERS:
            add_user(username, agency, role, PASSWORD, check_password=False)
            store.execute(
                "UPDATE ws_membership SET practitioner_name = ? WHERE user_id = "
                "(SELECT id FROM auth_user WHERE username = ?)",
                [name, username],
            )
        from django.contrib.auth.models import User

        for username, *_ in USERS:
            User.objects.filter(username=username).update(email=f"{username}@example.org")


def add_keeley(store: Store, tmp_path: Path) -> str:
    """Keeley's records (:func:`add_keeley_records`) and the users; her id."""
    keeley = add_keeley_records(store, tmp_path)
    add_users(store)
    return keeley


def add_keeley_records(store: Store, tmp_path: Path) -> str:
    """Keeley, known to the school and the GP, on a plan at CSC, with two missing episodes,
    linked and her chronology built; her id."""
    rows = [
        child_row(1, "SCHOOL", event_date=day(200), event_type="SCHOOL_START", role="SUBJECT"),
        child_row(1, "GP", event_date=day(150), event_type="APPOINTMENT_ATTENDED", role="SUBJECT"),
        child_row(1, "CSC", event_date=day(100), event_type="CP_PLAN_START", role="SUBJECT",
                  practitioner="S. Okafor", team="Safeguarding Team A"),
        child_row(1, "POLICE", event_date=day(90), event_type="MISSING_EPISODE", role="SUBJECT"),
        child_row(2, "POLICE", event_date=day(60), event_type="MISSING_EPISODE", role="SUBJECT"),
    ]  # fmt: skip
    ingest_paths(store, [write_csv(tmp_path / "base.csv", rows)], arrival=Arrival(FEED, "cron"))
    link_all(store, thresholds=LinkThresholds())
    build_all(store)
    return str(
        store.scalar("SELECT ws_person_id FROM ws_source_person WHERE key = 'SCHOOL:SCHOOL-P1'")
    )


def feed(store: Store, tmp_path: Path, rows: list[dict[str, str]], name: str = "feed") -> FeedRun:
    path = write_csv(tmp_path / f"{name}.csv", rows)
    return run_feed(store, [path], Arrival(FEED, "cron"), thresholds=LinkThresholds())


def tellings(store: Store) -> set[tuple[str, str, str]]:
    return {
        (str(rule), str(user), str(why))
        for rule, user, why in store.query(
            "SELECT a.rule, r.username, r.why FROM ws_alert_recipient r "
            "JOIN ws_alert a ON a.id = r.alert_id"
        )
    }
