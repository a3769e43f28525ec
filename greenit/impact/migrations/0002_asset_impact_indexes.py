"""Indexes on assets_asset that only the impact figures read, so they live with impact.

On PostgreSQL they are covering indexes (INCLUDE), so both grouped queries of
calculations.device_counts() are answered from the index alone; SQLite gets plain composite
indexes with the same columns. See docs/benchmarks.md (Impact)."""

from django.db import migrations

POSTGRES = [
    "CREATE INDEX IF NOT EXISTS asset_impact_fate ON assets_asset (state, state_changed_at) "
    "INCLUDE (category, weight_kg)",
    "CREATE INDEX IF NOT EXISTS asset_impact_received ON assets_asset (created_at) "
    "INCLUDE (state, category)",
]
SQLITE = [
    "CREATE INDEX IF NOT EXISTS asset_impact_fate ON assets_asset "
    "(state, state_changed_at, category, weight_kg)",
    "CREATE INDEX IF NOT EXISTS asset_impact_received ON assets_asset (created_at, state, category)",
]


def create(apps, schema_editor):
    statements = POSTGRES if schema_editor.connection.vendor == "postgresql" else SQLITE
    for sql in statements:
        schema_editor.execute(sql)


def drop(apps, schema_editor):
    for name in ("asset_impact_fate", "asset_impact_received"):
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("impact", "0001_initial"), ("assets", "0005_state_category_index")]

    operations = [migrations.RunPython(create, drop)]
