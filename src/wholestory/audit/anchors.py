"""Anchors: the head of the log at one moment, signed with the key, kept away from the store.

The key cannot show a log cut back to an earlier, genuine state; an anchor
can, since :func:`wholestory.audit.verify` given one fails if the log no
longer reaches it or no longer holds the entry it names.
"""

from __future__ import annotations

import hmac
import json
from dataclasses import dataclass
from typing import Final

from wholestory.audit.chain import Entry
from wholestory.audit.keys import AuditKey, audit_keys

#: The first line of an anchor file.
ANCHOR_FORMAT: Final = "wholestory-audit-anchor/1"


class AnchorError(ValueError):
    """An anchor file that cannot be read or was not signed with a key we hold."""


@dataclass(frozen=True, slots=True)
class Anchor:
    """The head of the log at one moment, signed with the key, to be kept away from the store."""

    seq: int
    hash: str
    at: str
    key_id: str
    signature: str

    def _signed(self) -> bytes:
        fields = [ANCHOR_FORMAT, self.seq, self.hash, self.at, self.key_id]
        return json.dumps(fields, separators=(",", ":")).encode("utf-8")

    def text(self) -> str:
        """The anchor file's contents (JSON: readable, and nothing in it is secret)."""
        data = {"format": ANCHOR_FORMAT, "seq": self.seq, "hash": self.hash, "at": self.at,
                "key": self.key_id, "signature": self.signature}  # fmt: skip
        return json.dumps(data, indent=2) + "\n"


def _signature(anchor: Anchor, key: AuditKey) -> str:
    return hmac.new(key.derived("anchor"), anchor._signed(), "sha256").hexdigest()


def make_anchor(entry: Entry, key: AuditKey | None = None) -> Anchor:
    """An anchor for the log as it stands at ``entry`` (the head, when just written)."""
    key = key or audit_keys()[0]
    unsigned = Anchor(entry.seq, entry.hash, entry.at, key.id, "")
    return Anchor(entry.seq, entry.hash, entry.at, key.id, _signature(unsigned, key))


def read_anchor(text: str, keys: tuple[AuditKey, ...] | None = None) -> Anchor:
    """The anchor in ``text``, once its signature checks with one of ``keys``.

    Raises :class:`AnchorError`, in plain words, for anything that is not an
    anchor, an anchor signed with a key we do not hold, or one that was
    changed after it was signed.
    """
    keys = keys if keys is not None else audit_keys()
    try:
        data = json.loads(text)
    except ValueError as error:
        raise AnchorError(f"it is not an audit anchor (not JSON: {error})") from error
    if not isinstance(data, dict) or data.get("format") != ANCHOR_FORMAT:
        raise AnchorError(f'it is not an audit anchor (no "format": "{ANCHOR_FORMAT}")')
    seq, digest, at = data.get("seq"), data.get("hash"), data.get("at")
    key_id, signature = data.get("key"), data.get("signature")
    whole = all(isinstance(v, str) for v in (digest, at, key_id, signature))
    if not whole or type(seq) is not int or seq < 0:
        raise AnchorError("it is not an audit anchor (seq, hash, at, key or signature is missing)")
    anchor = Anchor(seq, str(digest), str(at), str(key_id), str(signature))
    key = next((k for k in keys if k.id == anchor.key_id), None)
    if key is None:
        raise AnchorError(
            f"the anchor was signed with another key (key {anchor.key_id}; this audit key is "
            f"{keys[0].id}): it vouches for nothing here"
        )
    if not hmac.compare_digest(_signature(anchor, key), anchor.signature):
        raise AnchorError("the anchor's signature does not check: it was changed after it was made")
    return anchor
