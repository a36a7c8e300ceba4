"""The Dash checklist as data: reading answers, scoring, and what the score means for Marac."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wholestory.domestic_abuse.dash import (
    BY_JUDGEMENT,
    BY_SCORE,
    FORMS,
    NO,
    NOT_KNOWN,
    POLICE_DASH_27,
    SAFELIVES_RIC_24,
    VISIBLE_HIGH_RISK,
    YES,
    Checklist,
    DashError,
    checklist,
)
from wholestory.domestic_abuse.dash_words import DEFAULT_WORDING, SAFELIVES_LABELS, wording

answers_24 = st.lists(st.sampled_from([YES, NO, NOT_KNOWN]), min_size=24, max_size=24)


@given(answers_24, st.booleans())
def test_every_answer_combination_scores_its_yes_answers(answers: list[str], judged: bool) -> None:
    """The score is the count of "yes", whatever the others are and wherever they fall."""
    made = Checklist(SAFELIVES_RIC_24, tuple(answers), judged)
    yes = sum(1 for a in answers if a == YES)
    assert made.score == yes
    assert made.not_known == sum(1 for a in answers if a == NOT_KNOWN)
    assert made.visible_high_risk() is (yes >= 14)
    # Judgement raises a case to Marac and never lowers one.
    assert (made.marac_basis() is not None) is (yes >= 14 or judged)
    if yes >= 14:
        assert made.marac_basis() == BY_SCORE


def _with_yes(count: int, form: str = SAFELIVES_RIC_24, judged: bool = False) -> Checklist:
    total = FORMS[form]
    return Checklist(form, tuple([YES] * count + [NO] * (total - count)), judged)


def test_fourteen_yes_is_visible_high_risk_and_thirteen_is_not() -> None:
    assert VISIBLE_HIGH_RISK == 14
    assert _with_yes(14).visible_high_risk() and _with_yes(14).marac_basis() == BY_SCORE
    assert not _with_yes(13).visible_high_risk() and _with_yes(13).marac_basis() is None


def test_professional_judgement_raises_a_case_but_never_lowers_one() -> None:
    assert _with_yes(3, judged=True).marac_basis() == BY_JUDGEMENT
    assert _with_yes(20, judged=False).marac_basis() == BY_SCORE
    assert _with_yes(20, judged=True).marac_basis() == BY_SCORE


def test_the_threshold_is_the_partnerships_to_set() -> None:
    assert _with_yes(12).visible_high_risk(threshold=12)
    assert not _with_yes(14).visible_high_risk(threshold=15)


def test_the_police_form_has_27_questions() -> None:
    assert _with_yes(14, POLICE_DASH_27).score == 14
    with pytest.raises(DashError, match="27 questions; 24 answers"):
        Checklist(POLICE_DASH_27, tuple([NO] * 24))


def test_answers_are_read_as_the_template_writes_them() -> None:
    made = checklist(" safelives_ric_24 ", [" y", "n", "Nk"] + ["N"] * 21, "Y")
    assert made.answers[:3] == (YES, NO, NOT_KNOWN) and made.professional_judgement
    assert not checklist(SAFELIVES_RIC_24, ["N"] * 24, "").professional_judgement


@pytest.mark.parametrize(
    ("form", "answers", "judged", "message"),
    [
        ("DASH_99", ["N"] * 24, "N", "form must be SAFELIVES_RIC_24 or POLICE_DASH_27"),
        (SAFELIVES_RIC_24, ["N"] * 6 + ["maybe"] + ["N"] * 17, "N", "q7 must be Y, N or NK"),
        (SAFELIVES_RIC_24, ["N"] * 9 + [""] + ["N"] * 14, "N", "q10 must be Y, N or NK, not empty"),
        (SAFELIVES_RIC_24, ["N"] * 23, "N", "24 questions; 23 answers"),
        (SAFELIVES_RIC_24, ["N"] * 24, "yes please", "professional_judgement must be Y or N"),
    ],
)
def test_a_checklist_that_cannot_be_read_says_which_question_and_why(
    form: str, answers: list[str], judged: str, message: str
) -> None:
    with pytest.raises(DashError, match=message):
        checklist(form, answers, judged)


def test_we_ship_a_short_label_of_our_own_for_every_question() -> None:
    assert len(SAFELIVES_LABELS) == 24 == len(set(SAFELIVES_LABELS))
    assert SAFELIVES_LABELS[7].startswith("Constant texting")  # q8: stalking and harassment
    assert len(DEFAULT_WORDING[POLICE_DASH_27]) == 27


def test_a_partnership_loads_its_licensed_wording(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    licensed = tmp_path / "wording.yaml"
    licensed.write_text(
        "SAFELIVES_RIC_24:\n" + "".join(f"  - Official question {n}?\n" for n in range(1, 25))
    )
    monkeypatch.setenv("WHOLESTORY_DASH_WORDING", str(licensed))
    loaded = wording()
    assert loaded[SAFELIVES_RIC_24][0] == "Official question 1?"
    assert loaded[POLICE_DASH_27] == DEFAULT_WORDING[POLICE_DASH_27]  # not given: ours


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("SAFELIVES_RIC_24: [a, b]\n", "needs a list of its 24 questions"),
        ("OTHER_FORM: []\n", "'OTHER_FORM' is not a form"),
        ("- just a list\n", "under its code"),
        ("SAFELIVES_RIC_24: [unclosed\n", "not valid YAML"),
    ],
)
def test_a_bad_wording_file_is_named_with_what_is_wrong(
    tmp_path: Path, text: str, message: str
) -> None:
    bad = tmp_path / "wording.yaml"
    bad.write_text(text)
    with pytest.raises(DashError, match=message) as raised:
        wording(bad)
    assert str(bad) in str(raised.value)
