"""The audit itself (issue 15), the core: an auditor per agency with a time-limited audit
grant that opens the child to them alone, answers checked against the programme's tool,
submission, moderation, learning points and actions, every change audited.

On both databases, with the small planted partnership of tests/audits_support.py.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from audits_support import (
    C01_AGENCIES,
    C05_AGENCIES,
    T0,
    Audited,
    audited_store,
    every_grade,
    with_password,
)
from web_support import serving, sign_in
from wholestory import audit
from wholestory.access import (
    AUDIT_GRANT,
    AUDITOR,
    PRACTITIONER,
    QA,
    REVIEWER,
    Viewer,
    may,
    may_see_person,
)
from wholestory.access_facts import facts_about
from wholestory.assurance.answers import answers, moderate, moderations, record_answers, submit
from wholestory.assurance.audits import (
    AUDIT_GRANT_DAYS,
    AuditError,
    agencies_involved,
    assign,
    assignment,
    for_auditor,
)
from wholestory.assurance.case_audit import case_audit
from wholestory.assurance.learning import (
    actions,
    add_action,
    add_learning,
    complete_action,
    open_actions,
)
from wholestory.assurance.tools import DEFAULT_LEARNING_TAGS, ToolError, tool_from_text
from wholestory.store import Store

SECOND = dt.timedelta(seconds=1)
DAY = dt.timedelta(days=1)


@pytest.fixture
def audited(store: Store, tmp_path: Path) -> Audited:
    return audited_store(store, tmp_path)


def _count(store: Store, table: str, where: str = "", params: list[Any] | None = None) -> int:
    return int(store.scalar(f"SELECT COUNT(*) FROM {table} {where}", params or []))


def _written(store: Store) -> dict[str, int]:
    """What a refused change must leave as it was."""
    tables = ("ws_assurance_auditor", "ws_access_grant", "ws_notification", "ws_audit",
              "ws_assurance_answer", "ws_assurance_moderation", "ws_assurance_learning",
              "ws_assurance_action")  # fmt: skip
    return {t: _count(store, t) for t in tables}


def _refused(store: Store, match: str, call: Any, *args: Any, **kwargs: Any) -> None:
    """``call`` is refused with a one-line message matching ``match``, and writes nothing."""
    before = _written(store)
    with pytest.raises(AuditError, match=match) as raised:
        call(*args, **kwargs)
    assert "\n" not in str(raised.value)
    assert _written(store) == before


def _actions(store: Store) -> list[str]:
    return [e.action for e in audit.entries(store, newest_first=False)]


# Assignment and the audit grant


def test_every_agency_holding_records_of_the_child_needs_an_auditor(audited: Audited) -> None:
    assert agencies_involved(audited.store, "WS-C01") == C01_AGENCIES
    assert agencies_involved(audited.store, "WS-C05") == C05_AGENCIES
    found = case_audit(audited.store, audited.c05)
    assert found is not None
    assert [a.agency for a in found.agencies] == C05_AGENCIES
    assert all(a.auditor is None for a in found.agencies)


def test_assigning_an_auditor_grants_them_the_child_for_28_days_and_tells_the_leads(
    audited: Audited,
) -> None:
    store = audited.store
    made = assign(store, audited.c01, "csc", "abe.auditor", "quinn.qa", now=T0)
    ends = T0 + dt.timedelta(days=AUDIT_GRANT_DAYS)
    assert (made.agency, made.username, made.person, made.assigned_by) == (
        "CSC", "abe.auditor", "WS-C01", "quinn.qa"
    )  # fmt: skip
    assert made.grant_ends_at == ends and not made.submitted
    grants = store.query(
        "SELECT u.username, g.person, g.kind, g.granted_by, g.starts_at, g.ends_at, g.waiting, "
        "g.approved_by FROM ws_access_grant g JOIN auth_user u ON u.id = g.user_id"
    )
    (user, person, kind, by, starts, grant_ends, waiting, approved) = grants[0]
    assert len(grants) == 1 and (user, person, kind, by) == ("abe.auditor", "WS-C01", "audit",
                                                             "quinn.qa")  # fmt: skip
    assert _moment(starts) == T0 and _moment(grant_ends) == ends
    assert not waiting and approved == ""
    # The leads of every agency holding the child's records are told, once each.
    told = store.query("SELECT agency, person, message FROM ws_notification ORDER BY agency")
    assert [t[0] for t in told] == C01_AGENCIES and {t[1] for t in told} == {"WS-C01"}
    message = str(told[0][2])
    assert message.startswith("abe.auditor (Case file auditor, Children's social care) has "
                              "audit access to the records of KidC01 Planted (WS-C01) until "
                              "29 Jul 2025 10:00")  # fmt: skip
    assert "for the audit programme 'Use of history'" in message
    entry = audit.entries(store, limit=1)[0]
    assert (entry.action, entry.actor, entry.role, entry.person) == (
        "audit_assign", "quinn.qa", "qa", "WS-C01"
    )  # fmt: skip
    assert entry.target == f"audit programme {audited.programme.id} case " \
        f"{made.position} CSC"  # fmt: skip
    assert entry.as_dict()["detail"]["notified"] == C01_AGENCIES


def _moment(value: object) -> dt.datetime:
    from wholestory.arrival import moment

    return moment(value)


def test_an_assignment_that_cannot_be_made_says_why_and_changes_nothing(
    audited: Audited,
) -> None:
    store = audited.store
    _refused(store, "there is no active user 'nobody'", assign, store, audited.c01, "CSC",
             "nobody", "quinn.qa", now=T0)  # fmt: skip
    _refused(store, r"cal.csc is not a case file auditor \(their role: practitioner\)", assign,
             store, audited.c01, "CSC", "cal.csc", "quinn.qa", now=T0)  # fmt: skip
    _refused(store, "pia.auditor audits for Police, not Children's social care", assign, store,
             audited.c01, "CSC", "pia.auditor", "quinn.qa", now=T0)  # fmt: skip
    _refused(store, "Police holds no records of this child", assign, store, audited.c05,
             "POLICE", "pia.auditor", "quinn.qa", now=T0)  # fmt: skip
    for days in (0, 91):
        _refused(store, f"an audit grant lasts from 1 to 90 days, not {days}", assign, store,
                 audited.c01, "CSC", "abe.auditor", "quinn.qa", days, T0)  # fmt: skip
    _refused(store, "there is no audited case 999", assign, store, 999, "CSC", "abe.auditor",
             "quinn.qa", now=T0)  # fmt: skip


def test_an_audit_log_that_cannot_be_written_leaves_no_grant(
    audited: Audited, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = audited.store
    before = _written(store)

    def broken(*args: object, **kwargs: object) -> None:
        raise audit.AuditUnavailable("the audit log could not be written: test")

    monkeypatch.setattr(audit, "append", broken)
    with pytest.raises(audit.AuditUnavailable):
        assign(store, audited.c01, "CSC", "abe.auditor", "quinn.qa", now=T0)
    assert _written(store) == before


def test_another_auditor_replaces_the_first_whose_grant_ends(audited: Audited) -> None:
    store = audited.store
    first = assign(store, audited.c01, "CSC", "abe.auditor", "quinn.qa", now=T0)
    record_answers(store, first.id, {("overall", "learning"): "Started"}, "abe.auditor", T0)
    later = T0 + 3 * DAY
    second = assign(store, audited.c01, "CSC", "ann.auditor", "quinn.qa", now=later)
    assert second.id == first.id and second.username == "ann.auditor"
    assert second.grant_ends_at == later + dt.timedelta(days=AUDIT_GRANT_DAYS)
    assert _count(store, "ws_assurance_auditor") == 1
    assert answers(store, second.id)[("overall", "learning")].answer == "Started"  # carried on
    ends: dict[str, object] = dict(store.query(
        "SELECT u.username, g.ends_at FROM ws_access_grant g JOIN auth_user u ON u.id = g.user_id"
    ))  # fmt: skip
    assert _moment(ends["abe.auditor"]) == later
    assert _moment(ends["ann.auditor"]) == second.grant_ends_at
    assert _viewer(store, "abe.auditor", later).audits == {}
    last = store.query("SELECT message FROM ws_notification ORDER BY id DESC LIMIT 1")[0][0]
    assert "ann.auditor" in last and "in place of abe.auditor" in last
    # The first auditor may no longer answer; the second may.
    _refused(store, r"only the auditor assigned \(ann.auditor\)", record_answers, store,
             first.id, {("overall", "learning"): "More"}, "abe.auditor", later)  # fmt: skip
    record_answers(store, first.id, {("overall", "learning"): "More"}, "ann.auditor", later)


def _viewer(store: Store, username: str, now: dt.datetime) -> Viewer:
    """The user as the guard makes them: their open audit grants (kind 'audit') by person."""
    from wholestory.arrival import moment

    agency, role = store.query(
        "SELECT m.agency, m.role FROM ws_membership m JOIN auth_user u ON u.id = m.user_id "
        "WHERE u.username = ?",
        [username],
    )[0]
    audits: dict[str, dt.datetime] = {}
    for person, ends in store.query(
        "SELECT g.person, g.ends_at FROM ws_access_grant g JOIN auth_user u ON u.id = g.user_id "
        "WHERE u.username = ? AND g.kind = ?",
        [username, AUDIT_GRANT],
    ):
        if moment(ends) > now:
            audits[str(person)] = moment(ends)
    return Viewer(username, str(agency), str(role), audits=audits)


def test_the_audit_grant_opens_the_child_to_the_auditor_alone_until_it_ends(
    audited: Audited,
) -> None:
    store = audited.store
    facts = facts_about(store, "WS-C01")
    ends = assign(store, audited.c01, "CSC", "abe.auditor", "quinn.qa", now=T0).grant_ends_at
    auditor = Viewer("abe.auditor", "CSC", AUDITOR, audits={"WS-C01": ends})
    before = may_see_person(auditor, facts, ends - SECOND)
    assert before.allowed and before.basis == "audit"
    assert before.reason == "Audit access to this case until 29 Jul 2025 09:00."
    for after in (ends, ends + dt.timedelta(minutes=1)):
        refused = may_see_person(auditor, facts, after)
        assert not refused.allowed and not refused.can_break_glass
    # Only this child: the grant names WS-C01, not WS-C05.
    assert not may_see_person(auditor, facts_about(store, "WS-C05"), T0).allowed
    # Nobody else gets anything from an audit grant, even one that names them.
    for role in (PRACTITIONER, QA, REVIEWER):
        other = Viewer("someone", "EARLY_HELP", role, audits={"WS-C01": ends})
        assert not may_see_person(other, facts, T0).allowed, role
    assert not may_see_person(Viewer("pia.auditor", "POLICE", AUDITOR), facts, T0).allowed
    # Auditors may not break glass, and their refusal does not offer it.
    assert not may(auditor, "break_glass").allowed
    # The grant as the store keeps it gives the same answers.
    assert may_see_person(_viewer(store, "abe.auditor", T0), facts, T0).allowed
    assert not may_see_person(_viewer(store, "abe.auditor", ends), facts, ends).allowed
    assert not may_see_person(_viewer(store, "pia.auditor", T0), facts, T0).allowed


def test_through_the_web_the_auditor_sees_the_child_until_the_grant_ends(
    audited: Audited, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The person page, as the auditor: refused before the grant, shown a second before it
    ends (and audited with the audit grant as its basis), refused at its end and after;
    another auditor is refused throughout. The leads of the holding agencies read the
    notice on their notifications page."""
    from django.contrib.auth.models import User
    from django.test import Client
    from django.utils import timezone

    from wholestory.web.accounts.users import add_totp

    store = audited.store
    url = "/people/WS-C01"
    with serving(store.url):
        clients = {}
        for username in ("abe.auditor", "pia.auditor", "lee.police"):
            with_password(username)
            if username == "lee.police":
                add_totp(User.objects.get(username=username))
            clients[username] = Client()
            sign_in(clients[username], username)
        assert clients["abe.auditor"].get(url).status_code == 403
        real = timezone.now()
        made = assign(store, audited.c01, "CSC", "abe.auditor", "quinn.qa", 1,
                      real - DAY + dt.timedelta(minutes=5))  # fmt: skip
        ends = made.grant_ends_at
        seen = []
        for at in (ends - SECOND, ends, ends + dt.timedelta(minutes=1)):
            monkeypatch.setattr(timezone, "now", lambda at=at: at)
            seen.append(clients["abe.auditor"].get(url))
            assert clients["pia.auditor"].get(url).status_code == 403
        monkeypatch.undo()
        notices = clients["lee.police"].get("/notifications").content.decode()
    assert [r.status_code for r in seen] == [200, 403, 403]
    assert "Audit access to this case until" in seen[0].content.decode()
    assert "KidC01" in seen[0].content.decode()  # the child's chronology, shown
    assert all("KidC01" not in r.content.decode() for r in seen[1:])
    views = [e for e in audit.entries(store, newest_first=False)
             if e.action == "view" and e.person == "WS-C01"]  # fmt: skip
    assert [(e.actor, e.as_dict()["detail"]["basis"]) for e in views] == [
        ("abe.auditor", "audit")
    ]  # fmt: skip
    assert "abe.auditor (Case file auditor" in notices
    assert "for the audit programme &#x27;Use of history&#x27;" in notices


