"""The database refuses to change a factor set: an override is a new version, never an edit
(PostgreSQL refuses UPDATE and DELETE, SQLite UPDATE; see assets 0002 for why)."""

from django.db import migrations

PG_UP = """
CREATE FUNCTION impact_factorset_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'factor sets are append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER impact_factorset_append_only BEFORE UPDATE OR DELETE ON impact_factorset
    FOR EACH ROW EXECUTE FUNCTION impact_factorset_append_only();
"""
PG_DOWN = """
DROP TRIGGER IF EXISTS impact_factorset_append_only ON impact_factorset;
DROP FUNCTION IF EXISTS impact_factorset_append_only();
"""
SQLITE_UP = """
CREATE TRIGGER impact_factorset_append_only BEFORE UPDATE ON impact_factorset
BEGIN
    SELECT RAISE(ABORT, 'factor sets are append-only');
END;
"""
SQLITE_DOWN = "DROP TRIGGER IF EXISTS impact_factorset_append_only;"


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
    dependencies = [("impact", "0002_asset_impact_indexes")]
    operations = [migrations.RunPython(forwards, backwards)]
