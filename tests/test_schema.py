"""The core's SQL and Django's models describe the same tables; the core never imports Django."""

from __future__ import annotations

import subprocess
import sys

from wholestory.ingest.validation import RECORD_FIELDS, RELATIONSHIP_FIELDS
from wholestory.store.records import RECORD_WRITE_COLUMNS_EXTRA
from wholestory.web.bootstrap import setup_django


def columns_of(model_name: str) -> set[str]:
    setup_django()
    from django.apps import apps

    model = apps.get_model("store", model_name)
    return {field.column for field in model._meta.concrete_fields}


def test_record_columns_written_by_ingest_match_the_model() -> None:
    assert set(RECORD_FIELDS) | set(RECORD_WRITE_COLUMNS_EXTRA) | {"id"} == columns_of("Record")


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


def test_core_library_runs_without_django() -> None:
    code = (
        "import sys\n"
        "import wholestory.ingest, wholestory.store, wholestory.exporting, wholestory.synth\n"
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
