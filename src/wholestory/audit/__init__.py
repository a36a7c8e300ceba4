"""The audit log: who saw, searched, downloaded or decided what, about whom, when and why.

Append-only and tamper-evident. Each entry carries its sequence number and the
hash of the entry before it, and its own hash covers both, so changing,
removing or reordering any entry breaks the chain from that point on; the
head (last sequence number and hash) is kept in its own row, so removing the
newest entries is caught too. The database refuses UPDATE and DELETE on the
log (triggers, in the migration); :func:`verify` is the check that does not
trust the database.

The hashes are keyed. Someone with write access to the database file can
switch the triggers off, so a plain SHA-256 chain only proves that whoever
last wrote it was consistent: they could rewrite entries and recompute every
hash and the head. Each hash is therefore an HMAC-SHA256 under a key the
database does not hold (``WHOLESTORY_AUDIT_KEY``, from the environment), and
an entry whose hash checks only as plain SHA-256 is one written without the
key. Which scheme an entry used is read from its hash alone (no column says
so, and none needs to). A log begun before the key existed is *adopted*
once, by an explicit keyed entry (``wholestory audit anchor --adopt``) that
vouches for the older entries as they stand; until then, and whenever the
newest entry is not keyed, nothing more is written, so a keyed entry never
vouches for a rewrite by accident. A plain entry after a keyed one is a
rewrite.

What the key cannot show is a log cut back to an earlier, genuine state (the
newest entries and the head removed together). An *anchor* is for that: the
head's number and hash, signed with the key, kept away from the store
(:func:`make_anchor`); :func:`verify` given an anchor fails if the log no
longer reaches it or no longer holds the entry it names.

Keys can be rotated: the new key goes in ``WHOLESTORY_AUDIT_KEY`` and the old
ones, newest first, in ``WHOLESTORY_AUDIT_OLD_KEYS``, which are only used to
check. A chain may move from an older key to a newer one, never back. In demo
mode (``WHOLESTORY_DEMO=1``) with no key set, a fixed demo key is used, which
is not secret, and :func:`verify` says so.

Entries are written in their own short transaction on their own connection,
so an entry is committed before the page it records is shown: a view whose
entry cannot be written is refused (the web layer's job, using
:class:`AuditUnavailable`).

The package's modules, each one part of that: :mod:`.actions` (what can be
recorded, with the words people read), :mod:`.keys` (the key and where it comes
from), :mod:`.chain` (an entry and its hash), :mod:`.log` (writing and reading
entries), :mod:`.anchors` (signed heads kept away from the store) and
:mod:`.checking` (:func:`verify`). Callers use the names imported here.
"""

from wholestory.audit.actions import ACTIONS, Action, words
from wholestory.audit.anchors import ANCHOR_FORMAT, Anchor, AnchorError, make_anchor, read_anchor
from wholestory.audit.chain import GENESIS, Entry, Event, entry_hash
from wholestory.audit.checking import Verification, verify
from wholestory.audit.keys import (
    DEMO_KEY,
    KEY_ENV,
    MIN_KEY_LENGTH,
    OLD_KEYS_ENV,
    AuditKey,
    AuditKeyError,
    audit_keys,
)
from wholestory.audit.log import AuditUnavailable, append, count, entries

__all__ = [
    "ACTIONS",
    "ANCHOR_FORMAT",
    "DEMO_KEY",
    "GENESIS",
    "KEY_ENV",
    "MIN_KEY_LENGTH",
    "OLD_KEYS_ENV",
    "Action",
    "Anchor",
    "AnchorError",
    "AuditKey",
    "AuditKeyError",
    "AuditUnavailable",
    "Entry",
    "Event",
    "Verification",
    "append",
    "audit_keys",
    "count",
    "entries",
    "entry_hash",
    "make_anchor",
    "read_anchor",
    "verify",
    "words",
]
