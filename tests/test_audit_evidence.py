"""Evidence prompts drawn from the chronology for case file auditors (issue 15, item 3).

Each kind of prompt fires on a planted child, stays quiet on a near miss, and cites the
chronology entries it rests on with links the chronology page understands
(``/people/<id>?entry=<entry id>#entry-<n>``). Stores are small partnerships
(tests/assurance_support.py) on both databases.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from assurance_support import looked, planted, rec
from factories import write_csv
from wholestory.assurance import evidence_words
from wholestory.assurance.evidence import KINDS, NotBuiltError, Prompt, ordered, prompts
from wholestory.assurance.evidence_words import GRADES, TITLES
from wholestory.chronology.stored import stored_chronology
from wholestory.ingest import ingest_paths
from wholestory.records.template import NEEDS_COLUMNS
from wholestory.store import Store

MISSED, KEPT = "APPOINTMENT_MISSED", "APPOINTMENT_ATTENDED"


def of_kind(found: list[Prompt], kind: str) -> list[Prompt]:
    return [p for p in found if p.kind == kind]


def records_cited(store: Store, person: str, prompt: Prompt) -> list[set[str]]:
    """The record ids behind each entry a prompt cites, after checking each link points
    at that entry: its id, and its place in the stored chronology as the page numbers it."""
    stored = stored_chronology(store, person)
    assert stored is not None
    entries = stored["entries"]
    found = []
    for cited in prompt.entries:
        number = next(n for n, e in enumerate(entries, start=1) if e["id"] == cited.id)
        page = f"/people/{quote(person, safe=':')}"
        assert cited.link == f"{page}?entry={quote(cited.id, safe='')}#entry-{number}"
        assert cited.number == number
        found.append({s["record_id"] for s in entries[number - 1]["sources"]})
    return found


def ids(*rows: dict[str, str]) -> list[set[str]]:
    return [{r["record_id"]} for r in rows]


def no_grades(found: list[Prompt]) -> None:
    for p in found:
        for grade in GRADES:
            assert not re.search(rf"\b{grade}\b", p.text + p.title, re.I), (grade, p.text)


def test_no_words_of_a_prompt_grade_practice() -> None:
    said = [v for k, v in vars(evidence_words).items() if k.isupper() and k != "GRADES"]
    texts = [t for v in said for t in (v.values() if isinstance(v, dict) else [v])]
    assert len(texts) > 20
    for text in texts:
        for grade in GRADES:
            assert not re.search(rf"\b{grade}\b", str(text), re.I), (grade, text)


# "Start again" moments


def test_an_assessment_begun_when_other_agencies_held_history(store: Store, tmp_path: Path) -> None:
    police = rec("A", "POLICE", "DA_INCIDENT", "2025-01-10")
    school = rec("A", "SCHOOL", "CONTACT", "2025-02-01")
    begun = rec("A", "CSC", "ASSESSMENT", "2025-03-03")
    ended = rec("A", "CSC", "ASSESSMENT_NFA", "2025-04-01")  # its end: not a second start
    planted(store, tmp_path, [
        police, school, rec("A", "CSC", "REFERRAL", "2025-02-20"), begun, ended,
        # B: only social care's own referral came before; the police the same day, not before.
        rec("B", "CSC", "REFERRAL", "2025-02-20"), rec("B", "CSC", "ASSESSMENT", "2025-03-03"),
        rec("B", "POLICE", "DA_INCIDENT", "2025-03-03"),
        # C: an assessment recorded only at its end, after the school knew the child.
        rec("C", "SCHOOL", "CONTACT", "2024-01-05"),
        rec("C", "CSC", "ASSESSMENT_NFA", "2024-03-01"),
    ])  # fmt: skip
    (prompt,) = of_kind(prompts(store, "WS-A"), "start_again")
    assert prompt.title == TITLES["start_again"] and prompt.agencies == ("CSC",)
    assert prompt.text == (
        'Children\'s social care began an assessment on 3 March 2025 ("assessment"), when the '
        "child's chronology already held 2 entries from 2 other agencies (police, school). "
        "Did the assessment draw on what they knew?"
    )
    assert records_cited(store, "WS-A", prompt) == ids(police, school, begun)
    assert of_kind(prompts(store, "WS-B"), "start_again") == []
    (alone,) = of_kind(prompts(store, "WS-C"), "start_again")
    assert "on 1 March 2024" in alone.text and "1 entry from 1 other agency (school)" in alone.text


# Flags with no plan, and silences after a concern


def _missing(person: str) -> list[dict[str, str]]:
    return [rec(person, "POLICE", "MISSING_EPISODE", f"2024-{m}-01") for m in ("10", "11", "12")]


def test_a_high_flag_with_no_plan_open_while_its_evidence_was_recorded(
    store: Store, tmp_path: Path
) -> None:
    h = _missing("H")
    planted(store, tmp_path, [
        *h,  # no plan, ever
        *_missing("I"), rec("I", "CSC", "CIN_PLAN_START", "2024-11-15"),  # a plan part way
        *_missing("J"), rec("J", "CSC", "CP_PLAN_START", "2025-02-01"),  # a plan only after
        rec("N", "ED", "SELF_HARM", "2024-10-05"),  # a medium flag: no prompt
    ])  # fmt: skip
    (prompt,) = of_kind(prompts(store, "WS-H"), "flag_no_plan")
    assert prompt.text == (
        'The records show the flag "Repeatedly missing" (high severity) from 1 October 2024 to '
        "1 December 2024, with no child in need, child protection, early help or looked-after "
        "plan open in that time; none has begun since. Was a multi-agency plan considered?"
    )
    assert records_cited(store, "WS-H", prompt) == ids(*h)
    assert of_kind(prompts(store, "WS-I"), "flag_no_plan") == []
    (later,) = of_kind(prompts(store, "WS-J"), "flag_no_plan")
    assert later.text.endswith(
        "a child protection plan began on 1 February 2025. What was decided before then?"
    )
    assert of_kind(prompts(store, "WS-N"), "flag_no_plan") == []


def test_a_silence_after_a_concern(store: Store, tmp_path: Path) -> None:
    concern = rec("S", "POLICE", "DA_INCIDENT", "2024-01-10")
    after = rec("S", "SCHOOL", "CONTACT", "2024-07-28")  # 200 days of nothing after it
    planted(store, tmp_path, [
        concern, after,
        rec("T", "POLICE", "DA_INCIDENT", "2024-01-10"),
        rec("T", "SCHOOL", "CONTACT", "2024-07-07"),  # 179 days: a near miss
        rec("U", "SCHOOL", "CONTACT", "2024-01-10"),
        rec("U", "SCHOOL", "CONTACT", "2024-09-01"),  # a long gap, but after no concern
    ])  # fmt: skip
    (prompt,) = of_kind(prompts(store, "WS-S"), "silence")
    assert prompt.text == (
        "The records show nothing from any agency for 200 days, from 10 January 2024 to 28 July "
        '2024, after police recorded a concern on 10 January 2024 ("da incident"). Did anyone '
        "know how the child was in that time?"
    )
    assert prompt.agencies == ("POLICE",)
    assert records_cited(store, "WS-S", prompt) == ids(concern, after)
    assert of_kind(prompts(store, "WS-T"), "silence") == []
    assert of_kind(prompts(store, "WS-U"), "silence") == []


# Engagement needs recorded but not met


def _visit(person: str, day: str, summary: str = "Home visit") -> dict[str, str]:
    return rec(person, "HEALTH_VISITING", KEPT, day) | {"summary": summary}


def _needs(tmp_path: Path, store: Store, *people: str) -> None:
    rows = [
        {"agency": "HEALTH_VISITING", "record_id": f"N{p}", "person_id": p, "need": "INTERPRETER",
         "detail": "Polish", "recorded_on": "2025-01-10", "review_on": "2026-01-10",
         "practitioner": "A Visitor"}
        for p in people
    ]  # fmt: skip
    path = write_csv(tmp_path / "hv_needs.csv", rows, NEEDS_COLUMNS)
    assert not ingest_paths(store, [path], None, today=dt.date(2025, 6, 30)).failed


def test_a_recorded_need_the_contacts_show_no_sign_of(store: Store, tmp_path: Path) -> None:
    _needs(tmp_path, store, "N", "O")
    visits = [_visit("N", "2025-02-01"), _visit("N", "2025-03-15")]
    planted(store, tmp_path, [
        *visits,
        _visit("O", "2025-02-01"), _visit("O", "2025-03-15", "Seen with a Polish interpreter"),
    ])  # fmt: skip
    (prompt,) = of_kind(prompts(store, "WS-N"), "need_not_met")
    assert prompt.text.startswith(
        "A need for an interpreter (Polish), recorded by Health visiting on 10 Jan 2025: the "
        "next 2 contacts"
    )
    assert prompt.text.endswith("Was the need met in ways the records do not say?")
    assert prompt.agencies == ("HEALTH_VISITING",)
    assert records_cited(store, "WS-N", prompt) == ids(*visits)
    assert of_kind(prompts(store, "WS-O"), "need_not_met") == []


# Missed appointments, and whether anyone followed them up


def test_missed_appointments_and_whether_a_follow_up_came_within_30_days(
    store: Store, tmp_path: Path
) -> None:
    q = [rec("Q", "GP", MISSED, "2025-03-01"), rec("Q", "GP", MISSED, "2025-03-10")]
    r = [rec("R", "HEALTH_VISITING", MISSED, day) for day in ("2025-03-02", "2025-03-09")]
    referral = rec("R", "CSC", "REFERRAL", "2025-04-08")  # 30 days after: in time
    planted(store, tmp_path, [
        *q, rec("Q", "GP", "CONTACT", "2025-04-10"),  # the GP's next record, 31 days after
        *r, referral,
        rec("S", "GP", MISSED, "2025-03-03"), rec("S", "GP", KEPT, "2025-03-06"),
        rec("S", "GP", MISSED, "2025-03-12"),  # one kept between: no run
        rec("W", "GP", MISSED, "2025-06-10"), rec("W", "GP", MISSED, "2025-06-20"),  # too soon
        rec("Z", "SCHOOL", "CONTACT", "2025-06-30"),  # the records run to 30 June 2025
    ])  # fmt: skip
    (prompt,) = of_kind(prompts(store, "WS-Q"), "missed_not_followed_up")
    assert prompt.text == (
        "The records show 2 appointments missed in a row at GP practice, from 1 March 2025 to "
        "10 March 2025; in the 30 days after, the records show nothing more from GP practice "
        "and no referral. Did anyone follow them up?"
    )
    assert records_cited(store, "WS-Q", prompt) == ids(*q)
    assert of_kind(prompts(store, "WS-Q"), "missed_followed_up") == []
    (followed,) = of_kind(prompts(store, "WS-R"), "missed_followed_up")
    assert (
        'within 30 days children\'s social care recorded "referral" on 8 April 2025, 30 days '
        "after the last. What did the follow-up find out?"
    ) in followed.text
    assert followed.agencies == ("HEALTH_VISITING",)
    assert records_cited(store, "WS-R", followed) == ids(*r, referral)
    assert of_kind(prompts(store, "WS-R"), "missed_not_followed_up") == []
    assert [p for p in prompts(store, "WS-S") if p.kind.startswith("missed")] == []
    (waiting,) = of_kind(prompts(store, "WS-W"), "missed_not_followed_up")
    assert "30 days have not passed by the day the records run to (30 June 2025)" in waiting.text


# Whether the assessing agency opened the chronology first


def test_whether_the_assessing_agency_opened_the_chronology_in_the_30_days_before(
    store: Store, tmp_path: Path
) -> None:
    a = rec("A", "CSC", "ASSESSMENT", "2025-03-10")
    planted(store, tmp_path, [
        a, rec("B", "CSC", "ASSESSMENT", "2025-03-15"),
        rec("D", "CSC", "ASSESSMENT", "2025-03-31"), rec("E", "CSC", "ASSESSMENT", "2025-03"),
    ])  # fmt: skip
    looked(store, "WS-A", "CSC", "2025-02-01T09:00:00")  # 37 days before: too early
    looked(store, "WS-A", "CSC", "2025-03-06T09:00:00")  # 4 days before: the latest
    looked(store, "WS-B", "CSC", "2025-02-12T09:00:00")  # 31 days before: a near miss
    looked(store, "WS-B", "POLICE", "2025-03-14T09:00:00")  # another agency
    looked(store, "WS-B", "CSC", "2025-03-14T09:00:00", action="denied", outcome="denied")
    looked(store, "WS-D", "CSC", "2025-03-01T00:00:00")  # exactly 30 days before
    (opened,) = of_kind(prompts(store, "WS-A"), "history_opened")
    assert opened.text == (
        "Children's social care began an assessment on 10 March 2025. Someone at children's "
        "social care had opened the chronology 4 days before."
    )
    assert records_cited(store, "WS-A", opened) == ids(a)
    (missed,) = of_kind(prompts(store, "WS-B"), "history_not_opened")
    assert missed.text == (
        "Children's social care began an assessment on 15 March 2025. Nobody at children's "
        "social care had opened the chronology in the 30 days before."
    )
    assert of_kind(prompts(store, "WS-B"), "history_opened") == []
    (edge,) = of_kind(prompts(store, "WS-D"), "history_opened")
    assert edge.text.endswith("opened the chronology 30 days before.")
    assert [p for p in prompts(store, "WS-E") if p.kind.startswith("history")] == []


# Together: the auditor's agency first, a day to read to, the story a viewer sees


def test_the_auditors_agency_first_and_the_records_as_they_stood(
    store: Store, tmp_path: Path
) -> None:
    planted(store, tmp_path, [
        rec("A", "POLICE", "DA_INCIDENT", "2025-01-10"),
        rec("A", "CSC", "ASSESSMENT", "2025-03-03"),
        rec("A", "GP", MISSED, "2025-04-01"), rec("A", "GP", MISSED, "2025-04-08"),
        rec("A", "GP", "CONTACT", "2025-04-20"),
    ])  # fmt: skip
    found = prompts(store, "WS-A")
    kinds = ["start_again", "missed_followed_up", "history_not_opened"]
    assert [p.kind for p in found] == kinds  # in kind order
    assert [p.kind for p in prompts(store, "WS-A", "gp")] == [kinds[1], kinds[0], kinds[2]]
    assert [p.kind for p in prompts(store, "WS-A", "CSC")] == [kinds[0], kinds[2], kinds[1]]
    assert ordered(found, "SCHOOL") == found
    march = prompts(store, "WS-A", as_of=dt.date(2025, 3, 31))
    assert [p.kind for p in march] == ["start_again", "history_not_opened"]
    no_grades(found)
    assert set(KINDS) == set(TITLES)
    as_json: dict[str, Any] = found[0].as_dict()
    assert as_json["kind"] == "start_again" and as_json["entries"][0]["agency_name"] == "Police"


def test_prompts_read_only_the_story_they_are_given(store: Store, tmp_path: Path) -> None:
    """A story as a viewer may see it: an entry they do not see is neither counted, quoted
    nor linked, and entries are numbered as that viewer's page numbers them."""
    planted(store, tmp_path, [
        rec("A", "POLICE", "DA_INCIDENT", "2025-01-10"),
        rec("A", "SCHOOL", "CONTACT", "2025-02-01"),
        rec("A", "CSC", "ASSESSMENT", "2025-03-03"),
    ])  # fmt: skip
    stored = stored_chronology(store, "WS-A")
    assert stored is not None
    seen = {**stored, "entries": [e for e in stored["entries"] if e["agency"] != "POLICE"]}
    (prompt,) = of_kind(prompts(store, "WS-A", story=seen), "start_again")
    assert "1 entry from 1 other agency (school)" in prompt.text
    assert [(c.agency, c.number) for c in prompt.entries] == [("SCHOOL", 1), ("CSC", 2)]
    assert prompt.entries[1].link.endswith("#entry-2")


