"""Create or migrate the store on first use: there is no separate set-up step."""

from __future__ import annotations

import hashlib
import io
import os

from wholestory.store.url import StoreURL, django_database_settings


def setup_django() -> None:
    """Configure Django once per process, from the environment."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wholestory.web.settings")
    import django
    from django.apps import apps

    if not apps.ready:
        django.setup()


def ensure_schema(url: StoreURL) -> None:
    """Apply any migrations the store at ``url`` has not had yet.

    Each store URL gets its own Django connection alias, so one process (a
    test run, say) can prepare an SQLite file and a PostgreSQL database alike.
    """
    os.environ.setdefault("WHOLESTORY_DATABASE_URL", url.raw)
    setup_django()
    from django.core.management import call_command
    from django.db import connections
    from django.db.migrations.executor import MigrationExecutor

    alias = "store_" + hashlib.sha1(url.raw.encode()).hexdigest()[:12]
    if alias not in connections.databases:
        configured = connections.configure_settings(
            {"default": connections.databases["default"], alias: django_database_settings(url)}
        )
        connections.databases[alias] = configured[alias]
    connection = connections[alias]
    try:
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            call_command(
                "migrate", database=alias, interactive=False, verbosity=0, stdout=io.StringIO()
            )
    finally:
        connection.close()
