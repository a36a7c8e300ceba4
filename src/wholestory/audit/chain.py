"""One audit entry: what is recorded, how it is stored and how its hash chains it.

Each entry's hash covers its fields and the previous entry's hash, keyed with
the audit key (:mod:`wholestory.audit.keys`); :func:`key_rank` tells which key, if
any, an entry was chained with, which both writing and checking need.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import asdict, dataclass, field
from typing import Any, Final

from wholestory.audit.keys import AuditKey

#: The hash before the first entry.
GENESIS: Final = "0" * 64

#: The columns of ``ws_audit``, in the order of :class:`Entry`'s fields.
COLUMNS: Final = (
    "seq, at, actor, agency, role, action, person, target, reason, outcome, detail, prev_hash, hash"
)


@dataclass(frozen=True, slots=True)
class Event:
    """What is being recorded, before it has a place in the chain."""

    actor: str
    action: str
    agency: str = ""
    role: str = ""
    person: str = ""
    target: str = ""
    reason: str = ""
    outcome: str = "allowed"
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Entry:
    """One entry as stored: the event, its place in the chain and its hash."""

    seq: int
    at: str
    actor: str
    agency: str
    role: str
    action: str
    person: str
    target: str
    reason: str
    outcome: str
    detail: str  # canonical JSON
    prev_hash: str
    hash: str

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["detail"] = json.loads(self.detail) if self.detail else {}
        return data


def entry_hash(
    seq: int,
    at: str,
    actor: str,
    agency: str,
    role: str,
    action: str,
    person: str,
    target: str,
    reason: str,
    outcome: str,
    detail: str,
    prev_hash: str,
    key: AuditKey | None = None,
) -> str:
    """An entry's hash: HMAC-SHA256 under ``key`` of its fields and the previous hash.

    Without a key, plain SHA-256 of the same canonical form: how entries were
    chained before the chain was keyed (and how anyone without the key would
    forge one).
    """
    fields = [seq, at, actor, agency, role, action, person, target, reason, outcome, detail]
    payload = json.dumps([*fields, prev_hash], ensure_ascii=False, separators=(",", ":"))
    if key is None:
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()
    return hmac.new(key.derived("chain"), payload.encode("utf-8"), "sha256").hexdigest()


def entry_of(row: tuple[Any, ...]) -> Entry:
    """An entry from a row of ``SELECT COLUMNS FROM ws_audit``."""
    return Entry(int(row[0]), *(str(v) if v is not None else "" for v in row[1:]))


def key_rank(e: Entry, keys: tuple[AuditKey, ...]) -> int | None:
    """How an entry was chained: ``len(keys)`` for the current key, lower for older keys,
    0 for no key (plain SHA-256), ``None`` when its hash checks with none of them."""
    fields = (e.seq, e.at, e.actor, e.agency, e.role, e.action, e.person, e.target, e.reason,
              e.outcome, e.detail, e.prev_hash)  # fmt: skip
    for i, key in enumerate(keys):
        if hmac.compare_digest(entry_hash(*fields, key=key), e.hash):
            return len(keys) - i
    return 0 if hmac.compare_digest(entry_hash(*fields), e.hash) else None
