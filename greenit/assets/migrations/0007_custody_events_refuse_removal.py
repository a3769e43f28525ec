"""The database refuses to empty the chain of custody too: DELETE on SQLite, TRUNCATE on
PostgreSQL (see greenit/core/append_only.py)."""

from django.db import migrations

from greenit.core.append_only import append_only_removal_trigger


class Migration(migrations.Migration):
    dependencies = [("assets", "0006_label_sheets")]
    operations = [
        append_only_removal_trigger(
            name="custody_event_append_only",
            table="assets_custodyevent",
            message="custody events are append-only",
        )
    ]