def test_an_auditors_cases_name_no_child(audited: Audited) -> None:
    store = audited.store
    assign(store, audited.c05, "CSC", "abe.auditor", "quinn.qa", 7, T0 - 30 * DAY)
    open_one = assign(store, audited.c01, "CSC", "abe.auditor", "quinn.qa", now=T0)
    found = for_auditor(store, "abe.auditor", T0)
    assert [a.case_id for a in found] == [audited.c01, audited.c05]  # the open one first
    assert found[0].open_at(T0) and not found[1].open_at(T0)
    shown = found[0].as_dict()
    assert shown["theme"] == "Use of history" and shown["agency"] == "CSC"
    assert shown["position"] == open_one.position and shown["submitted_at"] is None
    assert "WS-C01" not in str(shown) and "Kid" not in str(shown)
    assert for_auditor(store, "pia.auditor", T0) == []


# Answers, submission and moderation


def test_answers_are_checked_against_the_tool_and_kept_as_it_spells_them(
    audited: Audited,
) -> None:
    store = audited.store
    made = assign(store, audited.c01, "POLICE", "pia.auditor", "quinn.qa", now=T0)
    kept = record_answers(store, made.id, {
        ("assessment", "grade"): " requires IMPROVEMENT ",
        ("assessment", "uses_history"): "Partly",
        ("assessment", "seen_alone"): " 3 ",
        ("assessment", "evidence"): "",  # words may be blank
        ("recognition", "evidence"): "Two referrals before the assessment were not read.",
    }, "pia.auditor", T0)  # fmt: skip
    assert kept[("assessment", "grade")] == "Requires improvement"
    assert kept[("assessment", "uses_history")] == "partly"
    assert kept[("assessment", "seen_alone")] == "3"
    assert {k: a.answer for k, a in answers(store, made.id).items()} == kept
    # Answered again: replaced, not added.
    record_answers(store, made.id, {("assessment", "grade"): "Good"}, "pia.auditor", T0)
    assert answers(store, made.id)[("assessment", "grade")].answer == "Good"
    assert _count(store, "ws_assurance_answer") == 5
    assert _actions(store)[-2:] == ["audit_answer", "audit_answer"]


