"""The database refuses to empty the factor sets too: DELETE on SQLite, TRUNCATE on
PostgreSQL (see greenit/core/append_only.py)."""

from django.db import migrations

from greenit.core.append_only import append_only_removal_trigger


class Migration(migrations.Migration):
    dependencies = [("impact", "0004_device_tally")]
    operations = [
        append_only_removal_trigger(
            name="impact_factorset_append_only",
            table="impact_factorset",
            message="factor sets are append-only",
        )
    ]
