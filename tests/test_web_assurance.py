"""Case file audits on the web (issue 15), on both databases: a quality assurance officer sets
up a programme and assigns auditors; each auditor answers and submits; a moderator agrees
or changes each grade, a change needing a reason. Every page for its role only, every
refusal the same whatever the id, every look and change audited.

The records are ``assurance_support``'s planted children: with the flag MISSING_REPEAT
and known to children's social care in the first half of 2025, only WS-C01 is eligible,
and the school, the police, children's social care and the GP all recorded something of
them in the period.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from collections.abc import Iterator
from typing import Any

import pytest

from assurance_support import planted, selection_rows
from web_support import open_test_store, serving, signed_in
from wholestory.assurance.answers import answers
from wholestory.assurance.tools import GRADE, NUMBER, TEXT, YES_NO_PARTLY, Tool, default_tool
from wholestory.store import Store

USERS = (
    ("quinn.qa", "PARTNERSHIP", "qa"),
    ("abe.auditor", "CSC", "auditor"),
    ("pia.auditor", "POLICE", "auditor"),
    ("gail.auditor", "GP", "auditor"),
    ("mo.moderator", "PARTNERSHIP", "moderator"),
    ("bea.board", "PARTNERSHIP", "board"),
    ("pat.police", "POLICE", "practitioner"),
)
#: The default tool's graded domains (each has one grade question).
GRADED = ("recognition", "assessment", "planning", "joint_working", "impact", "engagement",
          "overall")  # fmt: skip
PROGRAMME = {
    "theme": "Missing children and their plans",
    "period_from": "2025-01-01",
    "period_to": "2025-06-30",
    "flags": ["MISSING_REPEAT"],
    "agencies": ["CSC"],
    "plan": "",
    "sample": "1",
    "seed": "4242",
}


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Store, dict[str, Any]]]:
    store = open_test_store(request.param, request, tmp_path_factory.mktemp("assurance"))
    store.execute("DELETE FROM ws_source_person")
    with serving(store.url):
        planted(store, tmp_path_factory.mktemp("assurance-files"), selection_rows())
        yield store, signed_in([(*user, "") for user in USERS])
    store.close()


def audited(store: Store, action: str) -> list[tuple[str, str]]:
    """(actor, target) of each audit entry of ``action``, oldest first."""
    rows = store.query("SELECT actor, target FROM ws_audit WHERE action = ? ORDER BY seq", [action])
    return [(str(a), str(t)) for a, t in rows]


def test_a_qa_officer_sets_up_a_programme(site: tuple[Store, dict[str, Any]]) -> None:
    store, clients = site
    quinn = clients["quinn.qa"]
    before = store.scalar("SELECT COALESCE(MAX(seq), 0) FROM ws_audit")
    form = quinn.get("/assurance/programmes/new")
    assert form.status_code == 200
    page = form.content.decode()
    assert 'name="seed"' in page and 'value="2024-07-01"' in page  # a year to the newest record
    assert "Repeatedly missing" in page and 'value="CSC"' in page

    missing = quinn.post("/assurance/programmes/new", {**PROGRAMME, "theme": " "})
    assert missing.status_code == 400
    assert "Enter what the audit looks at" in missing.content.decode()
    too_many = quinn.post("/assurance/programmes/new", {**PROGRAMME, "sample": "3"})
    assert too_many.status_code == 400
    assert "only 1 child meets the criteria" in too_many.content.decode()
    ages = quinn.post("/assurance/programmes/new", {**PROGRAMME, "age_from": "12", "age_to": "5"})
    assert ages.status_code == 400 and "the lowest age (12) is above the highest (5)" in (
        ages.content.decode()
    )
    mine = "SELECT id, seed, eligible FROM ws_assurance_programme WHERE theme = ?"
    assert store.query(mine, [PROGRAMME["theme"]]) == []  # nothing kept by a refusal

    made = quinn.post("/assurance/programmes/new", PROGRAMME)
    assert made.status_code == 302, made.content.decode()[:2000]
    url = made["Location"]
    kept = store.query(mine, [PROGRAMME["theme"]])
    assert [(int(s), int(e)) for _, s, e in kept] == [(4242, 1)]
    assert url == f"/assurance/programmes/{kept[0][0]}"
    shown = quinn.get(url).content.decode()
    assert "Case 1" in shown and "4242" in shown and "flagged MISSING_REPEAT" in shown
    assert "WS-C01" not in shown and "KidC01" not in shown  # no child named on QA pages
    listed = quinn.get("/assurance/programmes").content.decode()
    assert "Missing children and their plans" in listed and "1 of 1" in listed

    outcomes = store.query("SELECT outcome FROM ws_audit WHERE action = 'qa_programme_set' "
                           "AND seq > ? ORDER BY seq", [before])  # fmt: skip
    assert [str(o) for (o,) in outcomes] == ["refused", "refused", "refused", "allowed"]
    assert ("quinn.qa", url) in audited(store, "qa_programme")


def test_the_programme_pages_are_the_qa_officers_only(site: tuple[Store, dict[str, Any]]) -> None:
    _, clients = site
    pages = ("/assurance/programmes", "/assurance/programmes/new", "/assurance/programmes/1")
    for username in ("abe.auditor", "mo.moderator", "bea.board", "pat.police"):
        for url in pages:
            assert clients[username].get(url).status_code == 403, (username, url)
        refused = clients[username].post("/assurance/programmes/new", PROGRAMME)
        assert refused.status_code == 403
    assert clients["quinn.qa"].get("/assurance/programmes/999").status_code == 404


def _programme(client: Any, theme: str) -> str:
    """A new programme through the QA officer's form (WS-C01 its one case): its page's URL."""
    made = client.post("/assurance/programmes/new", {**PROGRAMME, "theme": theme})
    assert made.status_code == 302, made.content.decode()[:2000]
    return str(made["Location"])


def _assign(client: Any, url: str, agency: str, username: str, days: str = "14") -> Any:
    return client.post(url, {"case": "1", "agency": agency, "username": username, "days": days})


def _auditor_id(store: Store, url: str, agency: str) -> int:
    programme_id = int(url.rsplit("/", 1)[1])
    return int(
        store.scalar(
            "SELECT a.id FROM ws_assurance_auditor a JOIN ws_assurance_case c ON c.id = a.case_id "
            "WHERE c.programme_id = ? AND a.agency = ?",
            [programme_id, agency],
        )
    )


def _answers(tool: Tool, grade: str = "Good") -> dict[str, str]:
    """An answer to every question of ``tool``, as the auditor's form posts them."""
    values = {GRADE: grade, YES_NO_PARTLY: "partly", NUMBER: "2", TEXT: "As the records show"}
    return {f"{d.code}__{q.code}": values[q.answer] for d in tool.domains for q in d.questions}


