"""The database refuses to empty the sanitization records (DELETE on SQLite, TRUNCATE on
PostgreSQL), and keeps certificates as issued: their signed content never changes, a
revocation can be neither undone nor rewritten, and no certificate can be removed — not even
by SQL typed at a console (see greenit/core/append_only.py)."""

from django.db import migrations

from greenit.core.append_only import SQLITE_LIFT_FUNCTION, append_only_removal_trigger

TABLE = "sanitization_certificate"
MESSAGE = "certificates of sanitization are kept as issued: revoke one, never change or remove it"
# Whatever was signed or published, and who issued it.
SIGNED = ["number", "verify_code", "donation_id", "issued_at", "issued_by_id", "payload",
          "signature", "key_fingerprint"]
REVOCATION = ["revoked_at", "revoked_by_id", "revocation_reason"]

PG_FORWARDS = f"""
CREATE FUNCTION sanitization_certificate_kept() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        IF current_setting('greenit.append_only', true) = 'lifted' THEN RETURN NULL; END IF;
        RAISE EXCEPTION '{MESSAGE}';
    END IF;
    IF TG_OP = 'DELETE'
       OR ({" OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in SIGNED)})
       OR (OLD.revoked_at IS NOT NULL AND
           ({" OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in REVOCATION)})) THEN
        RAISE EXCEPTION '{MESSAGE}';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER sanitization_certificate_kept BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION sanitization_certificate_kept();
CREATE TRIGGER sanitization_certificate_kept_truncate BEFORE TRUNCATE ON {TABLE}
    FOR EACH STATEMENT EXECUTE FUNCTION sanitization_certificate_kept();
"""
PG_BACKWARDS = f"""
DROP TRIGGER IF EXISTS sanitization_certificate_kept ON {TABLE};
DROP TRIGGER IF EXISTS sanitization_certificate_kept_truncate ON {TABLE};
DROP FUNCTION IF EXISTS sanitization_certificate_kept();
"""
SQLITE_FORWARDS = [
    f"""CREATE TRIGGER IF NOT EXISTS sanitization_certificate_kept BEFORE UPDATE ON {TABLE}
WHEN {" OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in SIGNED)}
   OR (OLD.revoked_at IS NOT NULL AND
       ({" OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in REVOCATION)}))
BEGIN
    SELECT RAISE(ABORT, '{MESSAGE}');
END;""",
    f"""CREATE TRIGGER IF NOT EXISTS sanitization_certificate_kept_delete BEFORE DELETE ON {TABLE}
WHEN NOT {SQLITE_LIFT_FUNCTION}()
BEGIN
    SELECT RAISE(ABORT, '{MESSAGE}');
END;""",
]
SQLITE_BACKWARDS = [
    "DROP TRIGGER IF EXISTS sanitization_certificate_kept",
    "DROP TRIGGER IF EXISTS sanitization_certificate_kept_delete",
]


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FORWARDS)
    elif vendor == "sqlite":
        for sql in SQLITE_FORWARDS:
            schema_editor.execute(sql)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_BACKWARDS)
    elif vendor == "sqlite":
        for sql in SQLITE_BACKWARDS:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("sanitization", "0003_certificate_verify_code")]
    operations = [
        append_only_removal_trigger(
            name="sanitization_record_append_only",
            table="sanitization_sanitizationrecord",
            message="sanitization records are append-only",
        ),
        migrations.RunPython(forwards, backwards),
    ]
