"""The clustering's inputs made from linking's frames: a node per source person, an edge a link.

Made column by column rather than row by row: a full link has a million
source persons and as many links, and reading a frame's rows one tuple at a
time costs more than the clustering itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from itertools import starmap
from typing import Final

import polars as pl

from wholestory.identity.clusters import Edge, Node, paused_gc

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
