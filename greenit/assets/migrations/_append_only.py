"""The SQLite trigger that refuses changes to custody events, for migrations that rebuild
the table (SQLite drops a table's triggers when Django remakes it)."""

from django.db import migrations

from greenit.core.append_only import sqlite_trigger_sql


def _create(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(
            sqlite_trigger_sql(
                name="custody_event_append_only",
                table="assets_custodyevent",
                message="custody events are append-only",
            )
        )


def restore_on_sqlite() -> migrations.RunPython:
    return migrations.RunPython(_create, migrations.RunPython.noop)
