"""The linking model on Spark: it trains, and it scores as it does on DuckDB.

A small synthetic partnership (a few hundred source persons: children each
recorded by two or three agencies with the slips agencies make, and twins who
share a surname, a home and a date of birth) is trained on DuckDB and on
Spark. The DuckDB-trained model is then scored on both backends: the same
pairs must come out at 0.99 or more with the same match probabilities, and
the twins must stay two people. See ``docs/identity-spark.md``.

Runs wherever ``pyspark`` imports and ``java`` is on PATH (both are in CI).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from wholestory.identity import (
    LOWER,
    SOURCE_SCHEMA,
    UPPER,
    ModelOptions,
    TrainedModel,
    duckdb_api,
    model_frame,
    score_all,
    source_key,
    train,
)
from wholestory.records.identifiers import nhs_check_digit
from wholestory.synth.identifiers import NhsNumbers, Upns, postcode


def _pyspark_imports() -> bool:
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return False
    return True


#: CI sets this: there, a missing pyspark or Java fails the run instead of skipping it.
_REQUIRED = os.environ.get("WHOLESTORY_TEST_REQUIRE_SPARK") == "1"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not _REQUIRED and not _pyspark_imports(),
        reason="pyspark cannot be imported (it is in the dev dependency group: uv sync)",
    ),
    pytest.mark.skipif(
        not _REQUIRED and shutil.which("java") is None,
        reason="Spark needs Java (17) and there is no java on PATH",
    ),
]

#: Pairs at or above this probability are linked without review (linking's upper threshold).
SURE: float = UPPER
#: How far the two backends' match probabilities may differ for one pair.
TOLERANCE: float = 1e-9

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
class Home:
    house: int
    street: tuple[str, str]
    postcode: str

    def address(self, rng: random.Random) -> str:
        """As an agency writes it: the street kind in full or abbreviated."""
        return f"{self.house} {self.street[1] if rng.random() < 0.4 else self.street[0]}"


@dataclass(frozen=True)
class Child:
    """One real child, before any agency writes them down."""

    given: str
    nickname: str
    middle: str | None
    family: str
    dob: dt.date
    sex: str
    nhs: str
    upn: str | None
    home: Home
    #: Where the child lived before, if they have moved.
    previous: Home | None = None


def _typo(name: str, rng: random.Random) -> str:
    """One keying slip in a surname: two letters swapped or one dropped."""
    i = rng.randrange(1, len(name) - 1)
    if rng.random() < 0.5:
        return name[:i] + name[i + 1] + name[i] + name[i + 2 :]
    return name[:i] + name[i + 1 :]


def _record(child: Child, agency: str, person_id: str, rng: random.Random) -> dict[str, Any]:
    """How one agency has this child, with the slips agencies make.

    A nickname; a surname keyed wrongly; day and month swapped; the street
    kind abbreviated; an old address the agency never updated; an
    identifier the agency does not hold.
    """
    given = child.nickname if rng.random() < 0.3 else child.given
    family = _typo(child.family, rng) if rng.random() < 0.12 else child.family
    dob = child.dob.isoformat()
    if rng.random() < 0.1 and child.dob.day <= 12 and child.dob.day != child.dob.month:
        dob = f"{child.dob.year}-{child.dob.day:02d}-{child.dob.month:02d}"
    homes = [child.home]
    if child.previous is not None:
        # Some agencies know of the move, some still have the old address only.
        homes = rng.choice(([child.previous], [child.previous, child.home], [child.home]))
    home = homes[-1]
    address = home.address(rng)
    code = home.postcode if rng.random() < 0.5 else home.postcode.replace(" ", "").lower()
    names = {
        # An agency that has used both the nickname and the full name over time.
        "given": sorted({given, child.given}) if rng.random() < 0.2 else [given],
        "family": [family],
        "postcode": [h.postcode for h in homes],
        "address": [*(h.address(rng) for h in homes[:-1]), address],
    }
    nhs = {"HLT": 1.0, "CSC": 0.7, "EDU": 0.2, "POL": 0.3}[agency]
    upn = {"EDU": 1.0, "CSC": 0.4}.get(agency, 0.0)
    return {
        "unique_id": source_key(agency, person_id),
        "agency": agency,
        "person_id": person_id,
        "given_name": given,
        "family_name": family,
        "other_names": child.middle if rng.random() < 0.5 else None,
        "date_of_birth": dob,
        "sex": child.sex if rng.random() < 0.95 else None,
        "nhs_number": child.nhs if rng.random() < nhs else None,
        "upn": child.upn if child.upn and rng.random() < upn else None,
        "postcode": code if agency != "POL" or rng.random() < 0.7 else None,
        "address": address if rng.random() < 0.9 else None,
        "names": json.dumps(names),
    }


def _next_nhs(number: str) -> str:
    """The next valid NHS number after ``number``: what a twin born a minute later gets."""
    body = int(number[:9])
    while True:
        body += 1
        check = nhs_check_digit(f"{body:09d}")
        if check is not None:
            return f"{body:09d}{check}"


@dataclass(frozen=True)
class Partnership:
    #: Source persons: :data:`SOURCE_SCHEMA` and ``names``, as ``load_sources`` gives them.
    sources: pl.DataFrame
    #: Which real child each source person is.
    child_of: dict[str, int]
    #: Source-person keys of each twin pair: (first twin's keys, second twin's keys).
    twins: list[tuple[list[str], list[str]]]

    def true_pairs(self) -> set[tuple[str, str]]:
        by_child: dict[int, list[str]] = {}
        for key, child in self.child_of.items():
            by_child.setdefault(child, []).append(key)
        return {(a, b) for keys in by_child.values() for a in keys for b in keys if a < b}

    def twin_pairs(self) -> set[tuple[str, str]]:
        return {(min(a, b), max(a, b)) for one, two in self.twins for a in one for b in two}


def make_partnership(households: int = 60, seed: int = 7) -> Partnership:
    """Households of one to three children, each child recorded by two or three agencies.

    Twenty surnames over sixty households and ten given names a sex, so that
    unrelated children share names; three pairs of twins, each recorded by
    the same three agencies.
    """
    rng = random.Random(seed)
    nhs_numbers, upns = NhsNumbers(seed), Upns()
    middles = ("Rose", "Mae", "James", "Lee", "Ann", "John")
    children: list[Child] = []
    for h in range(households):
        family = FAMILIES[h % len(FAMILIES)]
        home = Home(rng.randrange(1, 200), STREETS[h % len(STREETS)], postcode(rng, "XW", h % 9))
        moved_from = None
        if rng.random() < 0.2:
            street = STREETS[(h + 3) % len(STREETS)]
            moved_from = Home(rng.randrange(1, 200), street, postcode(rng, "XW", (h + 4) % 9))
        for _ in range(rng.choice((1, 1, 2, 2, 3))):
            sex = rng.choice("FM")
            given, nickname = rng.choice(GIRLS if sex == "F" else BOYS)
            dob = dt.date(2007, 1, 1) + dt.timedelta(days=rng.randrange(17 * 365))
            school = 2000 + rng.randrange(50)
            children.append(
                Child(
                    given=given,
                    nickname=nickname,
                    middle=rng.choice(middles) if rng.random() < 0.3 else None,
                    family=family,
                    dob=dob,
                    sex=sex,
                    nhs=nhs_numbers.issue(),
                    upn=upns.issue(school, dob.year + 5) if dob.year <= 2019 else None,
                    home=home,
                    previous=moved_from,
                )
            )
    twin_index: list[tuple[int, int]] = []
    for t, (first, second, sex) in enumerate(TWINS):
        dob = dt.date(2012 + t, 3 + t, 7 + t)
        school = 2100 + t
        one = Child(
            given=first,
            nickname=first,
            middle=None,
            family=FAMILIES[t],
            dob=dob,
            sex=sex,
            nhs=nhs_numbers.issue(),
            upn=upns.issue(school, dob.year + 5),
            home=Home(300 + t, STREETS[t], postcode(rng, "XV", 1 + t)),
        )
        # Twins' NHS numbers and UPNs are issued one after the other, so they are
        # a digit or two apart: exactly what the "one slip" levels look for.
        two = replace(
            one,
            given=second,
            nickname=second,
            nhs=_next_nhs(one.nhs),
            upn=upns.issue(school, dob.year + 5),
        )
        children += [one, two]
        twin_index.append((len(children) - 2, len(children) - 1))

    twins_flat = {i for pair in twin_index for i in pair}
    rows: list[dict[str, Any]] = []
    child_of: dict[str, int] = {}
    serial = dict.fromkeys(AGENCIES, 1000)
    for index, child in enumerate(children):
        if index in twins_flat:
            agencies: tuple[str, ...] = ("CSC", "HLT", "EDU")
        else:
            agencies = tuple(rng.sample(AGENCIES, rng.choice((2, 2, 3))))
        for agency in agencies:
            serial[agency] += rng.randint(1, 4)
            record = _record(child, agency, f"{agency[0]}{serial[agency]:06d}", rng)
            if index in twins_flat:  # every agency that holds a twin has their NHS number
                record["nhs_number"] = child.nhs
            rows.append(record)
            child_of[record["unique_id"]] = index
    sources = pl.DataFrame(rows, schema={**SOURCE_SCHEMA, "names": pl.String()})
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

    scratch: Path = tmp_path_factory.mktemp("spark")
    session = (
        SparkSession.builder.master("local[2]")
        .appName("wholestory-identity-test")
        .config("spark.driver.memory", "1g")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.warehouse.dir", str(scratch / "warehouse"))
        # The jar Splink ships for jaro_winkler, damerau_levenshtein and the rest;
        # SparkAPI registers its functions when the session has it.
        .config("spark.jars", similarity_jar_location())
        # A few hundred rows: one partition, and no time spent planning or compiling
        # for data this small. Every EM iteration is a Spark job of its own, so the
        # fixed cost of a job is most of this test's time. With the JVM options below,
        # training here takes about half as long as with Spark's defaults.
        .config("spark.sql.shuffle.partitions", "1")
        .config("spark.default.parallelism", "2")
        .config("spark.sql.adaptive.enabled", "false")
        .config("spark.sql.codegen.wholeStage", "false")
        .config("spark.sql.codegen.factoryMode", "NO_CODEGEN")
        # A JVM that lives for a minute: quick compilation and a simple collector.
        .config("spark.driver.extraJavaOptions", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    # Splink breaks Spark's lineage by writing intermediate tables as parquet here.
    session.sparkContext.setCheckpointDir(str(scratch / "checkpoints"))
    yield session
    session.stop()


def spark_api(session: Any) -> Any:
    """A fresh SparkAPI for one training or scoring run."""
    from splink import SparkAPI

    return SparkAPI(spark_session=session)


# --- The runs under test ------------------------------------------------------


@pytest.fixture(scope="module")
def partnership() -> Partnership:
    return make_partnership()


@pytest.fixture(scope="module")
def frame(partnership: Partnership) -> pl.DataFrame:
    return model_frame(partnership.sources)


@pytest.fixture(scope="module")
def duckdb_model(frame: pl.DataFrame) -> TrainedModel:
    return train([frame], ModelOptions(), db_api=duckdb_api())


@pytest.fixture(scope="module")
def spark_model(frame: pl.DataFrame, spark: Any) -> TrainedModel:
    return train([frame], ModelOptions(), db_api=spark_api(spark))


@pytest.fixture(scope="module")
def duckdb_pairs(frame: pl.DataFrame, duckdb_model: TrainedModel) -> pl.DataFrame:
    """The DuckDB-trained model scored on DuckDB, as linking scores: from the lower threshold."""
    return score_all(duckdb_model.settings_json, [frame], LOWER, db_api=duckdb_api())


@pytest.fixture(scope="module")
def spark_pairs(frame: pl.DataFrame, duckdb_model: TrainedModel, spark: Any) -> pl.DataFrame:
    """The same DuckDB-trained model scored on Spark."""
    api = spark_api(spark)
    return score_all(duckdb_model.settings_json, [frame], LOWER, db_api=api)


@pytest.fixture(scope="module")
def spark_model_pairs(frame: pl.DataFrame, spark_model: TrainedModel, spark: Any) -> pl.DataFrame:
    """The Spark-trained model scored on Spark."""
    return score_all(spark_model.settings_json, [frame], LOWER, db_api=spark_api(spark))


def _sure(pairs: pl.DataFrame) -> set[tuple[str, str]]:
    return set(pairs.filter(pl.col("match_probability") >= SURE).select("key_l", "key_r").rows())


def test_the_partnership_is_a_few_hundred_source_persons(partnership: Partnership) -> None:
    sources = partnership.sources
    assert 200 <= sources.height <= 400
    assert sources["unique_id"].n_unique() == sources.height
    assert sources["unique_id"].str.contains(r"^(CSC|HLT|EDU|POL):[A-Z]\d{6}$").all()
    assert len(partnership.twins) == len(TWINS)
    assert len(partnership.twin_pairs()) == len(TWINS) * 9  # three agencies each


def test_the_model_trains_on_spark_as_on_duckdb(
    spark_model: TrainedModel, duckdb_model: TrainedModel
) -> None:
    """Same prior and m; u within sampling error (each backend samples pairs its own way)."""
    on_spark, on_duckdb = spark_model.settings_dict(), duckdb_model.settings_dict()
    assert on_spark["sql_dialect"] == "spark"
    assert on_spark["probability_two_random_records_match"] == pytest.approx(
        on_duckdb["probability_two_random_records_match"], rel=1e-9
    )
    for spark_field, duckdb_field in zip(
        on_spark["comparisons"], on_duckdb["comparisons"], strict=True
    ):
        assert spark_field["output_column_name"] == duckdb_field["output_column_name"]
        for level, expected in zip(
            spark_field["comparison_levels"], duckdb_field["comparison_levels"], strict=True
        ):
            where = (spark_field["output_column_name"], level["label_for_charts"])
            assert level["label_for_charts"] == expected["label_for_charts"]
            if level.get("is_null_level"):
                continue
            assert level["m_probability"] == pytest.approx(expected["m_probability"], abs=0.02), (
                where
            )
            # A level no sampled pair reached has no u on either backend.
            assert ("u_probability" in level) == ("u_probability" in expected), where
            if "u_probability" in level:
                assert level["u_probability"] == pytest.approx(
                    expected["u_probability"], rel=0.2
                ), where


def test_the_spark_trained_model_scores_on_spark(spark_model_pairs: pl.DataFrame) -> None:
    assert _sure(spark_model_pairs)


def test_the_duckdb_model_links_the_same_pairs_on_spark(
    duckdb_pairs: pl.DataFrame, spark_pairs: pl.DataFrame
) -> None:
    on_duckdb, on_spark = _sure(duckdb_pairs), _sure(spark_pairs)
    assert on_duckdb, "no pairs at 0.99 or more: the comparison would prove nothing"
    assert on_spark == on_duckdb


def _assert_same_scores(one: pl.DataFrame, other: pl.DataFrame) -> None:
    """The same pairs, match probabilities and weights, and evidence field by field."""
    joined = one.join(other, on=["key_l", "key_r"], how="full", suffix="_other")
    assert joined.height == one.height == other.height
    probability = (pl.col("match_probability") - pl.col("match_probability_other")).abs()
    weight = (pl.col("match_weight") - pl.col("match_weight_other")).abs()
    assert joined.select(probability.max()).item() <= TOLERANCE
    assert joined.select(weight.max()).item() <= 1e-6
    for row in joined.iter_rows(named=True):
        evidence, evidence_other = json.loads(row["evidence"]), json.loads(row["evidence_other"])
        # Evidence is rounded to 0.01 bits: allow the last digit to round either way.
        assert evidence == pytest.approx(evidence_other, abs=0.011), (row["key_l"], row["key_r"])


def test_the_duckdb_model_gives_the_same_probabilities_on_spark(
    duckdb_pairs: pl.DataFrame, spark_pairs: pl.DataFrame
) -> None:
    _assert_same_scores(duckdb_pairs, spark_pairs)


def test_the_spark_model_gives_the_same_probabilities_on_duckdb(
    frame: pl.DataFrame, spark_model: TrainedModel, spark_model_pairs: pl.DataFrame
) -> None:
    api = duckdb_api()
    on_duckdb = score_all(spark_model.settings_json, [frame], LOWER, db_api=api)
    _assert_same_scores(spark_model_pairs, on_duckdb)


def test_both_backends_find_the_true_pairs(
    partnership: Partnership,
    duckdb_pairs: pl.DataFrame,
    spark_pairs: pl.DataFrame,
    spark_model_pairs: pl.DataFrame,
) -> None:
    truth = partnership.true_pairs()
    for name, pairs in (
        ("DuckDB", duckdb_pairs),
        ("Spark, DuckDB-trained model", spark_pairs),
        ("Spark, Spark-trained model", spark_model_pairs),
    ):
        sure = _sure(pairs)
        assert len(sure & truth) >= 0.8 * len(truth), name
        assert not sure - truth, (name, sorted(sure - truth))


def test_twins_are_not_linked_on_either_backend(
    partnership: Partnership,
    duckdb_pairs: pl.DataFrame,
    spark_pairs: pl.DataFrame,
    spark_model_pairs: pl.DataFrame,
) -> None:
    twins = partnership.twin_pairs()
    for name, pairs in (
        ("DuckDB", duckdb_pairs),
        ("Spark, DuckDB-trained model", spark_pairs),
        ("Spark, Spark-trained model", spark_model_pairs),
    ):
        assert not twins & _sure(pairs), (name, sorted(twins & _sure(pairs)))


def test_a_duckdb_trained_model_json_scores_on_spark_as_saved(
    frame: pl.DataFrame, duckdb_model: TrainedModel, spark: Any
) -> None:
    """The model JSON as saved in the store (DuckDB's SQL) is rewritten for Spark on the way in."""
    pairs = score_all(duckdb_model.settings_json, [frame], LOWER, db_api=spark_api(spark))
    assert not pairs.is_empty()
