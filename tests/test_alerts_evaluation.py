"""Scoring a feed's alerts against the generator's truth (wholestory.alerts.evaluation), on
small hand-made truths and alerts: what each rule is compared on, and which misses
linking explains."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from wholestory.alerts.evaluation import LINKING, NO_CHILD, RULE, Truth, read_truth, score
from wholestory.synth import generate


@dataclass(frozen=True)
class FakeAlert:
    """An alert as wholestory.alerts.rules.Alert has it."""

    rule: str
    person: str
    agency: str = ""
    record: str = ""
    code: str = ""


OWNER = {
    "GP:1": "T1", "SCHOOL:1": "T1", "ED:1": "T1",  # T1, a child, whole on WS-1
    "GP:2": "T2", "HOUSING:2": "T2",  # T2, a child, whose Housing id linking left apart
    "GP:3": "T3",  # T3, an adult
}  # fmt: skip
PEOPLE = {"WS-1": ["GP:1", "SCHOOL:1", "ED:1"], "WS-2": ["GP:2"], "WS-9": ["HOUSING:2"]}
PEOPLE["WS-3"] = ["GP:3"]
EXPECTED = [
    {"rule": "NEW_INVOLVEMENT", "child": "T1", "agency": "SCHOOL", "record": "SCHOOL:r1",
     "code": ""},
    {"rule": "SOMETHING_NEW", "child": "T1", "agency": "ED", "record": "ED:r2", "code": ""},
    {"rule": "NEW_FLAG", "child": "T1", "agency": "", "record": "", "code": "SELF_HARM"},
    {"rule": "NEW_INVOLVEMENT", "child": "T2", "agency": "HOUSING", "record": "HOUSING:r3",
     "code": ""},
]  # fmt: skip
TRUTH = Truth(OWNER, {"T1", "T2"}, EXPECTED)


def test_alerts_that_meet_the_truth_score_one() -> None:
    alerts = [
        FakeAlert("NEW_INVOLVEMENT", "WS-1", "SCHOOL", "SCHOOL:another-of-its-first-records"),
        FakeAlert("SOMETHING_NEW", "WS-1", "ED", "ED:r2"),
        FakeAlert("NEW_FLAG", "WS-1", code="SELF_HARM"),
    ]
    scores = score(TRUTH, PEOPLE, alerts)
    involvement = scores.rules["NEW_INVOLVEMENT"]
    assert (involvement.expected, involvement.raised, involvement.hits) == (2, 1, 1)
    assert involvement.precision == 1.0 and involvement.recall == 0.5
    assert involvement.missed == [
        {"child": "T2", "what": "HOUSING", "person": "WS-2", "cause": LINKING}
    ]
    assert involvement.rule_recall == 1.0  # Housing's record is on WS-9, not T2's WS-2
    for rule in ("SOMETHING_NEW", "NEW_FLAG"):
        assert scores.rules[rule].precision == scores.rules[rule].recall == 1.0
    assert not scores.perfect() and scores.perfect(given_linking=True)


def test_something_new_is_one_alert_a_record_and_a_new_flag_one_a_code() -> None:
    alerts = [
        FakeAlert("SOMETHING_NEW", "WS-1", "ED", "ED:r9"),
        FakeAlert("NEW_FLAG", "WS-1", code="MISSING_REPEAT"),
    ]
    scores = score(TRUTH, PEOPLE, alerts)
    something = scores.rules["SOMETHING_NEW"]
    assert something.precision == something.recall == 0.0
    assert something.wrong == [{"child": "T1", "what": "ED:r9", "person": "WS-1", "cause": RULE}]
    assert something.missed[0]["what"] == "ED:r2" and something.missed[0]["cause"] == RULE
    assert scores.rules["NEW_FLAG"].wrong[0]["what"] == "MISSING_REPEAT"
    assert not scores.perfect(given_linking=True)


def test_an_alert_about_someone_who_is_no_child_is_wrong_by_the_rule() -> None:
    scores = score(TRUTH, PEOPLE, [FakeAlert("NEW_FLAG", "WS-3", code="DA_ESCALATION")])
    assert scores.rules["NEW_FLAG"].wrong == [
        {"child": NO_CHILD, "what": "DA_ESCALATION", "person": "WS-3", "cause": RULE}
    ]


def test_an_alert_on_a_part_of_a_child_linking_left_apart_is_linkings() -> None:
    scores = score(TRUTH, PEOPLE, [FakeAlert("NEW_FLAG", "WS-9", code="SELF_HARM")])
    assert scores.rules["NEW_FLAG"].wrong == [
        {"child": "T2", "what": "SELF_HARM", "person": "WS-9", "cause": LINKING}
    ]


def test_a_person_holding_two_children_is_scored_for_both_as_linkings() -> None:
    merged = {"WS-1": ["GP:1", "SCHOOL:1", "ED:1", "GP:2", "HOUSING:2"], "WS-3": ["GP:3"]}
    alerts = [FakeAlert("NEW_INVOLVEMENT", "WS-1", "HOUSING", "HOUSING:r3")]
    involvement = score(TRUTH, merged, alerts).rules["NEW_INVOLVEMENT"]
    assert involvement.hits == 1
    assert {(m["child"], m["cause"]) for m in involvement.missed} == {("T1", LINKING)}
    assert {(w["child"], w["cause"]) for w in involvement.wrong} == {("T1", LINKING)}


def test_the_truth_is_read_from_a_partnership_with_a_feed(tmp_path: Path) -> None:
    generate(150, 3, tmp_path, feed_days=200)
    truth = read_truth(tmp_path)
    assert truth.alerts and {a["child"] for a in truth.alerts} <= truth.children
    assert all(key.count(":") == 1 for key in truth.owner)


def test_a_truth_that_judges_some_children_leaves_the_others_out() -> None:
    judged = Truth(OWNER, {"T1", "T2"}, EXPECTED[:1], {"NEW_INVOLVEMENT": {"*"},
                                                        "SOMETHING_NEW": {"T2"}})  # fmt: skip
    alerts = [
        FakeAlert("NEW_INVOLVEMENT", "WS-1", "SCHOOL", "SCHOOL:r1"),
        FakeAlert("SOMETHING_NEW", "WS-1", "ED", "ED:r2"),  # T1 is not judged for it
        FakeAlert("NEW_FLAG", "WS-1", code="SELF_HARM"),  # no rule of new flags judged
    ]
    scores = score(judged, PEOPLE, alerts)
    assert set(scores.rules) == {"NEW_INVOLVEMENT", "SOMETHING_NEW"}
    assert scores.rules["SOMETHING_NEW"].raised == 0
    assert scores.rules["NEW_INVOLVEMENT"].hits == 1
