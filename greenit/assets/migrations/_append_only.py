"""The SQLite trigger that refuses changes to custody events, for migrations that rebuild
the table (SQLite drops a table's triggers when Django remakes it)."""

from django.db import migrations

from greenit.core.append_only import sqlite_delete_trigger_sql, sqlite_trigger_sql


def _create(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        names = {
            "name": "custody_event_append_only",
            "table": "assets_custodyevent",
            "message": "custody events are append-only",
        }
        schema_editor.execute(sqlite_trigger_sql(**names))
        # Created by 0007; remade here for any later migration that rebuilds the table.
        schema_editor.execute(sqlite_delete_trigger_sql(**names))


def restore_on_sqlite() -> migrations.RunPython:
    return migrations.RunPython(_create, migrations.RunPython.noop)