@pytest.mark.parametrize(
    ("answer", "fault"),
    [
        ((("nowhere", "grade"), "Good"), "there is no domain 'nowhere' in the tool"),
        ((("assessment", "nothing"), "Good"), "there is no question 'nothing' in the domain "
                                              "'Assessment'"),
        ((("assessment", "grade"), "Fine"), "Assessment, 'Assessment, overall': 'Fine' is not "
                                            "a grade on Outstanding, Good"),
        ((("assessment", "grade"), ""), "'' is not a grade"),
        ((("assessment", "timely"), "maybe"), "answer yes, no or partly, not 'maybe'"),
        ((("assessment", "seen_alone"), "-1"), "give a whole number of 0 or more, not '-1'"),
        ((("assessment", "seen_alone"), "2.5"), "give a whole number of 0 or more, not '2.5'"),
        ((("assessment", "seen_alone"), "two"), "'How many times was the child seen alone"),
    ],
)  # fmt: skip
def test_a_bad_answer_is_refused_naming_its_question_and_nothing_is_kept(
    audited: Audited, answer: tuple[tuple[str, str], str], fault: str
) -> None:
    store = audited.store
    made = assign(store, audited.c01, "POLICE", "pia.auditor", "quinn.qa", now=T0)
    good = {("overall", "learning"): "Good joint work"}
    _refused(store, fault, record_answers, store, made.id, {**good, answer[0]: answer[1]},
             "pia.auditor", T0)  # fmt: skip


