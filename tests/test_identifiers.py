import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from wholestory.records.identifiers import (
    check_nhs_numbers,
    check_postcodes,
    check_upns,
    is_valid_nhs_number,
    is_valid_upn,
    nhs_check_digit,
    upn_check_letter,
)


def test_nhs_numbers_valid_invalid_and_absent() -> None:
    values = ["943 476 5919", "9434765918", "12345", "", None, "943-476-5919"]
    normalised, problems = check_nhs_numbers(pl.Series(values, dtype=pl.String))
    assert normalised.to_list() == ["9434765919", None, None, None, None, "9434765919"]
    assert "fails its check digit" in problems[1]
    assert "not 10 digits" in problems[2]
    assert problems[0] is None and problems[3] is None and problems[4] is None


@settings(deadline=None)  # a property, not a timing: CI's two cores are shared by two workers
@given(st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_vectorised_and_scalar_nhs_checks_agree(first_nine: str) -> None:
    check = nhs_check_digit(first_nine)
    for last in "0123456789":
        number = first_nine + last
        normalised, _ = check_nhs_numbers(pl.Series([number]))
        expected = check is not None and int(last) == check
        assert is_valid_nhs_number(number) == expected
        assert (normalised[0] == number) == expected


def test_postcodes_are_normalised_or_flagged() -> None:
    normalised, problems = check_postcodes(pl.Series(["xw4 7qt", "XW47QT", " xw4  7qt ", "XW4"]))
    assert normalised.to_list() == ["XW4 7QT", "XW4 7QT", "XW4 7QT", None]
    assert problems[3] is not None and "not the shape of a UK postcode" in problems[3]


def test_upn_check_letter() -> None:
    body = "801200100001"
    upn = upn_check_letter(body) + body
    assert is_valid_upn(upn)
    wrong = ("A" if upn[0] != "A" else "B") + body
    assert not is_valid_upn(wrong)
    normalised, problems = check_upns(pl.Series([upn, wrong, ""]))
    assert normalised.to_list() == [upn, None, None]
    assert problems[1] is not None and problems[0] is None
