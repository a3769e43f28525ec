"""Records that are written once and never changed: custody events, sanitization records,
impact factor sets.

The model and its querysets refuse here; each table also has a database trigger (see the
migrations) so that no other code or console can change a row either."""

from django.db import models
from django.utils import translation


class AppendOnly(Exception):
    pass


def _refuse(model) -> AppendOnly:
    with translation.override("en"):
        return AppendOnly(f"{model._meta.verbose_name_plural} are append-only")


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise _refuse(self.model)

    def delete(self):
        raise _refuse(self.model)


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise _refuse(type(self))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise _refuse(type(self))


def sqlite_trigger_sql(*, name: str, table: str, message: str) -> str:
    # IF NOT EXISTS: migrations that rebuild the table (which drops its triggers) run it again.
    return (
        f"CREATE TRIGGER IF NOT EXISTS {name} BEFORE UPDATE ON {table}\n"
        f"BEGIN\n    SELECT RAISE(ABORT, '{message}');\nEND;"
    )


def append_only_trigger(*, name: str, table: str, message: str):
    """The migration operation that makes the database refuse changes to `table`'s rows:
    PostgreSQL refuses UPDATE and DELETE; SQLite refuses UPDATE, DELETE being refused there by
    the model and the admin, because Django's test flush on SQLite empties tables with DELETE
    (on PostgreSQL it uses TRUNCATE, which row triggers do not see). `name` names the trigger
    and its function; `message` is the error the database raises."""
    from django.db import migrations

    def forwards(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor == "postgresql":
            schema_editor.execute(
                f"CREATE FUNCTION {name}() RETURNS trigger AS $$\n"
                f"BEGIN\n    RAISE EXCEPTION '{message}';\nEND;\n$$ LANGUAGE plpgsql;\n"
                f"CREATE TRIGGER {name} BEFORE UPDATE OR DELETE ON {table}\n"
                f"    FOR EACH ROW EXECUTE FUNCTION {name}();"
            )
        elif vendor == "sqlite":
            schema_editor.execute(sqlite_trigger_sql(name=name, table=table, message=message))

    def backwards(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {name}()")
        elif vendor == "sqlite":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")

    return migrations.RunPython(forwards, backwards)
