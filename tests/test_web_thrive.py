"""A child's THRIVE record on the web (issue 16), on both databases: a CAMHS practitioner
records a Current View, confirming one factor the records propose and leaving another
unticked, then a grouping with the child's view, the suggestion shown beside the choice and
kept with it; the THRIVE page reads both back. A missing child's view is refused naming its
field. A police practitioner related to the child reads but may not record; an unrelated
practitioner and the board are refused; every look, record and refusal is audited.

WS-K1 has a child protection plan open at children's social care (so the records propose
"Current protection plan" and "Abuse or neglect") and a CAMHS referral; WS-K2 is known only
to the school.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest

from assurance_support import planted, rec
from web_support import open_test_store, serving, signed_in
from wholestory.store import Store
from wholestory.thrive.current_view import PARTS
from wholestory.thrive.records import current_views_of, groupings_of

USERS = (
    ("cam.camhs", "CAMHS", "practitioner"),
    ("pat.police", "POLICE", "practitioner"),
    ("sam.school", "SCHOOL", "practitioner"),
    ("bea.board", "PARTNERSHIP", "board"),
)
CHILD, OTHER = "WS-K1", "WS-K2"
PAGE = f"/people/{CHILD}/thrive"
VIEW_FORM = f"{PAGE}/current-view/new"
GROUPING_FORM = f"{PAGE}/grouping/new"
TODAY = dt.date.today()


def _rows() -> list[dict[str, str]]:
    return [
        rec("K1", "CSC", "CP_PLAN_START", "2025-03-01"),
        rec("K1", "CAMHS", "CAMHS_REFERRAL", "2025-04-01"),
        rec("K1", "POLICE", "MISSING_EPISODE", "2025-05-01"),
        rec("K2", "SCHOOL", "CONCERN", "2025-05-01"),
    ]


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Store, dict[str, Any]]]:
    store = open_test_store(request.param, request, tmp_path_factory.mktemp("thrive-web"))
    store.execute("DELETE FROM ws_source_person")
    with serving(store.url):
        planted(store, tmp_path_factory.mktemp("thrive-files"), _rows())
        yield store, signed_in([(*user, "") for user in USERS])
    store.close()


def _audit(store: Store, actor: str, path: str) -> list[tuple[str, str]]:
    rows = store.query("SELECT action, outcome FROM ws_audit WHERE actor = ? AND target = ? "
                       "ORDER BY seq", [actor, path])  # fmt: skip
    return [(str(a), str(o)) for a, o in rows]


def _view_post(**more: str) -> dict[str, str]:
    answers = {f"{part}__{code}": "not_known" for part, (items, _) in PARTS.items()
               for code in items}  # fmt: skip
    answers.update({"problems__low_mood": "moderate", "problems__self_harm": "mild",
                    "recorded_on": TODAY.isoformat()})  # fmt: skip
    return {**answers, **more}


GROUPING = {
    "grouping": "help", "reason": "Low mood affecting school.",
    "childs_view": "Kim says talking to someone weekly would help.", "agreement": "agreed",
    "goals": "Back at school full time.", "success_by": (TODAY + dt.timedelta(days=90)).isoformat(),
    "recorded_on": TODAY.isoformat(), "review_on": (TODAY + dt.timedelta(days=60)).isoformat(),
}  # fmt: skip


def test_the_current_view_form_proposes_factors_with_their_entries(site: Any) -> None:
    store, clients = site
    page = clients["cam.camhs"].get(VIEW_FORM)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Confirm: Current protection plan" in text and "Confirm: Abuse or neglect" in text
    assert "Confirm: Young carer" not in text  # nothing evidences it
    assert "cp plan start" in text  # the entry the proposal rests on
    assert 'name="confirm__protection_plan" type="checkbox" value="on" ' in text  # unticked
    assert text.count("<select") == sum(len(items) for items, _ in PARTS.values())
    assert f'value="{TODAY.isoformat()}"' in text  # the day, as a date input takes it
    assert ("thrive_look", "allowed") in _audit(store, "cam.camhs", VIEW_FORM)


def test_a_current_view_keeps_only_the_ticked_proposal_as_confirmed(site: Any) -> None:
    store, clients = site
    cam = clients["cam.camhs"]
    sent = cam.post(VIEW_FORM, _view_post(confirm__protection_plan="on"))
    assert sent.status_code == 302 and sent["Location"] == PAGE
    (kept,) = current_views_of(store, [CHILD])
    assert kept.view.confirmed == ("protection_plan",)
    assert kept.view.complexity["protection_plan"] == "yes"
    assert kept.view.complexity["abuse_neglect"] == "not_known"  # unticked: as answered
    assert kept.view.problems["low_mood"] == "moderate" and kept.app_user == "cam.camhs"
    assert ("thrive_record", "allowed") in _audit(store, "cam.camhs", VIEW_FORM)
    text = cam.get(PAGE).content.decode()
    assert "Confirmed from the records: Current protection plan." in text
    assert "Depression or low mood" in text and "Moderate" in text


def test_the_suggestion_is_shown_beside_the_choice_and_kept(site: Any) -> None:
    store, clients = site
    cam = clients["cam.camhs"]
    text = cam.get(GROUPING_FORM).content.decode()
    assert "a prompt, not a verdict" in text and 'id="suggested-grouping"' in text
    assert "Depression or low mood: Moderate" in text  # the evidence it rests on
    sent = cam.post(GROUPING_FORM, GROUPING)
    assert sent.status_code == 302 and sent["Location"] == PAGE
    (kept,) = groupings_of(store, [CHILD])
    assert kept.grouping.grouping == "help" and kept.grouping.suggested in {
        "help", "more_help", "risk_support", "advice", "thriving"}  # fmt: skip
    assert kept.grouping.childs_view == GROUPING["childs_view"]
    (row,) = store.query("SELECT suggested, recorded_in_app FROM ws_thrive_grouping")
    assert row[0] == kept.grouping.suggested and bool(row[1])
    detail = store.query("SELECT detail FROM ws_audit WHERE action = 'thrive_record' AND "
                         "target = ? ORDER BY seq DESC", [GROUPING_FORM])[0][0]  # fmt: skip
    assert json.loads(str(detail))["suggested"] == kept.grouping.suggested
    page = cam.get(PAGE).content.decode()
    assert "Getting Help" in page and GROUPING["childs_view"] in page and "Agreed" in page


def test_a_missing_childs_view_is_refused_naming_the_field(site: Any) -> None:
    store, clients = site
    before = len(groupings_of(store, [CHILD]))
    sent = clients["cam.camhs"].post(GROUPING_FORM, {**GROUPING, "childs_view": " "})
    assert sent.status_code == 400
    text = sent.content.decode()
    assert (
        'href="#id_childs_view"' in text and "Write the child&#x27;s and family&#x27;s view" in text
    )
    assert len(groupings_of(store, [CHILD])) == before
    assert ("thrive_record", "refused") in _audit(store, "cam.camhs", GROUPING_FORM)


def test_goals_are_needed_for_getting_help(site: Any) -> None:
    _, clients = site
    sent = clients["cam.camhs"].post(GROUPING_FORM, {**GROUPING, "goals": "", "success_by": ""})
    assert sent.status_code == 400
    text = sent.content.decode()
    assert 'href="#id_goals"' in text and 'href="#id_success_by"' in text


def test_who_may_record_and_who_may_read(site: Any) -> None:
    store, clients = site
    police = clients["pat.police"]
    assert police.get(PAGE).status_code == 200  # related: reads
    assert police.get(GROUPING_FORM).status_code == 403
    assert police.post(GROUPING_FORM, GROUPING).status_code == 403
    assert police.post(VIEW_FORM, _view_post()).status_code == 403
    assert ("denied", "denied") in _audit(store, "pat.police", GROUPING_FORM)
    school = clients["sam.school"]  # records THRIVE, but not related to WS-K1
    assert school.get(GROUPING_FORM).status_code == 403
    assert school.get(PAGE).status_code == 403
    assert clients["bea.board"].get(PAGE).status_code == 403
    assert ("denied", "denied") in _audit(store, "bea.board", PAGE)
    assert clients["cam.camhs"].get(f"/people/{OTHER}/thrive/grouping/new").status_code == 403
    assert len(groupings_of(store, [CHILD])) == 1


def test_every_look_is_audited(site: Any) -> None:
    store, clients = site
    for path in (PAGE, VIEW_FORM, GROUPING_FORM):
        before = len(_audit(store, "cam.camhs", path))
        assert clients["cam.camhs"].get(path).status_code == 200
        assert _audit(store, "cam.camhs", path)[before:] == [("thrive_look", "allowed")]


def test_the_grouping_shows_as_a_lane_only_to_those_the_agreement_shows_it(site: Any) -> None:
    """CAMHS reads its own grouping in the timeline's lane; the police, to whom the agreement
    shows only that CAMHS is involved, see no lane, and the THRIVE page says one is held back."""
    _, clients = site
    own = clients["cam.camhs"].get(f"/people/{CHILD}").content.decode()
    assert 'data-lane="THRIVE grouping"' in own and 'data-grouping="Getting Help"' in own
    police = clients["pat.police"].get(f"/people/{CHILD}").content.decode()
    assert 'data-lane="THRIVE grouping"' not in police and "Getting Help" not in police
    page = clients["pat.police"].get(PAGE).content.decode()
    assert 'id="thrive-hidden"' in page and GROUPING["childs_view"] not in page