def test_answers_on_a_partnerships_own_0_to_10_scale(store: Store, tmp_path: Path) -> None:
    tool = tool_from_text(
        "name: Our audit\nscale: {lowest: 0, highest: 10}\n"
        "learning_tags: [Drift, Good analysis]\ndomains:\n"
        "  - code: overall\n    title: Overall\n    questions:\n"
        "      - {code: grade, text: Overall, answer: grade}\n"
        "      - {code: visits, text: Visits, answer: number, lowest: 1, highest: 20}\n",
        "test",
    )
    audited = audited_store(store, tmp_path, tool)
    made = assign(store, audited.c05, "SCHOOL", "sid.auditor", "quinn.qa", now=T0)
    kept = record_answers(store, made.id, {("overall", "grade"): "07", ("overall", "visits"): "20"},
                          "sid.auditor", T0)  # fmt: skip
    assert kept == {("overall", "grade"): "7", ("overall", "visits"): "20"}
    for value in ("11", "-1", "Good", "7.5"):
        _refused(store, f"'{value}' is not a grade on 0 to 10 \\(10 best\\)", record_answers,
                 store, made.id, {("overall", "grade"): value}, "sid.auditor", T0)  # fmt: skip
    _refused(store, "give a whole number from 1 to 20, not '0'", record_answers, store, made.id,
             {("overall", "visits"): "0"}, "sid.auditor", T0)  # fmt: skip
    submit(store, made.id, "sid.auditor", T0)
    changed = moderate(store, made.id, "overall", "5", "Drift not seen", "mo.moderator", T0)
    assert (changed.given, changed.agreed) == ("7", "5")
    _refused(store, "'Good' is not a grade on 0 to 10", moderate, store, made.id, "overall",
             "Good", "x", "mo.moderator", T0)  # fmt: skip
    assert add_learning(store, audited.c05, "SCHOOL", "good ANALYSIS", "", "sid.auditor",
                        T0).tag == "Good analysis"  # fmt: skip
    _refused(store, "'Drift and delay' is not a learning tag of the tool 'Our audit': the tags "
             "are Drift; Good analysis", add_learning, store, audited.c05, "SCHOOL",
             "Drift and delay", "", "sid.auditor", T0)  # fmt: skip


