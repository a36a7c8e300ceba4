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
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Final

from wholestory.store.connection import Store

#: The hash before the first entry.
GENESIS: Final = "0" * 64

#: What can be recorded.
ACTIONS: Final = frozenset(
    {"login", "login_failed", "logout", "search", "view", "download", "decision", "break_glass",
     "upload", "denied", "grant", "user_added", "token_issued", "audit_view", "export",
     "password_set", "user_disabled", "audit_anchor", "confirm_upload",
     "approve", "refuse", "team_set"}
)  # fmt: skip

#: The environment variable holding the key; and the old keys, newest first, kept to check.
KEY_ENV: Final = "WHOLESTORY_AUDIT_KEY"
OLD_KEYS_ENV: Final = "WHOLESTORY_AUDIT_OLD_KEYS"
#: The shortest key accepted, in characters (``secrets.token_urlsafe(50)`` gives 67).
MIN_KEY_LENGTH: Final = 32
#: The first line of an anchor file.
ANCHOR_FORMAT: Final = "wholestory-audit-anchor/1"

_COLUMNS: Final = (
    "seq, at, actor, agency, role, action, person, target, reason, outcome, detail, prev_hash, hash"
)


class AuditUnavailable(RuntimeError):  # noqa: N818 (the name says what happened)
    """The audit entry could not be written, so what it would record must not happen."""


class AuditKeyError(ValueError):
    """The audit key is missing or unusable; the message says what to do, in one line."""


class AnchorError(ValueError):
    """An anchor file that cannot be read or was not signed with a key we hold."""


@dataclass(frozen=True, slots=True)
class AuditKey:
    """A secret the chain is keyed with, and the separate keys derived from it.

    Entries and anchors use different derived keys, so an entry's hash can
    never be passed off as an anchor's signature or the other way round.
    """

    secret: bytes = field(repr=False)
    #: The fixed demo key (demo mode without a key set): not secret.
    demo: bool = False

    def derived(self, purpose: str) -> bytes:
        return hmac.new(self.secret, f"wholestory audit {purpose}".encode(), "sha256").digest()

    @property
    def id(self) -> str:
        """A short name for the key that reveals nothing of it (anchors carry it)."""
        return self.derived("key id").hex()[:16]


#: Used in demo mode when no key is set. Anyone can compute it: demo data only.
DEMO_KEY: Final = AuditKey(hashlib.sha256(b"WholeStory demo audit key: not secret").digest(), True)

_KEY_HELP: Final = (
    "Set it to a long random value kept out of the store and the repository "
    "(python3 -c 'import secrets; print(secrets.token_urlsafe(50))'), "
    "or run in demo mode with WHOLESTORY_DEMO=1."
)


def _key(value: str, name: str) -> AuditKey:
    if len(value) < MIN_KEY_LENGTH:
        raise AuditKeyError(
            f"{name} holds a key of {len(value)} characters: use at least {MIN_KEY_LENGTH}. "
            + _KEY_HELP
        )
    return AuditKey(value.encode("utf-8"))


def audit_keys(environ: Mapping[str, str] | None = None) -> tuple[AuditKey, ...]:
    """The current key, then the old ones (newest first), from the environment.

    Raises :class:`AuditKeyError` when no key is set outside demo mode: then
    nothing may be recorded, since an entry written without the key is one
    anybody with the database file could have written.
    """
    env = os.environ if environ is None else environ
    current = env.get(KEY_ENV, "")
    if not current:
        if env.get("WHOLESTORY_DEMO") == "1":
            return (DEMO_KEY,)
        raise AuditKeyError(f"{KEY_ENV} is not set. " + _KEY_HELP)
    old = [v for v in re.split(r"[\s,]+", env.get(OLD_KEYS_ENV, "")) if v]
    return (_key(current, KEY_ENV), *(_key(v, OLD_KEYS_ENV) for v in old))


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


