"""The audit log's head row exists from the start, and the database guards it.

Made here rather than by the first writer, so two first writers at once cannot
both try to create it; and its number can never go back or the row be deleted,
which would hide removed newest entries.
"""

from django.db import migrations

GENESIS = "0" * 64


def _guard_head(apps: object, schema_editor: object) -> None:
    vendor = schema_editor.connection.vendor  # type: ignore[attr-defined]
    run = schema_editor.execute  # type: ignore[attr-defined]
    if vendor == "sqlite":
        run(f"INSERT OR IGNORE INTO ws_audit_head (id, seq, hash) VALUES (1, 0, '{GENESIS}')")
        run(
            "CREATE TRIGGER ws_audit_head_no_delete BEFORE DELETE ON ws_audit_head "
            "BEGIN SELECT RAISE(ABORT, 'the audit log head cannot be deleted'); END"
        )
        run(
            "CREATE TRIGGER ws_audit_head_forward BEFORE UPDATE ON ws_audit_head "
            "WHEN NEW.seq < OLD.seq "
            "BEGIN SELECT RAISE(ABORT, 'the audit log head only moves forward'); END"
        )
    elif vendor == "postgresql":
        run(
            f"INSERT INTO ws_audit_head (id, seq, hash) VALUES (1, 0, '{GENESIS}') "
            "ON CONFLICT (id) DO NOTHING"
        )
        run(
            "CREATE FUNCTION ws_audit_head_guard() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN IF TG_OP = 'DELETE' THEN RAISE EXCEPTION 'the audit log head cannot be "
            "deleted'; END IF; IF NEW.seq < OLD.seq THEN RAISE EXCEPTION 'the audit log head "
            "only moves forward'; END IF; RETURN NEW; END $$"
        )
        run(
            "CREATE TRIGGER ws_audit_head_guard BEFORE UPDATE OR DELETE ON ws_audit_head "
            "FOR EACH ROW EXECUTE FUNCTION ws_audit_head_guard()"
        )


def _unguard_head(apps: object, schema_editor: object) -> None:
    vendor = schema_editor.connection.vendor  # type: ignore[attr-defined]
    run = schema_editor.execute  # type: ignore[attr-defined]
    if vendor == "sqlite":
        run("DROP TRIGGER IF EXISTS ws_audit_head_no_delete")
        run("DROP TRIGGER IF EXISTS ws_audit_head_forward")
    elif vendor == "postgresql":
        run("DROP TRIGGER IF EXISTS ws_audit_head_guard ON ws_audit_head")
        run("DROP FUNCTION IF EXISTS ws_audit_head_guard()")


class Migration(migrations.Migration):
    dependencies = [("store", "0004_audit")]

    operations = [migrations.RunPython(_guard_head, _unguard_head)]