def test_only_the_auditor_answers_and_only_while_the_grant_is_open(audited: Audited) -> None:
    store = audited.store
    made = assign(store, audited.c01, "CSC", "abe.auditor", "quinn.qa", 2, T0)
    one = {("overall", "learning"): "Words"}
    _refused(store, r"only the auditor assigned \(abe.auditor\) answers this audit",
             record_answers, store, made.id, one, "ann.auditor", T0)  # fmt: skip
    record_answers(store, made.id, one, "abe.auditor", made.grant_ends_at - SECOND)
    _refused(store, "the audit grant ended on 03 Jul 2025 10:00: ask the quality assurance "
             "officer to assign you again", record_answers, store, made.id, one, "abe.auditor",
             made.grant_ends_at)  # fmt: skip
    _refused(store, "there is no audit assignment 999", record_answers, store, 999, one,
             "abe.auditor", T0)  # fmt: skip


def test_submission_needs_every_domain_graded_and_then_answers_are_read_only(
    audited: Audited,
) -> None:
    store = audited.store
    tool = audited.programme.tool()
    made = assign(store, audited.c01, "CSC", "abe.auditor", "quinn.qa", now=T0)
    grades = every_grade(tool, "Good")
    record_answers(store, made.id, {k: v for k, v in grades.items() if k[0] != "impact"
                                    and k[0] != "overall"}, "abe.auditor", T0)  # fmt: skip
    _refused(store, "grade every domain before submitting; not yet graded: Impact and "
             "outcomes; Overall", submit, store, made.id, "abe.auditor", T0)  # fmt: skip
    record_answers(store, made.id, grades, "abe.auditor", T0)
    _refused(store, r"only the auditor assigned", submit, store, made.id, "ann.auditor", T0)
    done = submit(store, made.id, "abe.auditor", T0 + SECOND)
    assert done.submitted_at == T0 + SECOND
    _refused(store, "this audit was submitted on 01 Jul 2025 10:00: its answers can no longer "
             "be changed", record_answers, store, made.id, {("overall", "grade"): "Inadequate"},
             "abe.auditor", T0 + DAY)  # fmt: skip
    _refused(store, "this audit was submitted", submit, store, made.id, "abe.auditor", T0)
    _refused(store, "Children's social care's audit of this case was submitted on 01 Jul 2025 "
             "10:00: it is not assigned again", assign, store, audited.c01, "CSC", "ann.auditor",
             "quinn.qa", now=T0)  # fmt: skip
    assert for_auditor(store, "abe.auditor", T0)[0].submitted
    assert _actions(store)[-1] == "audit_submit"


