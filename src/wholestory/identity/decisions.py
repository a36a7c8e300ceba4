"""People's decisions on pairs: recorded, and applied at once by re-grouping whom they touch.

A "same" joins two people whatever the model says; a "different" parts them
for good. Both are kept with their reason and who decided
(ws_link_decision), and clustering applies them before any machine link
(:mod:`wholestory.identity.clusters`).
"""

from __future__ import annotations

import time
from typing import Final

from wholestory.identity.agencies import episode_agencies
from wholestory.identity.cluster_inputs import (
    previous_people,
    read_nodes,
    recorded_decisions,
    vouched_pairs,
)
from wholestory.identity.clusters import Edge, cluster
from wholestory.identity.features import model_frame
from wholestory.identity.pair_states import mark_refused
from wholestory.identity.person_index import write_groups
from wholestory.identity.runs import LinkSummary, count_pairs, finish_run, start_run
from wholestory.identity.saved_models import latest_model
from wholestory.identity.sources import load_sources, now_iso
from wholestory.identity.thresholds import LinkError, LinkThresholds
from wholestory.store.connection import Store

DECISIONS: Final = ("same", "different")


def decide(
    store: Store, key_a: str, key_b: str, decision: str, reason: str, by: str
) -> LinkSummary:
    """Record a person's decision on two source persons and re-group everyone it touches.

    A "same" joins their two people whatever the model says; a "different"
    separates them (every pair of records between the two people is decided),
    and the model can never join them again.
    """
    if decision not in DECISIONS:
        raise LinkError(f"The decision must be 'same' or 'different', not '{decision}'.")
    if not reason.strip():
        raise LinkError("Give a reason for the decision (--reason): it is kept with the link.")
    key_l, key_r = sorted((key_a, key_b))
    if key_l == key_r:
        raise LinkError("Both sides of the decision are the same record.")
    found = {
        str(r[0])
        for r in store.query("SELECT key FROM ws_source_person WHERE key IN (?, ?)", [key_l, key_r])
    }
    for key in (key_l, key_r):
        if key not in found:
            raise LinkError(
                f"No person {key} in the store "
                "(give AGENCY:PERSON_ID, as `wholestory review` lists them)."
            )
    thresholds = LinkThresholds.from_environment()  # before anything is written
    pairs = _decided_pairs(store, key_l, key_r) if decision == "different" else [(key_l, key_r)]
    when = now_iso()
    # The decision and the regrouping it causes go in together: a decision that
    # was recorded but not applied would leave the review queue without the pair.
    with store.transaction():
        for left, right in pairs:
            store.execute(
                "DELETE FROM ws_link_decision WHERE key_l = ? AND key_r = ?", [left, right]
            )
            store.execute(
                "INSERT INTO ws_link_decision (key_l, key_r, decision, reason, decided_by, "
                "decided_at) VALUES (?, ?, ?, ?, ?, ?)",
                [left, right, decision, reason.strip(), by, when],
            )
        return _regroup(store, {k for pair in pairs for k in pair}, "decision", thresholds)


def _decided_pairs(store: Store, key_l: str, key_r: str) -> list[tuple[str, str]]:
    """The record pairs a "different" decides: every pair between the two people.

    The reviewer sees two people, not two records: saying they are different
    must settle every pair of their records, or the same two people come back
    to the queue with their next pair. Records already of one person are
    parted only at the two records named.
    """
    people: dict[str, str | None] = {
        str(k): None if p is None else str(p)
        for k, p in store.query(
            "SELECT key, ws_person_id FROM ws_source_person WHERE key IN (?, ?)", [key_l, key_r]
        )
    }
    left, right = people.get(key_l), people.get(key_r)
    if not left or not right or left == right:
        return [(key_l, key_r)]
    rows = store.query(
        "SELECT key, ws_person_id FROM ws_source_person WHERE ws_person_id IN (?, ?)", [left, right]
    )
    mine = [str(k) for k, p in rows if p == left]
    theirs = [str(k) for k, p in rows if p == right]
    return sorted({(min(a, b), max(a, b)) for a in mine for b in theirs})


def _regroup(store: Store, keys: set[str], kind: str, thresholds: LinkThresholds) -> LinkSummary:
    """Re-group the people holding ``keys`` from their stored pairs and all decisions."""
    started = time.perf_counter()
    previous = previous_people(store)
    persons = {previous[k] for k in keys if previous.get(k)}
    members = sorted({k for k, p in previous.items() if p in persons} | keys)
    condition, params = store.keys_in("key_l", members)
    rows = store.query(
        f"SELECT key_l, key_r, match_weight, match_probability FROM ws_link_pair "
        f"WHERE {condition} AND match_probability >= ?",
        [*params, thresholds.lower],
    )
    member_set = set(members)
    episodes = episode_agencies(store)
    edges = [
        Edge(str(a), str(b), float(w))
        for a, b, w, p in rows
        if str(b) in member_set and float(p) >= thresholds.bar(str(a), str(b), episodes)
    ]
    frame = model_frame(load_sources(store, members))
    same, different = recorded_decisions(store, member_set)
    vouched = vouched_pairs(
        ((a, b, p) for a, b, _, p in rows if str(b) in member_set), thresholds, episodes
    )
    clustering = cluster(
        read_nodes(frame, store), edges, same, different, episode_agencies=episodes, vouched=vouched
    )
    summary = LinkSummary(kind=kind)
    model = latest_model(store)
    run_id = start_run(store, kind, model[0] if model else None)
    mark_refused(store, clustering)
    write_groups(store, summary, clustering.groups(), previous, clustering, run_id)
    count_pairs(store, summary)
    summary.seconds = time.perf_counter() - started
    finish_run(store, run_id, summary)
    return summary
