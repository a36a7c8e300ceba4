"""The linking model: which fields are compared, how, and how it is trained.

One general model serves every partnership. Its comparisons are written with
Splink's comparison library, so the same model runs on DuckDB in process and on
Spark (see ``docs/identity.md``). It is trained without labels on the store's
own people: the share of random pairs that match from deterministic rules, u
by random sampling (counted among non-matches: :func:`u_among_non_matches`),
m by expectation maximisation, with term-frequency
adjustments on names and postcodes (a shared "Smith" says less than a shared
"Oyelaran").

Two people of the same agency with different ids are, almost always, two
people: the agency has already decided they are. The ``agency`` comparison
carries that as a fixed strong prior (see :data:`SAME_AGENCY_M`) rather than
as a rule applied afterwards, so it shows in every explanation.
"""

from __future__ import annotations

import json
import logging
import math
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Literal

import duckdb
import polars as pl
import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on
from splink.internals.comparison_creator import ComparisonCreator
from splink.internals.comparison_level_creator import ComparisonLevelCreator
from splink.internals.database_api import DatabaseAPISubClass

from wholestory.identity import default_model
from wholestory.identity.features import MODEL_COLUMNS

LinkType = Literal["dedupe_only", "link_only"]

#: Among true matches, how often two records come from one agency under two ids.
#: Deliberately tiny: it costs a same-agency pair about six bits of evidence,
#: so only overwhelming agreement (a shared NHS number, say) overcomes it.
SAME_AGENCY_M: Final = 0.001

#: The least m a level may have: how rare a disagreement can be among true matches.
#: One in ten thousand: rarer than any recording slip the evidence supports.
M_FLOOR: Final = 1e-4

#: Deterministic rules that are almost never wrong, for the share of matching pairs.
_DETERMINISTIC: Final[tuple[str, ...]] = (
    "l.nhs = r.nhs",
    "l.upn = r.upn",
    "l.given = r.given and l.family = r.family and l.dob = r.dob",
)


@dataclass(frozen=True)
class ModelOptions:
    """What differs between a partnership's store and a benchmark file."""

    link_type: LinkType = "dedupe_only"
    #: Apply the same-agency prior (off where duplicates sit inside one source, as in FEBRL3).
    same_agency_prior: bool = True
    #: Random pairs sampled for u; by default twenty per record, within sensible bounds.
    u_pairs: float | None = None
    seed: int = 42


#: Given and family names written in each other's boxes.
_SWAPPED_NAMES: Final = cll.CustomLevel(
    "given_l = family_r and family_l = given_r", "Given and family names swapped"
)


def _swapped_close(jaro_winkler: str) -> cll.CustomLevel:
    """Swapped names with a slip in one of them. ``jaro_winkler`` is the backend's function."""
    return cll.CustomLevel(
        f"{jaro_winkler}(given_l, family_r) >= 0.9 and {jaro_winkler}(family_l, given_r) >= 0.9",
        "Given and family names swapped, written a little differently",
    )


#: One record's given name is the other's family name, but not the other way round:
#: the names were written in each other's boxes and one of them was then changed.
#: Someone whose given name is their own family name (Lewis Lewis) has moved no box.
_NAME_IN_OTHER_BOX: Final = cll.CustomLevel(
    "(given_l = family_r or family_l = given_r) "
    "and given_l is distinct from family_l and given_r is distinct from family_r",
    "One name written in the other name's box",
)


def _counted_under_given_name(level: cll.CustomLevel) -> ComparisonLevelCreator:
    """A swap level of the family name comparison that adds no evidence of its own.

    Swapped names are one piece of evidence, weighed by the given name
    comparison. Counted again here, a swap would be worth twice what it is,
    and two strangers whose names are each other's (Lachlan Nguyen and Nguyen
    Lachlan) would look like one person. Given a swap, the family names are
    swapped too, for a match as for a non-match: m and u are equal.
    """
    return cll.CustomLevel(
        level.sql_condition, f"{level.label_for_charts} (counted under given name)"
    ).configure(
        m_probability=0.5, u_probability=0.5, fix_m_probability=True, fix_u_probability=True
    )


