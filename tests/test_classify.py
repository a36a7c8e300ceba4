import polars as pl

from wholestory.ingest.classify import FALLBACK, RULES, classify, classify_one
from wholestory.records.template import EVENT_TYPES


def test_every_rule_names_a_vocabulary_code() -> None:
    assert {code for code, _ in RULES} <= EVENT_TYPES


def test_summaries_are_classified_with_the_rule_that_fired() -> None:
    assert classify_one("Child was not brought to appointment") == (
        "APPOINTMENT_MISSED",
        "summary mentions 'was not brought'",
    )
    assert classify_one("Domestic incident attended at home address")[0] == "DA_INCIDENT"
    assert classify_one("Referred to MARAC after DASH")[0] == "MARAC_REFERRAL"
    assert classify_one("Reported missing from home overnight")[0] == "MISSING_EPISODE"


def test_whole_words_only() -> None:
    # "dna" must not fire inside another word.
    assert classify_one("Spoke to Dnaiel's teacher")[0] != "APPOINTMENT_MISSED"


def test_unmatched_summary_is_other_and_says_so() -> None:
    codes, rules = classify(pl.Series(["Lorem ipsum", None]))
    assert codes.to_list() == [FALLBACK, FALLBACK]
    assert rules[0] == "no rule matched the summary"
