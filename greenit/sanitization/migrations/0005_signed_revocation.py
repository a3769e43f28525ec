"""A revocation is itself signed: the signed statement and its signature are kept with the
certificate, and the database keeps them as written, like the rest of a revocation (the
triggers of 0004 are made again with the two new columns; adding a column may rebuild the
table on SQLite, which drops its triggers)."""

import importlib

from django.db import migrations, models

kept = importlib.import_module(
    "greenit.sanitization.migrations.0004_refuse_removal_and_unrevoking"
)
REVOCATION = [*kept.REVOCATION, "revocation_statement", "revocation_signature"]


def _create(schema_editor, columns: list[str]) -> None:
    """0004's triggers, refusing a change to any of `columns` once a certificate is revoked."""

    def clause(op: str, names: list[str]) -> str:
        return " OR ".join(f"NEW.{c} {op} OLD.{c}" for c in names)

    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        old, new = clause("IS DISTINCT FROM", kept.REVOCATION), clause("IS DISTINCT FROM", columns)
        schema_editor.execute(kept.PG_FORWARDS.replace(old, new))
    elif vendor == "sqlite":
        old, new = clause("IS NOT", kept.REVOCATION), clause("IS NOT", columns)
        for sql in kept.SQLITE_FORWARDS:
            schema_editor.execute(sql.replace(old, new))


def forwards(apps, schema_editor):
    kept.backwards(apps, schema_editor)
    _create(schema_editor, REVOCATION)


def backwards(apps, schema_editor):
    kept.backwards(apps, schema_editor)
    _create(schema_editor, kept.REVOCATION)


class Migration(migrations.Migration):
    dependencies = [
        ("sanitization", "0004_refuse_removal_and_unrevoking"),
    ]

    operations = [
        migrations.AddField(
            model_name="certificate",
            name="revocation_signature",
            field=models.CharField(
                blank=True,
                editable=False,
                max_length=200,
                verbose_name="signature of the revocation",
            ),
        ),
        migrations.AddField(
            model_name="certificate",
            name="revocation_statement",
            field=models.TextField(blank=True, editable=False, verbose_name="signed revocation"),
        ),
        migrations.RunPython(forwards, backwards),
    ]
