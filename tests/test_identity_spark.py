"""The linking model on Spark: it trains, and it scores as it does on DuckDB.

A small synthetic partnership (a few hundred source persons: children each
recorded by two or three agencies with the slips agencies make, and twins who
share a surname, a home and a date of birth) is trained on DuckDB and on
Spark. The DuckDB-trained model is then scored on both backends: the same
pairs must come out above 0.99 with the same match probabilities, and the
twins must stay two people. See ``docs/identity-spark.md``.

Runs wherever ``pyspark`` imports and ``java`` is on PATH (both are in CI).
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import random
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from wholestory.identity.features import model_frame
from wholestory.identity.linking import LOWER, UPPER
from wholestory.identity.model import ModelOptions, TrainedModel, duckdb_api, train
from wholestory.identity.scoring import score_all
from wholestory.identity.sources import SOURCE_SCHEMA, source_key
from wholestory.synth.identifiers import NhsNumbers, Upns, postcode

pytestmark = [
    pytest.mark.slow,
    # features.py calls Expr.explode() without empty_as_null, which Polars 1.4x warns about;
    # drop this once it passes empty_as_null=True there.
    pytest.mark.filterwarnings("ignore:In Polars 2.0, the default behavior for `empty_as_null`"),
    pytest.mark.skipif(
        importlib.util.find_spec("pyspark") is None,
        reason="pyspark is not installed (it is in the dev dependency group: uv sync)",
    ),
    pytest.mark.skipif(
        shutil.which("java") is None, reason="Spark needs a Java runtime (17) and none is on PATH"
    ),
]

#: Pairs at or above this probability are linked without review (linking's upper threshold).
SURE: float = UPPER
#: How far the two backends' match probabilities may differ for one pair.
TOLERANCE: float = 1e-6

AGENCIES = ("CSC", "HLT", "EDU", "POL")

#: (formal name, a nickname agencies write instead).
GIRLS = (
    ("Elizabeth", "Liz"),
    ("Margaret", "Maggie"),
    ("Rebecca", "Becky"),
    ("Jessica", "Jess"),
    ("Charlotte", "Lottie"),
    ("Abigail", "Abbie"),
    ("Victoria", "Tori"),
    ("Jennifer", "Jen"),
    ("Olivia", "Liv"),
    ("Katherine", "Kate"),
)
BOYS = (
    ("William", "Bill"),
    ("Robert", "Bob"),
    ("James", "Jim"),
    ("Thomas", "Tom"),
    ("Joseph", "Joe"),
    ("Matthew", "Matt"),
    ("Daniel", "Dan"),
    ("Zachary", "Zac"),
    ("Nicholas", "Nick"),
    ("Anthony", "Tony"),
)
FAMILIES = (
    "Oyelaran",
    "Smith",
    "Kowalski",
    "Patel",
    "O'Brien",
    "Nowak",
    "Hughes",
    "Ahmed",
    "Campbell",
    "Fitzgerald",
    "Adeyemi",
    "Murphy",
    "Khan",
    "Robinson",
    "Baker",
    "Thompson",
    "Walsh",
    "Okafor",
    "Lewandowski",
    "Begum",
)
STREETS = (
    ("Mill Road", "Mill Rd"),
    ("Station Street", "Station St"),
    ("Church Lane", "Church Ln"),
    ("Park Avenue", "Park Ave"),
    ("Victoria Crescent", "Victoria Cres"),
    ("Albert Gardens", "Albert Gdns"),
    ("Queens Drive", "Queens Dr"),
    ("Kings Close", "Kings Cl"),
)
#: Twins: (first, second, sex). Different given names, one date of birth, one home.
TWINS = (("Amy", "Grace", "F"), ("Jacob", "Oliver", "M"), ("Hannah", "Sophie", "F"))


@dataclass(frozen=True)
class Child:
    """One real child, before any agency writes them down."""

    given: str
    nickname: str
    family: str
    dob: dt.date
    sex: str
    nhs: str
    upn: str | None
    house: int
    street: tuple[str, str]
    postcode: str


def _typo(name: str, rng: random.Random) -> str:
    """One keying slip in a surname: two letters swapped or one dropped."""
    i = rng.randrange(1, len(name) - 1)
    if rng.random() < 0.5:
        return name[:i] + name[i + 1] + name[i] + name[i + 2 :]
    return name[:i] + name[i + 1 :]


def _record(child: Child, agency: str, person_id: str, rng: random.Random) -> dict[str, Any]:
    """How one agency has this child, with at most a slip or two."""
    given = child.nickname if rng.random() < 0.3 else child.given
    family = _typo(child.family, rng) if rng.random() < 0.12 else child.family
    dob = child.dob.isoformat()
    if rng.random() < 0.1 and child.dob.day <= 12 and child.dob.day != child.dob.month:
        dob = f"{child.dob.year}-{child.dob.day:02d}-{child.dob.month:02d}"
    street = child.street[1] if rng.random() < 0.4 else child.street[0]
    code = child.postcode if rng.random() < 0.5 else child.postcode.replace(" ", "").lower()
    nhs = {"HLT": 1.0, "CSC": 0.7, "EDU": 0.2, "POL": 0.3}[agency]
    upn = {"EDU": 1.0, "CSC": 0.4}.get(agency, 0.0)
    return {
        "unique_id": source_key(agency, person_id),
        "agency": agency,
        "person_id": person_id,
        "given_name": given,
        "family_name": family,
        "other_names": None,
        "date_of_birth": dob,
        "sex": child.sex if rng.random() < 0.95 else None,
        "nhs_number": child.nhs if rng.random() < nhs else None,
        "upn": child.upn if child.upn and rng.random() < upn else None,
        "postcode": code if agency != "POL" or rng.random() < 0.7 else None,
        "address": f"{child.house} {street}" if rng.random() < 0.9 else None,
    }


@dataclass(frozen=True)
class Partnership:
    sources: pl.DataFrame
    #: Which real child each source person is.
    child_of: dict[str, int]
    #: Source-person keys of each twin pair: (first twin's keys, second twin's keys).
    twins: list[tuple[list[str], list[str]]]

    def true_pairs(self) -> set[tuple[str, str]]:
        by_child: dict[int, list[str]] = {}
        for key, child in self.child_of.items():
            by_child.setdefault(child, []).append(key)
        return {
            (a, b)
            for keys in by_child.values()
            for a in keys
            for b in keys
            if a < b  # keys are compared as scoring orders them
        }


def make_partnership(households: int = 60, seed: int = 7) -> Partnership:
    """Households of one to three children, each child recorded by two or three agencies."""
    rng = random.Random(seed)
    nhs_numbers, upns = NhsNumbers(seed), Upns()
    children: list[Child] = []
    twin_index: list[tuple[int, int]] = []

    def child(given: tuple[str, str], sex: str, dob: dt.date, home: dict[str, Any]) -> int:
        school_age = dob.year <= 2020
        children.append(
            Child(
                given=given[0],
                nickname=given[1],
                sex=sex,
                dob=dob,
                nhs=nhs_numbers.issue(),
                upn=upns.issue(2000 + rng.randrange(50), dob.year + 5) if school_age else None,
                **home,
            )
        )
        return len(children) - 1

    for h in range(households):
        home = {
            "family": FAMILIES[h % len(FAMILIES)],
            "house": rng.randrange(1, 200),
            "street": STREETS[h % len(STREETS)],
            "postcode": postcode(rng, "XW", 1 + h % 9),
        }
        for _ in range(rng.choice((1, 1, 2, 2, 3))):
            sex = rng.choice("FM")
            names = GIRLS if sex == "F" else BOYS
            dob = dt.date(2007, 1, 1) + dt.timedelta(days=rng.randrange(17 * 365))
            child(rng.choice(names), sex, dob, home)
    for t, (first, second, sex) in enumerate(TWINS):
        home = {
            "family": FAMILIES[t],
            "house": 300 + t,
            "street": STREETS[t],
            "postcode": postcode(rng, "XV", 1 + t),
        }
        dob = dt.date(2012 + t, 3 + t, 7 + t)
        # Twins' NHS numbers and UPNs are issued one after the other, so they
        # are often a digit or two apart: exactly what the one-slip levels see.
        twin_index.append(
            (child((first, first), sex, dob, home), child((second, second), sex, dob, home))
        )

    rows: list[dict[str, Any]] = []
    child_of: dict[str, int] = {}
    serial = {agency: 1000 for agency in AGENCIES}
    for index, person in enumerate(children):
        twin = any(index in pair for pair in twin_index)
        agencies = ("CSC", "HLT", "EDU") if twin else rng.sample(AGENCIES, rng.choice((2, 2, 3)))
        for agency in agencies:
            serial[agency] += rng.randint(1, 4)
            record = _record(person, agency, f"{agency[0]}{serial[agency]:06d}", rng)
            if twin:  # every agency that holds a twin holds both numbers, at least
                record["nhs_number"] = person.nhs
            rows.append(record)
            child_of[record["unique_id"]] = index
    sources = pl.DataFrame(rows, schema=SOURCE_SCHEMA)
    keys_of: dict[int, list[str]] = {}
    for key, index in child_of.items():
        keys_of.setdefault(index, []).append(key)
    twins = [(keys_of[a], keys_of[b]) for a, b in twin_index]
    return Partnership(sources, child_of, twins)


# --- Spark ------------------------------------------------------------------


@pytest.fixture(scope="module")
def spark(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A small local Spark with Splink's similarity functions (jaro_winkler and the rest)."""
    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    checkpoints: Path = tmp_path_factory.mktemp("spark_checkpoints")
    session = (
        SparkSession.builder.master("local[2]")
        .appName("wholestory-identity-test")
        .config("spark.driver.memory", "1g")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.default.parallelism", "4")
        .config("spark.sql.warehouse.dir", str(checkpoints / "warehouse"))
        # The jar Splink ships for its Spark SQL functions; SparkAPI registers them from it.
        .config("spark.jars", similarity_jar_location())
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    session.sparkContext.setCheckpointDir(str(checkpoints))
    yield session
    session.stop()


def spark_api(session: Any) -> Any:
    """A fresh SparkAPI: each training or scoring run registers its own input tables."""
    from splink import SparkAPI

    return SparkAPI(spark_session=session)


# --- The runs under test ------------------------------------------------------


@dataclass(frozen=True)
class Runs:
    partnership: Partnership
    frame: pl.DataFrame
    on_duckdb: TrainedModel
    on_spark: TrainedModel
    #: The DuckDB-trained model, scored on each backend.
    duckdb_pairs: pl.DataFrame
    spark_pairs: pl.DataFrame
    #: The Spark-trained model, scored on Spark.
    spark_model_pairs: pl.DataFrame


@pytest.fixture(scope="module")
def runs(spark: Any) -> Runs:
    partnership = make_partnership()
    frame = model_frame(partnership.sources)
    on_duckdb = train([frame], ModelOptions(), db_api=duckdb_api())
    on_spark = train([frame], ModelOptions(), db_api=spark_api(spark))
    threshold = LOWER  # what linking scores at: pairs below it are neither linked nor reviewed
    return Runs(
        partnership=partnership,
        frame=frame,
        on_duckdb=on_duckdb,
        on_spark=on_spark,
        duckdb_pairs=score_all(on_duckdb.settings_json, [frame], threshold, db_api=duckdb_api()),
        spark_pairs=score_all(on_duckdb.settings_json, [frame], threshold, db_api=spark_api(spark)),
        spark_model_pairs=score_all(
            on_spark.settings_json, [frame], threshold, db_api=spark_api(spark)
        ),
    )


def _sure(pairs: pl.DataFrame) -> set[tuple[str, str]]:
    return set(pairs.filter(pl.col("match_probability") >= SURE).select("key_l", "key_r").rows())


def _twin_pairs(partnership: Partnership) -> set[tuple[str, str]]:
    return {
        (min(a, b), max(a, b)) for first, second in partnership.twins for a in first for b in second
    }


def test_the_partnership_is_a_few_hundred_source_persons() -> None:
    partnership = make_partnership()
    sources = partnership.sources
    assert 200 <= sources.height <= 400
    assert sources["unique_id"].n_unique() == sources.height
    assert sources["unique_id"].str.contains(r"^(CSC|HLT|EDU|POL):[A-Z]\d{6}$").all()
    assert len(partnership.twins) == len(TWINS)


def test_the_model_trains_on_spark(runs: Runs) -> None:
    model = runs.on_spark.settings_dict()
    assert runs.on_spark.source_count == runs.frame.height
    assert 0 < model["probability_two_random_records_match"] < 1
    fields = [c["output_column_name"] for c in model["comparisons"]]
    assert fields == [
        c["output_column_name"] for c in runs.on_duckdb.settings_dict()["comparisons"]
    ]
    for comparison in model["comparisons"]:
        for level in comparison["comparison_levels"]:
            if not level.get("is_null_level"):
                assert 0 < level["m_probability"] <= 1, (comparison["output_column_name"], level)
                assert 0 < level["u_probability"] <= 1, (comparison["output_column_name"], level)


def test_the_duckdb_model_scores_the_same_pairs_on_spark(runs: Runs) -> None:
    on_duckdb, on_spark = _sure(runs.duckdb_pairs), _sure(runs.spark_pairs)
    assert on_duckdb, "no pairs above 0.99: the comparison would prove nothing"
    assert on_spark == on_duckdb


def test_the_duckdb_model_gives_the_same_probabilities_on_spark(runs: Runs) -> None:
    joined = runs.duckdb_pairs.join(
        runs.spark_pairs, on=["key_l", "key_r"], how="full", suffix="_spark", coalesce=True
    )
    assert joined.height == runs.duckdb_pairs.height == runs.spark_pairs.height
    gap = (pl.col("match_probability") - pl.col("match_probability_spark")).abs()
    worst = joined.select(gap.max()).item()
    assert worst <= TOLERANCE, joined.sort(gap, descending=True).head(5)
    weights = (pl.col("match_weight") - pl.col("match_weight_spark")).abs()
    assert joined.select(weights.max()).item() <= 1e-6


def test_the_evidence_per_field_agrees_between_backends(runs: Runs) -> None:
    joined = runs.duckdb_pairs.join(runs.spark_pairs, on=["key_l", "key_r"], suffix="_spark")
    for row in joined.iter_rows(named=True):
        left, right = json.loads(row["evidence"]), json.loads(row["evidence_spark"])
        assert left.keys() == right.keys()
        for field, weight in left.items():
            assert weight == pytest.approx(right[field], abs=0.011), (row["key_l"], field)


def test_the_pairs_found_are_the_true_ones(runs: Runs) -> None:
    truth = runs.partnership.true_pairs()
    for pairs in (runs.duckdb_pairs, runs.spark_pairs, runs.spark_model_pairs):
        sure = _sure(pairs)
        assert len(sure & truth) >= 0.8 * len(truth)
        assert len(sure - truth) <= 0.02 * len(sure), sorted(sure - truth)


def test_twins_are_not_linked_on_either_backend(runs: Runs) -> None:
    twins = _twin_pairs(runs.partnership)
    assert len(twins) == len(TWINS) * 9
    for name, pairs in (
        ("DuckDB", runs.duckdb_pairs),
        ("Spark, DuckDB-trained model", runs.spark_pairs),
        ("Spark, Spark-trained model", runs.spark_model_pairs),
    ):
        linked = twins & _sure(pairs)
        assert not linked, (name, sorted(linked))