def test_a_moderator_agrees_each_grade_or_changes_it_with_a_reason(audited: Audited) -> None:
    store = audited.store
    tool = audited.programme.tool()
    made = assign(store, audited.c01, "CSC", "abe.auditor", "quinn.qa", now=T0)
    record_answers(store, made.id, every_grade(tool, "Good"), "abe.auditor", T0)
    _refused(store, "abe.auditor has not submitted this audit yet", moderate, store, made.id,
             "assessment", "Good", "", "mo.moderator", T0)  # fmt: skip
    submit(store, made.id, "abe.auditor", T0)
    _refused(store, "grades are moderated by an audit moderator; 'quinn.qa' is not one",
             moderate, store, made.id, "assessment", "Good", "", "quinn.qa", T0)  # fmt: skip
    _refused(store, "there is no graded domain 'nowhere'", moderate, store, made.id, "nowhere",
             "Good", "", "mo.moderator", T0)  # fmt: skip
    agreed = moderate(store, made.id, "assessment", "good", "", "mo.moderator", T0)
    assert (agreed.given, agreed.agreed, agreed.reason, agreed.changed) == (
        "Good", "Good", "", False
    )  # fmt: skip
    with_reason = moderate(store, made.id, "planning", "Good", " Clear plan ", "mo.moderator", T0)
    assert with_reason.reason == "Clear plan" and not with_reason.changed
    _refused(store, "Assessment: say why the grade is changed from Good to Requires improvement",
             moderate, store, made.id, "assessment", "Requires improvement", "  ", "mo.moderator",
             T0)  # fmt: skip
    why = "History from the police was not used"
    changed = moderate(
        store, made.id, "assessment", "Requires improvement", why, "mo.moderator", T0 + DAY
    )
    assert changed.changed and changed.agreed == "Requires improvement"
    assert changed.moderated_at == T0 + DAY
    kept = moderations(store, made.id)
    assert set(kept) == {"assessment", "planning"} and kept["assessment"] == changed
    assert _count(store, "ws_assurance_moderation") == 2  # moderated again: replaced
    # The auditor's own grade is as they gave it.
    assert answers(store, made.id)[("assessment", "grade")].answer == "Good"
    moderated = [e for e in audit.entries(store, newest_first=False)
                 if e.action == "audit_moderate"]  # fmt: skip
    assert [e.as_dict()["detail"]["agreed"] for e in moderated] == [
        "Good", "Good", "Requires improvement"
    ]  # fmt: skip
    assert moderated[-1].actor == "mo.moderator" and moderated[-1].role == "moderator"


# Learning points and actions