def append(
    store: Store,
    event: Event,
    now: dt.datetime | None = None,
    key: AuditKey | None = None,
    *,
    adopt: bool = False,
) -> Entry:
    """Write one entry at the end of the chain, or raise :class:`AuditUnavailable`.

    ``key`` defaults to the current key from the environment; without one
    (outside demo mode) nothing is written. Nothing is written either after a
    newest entry that is not chained with a key we hold: a keyed entry would
    vouch for whatever came before it, so a log rewritten without the key stops
    taking entries (and every audited page is refused) until someone looks.
    The one exception is ``adopt``: once, after the key is first set, an
    entry that vouches for the entries written before it, as they stand.
    """
    if event.action not in ACTIONS:
        raise ValueError(f"unknown audit action {event.action!r}")
    try:
        keys = audit_keys() if key is None else (key, *_other_keys(key))
    except AuditKeyError as error:
        raise AuditUnavailable(f"the audit log could not be written: {error}") from error
    at = (now or dt.datetime.now(dt.UTC)).isoformat(timespec="microseconds")
    try:
        with store.transaction():
            seq, prev = _head(store, lock=True)
            details = dict(event.detail)
            if adopt:
                details["adopted"] = _adoptable(store, seq, keys)
            elif seq:
                _check_newest(store, seq, keys)
            seq += 1
            detail = json.dumps(details, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
            digest = entry_hash(
                seq, at, event.actor, event.agency, event.role, event.action, event.person,
                event.target, event.reason, event.outcome, detail, prev, keys[0],
            )  # fmt: skip
            store.execute(
                f"INSERT INTO ws_audit ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [seq, at, event.actor, event.agency, event.role, event.action, event.person,
                 event.target, event.reason, event.outcome, detail, prev, digest],
            )  # fmt: skip
            store.execute("UPDATE ws_audit_head SET seq = ?, hash = ? WHERE id = 1", [seq, digest])
    except AuditUnavailable:
        raise
    except Exception as error:
        raise AuditUnavailable(f"the audit log could not be written: {error}") from error
    return Entry(
        seq, at, event.actor, event.agency, event.role, event.action, event.person,
        event.target, event.reason, event.outcome, detail, prev, digest,
    )  # fmt: skip


def _other_keys(key: AuditKey) -> tuple[AuditKey, ...]:
    """The environment's keys other than ``key`` (none when it has none), to check with."""
    try:
        return tuple(k for k in audit_keys() if k != key)
    except AuditKeyError:
        return ()


def _newest(store: Store, seq: int) -> Entry | None:
    rows = store.query(f"SELECT {_COLUMNS} FROM ws_audit WHERE seq = ?", [seq])
    return _entry(rows[0]) if rows else None


def _check_newest(store: Store, seq: int, keys: tuple[AuditKey, ...]) -> None:
    """Raise :class:`AuditUnavailable` unless entry ``seq`` is chained with one of ``keys``."""
    newest = _newest(store, seq)
    rank = _rank(newest, keys) if newest else None
    if rank is None:
        raise AuditUnavailable(
            f"the audit log could not be written: its newest entry ({seq}) is missing or was "
            "changed. Check it with: wholestory audit verify"
        )
    if rank == 0:
        raise AuditUnavailable(
            f"the audit log could not be written: its newest entry ({seq}) is not chained with "
            f"the audit key, so it was rewritten without the key, or written before {KEY_ENV} "
            "was first set. Check it with: wholestory audit verify (and only in the second "
            "case, adopt the older entries once with: wholestory audit anchor --adopt)"
        )


def _adoptable(store: Store, seq: int, keys: tuple[AuditKey, ...]) -> int:
    """The last of the entries written before the key, which an adopting entry vouches for."""
    newest = _newest(store, seq) if seq else None
    rank = _rank(newest, keys) if newest else None
    if rank != 0:
        raise AuditUnavailable(
            "there is nothing to adopt: only a log whose newest entry was chained without a "
            "key (written before " + KEY_ENV + " was set) is adopted"
        )
    return seq


def _head(store: Store, lock: bool) -> tuple[int, str]:
    """The last sequence number and hash (locked for update on PostgreSQL when writing)."""
    suffix = " FOR UPDATE" if lock and store.backend == "postgresql" else ""
    rows = store.query(f"SELECT seq, hash FROM ws_audit_head WHERE id = 1{suffix}")
    if not rows:
        store.execute("INSERT INTO ws_audit_head (id, seq, hash) VALUES (1, 0, ?)", [GENESIS])
        return 0, GENESIS
    return int(rows[0][0]), str(rows[0][1])


