"""The core's SQL and Django's models describe the same tables; the core never imports Django.

The tables are read from a migrated store's own schema and the core's packages
from ``src/wholestory/`` itself, never from a hand list, so a new table or
package cannot slip past.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

from wholestory.ingest.validation import RECORD_FIELDS, RELATIONSHIP_FIELDS
from wholestory.records.confidential import CONFIDENTIAL_FIELDS
from wholestory.store.records import RECORD_WRITE_COLUMNS_EXTRA
from wholestory.web.bootstrap import setup_django


def columns_of(model_name: str) -> set[str]:
    setup_django()
    from django.apps import apps

    model = apps.get_model("store", model_name)
    return {field.column for field in model._meta.concrete_fields}


def test_record_columns_written_by_ingest_match_the_model() -> None:
    """Every field ingest writes is a record column, but a confidential address's own two."""
    written = set(RECORD_FIELDS) - set(CONFIDENTIAL_FIELDS)
    assert written | set(RECORD_WRITE_COLUMNS_EXTRA) | {"id"} == columns_of("Record")
    assert set(CONFIDENTIAL_FIELDS) <= set(RECORD_FIELDS)
    assert {"agency", "record_id", "address", "postcode"} <= columns_of("ConfidentialAddress")


def test_relationship_columns_match_the_model() -> None:
    expected = set(RELATIONSHIP_FIELDS) | {"id", "row_hash", "import_id", "created_at"}
    assert expected == columns_of("Relationship")


def test_migrations_are_up_to_date() -> None:
    setup_django()
    from io import StringIO

    from django.core.management import call_command

    for app in ("store", "accounts"):  # accounts too: a new role is a change of choices
        out = StringIO()
        call_command("makemigrations", app, "--check", "--dry-run", stdout=out)
        assert "No changes detected" in out.getvalue(), app


#: Every module of the core: all of ``wholestory`` but the web layer and the command line.
CORE_MODULES = (
    "import pkgutil, wholestory\n"
    "print('\\n'.join(m.name for m in pkgutil.walk_packages(wholestory.__path__, 'wholestory.')\n"
    "    if not m.name.startswith(('wholestory.web', 'wholestory.cli'))))\n"
)


def test_core_library_runs_without_django() -> None:
    """Every core module, found by walking the package, imports without Django."""
    listed = subprocess.run(
        [sys.executable, "-c", CORE_MODULES], check=True, capture_output=True, text=True
    )
    modules = listed.stdout.split()
    packages = {
        path.name
        for path in (Path(__file__).parents[1] / "src" / "wholestory").iterdir()
        if (path / "__init__.py").exists() and path.name not in {"web", "cli"}
    }
    assert packages and {f"wholestory.{name}" for name in packages} <= set(modules)
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "assert not any(m == 'django' or m.startswith('django.') for m in sys.modules), "
        "sorted(m for m in sys.modules if m.startswith('django'))\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_every_table_is_emptied_between_postgresql_tests() -> None:
    """A table missing from conftest's list would carry one test's rows into the next."""
    setup_django()
    from django.apps import apps

    from conftest import TABLES

    ours = {
        model._meta.db_table
        for model in apps.get_models()
        if model._meta.db_table.startswith("ws_") and model._meta.managed
    }
    assert "ws_record" in ours and ours <= set(TABLES), sorted(ours - set(TABLES))


def schema_tables(path: Path) -> set[str]:
    """The tables a migrated SQLite store holds, read from the store's own schema."""
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    return {str(row[0]) for row in rows}


def test_every_table_of_the_schema_is_emptied_between_postgresql_tests(
    sqlite_template: Path,
) -> None:
    """Every WholeStory table the migrations make is in conftest's list, and the list names
    only tables that exist (a stale name would make PostgreSQL's TRUNCATE fail)."""
    from conftest import TABLES

    tables = schema_tables(sqlite_template)
    ours = {name for name in tables if name.startswith("ws_")}
    assert {"ws_record", "ws_audit", "ws_audit_head"} <= ours
    assert ours <= set(TABLES), sorted(ours - set(TABLES))
    assert set(TABLES) <= tables, sorted(set(TABLES) - tables)


def test_every_table_of_the_schema_has_its_model(sqlite_template: Path) -> None:
    """Each WholeStory table the migrations make is one a Django model describes, and back."""
    setup_django()
    from django.apps import apps

    tables = {name for name in schema_tables(sqlite_template) if name.startswith("ws_")}
    models = {m._meta.db_table for m in apps.get_models() if m._meta.db_table.startswith("ws_")}
    assert tables == models, sorted(tables ^ models)