def test_learning_points_are_tags_from_the_tools_list_and_words(audited: Audited) -> None:
    store = audited.store
    assert audited.programme.tool().learning_tags == DEFAULT_LEARNING_TAGS
    words = "The assessment did not read the police history."
    point = add_learning(store, audited.c01, "csc", "history  NOT used", words, "abe.auditor", T0)
    assert (point.agency, point.tag, point.text) == ("CSC", "History not used", words)
    assert point.case_id == audited.c01 and point.theme == "Use of history"
    whole = add_learning(store, audited.c01, "PARTNERSHIP", "Good practice: multi-agency working",
                         "", "mo.moderator", T0)  # fmt: skip
    assert whole.text == "" and whole.agency == "PARTNERSHIP"
    _refused(store, "'Lost files' is not a learning tag of the tool 'Multi-agency case file "
             "audit': the tags are History not used; ", add_learning, store, audited.c01, "CSC",
             "Lost files", "", "abe.auditor", T0)  # fmt: skip
    _refused(store, "Police holds no records of this child", add_learning, store, audited.c05,
             "POLICE", "Drift and delay", "", "pia.auditor", T0)  # fmt: skip
    assert _actions(store)[-2:] == ["audit_learning", "audit_learning"]
    entry = audit.entries(store, limit=1)[0]
    assert entry.person == "WS-C01" and entry.as_dict()["detail"]["tag"] == whole.tag


def test_actions_have_an_owner_an_agency_and_a_due_date_and_are_done_once(
    audited: Audited,
) -> None:
    store = audited.store
    point = add_learning(store, audited.c01, "CSC", "History not used", "", "abe.auditor", T0)
    later = add_action(store, audited.c05, "Review drift cases", "Head of service", "csc",
                       dt.date(2025, 10, 1), "quinn.qa", T0)  # fmt: skip
    sooner = add_action(store, audited.c01, "Read the chronology before every assessment",
                        "Principal social worker", "CSC", dt.date(2025, 9, 1), "quinn.qa", T0,
                        learning_id=point.id)  # fmt: skip
    assert sooner.learning_id == point.id and sooner.agency == "CSC" and not sooner.done
    assert [a.id for a in actions(store)] == [sooner.id, later.id]  # the soonest due first
    _refused(store, "the due date 30 Jun 2025 has passed", add_action, store, audited.c01, "X",
             "Y", "CSC", dt.date(2025, 6, 30), "quinn.qa", T0)  # fmt: skip
    _refused(store, "say what the action is", add_action, store, audited.c01, "  ", "Y", "CSC",
             dt.date(2025, 9, 1), "quinn.qa", T0)  # fmt: skip
    _refused(store, "say who owns the action", add_action, store, audited.c01, "X", "", "CSC",
             dt.date(2025, 9, 1), "quinn.qa", T0)  # fmt: skip
    _refused(store, "there is no agency 'NOWHERE'", add_action, store, audited.c01, "X", "Y",
             "NOWHERE", dt.date(2025, 9, 1), "quinn.qa", T0)  # fmt: skip
    _refused(store, "there is no learning point 999 on this case", add_action, store,
             audited.c01, "X", "Y", "CSC", dt.date(2025, 9, 1), "quinn.qa", T0,
             learning_id=999)  # fmt: skip
    done = complete_action(store, sooner.id, "lou.csc", T0 + DAY)
    assert done.done and done.done_by == "lou.csc" and done.done_at == T0 + DAY
    _refused(store, f"action {sooner.id} was recorded done on 02 Jul 2025 10:00 by lou.csc",
             complete_action, store, sooner.id, "lou.csc", T0 + DAY)  # fmt: skip
    assert [a.id for a in open_actions(store)] == [later.id]
    assert open_actions(store, "police") == []
    assert later.overdue(dt.date(2025, 10, 2)) and not done.overdue(dt.date(2026, 1, 1))
    row = later.as_dict()
    assert row["theme"] == "Use of history" and row["owner"] == "Head of service"
    assert row["due"] == "2025-10-01" and row["done"] is False
    assert _actions(store)[-3:] == ["audit_action", "audit_action", "audit_done"]


# One case's audit, for the pages


