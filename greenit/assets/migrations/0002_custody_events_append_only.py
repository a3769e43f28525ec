"""The database itself refuses to change a custody event, whatever code or console tries.

PostgreSQL refuses UPDATE and DELETE. SQLite refuses UPDATE; DELETE is refused by the model
and the admin there, because Django's test flush on SQLite empties tables with DELETE (on
PostgreSQL it uses TRUNCATE, which row triggers do not see)."""

from django.db import migrations

PG_UP = """
CREATE FUNCTION custody_event_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'custody events are append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER custody_event_append_only BEFORE UPDATE OR DELETE ON assets_custodyevent
    FOR EACH ROW EXECUTE FUNCTION custody_event_append_only();
"""
PG_DOWN = """
DROP TRIGGER IF EXISTS custody_event_append_only ON assets_custodyevent;
DROP FUNCTION IF EXISTS custody_event_append_only();
"""
SQLITE_UP = """
CREATE TRIGGER custody_event_append_only BEFORE UPDATE ON assets_custodyevent
BEGIN
    SELECT RAISE(ABORT, 'custody events are append-only');
END;
"""
SQLITE_DOWN = "DROP TRIGGER IF EXISTS custody_event_append_only;"


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_UP)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_UP)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_DOWN)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_DOWN)


class Migration(migrations.Migration):
    dependencies = [("assets", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
