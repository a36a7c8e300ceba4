"""Each scored pair's state after clustering (auto, held, review or apart), and storing them.

The state is what the review queue reads (:mod:`wholestory.identity.queue`):
held and review pairs wait for a person; apart pairs are settled by the
records themselves; auto pairs were linked by the machine.
"""

from __future__ import annotations

from typing import Final

import polars as pl

from wholestory.identity.cluster_inputs import clears_bar
from wholestory.identity.clusters import Clustering
from wholestory.identity.contradictions import Node, settled_apart
from wholestory.identity.sources import now_iso
from wholestory.identity.thresholds import LinkThresholds
from wholestory.store.connection import Store


def with_states(
    pairs: pl.DataFrame,
    clustering: Clustering,
    thresholds: LinkThresholds,
    episodes: frozenset[str],
    nodes: dict[str, Node],
) -> pl.DataFrame:
    """Each pair's state: auto (linked), held or review (waits for a person), or apart.

    Apart: the records themselves say two people (two valid NHS numbers,
    births a generation apart, twins' names), so no person need be asked.
    """
    refused = {(r.key_l, r.key_r): r for r in clustering.refused}
    refused.update({(r.key_r, r.key_l): r for r in clustering.refused})
    notes: list[str | None] = []
    settled: list[bool] = []
    for a, b in pairs.select("key_l", "key_r").iter_rows():
        refusal = refused.get((a, b))
        why = settled_apart(nodes[a], nodes[b]) if a in nodes and b in nodes else None
        why = why or clustering.settled_between(a, b)
        notes.append(refusal.reason if refusal else why)
        settled.append(bool(refusal.settled) if refusal else why is not None)
    automatic = (
        clears_bar(pairs, thresholds, episodes) if pairs.height else pl.Series([], dtype=pl.Boolean)
    )
    return pairs.with_columns(
        note=pl.Series(notes, dtype=pl.String),
        settled=pl.Series(settled, dtype=pl.Boolean),
        refused=pl.Series(
            [(a, b) in refused for a, b in pairs.select("key_l", "key_r").iter_rows()],
            dtype=pl.Boolean,
        ),
        automatic=automatic,
    ).with_columns(
        state=pl.when(pl.col("refused") & pl.col("settled"))
        .then(pl.lit("apart"))
        .when(pl.col("refused"))
        .then(pl.lit("held"))
        .when(pl.col("automatic"))
        .then(pl.lit("auto"))
        .when(pl.col("settled"))
        .then(pl.lit("apart"))
        .otherwise(pl.lit("review")),
        note=pl.when(pl.col("automatic") & ~pl.col("refused"))
        .then(None)
        .when(
            pl.col("note").is_null()
            & ~pl.col("automatic")
            & (pl.col("match_probability") >= thresholds.upper)
        )
        .then(pl.lit(SAME_AGENCY_NOTE))
        .otherwise(pl.col("note")),
    )


#: Why a strong pair of one agency's two ids waits for a person.
SAME_AGENCY_NOTE: Final = (
    "two ids of one agency, which holds them as two people: linked without a person "
    "only on overwhelming evidence"
)


def replace_pairs(
    store: Store,
    pairs: pl.DataFrame,
    clustering: Clustering,
    thresholds: LinkThresholds,
    model_id: int,
    *,
    full: bool,
    episodes: frozenset[str],
    nodes: dict[str, Node],
) -> None:
    """Store scored pairs with their states: all of them (``full``), or only these pairs'."""
    rows = with_states(pairs, clustering, thresholds, episodes, nodes).select(
        "key_l", "key_r", "match_weight", "match_probability", "evidence", "state", "note"
    )
    with store.transaction():
        if full:
            store.execute("DELETE FROM ws_link_pair")
        elif not rows.is_empty():
            condition, params = store.keys_in(
                "key_l || '|' || key_r",
                [f"{a}|{b}" for a, b in rows.select("key_l", "key_r").iter_rows()],
            )
            store.execute(f"DELETE FROM ws_link_pair WHERE {condition}", params)
        store.insert_frame("ws_link_pair", rows, {"model_id": model_id, "scored_at": now_iso()})


def mark_refused(store: Store, clustering: Clustering) -> None:
    """After a decision, pairs the re-grouping refused are held for review with the reason."""
    with store.transaction():
        for refusal in clustering.refused:
            store.execute(
                "UPDATE ws_link_pair SET state = 'held', note = ? WHERE key_l = ? AND key_r = ?",
                [refusal.reason, *sorted((refusal.key_l, refusal.key_r))],
            )