def test_a_case_audit_shows_each_agencys_auditor_grades_moderation_learning_and_actions(
    audited: Audited,
) -> None:
    store = audited.store
    tool = audited.programme.tool()
    csc = assign(store, audited.c01, "CSC", "abe.auditor", "quinn.qa", now=T0)
    police = assign(store, audited.c01, "POLICE", "pia.auditor", "quinn.qa", now=T0)
    record_answers(store, csc.id, every_grade(tool, "Good"), "abe.auditor", T0)
    submit(store, csc.id, "abe.auditor", T0)
    moderate(store, csc.id, "overall", "Outstanding", "Exceptional joint work", "mo.moderator",
             T0)  # fmt: skip
    record_answers(store, police.id, {("assessment", "grade"): "Inadequate"}, "pia.auditor", T0)
    point = add_learning(store, audited.c01, "POLICE", "Information not shared", "", "pia.auditor",
                         T0)  # fmt: skip
    add_action(store, audited.c01, "Share DA notifications", "DI Smith", "POLICE",
               dt.date(2025, 8, 1), "quinn.qa", T0, point.id)  # fmt: skip
    found = case_audit(store, audited.c01)
    assert found is not None and found.case.person == "WS-C01"
    assert [a.agency for a in found.agencies] == C01_AGENCIES
    by_agency = {a.agency: a for a in found.agencies}
    assert by_agency["GP"].auditor is None and by_agency["GP"].grades[0].given is None
    assert by_agency["CSC"].submitted_at == T0 and by_agency["POLICE"].submitted_at is None
    overall = {g.domain: g for g in by_agency["CSC"].grades}["overall"]
    assert (overall.given, overall.agreed, overall.reason) == (
        "Good", "Outstanding", "Exceptional joint work"
    )  # fmt: skip
    assessment = {g.domain: g for g in by_agency["POLICE"].grades}["assessment"]
    assert (assessment.given, assessment.agreed, assessment.moderation) == (
        "Inadequate", "Inadequate", None
    )  # fmt: skip
    assert len(by_agency["CSC"].grades) == len(tool.domains)
    assert [p.tag for p in found.learning] == ["Information not shared"]
    assert [a.text for a in found.actions] == ["Share DA notifications"]
    assert case_audit(store, 999) is None


def test_every_change_is_audited_in_order(audited: Audited) -> None:
    store = audited.store
    tool = audited.programme.tool()
    start = len(_actions(store))
    made = assign(store, audited.c05, "SCHOOL", "sid.auditor", "quinn.qa", now=T0)
    record_answers(store, made.id, every_grade(tool, "Good"), "sid.auditor", T0)
    submit(store, made.id, "sid.auditor", T0)
    moderate(store, made.id, "overall", "Good", "", "mo.moderator", T0)
    point = add_learning(store, audited.c05, "SCHOOL", "Drift and delay", "", "sid.auditor", T0)
    action = add_action(store, audited.c05, "Act", "Head", "SCHOOL", dt.date(2025, 9, 1),
                        "quinn.qa", T0, point.id)  # fmt: skip
    complete_action(store, action.id, "liz.school", T0)
    written = audit.entries(store, newest_first=False)[start:]
    assert [e.action for e in written] == [
        "audit_assign", "audit_answer", "audit_submit", "audit_moderate", "audit_learning",
        "audit_action", "audit_done",
    ]  # fmt: skip
    assert [e.actor for e in written] == [
        "quinn.qa", "sid.auditor", "sid.auditor", "mo.moderator", "sid.auditor", "quinn.qa",
        "liz.school",
    ]  # fmt: skip
    assert {e.person for e in written} == {"WS-C05"}
    assert all(e.target.endswith(" SCHOOL") for e in written)
    assert assignment(store, made.id) is not None
    assert audit.verify(store).ok


# Learning tags in a tool


def test_a_tool_may_list_its_own_learning_tags_and_a_bad_list_is_named() -> None:
    head = "name: X\nscale: {grades: [A, B]}\n"
    domain = "domains:\n  - code: a\n    title: A\n    questions:\n      - {code: g, text: G, answer: grade}\n"  # noqa: E501
    assert tool_from_text(head + domain, "t").learning_tags == DEFAULT_LEARNING_TAGS
    own = tool_from_text(head + "learning_tags: [' Late  plans ', Good]\n" + domain, "t")
    assert own.learning_tags == ("Late plans", "Good") and own.learning_tag("late PLANS")
    assert own.as_dict()["learning_tags"] == ["Late plans", "Good"]
    for bad, fault in (("[]", "give a list of at least one tag"),
                       ("[A, a]", "a tag 'a' is used twice"),
                       ("nope", "give a list of at least one tag")):  # fmt: skip
        with pytest.raises(ToolError, match=f"t: learning_tags: {fault}"):
            tool_from_text(head + f"learning_tags: {bad}\n" + domain, "t")
