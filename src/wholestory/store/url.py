"""Where the store is: an SQLite file by default, PostgreSQL when the URL says so."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final
from urllib.parse import unquote, urlsplit

ENV_VAR: Final = "WHOLESTORY_DATABASE_URL"
DEFAULT_SQLITE: Final = "wholestory.sqlite3"


class StoreURLError(ValueError):
    """A database URL the store cannot use, with what would work instead."""


@dataclass(frozen=True)
class StoreURL:
    """A parsed store location. ``raw`` is what the user gave (or the default)."""

    raw: str
    backend: str  # "sqlite" | "postgresql"
    path: Path | None = None  # SQLite only

    def describe(self) -> str:
        """The store's location, for messages; a PostgreSQL password is never shown."""
        if self.backend == "sqlite":
            assert self.path is not None
            return f"SQLite file {self.path.resolve()}"
        parts = urlsplit(self.raw)
        host = parts.hostname or "localhost"
        port = f":{parts.port}" if parts.port else ""
        return f"PostgreSQL database {parts.path.lstrip('/')} on {host}{port}"


def resolve_url(raw: str | None = None) -> StoreURL:
    """The store named by ``raw``, else by the environment, else the default SQLite file."""
    text = (raw or os.environ.get(ENV_VAR) or "").strip()
    if not text:
        return StoreURL(
            raw=f"sqlite:///{DEFAULT_SQLITE}", backend="sqlite", path=Path(DEFAULT_SQLITE)
        )
    scheme = text.split(":", 1)[0].lower()
    if scheme == "sqlite":
        rest = text[len("sqlite:") :]
        if not rest.startswith("///"):
            raise StoreURLError(
                f"{ENV_VAR}={text!r}: write an SQLite URL as sqlite:///relative/path or "
                "sqlite:////absolute/path"
            )
        path = Path(unquote(rest[3:]))
        if not str(path) or str(path) == ".":
            raise StoreURLError(f"{ENV_VAR}={text!r}: the SQLite URL names no file")
        return StoreURL(raw=text, backend="sqlite", path=path)
    if scheme in ("postgres", "postgresql"):
        return StoreURL(raw=text, backend="postgresql")
    raise StoreURLError(
        f"{ENV_VAR}={text!r}: the store runs on SQLite (sqlite:///path) or PostgreSQL "
        "(postgresql://user@host:port/dbname)"
    )


def sqlite_wait_seconds() -> float:
    """How long to wait for another writer before giving up (``WHOLESTORY_SQLITE_TIMEOUT``)."""
    try:
        return max(0.0, float(os.environ.get("WHOLESTORY_SQLITE_TIMEOUT", "30")))
    except ValueError:
        return 30.0


def django_database_settings(url: StoreURL) -> dict[str, Any]:
    """The Django DATABASES entry for a store URL."""
    if url.backend == "sqlite":
        assert url.path is not None
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(url.path.resolve()),
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": sqlite_wait_seconds(),
            },
        }
    parts = urlsplit(url.raw)
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parts.path.lstrip("/")),
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(parts.port or ""),
        "OPTIONS": {},
    }
