"""The SQLite trigger that refuses changes to custody events, for migrations that rebuild
the table (SQLite drops a table's triggers when Django remakes it)."""

from django.db import migrations

SQLITE_TRIGGER = """
CREATE TRIGGER IF NOT EXISTS custody_event_append_only BEFORE UPDATE ON assets_custodyevent
BEGIN
    SELECT RAISE(ABORT, 'custody events are append-only');
END;
"""


def _create(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_TRIGGER)


def restore_on_sqlite() -> migrations.RunPython:
    return migrations.RunPython(_create, migrations.RunPython.noop)