def test_the_qa_officer_assigns_an_auditor_for_each_agency(
    site: tuple[Store, dict[str, Any]],
) -> None:
    store, clients = site
    quinn = clients["quinn.qa"]
    url = _programme(quinn, "Assigning auditors")
    page = html.unescape(quinn.get(url).content.decode())
    for agency in ("Children's social care", "GP practice", "Police", "School"):
        assert agency in page
    assert 'value="abe.auditor"' in page and 'value="pia.auditor"' in page
    assert "School has no case file auditor yet" in page

    wrong = _assign(quinn, url, "CSC", "pia.auditor")
    assert wrong.status_code == 400 and "audits for Police, not" in wrong.content.decode()
    assert "pia.auditor" in wrong.content.decode()
    too_long = _assign(quinn, url, "CSC", "abe.auditor", days="365")
    assert too_long.status_code == 400 and "from 1 to 90" in too_long.content.decode()
    assign_self = {"case": "1", "agency": "CSC", "username": "abe.auditor", "days": "14"}
    assert clients["abe.auditor"].post(url, assign_self).status_code == 403
    assert store.scalar(
        "SELECT COUNT(*) FROM ws_assurance_auditor a JOIN ws_assurance_case c ON c.id = a.case_id "
        "WHERE c.programme_id = ?", [int(url.rsplit("/", 1)[1])]) == 0  # fmt: skip

    assert _assign(quinn, url, "CSC", "abe.auditor").status_code == 302
    shown = quinn.get(url).content.decode()
    assert "abe.auditor" in shown and "may see the child until" in shown
    grants = store.query(
        "SELECT g.person, g.kind FROM ws_access_grant g JOIN auth_user u ON u.id = g.user_id "
        "WHERE u.username = 'abe.auditor'"
    )
    assert ("WS-C01", "audit") in [(str(p), str(k)) for p, k in grants]
    refused = [(a, t) for a, t in audited(store, "audit_assign") if a == "quinn.qa"]
    assert len(refused) >= 3  # two refusals written here, and the assignment by the core
    outcomes = store.query(
        "SELECT outcome FROM ws_audit WHERE action = 'audit_assign' AND actor = 'quinn.qa'"
    )
    assert {"refused", "allowed"} <= {str(o) for (o,) in outcomes}


