"""The received index also carries the weight: the mass balance's intake for a period (devices
received, their own weights summed) is then read from the index alone on PostgreSQL, as the
impact figures' counts are (migration 0002). Same name, one more column."""

from django.db import migrations

NEW = {
    "postgresql": "CREATE INDEX asset_impact_received ON assets_asset (created_at) "
    "INCLUDE (state, category, weight_kg)",
    "sqlite": "CREATE INDEX asset_impact_received ON assets_asset "
    "(created_at, state, category, weight_kg)",
}
OLD = {
    "postgresql": "CREATE INDEX asset_impact_received ON assets_asset (created_at) "
    "INCLUDE (state, category)",
    "sqlite": "CREATE INDEX asset_impact_received ON assets_asset (created_at, state, category)",
}


def _replace(statements: dict):
    def run(apps, schema_editor):
        schema_editor.execute("DROP INDEX IF EXISTS asset_impact_received")
        schema_editor.execute(statements[schema_editor.connection.vendor])

    return run


class Migration(migrations.Migration):
    dependencies = [("impact", "0006_lease")]

    operations = [migrations.RunPython(_replace(NEW), _replace(OLD))]
