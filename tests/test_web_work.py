"""The work pages (duplicates, flags, link review, upload, figures) on both databases.

The audit log, users and approvals pages are walked through in ``test_web_governance.py``
(who may open each page is still checked here, with the others).

Each page is tried by the roles that may use it and by those that may not; the
seeded partnership is shared by the module, and each user signs in once (a
TOTP code cannot be used twice).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from factories import event_row, write_csv
from web_support import USERS, Seeded, open_test_store, seed, serving, sign_in
from wholestory import audit
from wholestory.chronology.stored import flagged_children
from wholestory.store import Store

Client = Any
Sign = Callable[[str], Client]

#: Each page and the roles that may use it.
PAGES: dict[str, frozenset[str]] = {
    "/flags": frozenset({"manager", "lead"}),
    "/review": frozenset({"identity"}),  # identity review is its own role (issue 11, M2)
    "/upload": frozenset({"data"}),  # only a data officer puts records in (issue 11, H1)
    "/uploads": frozenset({"lead"}),
    "/audit": frozenset({"lead", "governance"}),
    "/approvals": frozenset({"lead", "governance"}),
    "/duplicates": frozenset({"lead"}),
    "/users": frozenset({"admin"}),
    "/figures": frozenset({"manager", "lead", "qa", "board"}),
}


def flagged_for_agency(store: Store, agency: str) -> list[dict[str, Any]]:
    """The flags dashboard's list: the children an agency may see, no open plan first."""
    return flagged_children(store, agency=agency, open_plan_first=True)


