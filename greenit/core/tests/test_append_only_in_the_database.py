"""The database itself keeps append-only records: DELETE (SQLite and PostgreSQL), TRUNCATE
(PostgreSQL) and UPDATE are refused on custody events, sanitization records and factor sets,
from Django's connection and from a plain one (a console); a certificate's signed content and
its revocation cannot be changed or the certificate removed by SQL. Only Django's flush in the
test suite is let through (`append_only.lifted`)."""

import sqlite3

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from greenit.assets import lifecycle
from greenit.assets.models import CustodyEvent, State
from greenit.core import append_only
from greenit.impact.models import FactorSet
from greenit.sanitization import services as sanitization
from greenit.sanitization.models import Certificate, SanitizationRecord

pytestmark = pytest.mark.django_db(transaction=True)

MODELS = [CustodyEvent, SanitizationRecord, FactorSet]


@pytest.fixture
def rows(laptop, alice):
    laptop.refresh_from_db()
    if laptop.state != State.SANITIZED:
        lifecycle.transition(laptop, State.SANITIZED, actor=alice, note="nwipe, verified")
    if not FactorSet.objects.exists():
        FactorSet.objects.create(version=1, factors={}, note="test")
    assert all(model.objects.exists() for model in MODELS), "each table needs a row to try"


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _refused(sql: str, params=()) -> None:
    with pytest.raises(DatabaseError, match="append-only|kept as issued"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)


def _counts() -> dict:
    return {model: model.objects.count() for model in MODELS}


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_delete_is_refused(rows, model):
    before = _counts()
    _refused(f"DELETE FROM {_table(model)}")  # noqa: S608
    _refused(f"DELETE FROM {_table(model)} WHERE id = %s", [model.objects.first().pk])  # noqa: S608
    assert _counts() == before


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_update_is_refused(rows, model):
    _refused(f"UPDATE {_table(model)} SET id = id")  # noqa: S608


@pytest.mark.parametrize("model", [*MODELS, Certificate], ids=lambda m: m.__name__)
def test_truncate_is_refused_on_postgresql(donated_and_certified, rows, model):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no TRUNCATE")
    before = _counts()
    _refused(f"TRUNCATE {_table(model)} CASCADE")
    assert _counts() == before
    assert Certificate.objects.exists()


def test_a_console_without_greenit_cannot_delete_on_sqlite(rows, tmp_path):
    """The sqlite3 shell or any other program lacks greenit's function: its DELETE fails."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    name = connection.settings_dict["NAME"]
    if name == ":memory:" or "mode=memory" in str(name):
        pytest.skip("an in-memory test database cannot be opened by a second program")
    other = sqlite3.connect(name)
    try:
        for model in [*MODELS, Certificate]:
            with pytest.raises(sqlite3.OperationalError):
                other.execute(f"DELETE FROM {model._meta.db_table}")  # noqa: S608
    finally:
        other.rollback()
        other.close()
    assert all(model.objects.exists() for model in MODELS)


def test_the_lift_lets_only_an_emptying_through_and_ends(rows):
    with append_only.lifted(connection):
        # Row updates stay refused even while an emptying is allowed.
        _refused(f"UPDATE {_table(CustodyEvent)} SET note = 'forged'")  # noqa: S608
    _refused(f"DELETE FROM {_table(CustodyEvent)}")  # noqa: S608


@pytest.fixture
def donated_and_certified(laptop, alice, ada) -> Certificate:
    laptop.refresh_from_db()
    if laptop.state != State.SANITIZED:
        lifecycle.transition(laptop, State.SANITIZED, actor=alice, note="nwipe, verified")
    donation = laptop.donation
    # the random sample of the batch, read back by someone other than the wiper
    for item in sanitization.sample_draw(donation, alice).items.all():
        sanitization.sample_verify(item, ada, result="passed", method="read back")
    return sanitization.certificate_issue(donation, actor=alice)


CERT = connection.ops.quote_name(Certificate._meta.db_table)


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("payload", "{}"),
        ("signature", "forged"),
        ("number", "CERT-FORGED"),
        ("verify_code", "AAAAAAAAAAAA"),
        ("key_fingerprint", "SHA256:forged"),
    ],
)
def test_a_certificates_signed_content_cannot_change(donated_and_certified, column, value):
    _refused(f"UPDATE {CERT} SET {column} = %s", [value])  # noqa: S608
    stored = Certificate.objects.get(pk=donated_and_certified.pk)
    assert getattr(stored, column) == getattr(donated_and_certified, column)


@pytest.mark.parametrize(
    ("assignment", "params"),
    [
        ("revoked_at = NULL", []),
        ("revoked_by_id = NULL", []),
        ("revocation_reason = ''", []),
        ("revocation_reason = %s", ["issued by mistake"]),
        ("revoked_at = %s", [timezone.now()]),
    ],
)
def test_a_revocation_cannot_be_undone_or_rewritten(
    donated_and_certified, alice, assignment, params
):
    sanitization.certificate_revoke(donated_and_certified, "wrong donation", alice)
    _refused(f"UPDATE {CERT} SET {assignment}", params)  # noqa: S608
    stored = Certificate.objects.get(pk=donated_and_certified.pk)
    assert stored.revoked and stored.revocation_reason == "wrong donation"


def test_a_certificate_cannot_be_removed(donated_and_certified):
    _refused(f"DELETE FROM {CERT}")  # noqa: S608
    assert Certificate.objects.filter(pk=donated_and_certified.pk).exists()


def test_revoking_through_the_service_still_works(donated_and_certified, alice):
    sanitization.certificate_revoke(donated_and_certified, "wrong donation", alice)
    assert Certificate.objects.get(pk=donated_and_certified.pk).revoked
