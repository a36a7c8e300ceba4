"""The store: where records, quarantine and import accounting live.

Django owns the schema (``wholestory.web.schema``); the core reads and writes
it with plain SQL through :class:`Store`.
"""

from wholestory.store.connection import Store, open_store
from wholestory.store.url import StoreURL, StoreURLError, resolve_url

__all__ = ["Store", "StoreURL", "StoreURLError", "open_store", "resolve_url"]