def test_an_auditor_answers_and_submits_under_their_grant(
    site: tuple[Store, dict[str, Any]],
) -> None:
    store, clients = site
    abe, pia = clients["abe.auditor"], clients["pia.auditor"]
    url = _programme(clients["quinn.qa"], "Answering")
    assert _assign(clients["quinn.qa"], url, "CSC", "abe.auditor").status_code == 302
    assert _assign(clients["quinn.qa"], url, "POLICE", "pia.auditor").status_code == 302
    mine = _auditor_id(store, url, "CSC")
    form_url = f"/assurance/audits/{mine}"
    assert form_url in abe.get("/assurance/audits").content.decode()
    page = html.unescape(abe.get(form_url).content.decode())
    assert "Case 1: Children's social care's practice" in page
    assert "Did it use the history other agencies held" in page and 'href="/people/WS-C01"' in page
    assert "What the records show" in page  # the evidence prompts, drawn from the chronology
    assert "Repeatedly missing" in page  # C01's flag, with no plan before April: a prompt
    looked = store.query("SELECT person, detail FROM ws_audit WHERE action = 'audit_case' "
                         "AND actor = 'abe.auditor' ORDER BY seq")  # fmt: skip
    person, detail = looked[-1]
    detail = detail if isinstance(detail, dict) else json.loads(str(detail))
    assert str(person) == "WS-C01" and detail["basis"] == "audit" and "sharing" in detail
    assert abe.get("/people/WS-C01").status_code == 200  # the audit grant opens the child

    # Anyone else, a number that names no assignment, an ended grant: the same refusal.
    other, nobody = pia.get(form_url), abe.get("/assurance/audits/99999")
    assert other.status_code == nobody.status_code == 403
    assert _reason(other) == _reason(nobody) and "WS-C01" not in other.content.decode()
    assert clients["mo.moderator"].get(form_url).status_code == 403

    tool = default_tool()
    bad = abe.post(form_url, {"assessment__seen_alone": "-1", "save": "1"})
    assert bad.status_code == 400 and "whole number of 0 or more" in bad.content.decode()
    saved = abe.post(form_url, {"recognition__grade": "Good", "recognition__recognised": "yes",
                                "save": "1"})  # fmt: skip
    assert saved.status_code == 302
    assert answers(store, mine)[("recognition", "grade")].answer == "Good"
    early = abe.post(form_url, {"submit": "1"})
    assert early.status_code == 400 and "grade every domain before submitting" in html.unescape(
        early.content.decode()
    )
    learning = {"learning-tag": "History not used", "learning-about": "CSC",
                "learning-text": "The referral did not read the police log"}  # fmt: skip
    learned = abe.post(form_url, learning)
    assert learned.status_code == 302
    no_due = abe.post(form_url, {"action-text": "Read the chronology", "action-owner": "Team lead",
                                 "action-agency": "CSC", "action-due": ""})  # fmt: skip
    assert no_due.status_code == 400
    assert "Enter the day the action is due" in no_due.content.decode()
    due = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    acted = abe.post(form_url, {"action-text": "Read the chronology", "action-owner": "Team lead",
                                "action-agency": "CSC", "action-due": due})  # fmt: skip
    assert acted.status_code == 302

    done = abe.post(form_url, {**_answers(tool), "submit": "1"})
    assert done.status_code == 302 and done["Location"] == "/assurance/audits"
    assert store.scalar("SELECT submitted_at FROM ws_assurance_auditor WHERE id = ?", [mine])
    after = html.unescape(abe.get(form_url).content.decode())
    assert "Submitted" in after and "Submit for moderation" not in after
    assert "History not used" in after and "Read the chronology" in after
    late = abe.post(form_url, {**_answers(tool, "Inadequate"), "save": "1"})
    assert late.status_code == 400 and "can no longer be changed" in late.content.decode()
    assert answers(store, mine)[("overall", "grade")].answer == "Good"

    for action in ("audit_case", "audit_answer", "audit_submit", "audit_learning", "audit_action"):
        assert "abe.auditor" in [a for a, _ in audited(store, action)], action

    # The grant ends: the form and the child are closed to the auditor.
    store.execute("UPDATE ws_assurance_auditor SET grant_ends_at = ? WHERE id = ?",
                  ["2020-01-01 00:00:00+00:00", mine])  # fmt: skip
    store.execute("UPDATE ws_access_grant SET ends_at = ? WHERE kind = 'audit' AND user_id = "
                  "(SELECT id FROM auth_user WHERE username = 'abe.auditor')",
                  ["2020-01-01 00:00:00+00:00"])  # fmt: skip
    ended = abe.get(form_url)
    assert ended.status_code == 403 and _reason(ended) == _reason(nobody)
    assert abe.get("/people/WS-C01").status_code == 403


def _reason(response: Any) -> str:
    """The words of a refusal page's reason, without the page around it."""
    body = html.unescape(response.content.decode())
    return body.split('id="main-content">')[1].split("</main>")[0]