def _name_comparison(jaro_winkler: str) -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="given_name",
        comparison_description="Given name: exact, swapped, nickname, spelling, other names",
        comparison_levels=[
            cll.NullLevel("given"),
            cll.ExactMatchLevel("given", term_frequency_adjustments=True),
            _SWAPPED_NAMES,
            _swapped_close(jaro_winkler),
            _NAME_IN_OTHER_BOX,
            cll.ArrayIntersectLevel("given_groups", 1).configure(
                label_for_charts="Nickname or variant"
            ),
            cll.JaroWinklerLevel("given", 0.92),
            cll.ArrayIntersectLevel("given_all", 1).configure(
                label_for_charts="Another recorded given name"
            ),
            cll.JaroWinklerLevel("given", 0.8),
            cll.ElseLevel(),
        ],
    )


def _family_comparison(jaro_winkler: str) -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="family_name",
        comparison_description=(
            "Family name: exact, spelling, part of a double-barrelled or former name"
        ),
        comparison_levels=[
            cll.NullLevel("family"),
            cll.ExactMatchLevel("family", term_frequency_adjustments=True),
            _counted_under_given_name(_SWAPPED_NAMES),
            _counted_under_given_name(_swapped_close(jaro_winkler)),
            cll.JaroWinklerLevel("family", 0.92),
            cll.ArrayIntersectLevel("family_parts", 1).configure(
                label_for_charts="Shares part of a double-barrelled or former name"
            ),
            cll.JaroWinklerLevel("family", 0.8),
            cll.ElseLevel(),
        ],
    )


def _dob_comparison() -> cl.CustomComparison:
    partial = (
        "(length(dob_l) < 10 or length(dob_r) < 10) and "
        "(substr(dob_l, 1, length(dob_r)) = dob_r or substr(dob_r, 1, length(dob_l)) = dob_l)"
    )
    return cl.CustomComparison(
        output_column_name="date_of_birth",
        comparison_description="Date of birth: exact, day and month swapped, partial, one slip",
        comparison_levels=[
            cll.NullLevel("dob"),
            cll.ExactMatchLevel("dob"),
            cll.CustomLevel("dob_l = dob_swapped_r", "Day and month swapped"),
            cll.CustomLevel(partial, "Partial date that agrees"),
            cll.DamerauLevenshteinLevel("dob", 1),
            cll.DamerauLevenshteinLevel("dob", 2),
            cll.ExactMatchLevel("dob_year").configure(label_for_charts="Same year"),
            cll.CustomLevel(
                "abs(cast(dob_year_l as int) - cast(dob_year_r as int)) >= 12",
                "Born a generation apart",
            ),
            cll.ElseLevel(),
        ],
    )


def _identifier(column: str, label: str) -> cl.CustomComparison:
    """Exact, or one slip (a check digit catches most slips, so this level is rare in real data)."""
    return cl.CustomComparison(
        output_column_name=column,
        comparison_description=label,
        comparison_levels=[
            cll.NullLevel(column),
            cll.ExactMatchLevel(column),
            cll.DamerauLevenshteinLevel(column, 1).configure(label_for_charts="One digit slipped"),
            cll.DamerauLevenshteinLevel(column, 2).configure(label_for_charts="Two digits slipped"),
            cll.ElseLevel(),
        ],
    )


def _place_comparison() -> cl.CustomComparison:
    """Address and postcode as one comparison: they say the same thing twice.

    Counted separately, a shared home would be worth two pieces of evidence,
    and siblings, who share it, would look like one child.
    """
    both_missing = "(address_{0} is null and postcode_{0} is null)"
    return cl.CustomComparison(
        output_column_name="address",
        comparison_description="Address and postcode",
        comparison_levels=[
            cll.CustomLevel(
                f"{both_missing.format('l')} or {both_missing.format('r')}",
                "No address or postcode",
            ).configure(is_null_level=True),
            cll.And(cll.ExactMatchLevel("address"), cll.ExactMatchLevel("postcode")).configure(
                label_for_charts="Same address and postcode"
            ),
            cll.ExactMatchLevel("address", term_frequency_adjustments=True),
            cll.And(
                cll.ExactMatchLevel("postcode"), cll.JaroWinklerLevel("address", 0.9)
            ).configure(label_for_charts="Same postcode, address written differently"),
            cll.And(
                cll.ExactMatchLevel("postcode"), cll.ArrayIntersectLevel("address_words", 3)
            ).configure(label_for_charts="Same postcode, address shares three or more words"),
            cll.ExactMatchLevel("postcode").configure(label_for_charts="Same postcode"),
            cll.ArrayIntersectLevel("address_all", 1).configure(
                label_for_charts="Lived at the same address at some time"
            ),
            cll.ArrayIntersectLevel("postcode_all", 1).configure(
                label_for_charts="Had the same postcode at some time"
            ),
            cll.JaroWinklerLevel("address", 0.9),
            cll.ArrayIntersectLevel("address_words", 3).configure(
                label_for_charts="Address shares three or more words"
            ),
            cll.ArrayIntersectLevel("address_words", 2).configure(
                label_for_charts="Address shares two words"
            ),
            cll.ExactMatchLevel("postcode_sector").configure(
                label_for_charts="Same postcode sector"
            ),
            cll.ExactMatchLevel("postcode_district").configure(
                label_for_charts="Same postcode district"
            ),
            cll.ElseLevel(),
        ],
    )


