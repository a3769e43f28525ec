"""The database refuses to change a factor set: an override is a new version, never an edit
(see greenit/core/append_only.py)."""

from django.db import migrations

from greenit.core.append_only import append_only_trigger


class Migration(migrations.Migration):
    dependencies = [("impact", "0002_asset_impact_indexes")]
    operations = [
        append_only_trigger(
            name="impact_factorset_append_only",
            table="impact_factorset",
            message="factor sets are append-only",
        )
    ]
