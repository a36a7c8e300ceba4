"""Identity: which records are the same person. The package's front door.

Callers import what they use from here (``from wholestory.identity import
link_new``), never from the modules behind it, so the modules can be split and
renamed without touching them. Each name is loaded on first use
(:func:`__getattr__`): linking imports Splink, over a second at start-up,
which the web and most commands never need. The ``TYPE_CHECKING`` imports
give mypy and editors the same names.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from wholestory.identity.addresses import normalised_address
    from wholestory.identity.agencies import (
        AGENCIES_FILE,
        AgenciesFileError,
        AgencySettings,
        episode_agencies,
        person_ids,
        read_agencies_file,
    )
    from wholestory.identity.agencies import (
        save as save_agency_settings,
    )
    from wholestory.identity.baseline import recordlinkage_baseline
    from wholestory.identity.cluster_inputs import edges_from, nodes_from
    from wholestory.identity.clusters import Clustering, Edge, cluster
    from wholestory.identity.comparisons import ModelOptions, blocking_rules, same_agency_share
    from wholestory.identity.contradictions import Node, dates_compatible, settled_apart
    from wholestory.identity.decisions import decide
    from wholestory.identity.duplicates import (
        DUPLICATE_COLUMNS,
        EpisodeAgencyError,
        agency_duplicates,
    )
    from wholestory.identity.evaluation import (
        Evaluation,
        evaluate_febrl,
        evaluate_partnership,
        pair_scores,
        pairs_within,
        read_truth,
    )
    from wholestory.identity.evidence import field_words, fields_for_and_against, weight_words
    from wholestory.identity.features import model_frame, with_episode_agencies
    from wholestory.identity.febrl import Benchmark, BenchmarkName
    from wholestory.identity.febrl import load as load_febrl
    from wholestory.identity.household_reading import Member, household_members, household_of
    from wholestory.identity.households import INVERSE, MAX_HOUSEHOLD, rebuild_household_links
    from wholestory.identity.ids import ID_PREFIX, assign_ids, format_id
    from wholestory.identity.linking import link_all, link_new
    from wholestory.identity.lookalikes import (
        LOOKALIKE_LIMIT,
        LookalikeSet,
        find_lookalikes,
        lookalike_sets,
    )
    from wholestory.identity.model import TrainedModel, fits_this_version, train
    from wholestory.identity.nicknames import (
        group_table,
        name_groups,
        parse_table,
    )
    from wholestory.identity.nicknames import (
        normalise as normalise_name,
    )
    from wholestory.identity.people import (
        EXPORT_COLUMNS,
        current_id,
        export_rows,
        person_for_source,
        view_person,
    )
    from wholestory.identity.queue import review_count, review_item, review_queue
    from wholestory.identity.runs import LinkSummary
    from wholestory.identity.saved_models import use_model
    from wholestory.identity.scoring import score_all, score_new
    from wholestory.identity.sources import (
        DETAILS,
        SOURCE_SCHEMA,
        load_sources,
        now_iso,
        people_touched_since,
        refresh_sources,
        summarise,
    )
    from wholestory.identity.splink_api import as_blocking_rule, duckdb_api
    from wholestory.identity.thresholds import LOWER, UPPER, LinkError, LinkThresholds
    from wholestory.records.keys import source_key

#: Each exported name: the module behind the front door that holds it, and its name there.
_EXPORTS: Final[dict[str, tuple[str, str]]] = {
    "field_words": ("evidence", "field_words"),
    "fields_for_and_against": ("evidence", "fields_for_and_against"),
    "weight_words": ("evidence", "weight_words"),
    "AGENCIES_FILE": ("agencies", "AGENCIES_FILE"),
    "AgenciesFileError": ("agencies", "AgenciesFileError"),
    "AgencySettings": ("agencies", "AgencySettings"),
    "Benchmark": ("febrl", "Benchmark"),
    "BenchmarkName": ("febrl", "BenchmarkName"),
    "Clustering": ("clusters", "Clustering"),
    "DETAILS": ("sources", "DETAILS"),
    "DUPLICATE_COLUMNS": ("duplicates", "DUPLICATE_COLUMNS"),
    "EXPORT_COLUMNS": ("people", "EXPORT_COLUMNS"),
    "Edge": ("clusters", "Edge"),
    "EpisodeAgencyError": ("duplicates", "EpisodeAgencyError"),
    "Evaluation": ("evaluation", "Evaluation"),
    "ID_PREFIX": ("ids", "ID_PREFIX"),
    "INVERSE": ("households", "INVERSE"),
    "LOOKALIKE_LIMIT": ("lookalikes", "LOOKALIKE_LIMIT"),
    "LOWER": ("thresholds", "LOWER"),
    "LinkError": ("thresholds", "LinkError"),
    "LinkSummary": ("runs", "LinkSummary"),
    "LookalikeSet": ("lookalikes", "LookalikeSet"),
    "MAX_HOUSEHOLD": ("households", "MAX_HOUSEHOLD"),
    "Member": ("household_reading", "Member"),
    "ModelOptions": ("comparisons", "ModelOptions"),
    "Node": ("contradictions", "Node"),
    "SOURCE_SCHEMA": ("sources", "SOURCE_SCHEMA"),
    "LinkThresholds": ("thresholds", "LinkThresholds"),
    "TrainedModel": ("model", "TrainedModel"),
    "UPPER": ("thresholds", "UPPER"),
    "agency_duplicates": ("duplicates", "agency_duplicates"),
    "as_blocking_rule": ("splink_api", "as_blocking_rule"),
    "assign_ids": ("ids", "assign_ids"),
    "blocking_rules": ("comparisons", "blocking_rules"),
    "cluster": ("clusters", "cluster"),
    "current_id": ("people", "current_id"),
    "dates_compatible": ("contradictions", "dates_compatible"),
    "decide": ("decisions", "decide"),
    "duckdb_api": ("splink_api", "duckdb_api"),
    "edges_from": ("cluster_inputs", "edges_from"),
    "episode_agencies": ("agencies", "episode_agencies"),
    "evaluate_febrl": ("evaluation", "evaluate_febrl"),
    "evaluate_partnership": ("evaluation", "evaluate_partnership"),
    "export_rows": ("people", "export_rows"),
    "find_lookalikes": ("lookalikes", "find_lookalikes"),
    "fits_this_version": ("model", "fits_this_version"),
    "format_id": ("ids", "format_id"),
    "group_table": ("nicknames", "group_table"),
    "household_members": ("household_reading", "household_members"),
    "household_of": ("household_reading", "household_of"),
    "link_all": ("linking", "link_all"),
    "link_new": ("linking", "link_new"),
    "load_febrl": ("febrl", "load"),
    "load_sources": ("sources", "load_sources"),
    "lookalike_sets": ("lookalikes", "lookalike_sets"),
    "model_frame": ("features", "model_frame"),
    "name_groups": ("nicknames", "name_groups"),
    "nodes_from": ("cluster_inputs", "nodes_from"),
    "normalise_name": ("nicknames", "normalise"),
    "normalised_address": ("addresses", "normalised_address"),
    "now_iso": ("sources", "now_iso"),
    "pair_scores": ("evaluation", "pair_scores"),
    "pairs_within": ("evaluation", "pairs_within"),
    "parse_table": ("nicknames", "parse_table"),
    "people_touched_since": ("sources", "people_touched_since"),
    "person_for_source": ("people", "person_for_source"),
    "person_ids": ("agencies", "person_ids"),
    "read_agencies_file": ("agencies", "read_agencies_file"),
    "read_truth": ("evaluation", "read_truth"),
    "rebuild_household_links": ("households", "rebuild_household_links"),
    "recordlinkage_baseline": ("baseline", "recordlinkage_baseline"),
    "refresh_sources": ("sources", "refresh_sources"),
    "review_count": ("queue", "review_count"),
    "review_item": ("queue", "review_item"),
    "review_queue": ("queue", "review_queue"),
    "same_agency_share": ("comparisons", "same_agency_share"),
    "save_agency_settings": ("agencies", "save"),
    "score_all": ("scoring", "score_all"),
    "score_new": ("scoring", "score_new"),
    "settled_apart": ("contradictions", "settled_apart"),
    "source_key": ("sources", "source_key"),
    "summarise": ("sources", "summarise"),
    "train": ("model", "train"),
    "use_model": ("saved_models", "use_model"),
    "view_person": ("people", "view_person"),
    "with_episode_agencies": ("features", "with_episode_agencies"),
}

__all__ = [
    "AGENCIES_FILE",
    "DETAILS",
    "DUPLICATE_COLUMNS",
    "EXPORT_COLUMNS",
    "ID_PREFIX",
    "INVERSE",
    "LOOKALIKE_LIMIT",
    "LOWER",
    "MAX_HOUSEHOLD",
    "SOURCE_SCHEMA",
    "UPPER",
    "AgenciesFileError",
    "AgencySettings",
    "Benchmark",
    "BenchmarkName",
    "Clustering",
    "Edge",
    "EpisodeAgencyError",
    "Evaluation",
    "LinkError",
    "LinkSummary",
    "LinkThresholds",
    "LookalikeSet",
    "Member",
    "ModelOptions",
    "Node",
    "TrainedModel",
    "agency_duplicates",
    "as_blocking_rule",
    "assign_ids",
    "blocking_rules",
    "cluster",
    "current_id",
    "dates_compatible",
    "decide",
    "duckdb_api",
    "edges_from",
    "episode_agencies",
    "evaluate_febrl",
    "evaluate_partnership",
    "export_rows",
    "field_words",
    "fields_for_and_against",
    "find_lookalikes",
    "fits_this_version",
    "format_id",
    "group_table",
    "household_members",
    "household_of",
    "link_all",
    "link_new",
    "load_febrl",
    "load_sources",
    "lookalike_sets",
    "model_frame",
    "name_groups",
    "nodes_from",
    "normalise_name",
    "normalised_address",
    "now_iso",
    "pair_scores",
    "pairs_within",
    "parse_table",
    "people_touched_since",
    "person_for_source",
    "person_ids",
    "read_agencies_file",
    "read_truth",
    "rebuild_household_links",
    "recordlinkage_baseline",
    "refresh_sources",
    "review_count",
    "review_item",
    "review_queue",
    "same_agency_share",
    "save_agency_settings",
    "score_all",
    "score_new",
    "settled_apart",
    "source_key",
    "summarise",
    "train",
    "use_model",
    "view_person",
    "weight_words",
    "with_episode_agencies",
]


def __getattr__(name: str) -> Any:
    """Load an exported name from its module the first time it is asked for."""
    found = _EXPORTS.get(name)
    if found is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module, attribute = found
    value = getattr(importlib.import_module(f"{__name__}.{module}"), attribute)
    globals()[name] = value  # asked once: later uses do not come here
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