@pytest.fixture(scope="module")
def partnership(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("work-partnership")


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def site(
    request: pytest.FixtureRequest, partnership: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Seeded]:
    store = open_test_store(request.param, request, tmp_path_factory.mktemp("work"))
    with serving(store.url):
        yield seed(store, partnership)
    store.close()


@pytest.fixture(scope="module")
def signed(site: Seeded) -> Sign:
    """A signed-in client per user, made once per database."""
    from django.test import Client as DjangoClient

    clients: dict[str, Client] = {}

    def get(username: str) -> Client:
        if username not in clients:
            client = DjangoClient()
            sign_in(client, username)
            clients[username] = client
        return clients[username]

    return get


def _names(site: Seeded) -> list[str]:
    """Every person's display name: none may show where case data must not."""
    return [str(n) for (n,) in site.store.query("SELECT display_name FROM ws_chronology") if n]


def _text(response: Any) -> str:
    return str(response.content.decode())


def test_each_page_is_for_its_roles_only(site: Seeded, signed: Sign) -> None:
    names = _names(site)
    for username, _agency, role in USERS:
        client = signed(username)
        for url, roles in PAGES.items():
            before = audit.entries(site.store, limit=1)[0].seq
            response = client.get(url)
            if role in roles:
                assert response.status_code == 200, (username, url)
                continue
            assert response.status_code == 403, (username, url)
            body = _text(response)
            assert not any(name in body for name in names), (username, url)
            assert "WS-" not in body
            new = audit.entries(site.store, limit=5)
            assert [e.action for e in new if e.seq > before] == ["denied"], (username, url)
            assert new[0].target == url and new[0].outcome == "denied"


def test_anonymous_users_are_sent_to_sign_in(site: Seeded) -> None:
    from django.test import Client as DjangoClient

    for url in PAGES:
        response = DjangoClient().get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login")


# -- duplicates ---------------------------------------------------------------------------


def test_a_lead_sees_their_own_agency_duplicates_only(site: Seeded, signed: Sign) -> None:
    """The police lead's page lists the police's duplicate ids, the school lead's not one."""
    from wholestory.identity import agency_duplicates, decide

    store = site.store
    keys = [
        str(k)
        for (k,) in store.query(
            "SELECT key FROM ws_source_person WHERE agency = 'POLICE' ORDER BY key LIMIT 2"
        )
    ]
    decide(store, keys[0], keys[1], "same", "one nominal created twice after a typo", "tester")
    try:
        found = agency_duplicates(store, "POLICE")
        assert any({d.person_id, d.duplicate_person_id} == {k[7:] for k in keys} for d in found)
        police = _text(signed("lee.police").get("/duplicates"))
        school = _text(signed("liz.school").get("/duplicates"))
        for duplicate in found:
            assert duplicate.duplicate_person_id in police
            assert duplicate.duplicate_person_id not in school
        assert "one nominal created twice after a typo" in police
        entry = audit.entries(store, limit=1)[0]
        assert (entry.actor, entry.action, entry.target) == ("liz.school", "view", "/duplicates")
    finally:  # the module's partnership is shared: part the two again
        decide(store, keys[0], keys[1], "different", "undoing the test's decision", "tester")


# -- flags dashboard ----------------------------------------------------------------------


def test_flags_dashboard_is_scoped_to_the_agency_and_puts_no_plan_first(
    site: Seeded, signed: Sign
) -> None:
    from wholestory.access import Viewer, may_see_person
    from wholestory.access_facts import facts_about

    store = site.store
    flagged = [
        str(p)
        for (p,) in store.query(
            "SELECT DISTINCT f.ws_person_id FROM ws_flag f JOIN ws_chronology c "
            "ON c.ws_person_id = f.ws_person_id WHERE c.is_child ORDER BY f.ws_person_id"
        )
    ]
    now = dt.datetime.now(dt.UTC)
    for agency in ("POLICE", "SCHOOL", "GP"):
        viewer = Viewer("x", agency, "manager")
        expected = {
            p for p in flagged if may_see_person(viewer, facts_about(store, p), now).allowed
        }
        assert {c["person"] for c in flagged_for_agency(store, agency)} == expected, agency
    police = flagged_for_agency(store, "POLICE")
    assert police and len(police) < len(flagged)  # someone is out of the police's sight

    # Give the most serious child an open plan: they move below every child with none.
    top = police[0]["person"]
    store.execute("UPDATE ws_flag SET open_plan = ? WHERE ws_person_id = ?", [True, top])
    store.execute("UPDATE ws_chronology SET open_plan = ? WHERE ws_person_id = ?", [True, top])
    try:
        again = flagged_for_agency(store, "POLICE")
        plans = [c["open_plan"] for c in again]
        assert plans == sorted(plans) and again[-1]["person"] == top
        page = _text(signed("mia.police").get("/flags"))
        assert page.index("No plan open") < page.index("Plan open</strong>")
    finally:
        store.execute("UPDATE ws_flag SET open_plan = ? WHERE ws_person_id = ?", [False, top])
        store.execute("UPDATE ws_chronology SET open_plan = ? WHERE ws_person_id = ?", [False, top])

    page = signed("mia.police").get("/flags")
    body = _text(page)
    for child in police:
        assert f'href="/people/{child["person"]}"' in body
    hidden = set(flagged) - {c["person"] for c in police}
    assert not any(f'/people/{p}"' in body for p in hidden)
    entry = audit.entries(site.store, actor="mia.police", action="view", limit=1)[0]
    assert entry.target == "/flags"
    assert json.loads(entry.detail)["people"] == [c["person"] for c in police]


def test_flags_dashboard_filters_by_code(site: Seeded, signed: Sign) -> None:

    children = flagged_for_agency(site.store, "SCHOOL")
    code = children[-1]["flags"][0]["code"]
    body = _text(signed("meg.school").get(f"/flags?code={code}"))
    wanted = [c for c in children if any(f["code"] == code for f in c["flags"])]
    others = [c for c in children if c not in wanted]
    assert all(f'/people/{c["person"]}"' in body for c in wanted)
    assert not any(f'/people/{c["person"]}"' in body for c in others)
    assert f'value="{code}" selected' in body


# -- link review -------------------------------------------------------------------------


def _pair(site: Seeded, agency_a: str, agency_b: str) -> tuple[str, str]:
    """Put a pair of two different people's records (one from each agency) in the queue."""
    store = site.store
    rows = store.query(
        "SELECT a.key, b.key FROM ws_source_person a JOIN ws_source_person b "
        "ON a.ws_person_id <> b.ws_person_id WHERE a.agency = ? AND b.agency = ? "
        "ORDER BY a.key, b.key LIMIT 1",
        [agency_a, agency_b],
    )
    key_l, key_r = sorted((str(rows[0][0]), str(rows[0][1])))
    evidence = {"prior": -6.5, "given_name": 5.6, "family_name": -2.1, "date_of_birth": 14.7}
    store.execute(
        "INSERT INTO ws_link_pair (key_l, key_r, match_weight, match_probability, evidence, "
        "state, note, model_id, scored_at) VALUES (?, ?, ?, ?, ?, 'review', NULL, NULL, ?)",
        [key_l, key_r, 3.2, 0.91, json.dumps(evidence), "2025-01-01 00:00:00+00:00"],
    )
    return key_l, key_r


def test_link_review_decision_applies_is_audited_and_leaves_the_queue(
    site: Seeded, signed: Sign
) -> None:
    from wholestory.identity import review_queue

    police_pair = _pair(site, "POLICE", "GP")
    other_pair = _pair(site, "SCHOOL", "GP")
    manager = signed("ivy.police")  # a Police identity reviewer (issue 11, M2)
    listing = _text(manager.get("/review"))
    assert "at least one record is Police" in listing
    a, b = police_pair
    assert f"/review/{a.replace(':', '%3A')}/{b.replace(':', '%3A')}" in listing
    assert other_pair[0].split(":")[1] not in listing

    # Another agency's pair is refused, and the refusal audited.
    refused = manager.get(f"/review/{other_pair[0]}/{other_pair[1]}")
    assert refused.status_code == 403
    assert audit.entries(site.store, actor="ivy.police", limit=1)[0].action == "denied"

    page = manager.get(f"/review/{a}/{b}")
    body = _text(page)
    assert page.status_code == 200
    assert "91.0%" in body and "Strong evidence for" in body and "Evidence against" in body
    assert "record" in body and "Your decision" in body

    missing = manager.post(f"/review/{a}/{b}", {"decision": "different", "reason": "  "})
    assert missing.status_code == 400 and "Enter the reason for your decision" in _text(missing)
    assert any({i["a"], i["b"]} == {a, b} for i in review_queue(site.store))

    done = manager.post(
        f"/review/{a}/{b}", {"decision": "different", "reason": "Different mothers per GP"}
    )
    assert done.status_code == 302 and done.url == "/review"
    assert not any({i["a"], i["b"]} == {a, b} for i in review_queue(site.store))
    entry = audit.entries(site.store, actor="ivy.police", action="decision", limit=1)[0]
    detail = json.loads(entry.detail)
    assert (detail["key_a"], detail["key_b"], detail["decision"]) == (a, b, "different")
    assert entry.reason == "Different mothers per GP"
    decided = site.store.query(
        "SELECT decision, decided_by FROM ws_link_decision WHERE key_l = ? AND key_r = ?", [a, b]
    )
    assert [tuple(r) for r in decided] == [("different", "ivy.police")]
    assert "Recorded:" in _text(manager.get("/review"))
    assert manager.get(f"/review/{a}/{b}").status_code == 404


# -- upload ------------------------------------------------------------------------------


def _upload(client: Client, path: Path) -> Any:
    with path.open("rb") as handle:
        return client.post("/upload", {"file": handle})


def _rows(prefix: str, n: int, **values: Any) -> list[dict[str, str]]:
    return [
        event_row(
            i,
            record_id=f"{prefix}-R{i}",
            person_id=f"{prefix}-P{i}",
            given_name="Uploaded",
            family_name=f"Person{prefix}",
            nhs_number="",
            **values,
        )
        for i in range(1, n + 1)
    ]


def _records(site: Seeded, prefix: str) -> int:
    return int(
        site.store.scalar("SELECT COUNT(*) FROM ws_record WHERE record_id LIKE ?", [f"{prefix}-%"])
    )


def test_upload_a_good_file_shows_the_accounting(
    site: Seeded, signed: Sign, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "police-good.csv", _rows("GOOD", 3))
    response = _upload(signed("dot.police"), path)
    body = _text(response)
    assert response.status_code == 200, body[:2000]
    assert "Read 3 rows: 3 new, 0 updated, 0 already up to date, 0 quarantined." in body
    assert _records(site, "GOOD") == 3
    entry = audit.entries(site.store, actor="dot.police", action="upload", limit=1)[0]
    detail = json.loads(entry.detail)
    assert detail["file"] == "police-good.csv" and detail["inserted"] == 3
    assert re.fullmatch(r"[0-9a-f]{64}", detail["sha256"])
    again = _text(_upload(signed("dot.police"), path))
    assert "Read 3 rows: 0 new, 0 updated, 3 already up to date, 0 quarantined." in again


def test_upload_shows_the_quarantined_rows(site: Seeded, signed: Sign, tmp_path: Path) -> None:
    rows = _rows("BAD", 3)
    rows[1]["event_date"] = "2020-02-30"
    path = write_csv(tmp_path / "police-bad.csv", rows)
    body = _text(_upload(signed("dot.police"), path))
    assert "Read 3 rows: 2 new, 0 updated, 0 already up to date, 1 quarantined." in body
    row = re.search(r"police-bad\.csv</td><td[^>]*>(\d+)</td><td[^>]*>([^<]*)</td>", body)
    assert row and row.group(1) == "3" and "event_date" in row.group(2)
    assert "not a real date" in body or "30" in body
    assert _records(site, "BAD") == 2


def test_upload_naming_another_agency_imports_nothing(
    site: Seeded, signed: Sign, tmp_path: Path
) -> None:
    rows = _rows("MIX", 4)
    rows[2]["agency"] = "SCHOOL"
    path = write_csv(tmp_path / "mixed.csv", rows)
    response = _upload(signed("dot.police"), path)
    body = _text(response)
    assert response.status_code == 400
    assert "1 row names another agency (SCHOOL)" in body and "nothing from the file" in body
    assert re.search(r"<td[^>]*>4</td><td[^>]*>SCHOOL</td>", body)
    assert _records(site, "MIX") == 0
    entry = audit.entries(site.store, actor="dot.police", action="upload", limit=1)[0]
    assert entry.outcome == "refused" and json.loads(entry.detail)["other_agency_rows"] == 1


def test_upload_reads_the_agency_of_xlsx_rows_too(
    site: Seeded, signed: Sign, tmp_path: Path
) -> None:
    import openpyxl

    from wholestory.records.template import COLUMNS

    rows = _rows("XL", 3)
    rows[0]["agency"] = "gp"
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(COLUMNS))
    for row in rows:
        sheet.append([row.get(c, "") for c in COLUMNS])
    path = tmp_path / "police.xlsx"
    book.save(path)
    response = _upload(signed("dot.police"), path)
    assert response.status_code == 400
    assert re.search(r"<td[^>]*>2</td><td[^>]*>gp</td>", _text(response))
    assert _records(site, "XL") == 0