def test_a_child_whose_chronology_is_not_built_is_said_so(store: Store) -> None:
    with pytest.raises(NotBuiltError, match="WS-X has not been built"):
        prompts(store, "WS-X")


# The partial


def test_the_partial_shows_prompts_with_links_and_says_they_are_not_grades(
    store: Store, tmp_path: Path
) -> None:
    from django.template.loader import render_to_string

    from wholestory.web.bootstrap import setup_django

    setup_django()
    planted(store, tmp_path, [
        rec("A", "POLICE", "DA_INCIDENT", "2025-01-10"),
        rec("A", "CSC", "ASSESSMENT", "2025-03-03"),
    ])  # fmt: skip
    found = prompts(store, "WS-A")
    html = render_to_string("pages/assurance/_evidence.html", {"prompts": found})
    assert "What the records show" in html and "not grades" in html
    for p in found:
        assert p.title in html
        for e in p.entries:
            assert f'href="{e.link.replace("&", "&amp;")}"' in html
    as_dicts = render_to_string(
        "pages/assurance/_evidence.html", {"prompts": [p.as_dict() for p in found]}
    )
    assert as_dicts == html
    empty = render_to_string("pages/assurance/_evidence.html", {"prompts": []})
    assert "The records raise no prompts for this child." in empty
