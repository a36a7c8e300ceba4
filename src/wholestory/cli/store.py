"""Opening the store for a command: create or migrate it first, on first use."""

from __future__ import annotations

from wholestory.cli.errors import fail
from wholestory.store import Store, StoreURLError, open_store, resolve_url


def ready_store() -> Store:
    """The store named by the environment, with its schema up to date."""
    try:
        url = resolve_url()
    except StoreURLError as error:
        fail(str(error))
    from wholestory.web.bootstrap import ensure_schema

    try:
        ensure_schema(url)
        return open_store(url)
    except Exception as error:  # a database we cannot reach or open: say so in one line
        fail(f"cannot open the store ({url.describe()}): {_first_line(error)}")


def _first_line(error: Exception) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