def test_upload_refuses_what_it_cannot_read(site: Seeded, signed: Sign, tmp_path: Path) -> None:
    odd = tmp_path / "notes.txt"
    odd.write_text("hello")
    response = _upload(signed("dot.police"), odd)
    assert response.status_code == 400 and "must be a CSV or XLSX" in _text(response)
    broken = tmp_path / "broken.csv"
    broken.write_text("agency,record_id\nPOLICE,R1\n")
    response = _upload(signed("dot.police"), broken)
    assert response.status_code == 400 and "could not be read" in _text(response)


# -- figures -----------------------------------------------------------------------------


def test_figures_suppress_small_numbers_and_name_no_one(site: Seeded, signed: Sign) -> None:
    from wholestory.figures import suppressed

    assert [suppressed(n) for n in (0, 1, 4, 5, 1234)] == [
        "0",
        "fewer than 5",
        "fewer than 5",
        "5",
        "1,234",
    ]
    response = signed("bea.board").get("/figures")
    body = _text(response)
    assert response.status_code == 200
    assert "fewer than 5" in body and "Children with each flag" in body
    assert "WS-" not in body and "/people/" not in body
    assert not any(name in body for name in _names(site))
    dobs = [str(d) for (d,) in site.store.query("SELECT date_of_birth FROM ws_chronology") if d]
    assert not any(d in body for d in dobs)
    numbers = {int(n.replace(",", "")) for n in re.findall(r">([\d,]+)</td>", body)}
    assert not numbers & {1, 2, 3, 4}
    assert audit.entries(site.store, actor="bea.board", limit=1)[0].target == "/figures"