def _agency_comparison(same_agency_u: float) -> cl.CustomComparison:
    """The fixed prior against linking two ids of one agency; never trained.

    Compared on ``id_scope``: the agency, for an agency that gives one id per
    person; empty for one that gives a new id per episode, whose ids are
    compared as though two agencies held them (see ``identity/agencies.py``).
    """
    return cl.CustomComparison(
        output_column_name="agency",
        comparison_description="Same agency under two ids: the agency says two people",
        comparison_levels=[
            cll.ExactMatchLevel("id_scope").configure(
                m_probability=SAME_AGENCY_M,
                u_probability=same_agency_u,
                fix_m_probability=True,
                fix_u_probability=True,
                label_for_charts="Same agency (one id per person), different ids",
            ),
            cll.ElseLevel().configure(
                m_probability=1 - SAME_AGENCY_M,
                u_probability=1 - same_agency_u,
                fix_m_probability=True,
                fix_u_probability=True,
            ),
        ],
    )


def comparisons(
    options: ModelOptions, same_agency_u: float, jaro_winkler: str = "jaro_winkler_similarity"
) -> list[ComparisonCreator | dict[str, Any]]:
    """Every comparison the model makes, in the order explanations show them."""
    found: list[ComparisonCreator | dict[str, Any]] = [
        _name_comparison(jaro_winkler),
        _family_comparison(jaro_winkler),
        _dob_comparison(),
        cl.CustomComparison(
            output_column_name="sex",
            comparison_description="Sex",
            comparison_levels=[cll.NullLevel("sex"), cll.ExactMatchLevel("sex"), cll.ElseLevel()],
        ),
        _identifier("nhs", "NHS number (valid ones only)"),
        _identifier("upn", "Unique pupil number"),
        _place_comparison(),
    ]
    if options.same_agency_prior and options.link_type == "dedupe_only":
        found.append(_agency_comparison(same_agency_u))
    return found


def blocking_rules() -> list[Any]:
    """Which pairs are scored at all. Each rule is cheap; together they miss very little.

    Identifiers catch most matches; the rest come from names and dates of birth
    in several combinations, so that one slip (a transposed date, a misspelt
    surname, a nickname) does not hide a pair from every rule.
    """
    return [
        block_on("nhs"),
        block_on("upn"),
        block_on("dob", "substr(given, 1, 1)"),
        block_on("dob", "substr(family, 1, 1)"),
        "l.dob = r.dob_swapped and substr(l.family, 1, 1) = substr(r.family, 1, 1)",
        # Same names alone make huge blocks (every Jack Smith); with a date of birth
        # on both sides the rules above and below already find the pair.
        "l.given = r.given and l.family = r.family and (l.dob is null or r.dob is null)",
        block_on("family", "postcode"),
        block_on("given", "postcode"),
        block_on("dob_year", "family", "substr(given, 1, 1)"),
        block_on("address", "substr(given, 1, 1)"),
        block_on("dob", "postcode"),
        block_on("postcode", "substr(given, 1, 2)", "substr(family, 1, 2)"),
        block_on("postcode", "substr(address, 1, 6)"),
        "l.given = r.family and l.family = r.given",
    ]


def same_agency_share(frame: pl.DataFrame) -> float:
    """The share of random pairs that come from one agency: the u of the agency prior."""
    total = frame.height
    if total < 2:
        return 0.5
    column = "id_scope" if "id_scope" in frame.columns else "agency"
    sizes = frame.drop_nulls(column).group_by(column).len()["len"].cast(pl.Float64)
    same = float((sizes * (sizes - 1)).sum())
    return min(max(same / (total * (total - 1)), 1e-6), 1 - 1e-6)


