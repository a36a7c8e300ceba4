"""The clustering's inputs: nodes, edges, people's decisions and the groups before a run.

Nodes and edges are made from linking's frames column by column rather than
row by row: a full link has a million source persons and as many links, and
reading a frame's rows one tuple at a time costs more than the clustering
itself. Which scored pairs become edges (those that clear their bar), which
pairs of one agency's ids vouch for each other, people's decisions and each
record's person before the run are read here too, for every kind of run.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from itertools import starmap
from typing import Any, Final

import polars as pl

from wholestory.identity.clusters import Edge, paused_gc
from wholestory.identity.contradictions import Node
from wholestory.identity.features import model_frame, with_episode_agencies
from wholestory.identity.sources import load_sources
from wholestory.identity.thresholds import LinkThresholds, same_agency_pair
from wholestory.store.connection import Store

#: One empty set shared by every node without names: most hold one name or none.
_NONE: Final[frozenset[str]] = frozenset()

#: The columns of the model frame that clustering reads.
NODE_COLUMNS: Final = ("unique_id", "nhs", "dob", "given_all", "given_groups", "family_parts")


def _sets(values: list[list[str] | None]) -> list[frozenset[str]]:
    return [frozenset(v) if v else _NONE for v in values]


def nodes_from(frame: pl.DataFrame, first_seen: Mapping[str, str]) -> list[Node]:
    """Each source person as clustering checks them, with the date of their earliest record."""
    keys = frame["unique_id"].to_list()
    with paused_gc():
        return _nodes(frame, keys, first_seen)


def _nodes(frame: pl.DataFrame, keys: list[str], first_seen: Mapping[str, str]) -> list[Node]:
    return list(
        starmap(
            Node,
            zip(
                keys,
                frame["nhs"].to_list(),
                frame["dob"].to_list(),
                _sets(frame["given_all"].to_list()),
                _sets(frame["given_groups"].to_list()),
                _sets(frame["family_parts"].to_list()),
                map(first_seen.get, keys),
                strict=True,
            ),
        )
    )


def edges_from(pairs: pl.DataFrame) -> list[Edge]:
    """Each scored pair (``key_l``, ``key_r``, ``match_weight``) as an edge."""
    with paused_gc():
        return _edges(pairs)


def _edges(pairs: pl.DataFrame) -> list[Edge]:
    return list(
        starmap(
            Edge,
            zip(
                pairs["key_l"].to_list(),
                pairs["key_r"].to_list(),
                pairs["match_weight"].to_list(),
                strict=True,
            ),
        )
    )


def recorded_decisions(
    store: Store, keys: set[str] | None = None
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """People's "same" and "different" decisions, those among ``keys`` only when given."""
    rows = store.query("SELECT key_l, key_r, decision FROM ws_link_decision")
    same: list[tuple[str, str]] = []
    different: list[tuple[str, str]] = []
    for key_l, key_r, decision in rows:
        if keys is not None and (key_l not in keys or key_r not in keys):
            continue
        (same if decision == "same" else different).append((str(key_l), str(key_r)))
    return same, different


def read_nodes(frame: pl.DataFrame, store: Store) -> list[Node]:
    """What clustering checks of each source person, with the date of their earliest record."""
    keys = frame["unique_id"].to_list()
    sql = "SELECT key, first_seen FROM ws_source_person"
    params: list[Any] = []
    if len(keys) < 50_000:  # a few people (a decision, a feed): only theirs
        condition, params = store.keys_in("key", keys)
        sql += f" WHERE {condition}"
    seen = {str(k): str(d) for k, d in store.query(sql, params) if d is not None}
    return nodes_from(frame, seen)


def store_frame(store: Store, episodes: frozenset[str]) -> pl.DataFrame:
    """Everyone in the store as the model compares them, episode agencies marked."""
    return with_episode_agencies(model_frame(load_sources(store)), episodes)


def clears_bar(
    pairs: pl.DataFrame, thresholds: LinkThresholds, episodes: frozenset[str]
) -> pl.Series:
    """Whether each pair clears its bar: the upper threshold, or the same-agency one."""
    same = [same_agency_pair(a, b, episodes) for a, b in pairs.select("key_l", "key_r").iter_rows()]
    bar = pl.Series(same, dtype=pl.Boolean).replace_strict(
        {True: thresholds.same_agency, False: thresholds.upper}, return_dtype=pl.Float64
    )
    return pairs["match_probability"] >= bar


def vouched_pairs(
    pairs: Iterable[tuple[Any, Any, Any]], thresholds: LinkThresholds, episodes: frozenset[str]
) -> list[tuple[str, str]]:
    """Pairs of one agency's ids strong enough (the upper threshold) to be one person when
    other links bring them together (see ``Clustering._all_vouched``)."""
    return [
        (str(a), str(b))
        for a, b, p in pairs
        if float(p) >= thresholds.lower and same_agency_pair(str(a), str(b), episodes)
    ]


def stored_pairs(store: Store, keys: Sequence[str], least: float) -> list[tuple[Any, Any, Any]]:
    """Scored pairs already in the store among ``keys``, at or above ``least``."""
    if not keys:
        return []
    condition, params = store.keys_in("key_l", list(keys))
    wanted = set(keys)
    return [
        (a, b, p)
        for a, b, p in store.query(
            f"SELECT key_l, key_r, match_probability FROM ws_link_pair WHERE {condition} "
            "AND match_probability >= ?",
            [*params, least],
        )
        if str(b) in wanted
    ]


def automatic_edges(
    pairs: pl.DataFrame, thresholds: LinkThresholds, episodes: frozenset[str]
) -> list[Edge]:
    """The scored pairs that clear their bar, as edges: links made without a person."""
    if pairs.is_empty():
        return []
    return edges_from(pairs.filter(clears_bar(pairs, thresholds, episodes)))


def previous_people(store: Store) -> dict[str, str | None]:
    """Each source person's WholeStory id before this run (None: not linked yet)."""
    rows = store.query("SELECT key, ws_person_id FROM ws_source_person")
    return {str(k): (str(p) if p is not None else None) for k, p in rows}
