"""The audit key: the secret the chain is keyed with, read from the environment.

The database does not hold it, so someone who can write the database file
cannot recompute the hashes (see :mod:`wholestory.audit`). The current key is
in ``WHOLESTORY_AUDIT_KEY``, older ones (kept only to check) in
``WHOLESTORY_AUDIT_OLD_KEYS``; demo mode without a key uses a fixed key that is
not secret.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

#: The environment variable holding the key; and the old keys, newest first, kept to check.
KEY_ENV: Final = "WHOLESTORY_AUDIT_KEY"
OLD_KEYS_ENV: Final = "WHOLESTORY_AUDIT_OLD_KEYS"
#: The shortest key accepted, in characters (``secrets.token_urlsafe(50)`` gives 67).
MIN_KEY_LENGTH: Final = 32


class AuditKeyError(ValueError):
    """The audit key is missing or unusable; the message says what to do, in one line."""


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
