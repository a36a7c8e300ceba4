"""``wholestory audit-programme assign|audits|actions`` (issue 15), on both databases: an
auditor assigned with their audit grant from the command line, their cases listed naming no
child, the actions audits raised; bad input said in one line, exit 2, nothing done.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from audits_support import T0, Audited, audited_store
from wholestory import audit
from wholestory.assurance.audits import assign
from wholestory.assurance.learning import add_action, complete_action
from wholestory.cli.main import app
from wholestory.store import Store

runner = CliRunner()


def _run(*args: str) -> Result:
    return runner.invoke(app, list(args))


@pytest.fixture
def audited(store_env: Store, tmp_path: Path) -> Audited:
    return audited_store(store_env, tmp_path)


def _position(audited: Audited, person: str) -> str:
    return str(next(c.position for c in audited.programme.cases if c.person == person))


def _grants(store: Store) -> list[tuple[str, str, str]]:
    return [
        (str(u), str(p), str(k))
        for u, p, k in store.query(
            "SELECT u.username, g.person, g.kind FROM ws_access_grant g "
            "JOIN auth_user u ON u.id = g.user_id ORDER BY g.id"
        )
    ]


def test_an_auditor_is_assigned_with_their_grant_and_lists_their_cases(
    audited: Audited,
) -> None:
    store = audited.store
    pid, c01 = str(audited.programme.id), _position(audited, "WS-C01")
    made = _run("audit-programme", "assign", pid, c01, "csc", "abe.auditor", "--days", "14",
                "--json")  # fmt: skip
    assert made.exit_code == 0, made.output
    kept = json.loads(made.stdout)
    assert (kept["programme"], kept["position"], kept["agency"], kept["username"]) == (
        audited.programme.id, int(c01), "CSC", "abe.auditor"
    )  # fmt: skip
    assigned_at = dt.datetime.fromisoformat(kept["assigned_at"])
    ends = dt.datetime.fromisoformat(kept["grant_ends_at"])
    assert ends - assigned_at == dt.timedelta(days=14)
    assert _grants(store) == [("abe.auditor", "WS-C01", "audit")]
    assert store.scalar("SELECT COUNT(*) FROM ws_notification") == 4  # CSC, GP, police, school
    entry = audit.entries(store, limit=1)[0]
    assert entry.action == "audit_assign" and entry.actor.startswith("cli")
    assert entry.person == "WS-C01"

    said = _run("audit-programme", "assign", pid, _position(audited, "WS-C05"), "SCHOOL",
                "sid.auditor")  # fmt: skip
    assert said.exit_code == 0, said.output
    words = " ".join(said.stdout.split())
    assert f"sid.auditor audits School's practice on case {_position(audited, 'WS-C05')} of " \
        f"audit programme {pid} (Use of history) until" in words  # fmt: skip
    assert "The safeguarding leads of the agencies holding the child's records have been told" \
        in words  # fmt: skip

    listed = _run("audit-programme", "audits", "abe.auditor", "--json")
    assert listed.exit_code == 0, listed.output
    cases = json.loads(listed.stdout)
    assert [(c["position"], c["agency"], c["submitted_at"]) for c in cases] == [
        (int(c01), "CSC", None)
    ]  # fmt: skip
    shown = _run("audit-programme", "audits", "abe.auditor")
    assert shown.exit_code == 0, shown.output
    assert (
        f"- Programme {pid} (Use of history), case {c01}, Children's social care: audit "
        "grant open until"
        in shown.stdout
        and shown.stdout.rstrip().endswith("; not submitted")
    )
    for output in (listed.stdout, shown.stdout):
        assert "WS-C01" not in output and "KidC01" not in output  # no child named
    nothing = _run("audit-programme", "audits", "pia.auditor")
    assert nothing.exit_code == 0 and "pia.auditor has no case file audits." in nothing.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["9", "1", "CSC", "abe.auditor"], "there is no audit programme 9"),
        (["1", "5", "CSC", "abe.auditor"], "audit programme 1 has no case 5 (it has 2)"),
        (["1", "C01", "CSC", "pia.auditor"], "pia.auditor audits for Police, not Children's "
                                             "social care"),
        (["1", "C01", "CSC", "cal.csc"], "cal.csc is not a case file auditor"),
        (["1", "C05", "POLICE", "pia.auditor"], "Police holds no records of this child"),
        (["1", "C01", "CSC", "abe.auditor", "--days", "0"], "an audit grant lasts from 1 to 90 "
                                                            "days, not 0"),
    ],
)  # fmt: skip
def test_an_assignment_that_cannot_be_made_is_one_line_and_nothing_is_done(
    audited: Audited, args: list[str], message: str
) -> None:
    store = audited.store
    args = [_position(audited, f"WS-{a}") if a in ("C01", "C05") else a for a in args]
    before = len(audit.entries(store))
    result = _run("audit-programme", "assign", *args)
    assert result.exit_code == 2, result.output
    assert message in " ".join(result.stderr.split()) and result.stderr.count("Error:") == 1
    assert "Traceback" not in result.output
    assert _grants(store) == [] and len(audit.entries(store)) == before


def test_the_actions_audits_raised_the_open_ones_and_as_json(audited: Audited) -> None:
    store = audited.store
    empty = _run("audit-programme", "actions", "--open")
    assert empty.exit_code == 0 and "No open actions from audits." in empty.stdout
    today = dt.date.today()
    later = add_action(store, audited.c05, "Audit drift cases again", "Head of service", "CSC",
                       today + dt.timedelta(days=60), "quinn.qa")  # fmt: skip
    sooner = add_action(store, audited.c01, "Share police notifications", "DI Smith", "POLICE",
                        today + dt.timedelta(days=30), "quinn.qa")  # fmt: skip
    complete_action(store, sooner.id, "lee.police")
    every = _run("audit-programme", "actions", "--json")
    assert every.exit_code == 0, every.output
    rows = json.loads(every.stdout)
    assert [(r["id"], r["done"], r["done_by"]) for r in rows] == [
        (sooner.id, True, "lee.police"), (later.id, False, "")
    ]  # fmt: skip
    assert rows[1]["owner"] == "Head of service" and rows[1]["theme"] == "Use of history"
    opened = _run("audit-programme", "actions", "--open", "--json")
    assert [r["id"] for r in json.loads(opened.stdout)] == [later.id]
    words = _run("audit-programme", "actions").stdout
    lines = words.splitlines()
    assert lines[1].startswith(f"{sooner.id}. Share police notifications (DI Smith, Police), due ")
    assert " by lee.police. Programme 1 (Use of history), case " in lines[1]
    assert lines[2].startswith(f"{later.id}. Audit drift cases again (Head of service, "
                               "Children's social care), due ")  # fmt: skip
    assert lines[2].endswith(f": not done yet. Programme 1 (Use of history), case "
                             f"{_position(audited, 'WS-C05')}")  # fmt: skip
    assert "WS-C0" not in every.stdout + words and "KidC0" not in every.stdout + words


def test_an_auditors_ended_grant_is_listed_as_ended(audited: Audited) -> None:
    assign(audited.store, audited.c01, "CSC", "abe.auditor", "quinn.qa", 1, T0)
    shown = _run("audit-programme", "audits", "abe.auditor")
    assert shown.exit_code == 0, shown.output
    assert "audit grant ended 02 Jul 2025 10:00; not submitted" in shown.stdout
