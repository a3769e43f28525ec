"""Records that are written once and never changed: custody events, sanitization records,
impact factor sets (and a certificate's signed content and revocation).

The model and its querysets refuse here; each table also has database triggers (see the
migrations) so that no other code or console can change or remove a row either:

| | PostgreSQL | SQLite |
|---|---|---|
| `UPDATE` | refused (row trigger) | refused (trigger) |
| `DELETE` | refused (row trigger) | refused (trigger) |
| `TRUNCATE` | refused (statement trigger) | — (SQLite has none) |

One door is left, for Django's `flush` in the test suite only (it empties every table between
transactional tests, with `TRUNCATE` on PostgreSQL and `DELETE` on SQLite): inside
`lifted(connection)` the `TRUNCATE` trigger (PostgreSQL) and the `DELETE` trigger (SQLite)
let an emptying through. On PostgreSQL that is a session setting (`greenit.append_only`) —
row-by-row `DELETE` and `UPDATE` stay refused even then; on SQLite it is a function that
greenit registers on its own connections (`greenit_append_only_lifted()`), so that the
`sqlite3` shell or any other program, which does not have it, cannot delete at all."""

from contextlib import contextmanager

from django.db import models
from django.utils import translation

LIFT_SETTING = "greenit.append_only"
SQLITE_LIFT_FUNCTION = "greenit_append_only_lifted"


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


def sqlite_delete_trigger_sql(*, name: str, table: str, message: str) -> str:
    """SQLite's trigger that refuses DELETE unless `lifted()` (test flush only)."""
    return (
        f"CREATE TRIGGER IF NOT EXISTS {name}_delete BEFORE DELETE ON {table}\n"
        f"WHEN NOT {SQLITE_LIFT_FUNCTION}()\n"
        f"BEGIN\n    SELECT RAISE(ABORT, '{message}');\nEND;"
    )


def register_sqlite_function(sender=None, connection=None, **kwargs) -> None:
    """`connection_created` receiver: gives each of greenit's SQLite connections the function
    that the DELETE triggers ask whether an emptying is lifted (never, outside `lifted`)."""
    if connection is not None and connection.vendor == "sqlite":
        connection.connection.create_function(
            SQLITE_LIFT_FUNCTION, 0, lambda: int(getattr(connection, "_append_only_lifted", 0))
        )


@contextmanager
def lifted(connection):
    """Let Django's `flush` empty append-only tables on `connection` (used by the test suite's
    flush between transactional tests; see the module's docstring)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, 'lifted', false)", [LIFT_SETTING])
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config(%s, '', false)", [LIFT_SETTING])
    else:
        connection._append_only_lifted = True
        try:
            yield
        finally:
            connection._append_only_lifted = False


def _pg_truncate_sql(name: str, table: str, message: str) -> str:
    return (
        f"CREATE OR REPLACE FUNCTION {name}_truncate() RETURNS trigger AS $$\n"
        f"BEGIN\n"
        f"    IF current_setting('{LIFT_SETTING}', true) = 'lifted' THEN RETURN NULL; END IF;\n"
        f"    RAISE EXCEPTION '{message}';\n"
        f"END;\n$$ LANGUAGE plpgsql;\n"
        f"CREATE TRIGGER {name}_truncate BEFORE TRUNCATE ON {table}\n"
        f"    FOR EACH STATEMENT EXECUTE FUNCTION {name}_truncate();"
    )


def append_only_removal_trigger(*, name: str, table: str, message: str):
    """The migration operation that makes the database refuse to empty `table`: TRUNCATE on
    PostgreSQL (its row triggers do not see it), DELETE on SQLite. Used after
    `append_only_trigger`, which refuses UPDATE (both) and DELETE (PostgreSQL)."""
    from django.db import migrations

    def forwards(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor == "postgresql":
            schema_editor.execute(_pg_truncate_sql(name, table, message))
        elif vendor == "sqlite":
            schema_editor.execute(
                sqlite_delete_trigger_sql(name=name, table=table, message=message)
            )

    def backwards(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}_truncate ON {table}")
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {name}_truncate()")
        elif vendor == "sqlite":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}_delete")

    return migrations.RunPython(forwards, backwards)


def append_only_trigger(*, name: str, table: str, message: str):
    """The migration operation that makes the database refuse changes to `table`'s rows:
    PostgreSQL refuses UPDATE and DELETE; SQLite refuses UPDATE (DELETE on SQLite and TRUNCATE
    on PostgreSQL: `append_only_removal_trigger`, a later migration). `name` names the trigger
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