def settings(
    options: ModelOptions, frame: pl.DataFrame, jaro_winkler: str = "jaro_winkler_similarity"
) -> SettingsCreator:
    """The untrained Splink settings for ``frame``."""
    return SettingsCreator(
        link_type=options.link_type,
        unique_id_column_name="unique_id",
        comparisons=comparisons(options, same_agency_share(frame), jaro_winkler),
        blocking_rules_to_generate_predictions=blocking_rules(),
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
        max_iterations=20,
        em_convergence=0.001,
    )


def floor_m_probabilities(model: dict[str, Any], floor: float = M_FLOOR) -> dict[str, Any]:
    """Give every level an m of at least ``floor``.

    A level that training never saw among matches (twins' different given
    names, a mother's and daughter's dates of birth) would otherwise get
    Splink's default m, which is far too kind: it would let siblings who share
    a surname and a home outweigh the one field that tells them apart.
    """
    for comparison in model["comparisons"]:
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level") or level.get("fix_m_probability"):
                continue
            m = level.get("m_probability")
            if m is None or m < floor:
                level["m_probability"] = floor
    return model


def _sample_for_u(frames: list[pl.DataFrame], pairs: float, seed: int) -> list[pl.DataFrame]:
    """Random records whose pairs (within one frame, or across two) number about ``pairs``."""
    if len(frames) == 1:
        size = math.ceil((1 + math.sqrt(1 + 8 * pairs)) / 2)
    else:
        size = math.ceil(math.sqrt(pairs))
    return [f.sample(min(size, f.height), seed=seed + i) for i, f in enumerate(frames)]


def u_among_non_matches(
    model: dict[str, Any],
    frames: list[pl.DataFrame],
    inputs: list[Any],
    db_api: DatabaseAPISubClass,
    pairs: float,
    seed: int,
) -> dict[str, Any]:
    """Each level's u, from random pairs counted by how likely each is *not* a match.

    u is how often a level occurs among pairs that are not one person. Splink
    estimates it from random pairs as though none of them matched. But
    some do, and they crowd the strongest levels: where a person has records
    at several agencies, most random pairs sharing an NHS number or a date of
    birth and an address are one person. So the strongest evidence was
    measured as far commoner among strangers than it is, and counted for
    several bits less than it is worth.

    Here a fresh random sample of pairs (as many as Splink sampled) is scored
    with the trained model, floors and all (one expectation step), and each
    pair counts towards u by its probability of not being a match. No level
    is rarer than one pair of the sample: the least a sample can measure.
    Fixed levels (the agency prior, a swap's family name) keep their u.
    """
    settings = json.loads(json.dumps(model))
    settings["retain_intermediate_calculation_columns"] = True
    settings["retain_matching_columns"] = True
    linker = Linker(inputs, settings, log_level=logging.ERROR)
    for column in tf_columns(settings):
        linker.table_management.compute_tf_table(column)
    sample = [
        register(db_api, f, f"u_sample_{i}")
        for i, f in enumerate(_sample_for_u(frames, pairs, seed))
    ]
    scored = linker.inference.predict_within(
        sample if len(sample) > 1 else sample[0], blocking_rules_to_generate_predictions=["1=1"]
    )
    fields = [str(c["output_column_name"]) for c in model["comparisons"]]
    counted = linker.misc.query_sql(  # type: ignore[no-untyped-call]  # Splink leaves it untyped
        " UNION ALL ".join(
            f"SELECT '{field}' AS field, CAST(gamma_{field} AS INT) AS level, "
            f"CAST(SUM(1 - match_probability) AS DOUBLE) AS not_match "
            f"FROM {scored.physical_name} GROUP BY gamma_{field}"
            for field in fields
        )
    )
    weights = {(str(f), int(v)): float(w) for f, v, w in result_frame(counted).iter_rows()}
    counted.drop_table_from_database_and_remove_from_cache()
    scored.drop_table_from_database_and_remove_from_cache()
    for comparison, field in zip(model["comparisons"], fields, strict=True):
        total = sum(w for (f, v), w in weights.items() if f == field and v >= 0)
        if total <= 0:
            continue
        levels = [lv for lv in comparison["comparison_levels"] if not lv.get("is_null_level")]
        for value, level in zip(range(len(levels) - 1, -1, -1), levels, strict=True):
            if level.get("fix_u_probability"):
                continue
            level["u_probability"] = max(weights.get((field, value), 0.0), 1.0) / total
    return model


