"""Checking the whole log without trusting the database: :func:`verify`.

Every entry's hash under the key, the chain between entries, the head and,
given one, an anchor; each problem reported in words a person can act on.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

from wholestory.audit.anchors import Anchor
from wholestory.audit.chain import COLUMNS, GENESIS, Entry, entry_of, key_rank
from wholestory.audit.keys import KEY_ENV, OLD_KEYS_ENV, AuditKey, audit_keys
from wholestory.store.connection import Store


@dataclass(frozen=True, slots=True)
class Verification:
    """The result of checking the whole chain.

    ``problems`` are what make it fail; ``notes`` are what a reader should
    know about an intact log (entries chained before the key was set, an old
    key, the demo key, the anchor it was checked against).
    """

    ok: bool
    entries: int
    problems: list[str]
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _walk(store: Store, upto: int, batch: int = 10_000) -> Iterator[Entry]:
    last = 0
    while True:
        rows = store.query(
            f"SELECT {COLUMNS} FROM ws_audit WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT {batch}",
            [last, upto],
        )
        if not rows:
            return
        for row in rows:
            entry = entry_of(row)
            last = entry.seq
            yield entry


def _when(at: str) -> str:
    """An entry's or anchor's time as people read it: ``2026-11-27 03:01:32 UTC``."""
    return at[:19].replace("T", " ") + " UTC"


def _span(first: int, last: int) -> str:
    return f"entry {first}" if first == last else f"entries {first} to {last}"


def verify(
    store: Store,
    most: int = 20,
    *,
    keys: tuple[AuditKey, ...] | None = None,
    anchor: Anchor | None = None,
) -> Verification:
    """Check every entry's hash under the key, the chain between them, the head and an anchor.

    Reports each problem in words (at most ``most`` of them): an entry whose
    content was changed, one rewritten without the key (or older entries
    without the key that no keyed entry adopted), a gap where an entry was
    removed, a head that does not match the last entry, a log with no
    entries, and, given an ``anchor`` (already read with :func:`read_anchor`),
    a log that no longer reaches it or no longer holds the entry it names. The
    head is read first and the chain checked up to it, so entries written while
    the check runs are not taken for tampering. ``keys`` default to the
    environment's (:func:`audit_keys`, which raises :class:`AuditKeyError`
    when there is none).
    """
    keys = keys if keys is not None else audit_keys()
    head = store.query("SELECT seq, hash FROM ws_audit_head WHERE id = 1")
    head_seq, head_hash = (int(head[0][0]), str(head[0][1])) if head else (0, GENESIS)
    problems: list[str] = []
    #: For each rank (see key_rank) the first and last entry chained that way.
    spans: dict[int, list[int]] = {}
    prev, expected, count, highest, anchored = GENESIS, 1, 0, -1, None
    adopter: Entry | None = None  # the first keyed entry after entries chained without a key
    for e in _walk(store, head_seq):
        count += 1
        if e.seq != expected:
            problems.append(
                f"entry {expected} is missing (the next entry is {e.seq}): entries were removed"
            )
        rank = key_rank(e, keys)
        if rank is None:
            problems.append(f"entry {e.seq} was changed after it was written (its hash differs)")
        elif rank < highest:
            problems.append(
                f"entry {e.seq} was rewritten without the audit key (its hash is "
                + ("a plain SHA-256" if rank == 0 else "under an older key")
                + ", but entries before it were chained with the key)"
            )
        else:
            if highest == 0 and rank > 0:
                adopter = e
            highest = rank
            spans.setdefault(rank, [e.seq, e.seq])[1] = e.seq
        if e.prev_hash != prev:
            problems.append(
                f"entry {e.seq} does not follow the entry before it (the chain is broken: "
                "an entry was changed, removed or moved)"
            )
        if anchor is not None and e.seq == anchor.seq:
            anchored = e.hash
        prev, expected = e.hash, e.seq + 1
        if len(problems) >= most:
            break
    last = expected - 1
    if len(problems) < most and (head_seq, head_hash) != (last, prev):
        problems.append(
            f"the log ends at entry {last} but its head says {head_seq}: "
            "the newest entries were removed or the head was changed"
        )
    notes: list[str] = []
    if anchor is not None and len(problems) < most:
        problems += _against_anchor(anchor, min(last, head_seq), anchored, notes)
    if count == 0 and head_seq == 0:
        problems.append(
            "the log has no entries. A store in use always has some (every sign-in, view and "
            "user added is recorded): either nothing has been recorded here yet, or every "
            "entry was removed"
        )
    if 0 in spans:
        first, end = spans[0]
        if adopter is None:
            problems.append(
                f"no entry is chained with the audit key: anyone with the database file could "
                f"have written {_span(first, end)}. Only if they were written before {KEY_ENV} "
                "was first set, adopt them once with: wholestory audit anchor --adopt"
            )
        elif _adopted(adopter) != end:
            problems.append(
                f"entry {adopter.seq} is the first chained with the key but does not adopt "
                f"{_span(first, end)} (chained without it): they were rewritten without the key"
            )
        else:
            notes.append(
                f"{_span(first, end)} were chained without a key (written before {KEY_ENV} was "
                f"set): entry {adopter.seq}, by {adopter.actor} at {_when(adopter.at)}, adopted "
                "them as they were then"
            )
    for rank, (first, end) in sorted(spans.items()):
        if 0 < rank < len(keys):
            notes.append(f"{_span(first, end)} were chained with an earlier key ({OLD_KEYS_ENV})")
    if keys[0].demo:
        notes.append(
            "the key is the demo key, which is not secret (demo mode, no "
            f"{KEY_ENV}): this check cannot tell a rewrite by someone with the database file"
        )
    return Verification(not problems, count, problems[:most], notes)


def _adopted(entry: Entry) -> int | None:
    """The last entry an adopting entry vouches for (``None`` if it adopts nothing)."""
    if entry.action != "audit_anchor":
        return None
    adopted = json.loads(entry.detail or "{}").get("adopted")
    return adopted if type(adopted) is int else None


def _against_anchor(anchor: Anchor, last: int, anchored: str | None, notes: list[str]) -> list[str]:
    """What the log's end and the entry an anchor names say against it."""
    made = _when(anchor.at)
    if last < anchor.seq:
        return [
            f"the log ends at entry {last}, but the anchor made at {made} shows it had reached "
            f"entry {anchor.seq}: the log has shrunk, or its head was moved back"
        ]
    if anchor.seq and anchored != anchor.hash:
        return [
            f"entry {anchor.seq} is not the entry the anchor made at {made} vouches for (its hash "
            "differs): the log was rewritten up to it, or the anchor is of another store"
        ]
    notes.append(f"checked against the anchor of entry {anchor.seq}, made at {made}")
    return []
