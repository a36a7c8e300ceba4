"""The review queue: what waits for a person, one item per two people, paged in the database.

Read from the scored pairs the linking run stored; nothing here decides a
link (see :func:`wholestory.identity.decisions.decide` for that).
"""

from __future__ import annotations

import json
from typing import Any, Final

from wholestory.identity.sources import DETAILS
from wholestory.store.connection import Store

#: The pairs that wait: between the thresholds or refused, undecided, between two people
#: (not already one through other links), and neither record in a look-alike set (that set
#: waits as one item of its own). Each pair of people once, with their strongest pair of
#: records (``rn = 1``) and how many pairs of records they have between them.
_WAITING: Final = (
    "SELECT p.key_l, p.key_r, p.match_probability, p.match_weight, p.note, p.evidence, "
    "a.ws_person_id AS person_l, b.ws_person_id AS person_r, "
    "ROW_NUMBER() OVER (PARTITION BY {lo}, {hi} "
    "ORDER BY p.match_probability DESC, p.key_l, p.key_r) AS rn, "
    "COUNT(*) OVER (PARTITION BY {lo}, {hi}) AS record_pairs "
    "FROM ws_link_pair p "
    "JOIN ws_source_person a ON a.key = p.key_l JOIN ws_source_person b ON b.key = p.key_r "
    "LEFT JOIN ws_link_decision d ON d.key_l = p.key_l AND d.key_r = p.key_r "
    "WHERE p.state IN ('review', 'held') AND d.id IS NULL "
    "AND (a.ws_person_id IS NULL OR b.ws_person_id IS NULL OR a.ws_person_id <> b.ws_person_id) "
    "AND NOT EXISTS (SELECT 1 FROM ws_lookalike l WHERE l.key IN (p.key_l, p.key_r))"
    "{scope}"
)


def _waiting(agency: str | None) -> tuple[str, list[Any]]:
    """The waiting pairs as a subquery, only those with ``agency``'s records when given.

    A record not yet given a person (a failed run) stands for itself, by its key.
    """
    side_l = "COALESCE(a.ws_person_id, p.key_l)"
    side_r = "COALESCE(b.ws_person_id, p.key_r)"
    lo = f"CASE WHEN {side_l} < {side_r} THEN {side_l} ELSE {side_r} END"
    hi = f"CASE WHEN {side_l} < {side_r} THEN {side_r} ELSE {side_l} END"
    scope, params = ("", []) if agency is None else (" AND ? IN (a.agency, b.agency)", [agency])
    return _WAITING.format(lo=lo, hi=hi, scope=scope), params


def review_count(store: Store, agency: str | None = None) -> int:
    """How many pairs of people wait (``agency``'s only when given), counted in the database."""
    sql, params = _waiting(agency)
    return int(store.scalar(f"SELECT COUNT(*) FROM ({sql}) w WHERE w.rn = 1", params) or 0)


def review_queue(
    store: Store, *, limit: int | None = None, offset: int = 0, agency: str | None = None
) -> list[dict[str, Any]]:
    """What waits for a person: one item per two people the model could not settle.

    Pairs between the thresholds, and links refused as contradictory, that no
    one has decided and that are not already one person through other links.
    Several record pairs between the same two people are one item, shown with
    the strongest; "different" on it decides every pair between the two people,
    and "same" joins them. ``limit`` and ``offset`` page the queue in the
    database, so a page never reads the whole queue; ``agency`` keeps the pairs
    with at least one of that agency's records. Look-alike sets wait apart
    (:func:`wholestory.identity.lookalikes.lookalike_sets`).
    """
    sql, params = _waiting(agency)
    page = ""
    if limit is not None:
        page = " LIMIT ? OFFSET ?"
        params = [*params, int(limit), max(0, int(offset))]
    return _items(store, f"FROM ({sql}) w WHERE w.rn = 1 ", page, params)


def review_item(store: Store, key_a: str, key_b: str) -> dict[str, Any] | None:
    """The queue item whose strongest pair is these two records, or None if it does not wait.

    For the page of one pair: found in the database, not by reading the queue.
    """
    sql, params = _waiting(None)
    where = f"FROM ({sql}) w WHERE w.rn = 1 AND w.key_l = ? AND w.key_r = ? "
    found = _items(store, where, "", [*params, *sorted((key_a, key_b))])
    return found[0] if found else None


def _items(store: Store, where: str, page: str, params: list[Any]) -> list[dict[str, Any]]:
    """Queue items from the waiting pairs ``where`` selects, strongest first, with details."""
    rows = store.query(
        "SELECT w.key_l, w.key_r, w.match_probability, w.match_weight, w.note, w.evidence, "
        f"w.person_l, w.person_r, w.record_pairs {where}"
        f"ORDER BY w.match_probability DESC, w.key_l, w.key_r{page}",
        params,
    )
    items = [
        {
            "a": key_l,
            "b": key_r,
            "person_a": person_l,
            "person_b": person_r,
            "match_probability": round(float(probability), 6),
            "match_weight": round(float(weight), 2),
            "why_review": note or "the model is not sure enough to link them on its own",
            "evidence": evidence if isinstance(evidence, dict) else json.loads(evidence),
            "record_pairs": int(pairs),
        }
        for key_l, key_r, probability, weight, note, evidence, person_l, person_r, pairs in rows
    ]
    _add_details(store, items)
    return items


#: What a reviewer sees of each side of a pair.
REVIEW_DETAILS: Final = tuple(c for c in DETAILS if c != "other_names")


def _add_details(store: Store, items: list[dict[str, Any]]) -> None:
    keys = sorted({item[side] for item in items for side in ("a", "b")})
    if not keys:
        return
    condition, params = store.keys_in("key", keys)
    rows = store.query(
        f"SELECT key, {', '.join(REVIEW_DETAILS)} FROM ws_source_person WHERE {condition}", params
    )
    details = {str(r[0]): dict(zip(REVIEW_DETAILS, r[1:], strict=True)) for r in rows}
    for item in items:
        item["a_details"] = details.get(item["a"], {})
        item["b_details"] = details.get(item["b"], {})
