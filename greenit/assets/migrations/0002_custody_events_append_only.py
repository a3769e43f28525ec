"""The database itself refuses to change a custody event, whatever code or console tries
(see greenit/core/append_only.py for what each database refuses, and why)."""

from django.db import migrations

from greenit.core.append_only import append_only_trigger


class Migration(migrations.Migration):
    dependencies = [("assets", "0001_initial")]
    operations = [
        append_only_trigger(
            name="custody_event_append_only",
            table="assets_custodyevent",
            message="custody events are append-only",
        )
    ]
