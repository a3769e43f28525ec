"""The database itself refuses to change a sanitization record (as for custody events:
PostgreSQL refuses UPDATE and DELETE, SQLite refuses UPDATE; see assets 0002)."""

from django.db import migrations

PG_UP = """
CREATE FUNCTION sanitization_record_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'sanitization records are append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER sanitization_record_append_only
    BEFORE UPDATE OR DELETE ON sanitization_sanitizationrecord
    FOR EACH ROW EXECUTE FUNCTION sanitization_record_append_only();
"""
PG_DOWN = """
DROP TRIGGER IF EXISTS sanitization_record_append_only ON sanitization_sanitizationrecord;
DROP FUNCTION IF EXISTS sanitization_record_append_only();
"""
SQLITE_UP = """
CREATE TRIGGER sanitization_record_append_only BEFORE UPDATE ON sanitization_sanitizationrecord
BEGIN
    SELECT RAISE(ABORT, 'sanitization records are append-only');
END;
"""
SQLITE_DOWN = "DROP TRIGGER IF EXISTS sanitization_record_append_only;"


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
    dependencies = [("sanitization", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