def tf_columns(settings: dict[str, Any]) -> list[str]:
    """The columns a model adjusts for term frequency (names, addresses)."""
    columns: set[str] = set()
    for comparison in settings["comparisons"]:
        for level in comparison["comparison_levels"]:
            if level.get("tf_adjustment_column"):
                columns.add(str(level["tf_adjustment_column"]))
    return sorted(columns)


def result_frame(result: Any) -> pl.DataFrame:
    """A Splink result table as a Polars frame, on DuckDB or another backend."""
    relation = result.as_duckdbpyrelation() if hasattr(result, "as_duckdbpyrelation") else None
    if relation is not None:
        frame: pl.DataFrame = relation.pl()
        return frame
    # Other backends (Spark's toArrow): Arrow keeps the column types, and skips a pandas copy.
    return pl.DataFrame(result.as_pyarrow_table())


#: DuckDB's memory cap while linking, unless WHOLESTORY_LINK_MEMORY says otherwise.
LINK_MEMORY: Final = "6GB"


def duckdb_api() -> DuckDBAPI:
    """An in-process DuckDB with a memory cap, spilling to the system's temporary folder.

    DuckDB's own default is 80% of the machine's memory and a spill folder in
    the working directory. A blocking rule that proposes far too many pairs
    should make linking slow, not take the machine down or litter the folder
    a user ran it from.
    """
    spill = Path(tempfile.gettempdir()) / "wholestory-duckdb"
    config: dict[str, str | bool | int | float | list[str]] = {
        "memory_limit": os.environ.get("WHOLESTORY_LINK_MEMORY", LINK_MEMORY),
        "temp_directory": str(spill),
    }
    return DuckDBAPI(connection=duckdb.connect(config=config))


def register(db_api: DatabaseAPISubClass, frame: pl.DataFrame, name: str) -> Any:
    """Register a model frame (:func:`~wholestory.identity.features.model_frame`) with Splink."""
    table = frame.select(MODEL_COLUMNS) if "agency" in frame.columns else frame
    if isinstance(db_api, DuckDBAPI):
        connection = db_api._con
        connection.register(f"{name}_arrow", table.to_arrow())
        connection.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM {name}_arrow")
        connection.unregister(f"{name}_arrow")
        return db_api.register(name, dataset_display_name=name)
    spark = getattr(db_api, "spark", None)
    if spark is not None:
        # Spark (splink.SparkAPI): through Arrow, so that list columns stay array<string>
        # and a column with no values stays a string (from pandas, Spark makes both 'void').
        # Temporary views belong to the Spark session, which outlives one db_api, so the
        # view's name is made unique to this db_api.
        view = f"{name}_{db_api._cache_uid}"
        spark.createDataFrame(table.to_arrow()).createOrReplaceTempView(view)
        return db_api.register(view, dataset_display_name=name)
    return db_api.register(table.to_pandas(), dataset_display_name=name)


@dataclass(frozen=True)
class TrainedModel:
    """A trained model as JSON (Splink's own format), with how long training took."""

    settings_json: str
    seconds: float
    source_count: int

    def settings_dict(self) -> dict[str, Any]:
        loaded: dict[str, Any] = json.loads(self.settings_json)
        return loaded


def train(
    frames: list[pl.DataFrame],
    options: ModelOptions | None = None,
    db_api: DatabaseAPISubClass | None = None,
    *,
    from_shipped: bool = True,
) -> TrainedModel:
    """Train the model on model frames without labels.

    ``frames`` is one frame to deduplicate, or two to link. With
    ``from_shipped`` (the default), training starts from the model that ships
    with WholeStory and ends blended with it, weighted by the number of people
    (:mod:`wholestory.identity.default_model`): a small or odd store cannot
    unlearn what a name and a date of birth mean.
    """
    options = options or ModelOptions()
    started = time.perf_counter()
    db_api = db_api or duckdb_api()
    inputs = [register(db_api, f, f"train_input_{i}") for i, f in enumerate(frames)]
    both = pl.concat([f.select("agency", "id_scope") for f in frames])
    jaro_winkler = str(db_api.sql_dialect.jaro_winkler_function_name)
    untrained: SettingsCreator | dict[str, Any] = settings(options, both, jaro_winkler)
    from_shipped = from_shipped and default_model.DEFAULT_MODEL_FILE.is_file()
    if from_shipped:
        assert isinstance(untrained, SettingsCreator)
        untrained = default_model.starting_point(
            untrained.create_settings_dict(db_api.sql_dialect.sql_dialect_str)
        )
    linker = Linker(inputs, untrained, log_level=logging.ERROR)
    training = linker.training
    training.estimate_probability_two_random_records_match(list(_DETERMINISTIC), recall=0.8)
    u_pairs = options.u_pairs or min(max(20.0 * both.height, 3e5), 3e6)
    training.estimate_u_using_random_sampling(max_pairs=u_pairs, seed=options.seed)
    # Names, dates and places are learnt from pairs that share an identifier,
    # identifiers from pairs that share name and date of birth. Blocking on a
    # date of birth or an address instead would teach the model that twins and
    # siblings are one person with a different given name.
    for rule in (block_on("nhs"), block_on("given", "family", "dob")):
        training.estimate_parameters_using_expectation_maximisation(
            rule, estimate_without_term_frequencies=True
        )
    model = floor_m_probabilities(linker.misc.save_model_to_json())
    model = u_among_non_matches(model, frames, inputs, db_api, u_pairs, options.seed)
    trained = json.dumps(model)
    if from_shipped:
        weight = default_model.blend_weight(both.height)
        trained = default_model.blend(trained, default_model.shipped().settings_json, weight)
    return TrainedModel(trained, time.perf_counter() - started, both.height)


