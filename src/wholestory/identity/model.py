"""Training the linking model, and fitting a saved model to this version and backend.

One general model serves every partnership (its comparisons:
:mod:`wholestory.identity.comparisons`). It is trained without labels on the
store's own people: the share of random pairs that match from deterministic
rules, u by random sampling (counted among non-matches:
:func:`u_among_non_matches`), m by expectation maximisation, with
term-frequency adjustments on names and postcodes (a shared "Smith" says less
than a shared "Oyelaran").
"""

from __future__ import annotations

import json
import logging
import math
import time
from dataclasses import dataclass
from typing import Any, Final

import polars as pl
from splink import Linker, SettingsCreator, block_on

from wholestory.identity import default_model
from wholestory.identity.comparisons import ModelOptions, blocking_rules, comparisons, settings
from wholestory.identity.splink_api import (
    ComparisonCreator,
    DatabaseAPISubClass,
    duckdb_api,
    register,
    result_frame,
)

#: The least m a level may have: how rare a disagreement can be among true matches.
#: One in ten thousand: rarer than any recording slip the evidence supports.
M_FLOOR: Final = 1e-4

#: Deterministic rules that are almost never wrong, for the share of matching pairs.
_DETERMINISTIC: Final[tuple[str, ...]] = (
    "l.nhs = r.nhs",
    "l.upn = r.upn",
    "l.given = r.given and l.family = r.family and l.dob = r.dob",
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
