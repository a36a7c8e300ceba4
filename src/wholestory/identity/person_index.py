"""Writing groups into the person index: ids kept or given, merges and splits, and why.

Each group of source persons becomes one WholeStory person, keeping the id it
had where it can (:func:`wholestory.identity.ids.assign_ids`); every merge and
split is written as an event with the words for why, so a worker can see
how a person came to be.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import polars as pl

from wholestory.identity.cluster_inputs import recorded_decisions
from wholestory.identity.clusters import Clustering
from wholestory.identity.ids import Assignment, assign_ids, id_number
from wholestory.identity.runs import LinkSummary
from wholestory.identity.sources import now_iso
from wholestory.store.connection import Store


def write_groups(
    store: Store,
    summary: LinkSummary,
    groups: Sequence[Sequence[str]],
    previous: dict[str, str | None],
    clustering: Clustering | None,
    run_id: int | None,
) -> None:
    """Give groups their ids (keeping old ones), and write people, links and events."""
    highest = store.scalar("SELECT MAX(id) FROM ws_person")
    next_number = id_number(str(highest)) + 1 if highest else 1
    same_keys = {k for pair in recorded_decisions(store)[0] for k in pair}
    explain = _explainer(store, clustering)
    assignment = assign_ids(groups, previous, next_number, explain)
    now = now_iso()
    sizes = {key: len(group) for group in groups for key in group}
    before = {
        str(k): (p, b)
        for k, p, b in store.query("SELECT key, ws_person_id, linked_by FROM ws_source_person")
    }
    updates = []
    for key, person in assignment.ids.items():
        linked_by = _linked_by(key, sizes[key], same_keys)
        if before.get(key) != (person, linked_by):
            updates.append((person, linked_by, now, key))
    with store.transaction():
        if assignment.created:
            store.insert_frame(
                "ws_person",
                pl.DataFrame({"id": assignment.created}),
                {"status": "active", "created_at": now, "updated_at": now},
            )
        store.executemany(
            "UPDATE ws_source_person SET ws_person_id = ?, linked_by = ?, linked_at = ? "
            "WHERE key = ?",
            updates,
        )
        _write_changes(store, assignment, now, run_id)
    summary.new_people += len(assignment.created)
    summary.merges += len(assignment.merged_away)
    summary.splits += sum(1 for c in assignment.changes if c.kind == "split")


def _linked_by(key: str, size: int, same_keys: set[str]) -> str:
    if size == 1:
        return "alone"
    return "person" if key in same_keys else "machine"


def _write_changes(store: Store, assignment: Assignment, now: str, run_id: int | None) -> None:
    for change in assignment.changes:
        store.execute(
            "INSERT INTO ws_person_event (at, kind, ws_person_id, other_person_id, reason, run_id) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [now, change.kind, change.person, change.other, change.reason, run_id],
        )
        if change.kind == "merged":
            store.execute(
                "UPDATE ws_person SET status = 'merged', merged_into = ?, updated_at = ? "
                "WHERE id = ?",
                [change.person, now, change.other],
            )
            store.execute(
                "UPDATE ws_person SET status = 'merged', merged_into = ?, updated_at = ? "
                "WHERE merged_into = ?",
                [change.person, now, change.other],
            )
            store.execute(
                "INSERT INTO ws_person_event (at, kind, ws_person_id, other_person_id, reason, "
                "run_id) VALUES (?, 'merged_into', ?, ?, ?, ?)",
                [now, change.other, change.person, change.reason, run_id],
            )


def _explainer(
    store: Store, clustering: Clustering | None
) -> Callable[[str, Sequence[str], Sequence[str]], str]:
    """Words for why two parts were joined (the strongest link) or parted.

    Parted: the refusal, a person's decision, or a link that weakened.
    """
    refusals = list(clustering.refused) if clustering else []

    def explain(kind: str, part_a: Sequence[str], part_b: Sequence[str]) -> str:
        a, b = set(part_a), set(part_b)
        if kind == "merged":
            link = _strongest_link(store, a, b)
            if link:
                return link
            return "linked by a person's decision or a chain of links"
        for refusal in refusals:
            if {refusal.key_l, refusal.key_r} & a and {refusal.key_l, refusal.key_r} & b:
                return f"{refusal.key_l} and {refusal.key_r} are no longer linked: {refusal.reason}"
        for key_l, key_r in recorded_decisions(store)[1]:
            if (key_l in a and key_r in b) or (key_l in b and key_r in a):
                return f"a person decided {key_l} and {key_r} are different people"
        return "their link fell below the threshold when the records were scored again"

    return explain


def _strongest_link(store: Store, a: Iterable[str], b: Iterable[str]) -> str | None:
    a_list, b_set = list(a), set(b)
    condition, params = store.keys_in("key_l", a_list)
    rows = store.query(
        f"SELECT key_l, key_r, match_probability FROM ws_link_pair WHERE {condition} "
        "UNION ALL SELECT key_r, key_l, match_probability FROM ws_link_pair WHERE "
        + condition.replace("key_l", "key_r"),
        [*params, *params],
    )
    best = max(((p, k, o) for k, o, p in rows if o in b_set), default=None)
    if best is None:
        same = [
            d
            for d in recorded_decisions(store)[0]
            if (d[0] in a_list and d[1] in b_set) or (d[1] in a_list and d[0] in b_set)
        ]
        if same:
            return f"a person decided {same[0][0]} and {same[0][1]} are the same person"
        return None
    return f"{best[1]} and {best[2]} linked with match probability {best[0]:.4f}"