def test_a_moderator_agrees_a_grade_or_changes_it_with_a_reason(
    site: tuple[Store, dict[str, Any]],
) -> None:
    store, clients = site
    quinn, mo, pia = clients["quinn.qa"], clients["mo.moderator"], clients["pia.auditor"]
    url = _programme(quinn, "Moderating")
    programme_id = int(url.rsplit("/", 1)[1])
    assert _assign(quinn, url, "POLICE", "pia.auditor").status_code == 302
    police = _auditor_id(store, url, "POLICE")
    assert pia.post(f"/assurance/audits/{police}", {**_answers(default_tool()), "submit": "1"}
                    ).status_code == 302  # fmt: skip

    listed = mo.get("/assurance/moderation").content.decode()
    assert f"/assurance/programmes/{programme_id}/moderation" in listed
    cases = mo.get(f"/assurance/programmes/{programme_id}/moderation").content.decode()
    case_id = int(store.scalar("SELECT id FROM ws_assurance_case WHERE programme_id = ?",
                               [programme_id]))  # fmt: skip
    assert f"/assurance/moderation/{case_id}" in cases and "Case 1" in cases
    case_url = f"/assurance/moderation/{case_id}"
    page = mo.get(case_url).content.decode()
    assert "Police" in page and "pia.auditor" in page and "As the records show" in page
    assert "WS-C01" not in page and "KidC01" not in page  # the moderator sees no child

    grades = {f"police-agreed_{d}": "Good" for d in GRADED}
    changed = {**grades, "police-agreed_assessment": "Requires improvement"}
    unsaid = mo.post(case_url, {"agency": "POLICE", **changed})
    assert unsaid.status_code == 400
    assert "Assessment: say why the grade is changed" in unsaid.content.decode()
    assert store.scalar("SELECT COUNT(*) FROM ws_assurance_moderation WHERE auditor_id = ?",
                        [police]) == 0  # fmt: skip
    reason = "The assessment listed the history but did not analyse it"
    said = mo.post(case_url, {"agency": "POLICE", **changed,
                              "police-reason_assessment": reason})  # fmt: skip
    assert said.status_code == 302
    kept = {str(d): (str(g), str(a), str(r)) for d, g, a, r in store.query(
        "SELECT domain, given, agreed, reason FROM ws_assurance_moderation WHERE auditor_id = ?",
        [police])}  # fmt: skip
    assert kept["assessment"] == ("Good", "Requires improvement", reason)
    assert kept["overall"] == ("Good", "Good", "") and len(kept) == len(GRADED)
    assert "Changed to Requires improvement" in mo.get(case_url).content.decode()
    assert [a for a, _ in audited(store, "audit_moderate")].count("mo.moderator") == len(GRADED) + 1

    progress = html.unescape(quinn.get("/assurance/programmes").content.decode())
    row = progress.split("Moderating")[1].split("</tr>")[0]
    assert "1 of 4" in row and "1 of 1" in row  # one agency of four submitted, and moderated
    for username in ("quinn.qa", "pia.auditor", "bea.board"):
        assert clients[username].get(case_url).status_code == 403
        assert clients[username].post(case_url, {"agency": "POLICE", **grades}).status_code == 403
    assert mo.get("/assurance/moderation/99999").status_code == 404


OWN_TOOL = """name: Points audit
scale:
  lowest: 0
  highest: 10
domains:
  - code: overall
    title: Overall
    questions:
      - code: grade
        text: The response to this child, overall
        answer: grade
"""


def test_a_programme_with_the_partnerships_own_tool(site: tuple[Store, dict[str, Any]]) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    store, clients = site
    quinn = clients["quinn.qa"]
    own = {**PROGRAMME, "theme": "Own tool"}
    broken = quinn.post("/assurance/programmes/new", {**own, "tool_text": "name: [unclosed"})
    assert broken.status_code == 400 and "the pasted audit tool" in broken.content.decode()
    upload = SimpleUploadedFile("points.yaml", OWN_TOOL.encode(), "text/yaml")
    both = quinn.post("/assurance/programmes/new", {**own, "tool_text": OWN_TOOL,
                                                    "tool_file": upload})  # fmt: skip
    assert both.status_code == 400 and "not both" in both.content.decode()
    upload.seek(0)
    made = quinn.post("/assurance/programmes/new", {**own, "tool_file": upload})
    assert made.status_code == 302
    kept = store.query("SELECT tool_name, tool_yaml FROM ws_assurance_programme "
                       "WHERE theme = 'Own tool'")  # fmt: skip
    assert [(str(n), str(y)) for n, y in kept] == [("Points audit", OWN_TOOL)]
    assert "graded 0 to 10 (10 best)" in quinn.get(made["Location"]).content.decode()
