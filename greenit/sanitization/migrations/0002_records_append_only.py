"""The database itself refuses to change a sanitization record, as for custody events (see
greenit/core/append_only.py)."""

from django.db import migrations

from greenit.core.append_only import append_only_trigger


class Migration(migrations.Migration):
    dependencies = [("sanitization", "0001_initial")]
    operations = [
        append_only_trigger(
            name="sanitization_record_append_only",
            table="sanitization_sanitizationrecord",
            message="sanitization records are append-only",
        )
    ]