def fits_this_version(settings_json: str) -> bool:
    """Whether a saved model's comparisons and levels are this version's (by their labels).

    A model saved before a level was added or changed would score with
    yesterday's rules (two emergency department attendances as two people,
    say): it must be made again.
    """
    trained: dict[str, Any] = json.loads(settings_json)
    fields = [c["output_column_name"] for c in trained["comparisons"]]
    options = ModelOptions(link_type=trained["link_type"], same_agency_prior="agency" in fields)
    fresh = [
        c.get_comparison("duckdb").as_dict()  # type: ignore[no-untyped-call]  # untyped in Splink
        for c in _creators(options)
    ]
    if [c["output_column_name"] for c in fresh] != fields:
        return False
    return all(
        [lv.get("label_for_charts") for lv in old["comparison_levels"]]
        == [lv.get("label_for_charts") for lv in new["comparison_levels"]]
        for old, new in zip(trained["comparisons"], fresh, strict=True)
    )


def _creators(options: ModelOptions) -> list[ComparisonCreator]:
    return [c for c in comparisons(options, 0.5) if isinstance(c, ComparisonCreator)]


def for_backend(settings_json: str, db_api: DatabaseAPISubClass) -> dict[str, Any]:
    """A trained model with its SQL written for ``db_api``'s backend, trained values kept.

    Splink saves a model with SQL in the dialect it was trained on
    (``jaro_winkler_similarity`` and ``list_intersect`` on DuckDB,
    ``jaro_winkler`` and ``array_intersect`` on Spark, and their quoting) and
    reads it back as the SQL of whatever backend it is given. So the SQL is
    made again from :func:`comparisons` for the backend at hand, and every
    trained value (the prior, each level's m and u, term frequencies) is kept.
    A model whose comparisons no longer line up with this code must be retrained.
    """
    trained: dict[str, Any] = json.loads(settings_json)
    dialect = db_api.sql_dialect
    if trained.get("sql_dialect") == dialect.sql_dialect_str:
        return trained
    fields = [c["output_column_name"] for c in trained["comparisons"]]
    options = ModelOptions(link_type=trained["link_type"], same_agency_prior="agency" in fields)
    fresh = SettingsCreator(
        link_type=options.link_type,
        comparisons=comparisons(options, 0.5, str(dialect.jaro_winkler_function_name)),
        blocking_rules_to_generate_predictions=blocking_rules(),
    ).create_settings_dict(dialect.sql_dialect_str)
    for old, new in zip(trained["comparisons"], fresh["comparisons"], strict=True):
        if old["output_column_name"] != new["output_column_name"]:
            raise ValueError("The saved model no longer fits this version: retrain it.")
        for old_level, new_level in zip(
            old["comparison_levels"], new["comparison_levels"], strict=True
        ):
            if old_level.get("label_for_charts") != new_level.get("label_for_charts"):
                raise ValueError("The saved model no longer fits this version: retrain it.")
            old_level["sql_condition"] = new_level["sql_condition"]
    trained["blocking_rules_to_generate_predictions"] = fresh[
        "blocking_rules_to_generate_predictions"
    ]
    trained["sql_dialect"] = dialect.sql_dialect_str
    return trained
