import datetime as dt

import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from wholestory.records.dates import parse_dates, precision_of

TODAY = dt.date(2026, 11, 26)


def parse(values: list[str | None], formats: tuple[str, ...] | None = None) -> pl.DataFrame:
    series = pl.Series("d", values, dtype=pl.String)
    parsed = parse_dates(series, formats, TODAY) if formats else parse_dates(series, today=TODAY)
    return pl.DataFrame(
        {
            "iso": parsed.iso,
            "precision": parsed.precision,
            "approximate": parsed.approximate,
            "start": parsed.start,
            "problem": parsed.problem,
        }
    )


def test_full_partial_and_approximate_dates_keep_their_precision() -> None:
    out = parse(["2012-03-04", "2012-03", "2012", "~2012-03"])
    assert out["iso"].to_list() == ["2012-03-04", "2012-03", "2012", "2012-03"]
    assert out["precision"].to_list() == ["day", "month", "year", "month"]
    assert out["approximate"].to_list() == [False, False, False, True]
    assert out["start"].to_list() == [
        dt.date(2012, 3, 4),
        dt.date(2012, 3, 1),
        dt.date(2012, 1, 1),
        dt.date(2012, 3, 1),
    ]
    assert out["problem"].null_count() == 4


def test_impossible_and_malformed_dates_are_problems_in_words() -> None:
    out = parse(["2012-02-30", "2012-13", "soon", "1850-06-01", "2027-01-01"])
    assert out["iso"].null_count() == 5
    problems = out["problem"].to_list()
    assert "'2012-02-30' is not a real date" in problems[0]
    assert "'2012-13' is not a real date" in problems[1]
    assert "'soon'" in problems[2]
    assert "before 1900" in problems[3]
    assert "in the future" in problems[4]


def test_empty_cells_are_not_problems() -> None:
    out = parse(["", None, "  "])
    assert out["problem"].null_count() == 3
    assert out["iso"].null_count() == 3


def test_profile_formats_read_uk_dates() -> None:
    out = parse(["04/03/2012", "03/2012", "2012", "31/04/2012"], ("%d/%m/%Y", "%m/%Y", "%Y"))
    assert out["iso"].to_list()[:3] == ["2012-03-04", "2012-03", "2012"]
    assert out["iso"][3] is None
    assert "31/04/2012" in out["problem"][3]


def test_precision_of_formats() -> None:
    assert precision_of("%d/%m/%Y") == "day"
    assert precision_of("%b %Y") == "month"
    assert precision_of("%Y") == "year"


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=TODAY))
def test_any_real_date_round_trips(day: dt.date) -> None:
    out = parse([day.isoformat()])
    assert out["iso"][0] == day.isoformat()
    assert out["start"][0] == day


@given(st.text(max_size=20))
def test_any_text_gives_a_date_or_a_problem(text: str) -> None:
    out = parse([text])
    if pl.Series([text]).str.strip_chars()[0] == "":
        assert out["problem"][0] is None and out["iso"][0] is None
    else:
        assert (out["iso"][0] is None) != (out["problem"][0] is None)