def _where(
    person: str | None,
    actor: str | None,
    action: str | None,
    since: str | None,
    before: str | None,
    agency: str | None = None,
) -> tuple[str, list[Any]]:
    """The WHERE clause for the filters given (``since``/``before``: ISO times, UTC).

    ``agency`` keeps only what one agency's lead may read (issue 11, L2): what its own
    people did, and what anyone did about a person the agency holds records of.
    """
    where, params = [], []
    if agency:
        where.append(
            "(agency = ? OR substr(person, 1, ?) = ? OR person IN "
            "(SELECT ws_person_id FROM ws_source_person WHERE agency = ?))"
        )
        params.extend([agency, len(agency) + 1, f"{agency}:", agency])
    for column, value in (("person", person), ("actor", actor), ("action", action)):
        if value:
            where.append(f"{column} = ?")
            params.append(value)
    if since:
        where.append("at >= ?")
        params.append(since)
    if before:
        where.append("at < ?")
        params.append(before)
    return (" WHERE " + " AND ".join(where)) if where else "", params


def entries(
    store: Store,
    *,
    person: str | None = None,
    actor: str | None = None,
    action: str | None = None,
    since: str | None = None,
    before: str | None = None,
    limit: int | None = None,
    offset: int = 0,
    newest_first: bool = True,
    agency: str | None = None,
) -> list[Entry]:
    """Entries, filtered by person, actor, action, time and an agency's lead's scope."""
    condition, params = _where(person, actor, action, since, before, agency)
    sql = f"SELECT {_COLUMNS} FROM ws_audit{condition} ORDER BY seq"
    sql += " DESC" if newest_first else ""
    if limit:
        sql += f" LIMIT {int(limit)} OFFSET {int(offset)}"
    return [_entry(row) for row in store.query(sql, params)]


def count(
    store: Store,
    *,
    person: str | None = None,
    actor: str | None = None,
    action: str | None = None,
    since: str | None = None,
    before: str | None = None,
    agency: str | None = None,
) -> int:
    """How many entries the same filters as :func:`entries` keep."""
    condition, params = _where(person, actor, action, since, before, agency)
    return int(store.scalar(f"SELECT COUNT(*) FROM ws_audit{condition}", params) or 0)


def _entry(row: tuple[Any, ...]) -> Entry:
    return Entry(int(row[0]), *(str(v) if v is not None else "" for v in row[1:]))


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


def _walk(store: Store, upto: int, batch: int = 10_000) -> Iterator[Entry]:
    last = 0
    while True:
        rows = store.query(
            f"SELECT {_COLUMNS} FROM ws_audit WHERE seq > ? AND seq <= ? ORDER BY seq "
            f"LIMIT {batch}",
            [last, upto],
        )
        if not rows:
            return
        for row in rows:
            entry = _entry(row)
            last = entry.seq
            yield entry


def _rank(e: Entry, keys: tuple[AuditKey, ...]) -> int | None:
    """How an entry was chained: ``len(keys)`` for the current key, lower for older keys,
    0 for no key (plain SHA-256), ``None`` when its hash checks with none of them."""
    fields = (e.seq, e.at, e.actor, e.agency, e.role, e.action, e.person, e.target, e.reason,
              e.outcome, e.detail, e.prev_hash)  # fmt: skip
    for i, key in enumerate(keys):
        if hmac.compare_digest(entry_hash(*fields, key=key), e.hash):
            return len(keys) - i
    return 0 if hmac.compare_digest(entry_hash(*fields), e.hash) else None


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
    #: For each rank (see _rank) the first and last entry chained that way.
    spans: dict[int, list[int]] = {}
    prev, expected, count, highest, anchored = GENESIS, 1, 0, -1, None
    adopter: Entry | None = None  # the first keyed entry after entries chained without a key
    for e in _walk(store, head_seq):
        count += 1
        if e.seq != expected:
            problems.append(
                f"entry {expected} is missing (the next entry is {e.seq}): entries were removed"
            )
        rank = _rank(e, keys)
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
