"""The review queue: what waits for a person, one item per two people.

Read from the scored pairs the linking run stored; nothing here decides a
link (see :func:`wholestory.identity.linking.decide` for that).
"""

from __future__ import annotations

import json
from typing import Any, Final

from wholestory.identity.sources import DETAILS
from wholestory.store.connection import Store


def review_queue(store: Store) -> list[dict[str, Any]]:
    """What waits for a person: one item per two people the model could not settle.

    Pairs between the thresholds, and links refused as contradictory, that no
    one has decided and that are not already one person through other links.
    Several record pairs between the same two people are one item, shown with
    the strongest; "different" on it decides every pair between the two people,
    and "same" joins them.
    """
    rows = store.query(
        "SELECT p.key_l, p.key_r, p.match_probability, p.match_weight, p.state, p.note, "
        "p.evidence, "
        "a.ws_person_id, b.ws_person_id "
        "FROM ws_link_pair p "
        "JOIN ws_source_person a ON a.key = p.key_l JOIN ws_source_person b ON b.key = p.key_r "
        "LEFT JOIN ws_link_decision d ON d.key_l = p.key_l AND d.key_r = p.key_r "
        "WHERE p.state IN ('review', 'held') AND d.id IS NULL "
        "ORDER BY p.match_probability DESC, p.key_l, p.key_r"
    )
    items: dict[tuple[str, str], dict[str, Any]] = {}
    for key_l, key_r, probability, weight, _state, note, evidence, person_l, person_r in rows:
        if person_l is not None and person_l == person_r:
            continue
        people = tuple(sorted((str(person_l), str(person_r))))
        assert len(people) == 2
        if people in items:
            items[people]["record_pairs"] += 1
            continue
        items[people] = {
            "a": key_l,
            "b": key_r,
            "person_a": person_l,
            "person_b": person_r,
            "match_probability": round(float(probability), 6),
            "match_weight": round(float(weight), 2),
            "why_review": note or "the model is not sure enough to link them on its own",
            "evidence": evidence if isinstance(evidence, dict) else json.loads(evidence),
            "record_pairs": 1,
        }
    _add_details(store, list(items.values()))
    return list(items.values())


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