# -- a hand upload naming a child (issue 11, H1); last, as its upload stays in the store ---


def test_a_one_row_upload_naming_a_child_is_like_breaking_glass_until_a_lead_confirms(
    site: Seeded, signed: Sign, tmp_path: Path
) -> None:
    """The H1 attack: a one-row file naming a flagged child the police do not know (name,
    date of birth, address, no NHS number). The police see the child only as if breaking
    glass, the child is not on their flags dashboard, the other agencies' leads are told,
    the page says how the police became involved, and a police lead confirms it."""
    from arrival_support import one_row_file, row_naming
    from wholestory.access_facts import facts_about
    from wholestory.web.accounts.models import Notification

    police = {c["person"] for c in flagged_for_agency(site.store, "POLICE")}
    child = next(
        c["person"]
        for c in flagged_for_agency(site.store, "SCHOOL")
        if c["person"] not in police
        and "POLICE" not in facts_about(site.store, c["person"]).agencies
    )
    row = row_naming(site.store, child, "POLICE", "H1-ONE")
    assert _upload(signed("dot.police"), one_row_file(tmp_path, row)).status_code == 200
    page = _text(signed("pat.police").get(f"/people/{child}"))
    assert "as if breaking glass" in page and "Not confirmed" in page
    assert "Police became involved" in page and "uploaded by hand by dot.police" in page
    seen = audit.entries(site.store, actor="pat.police", person=child, limit=1)[0]
    assert json.loads(seen.detail)["basis"] == "unconfirmed_upload"
    assert child not in {c["person"] for c in flagged_for_agency(site.store, "POLICE")}
    told = set(Notification.objects.filter(person=child).values_list("agency", flat=True))
    assert told and "POLICE" not in told
    assert Notification.objects.filter(agency="POLICE", person="").exists()  # to confirm

    school_lead = signed("liz.school")
    assert school_lead.post("/uploads", {"upload": "1"}).status_code == 400
    waiting = _text(signed("lee.police").get("/uploads"))
    assert "H1-ONE" in waiting and row["family_name"] in waiting
    number = re.search(r"Upload (\d+): H1-ONE\.csv", waiting)
    assert number
    confirmed = signed("lee.police").post("/uploads", {"upload": number.group(1)})
    assert confirmed.status_code == 302
    assert audit.entries(site.store, actor="lee.police", limit=1)[0].action == "confirm_upload"
    page = _text(signed("pat.police").get(f"/people/{child}"))
    assert "as if breaking glass" not in page and "confirmed by lee.police" in page
    assert child in {c["person"] for c in flagged_for_agency(site.store, "POLICE")}, (
        site.store.query(  # why not, when it fails: where the uploaded record went
            "SELECT s.key, s.ws_person_id, i.confirmed_at, (SELECT COUNT(*) FROM ws_flag f "
            "WHERE f.ws_person_id = s.ws_person_id) FROM ws_source_person s JOIN ws_record r "
            "ON r.agency = s.agency AND r.person_id = s.person_id JOIN ws_import i "
            "ON i.id = r.import_id WHERE r.record_id = 'H1-ONE'"
        ),
        facts_about(site.store, child),
    )
