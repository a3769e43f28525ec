"""Fault injection: the database connection is cut (pg_terminate_backend from another
session) in the middle of an import's write, after the devices were inserted and before the
transaction commits. Nothing of the import is in the database; the import is noticed as
interrupted once its lease has run out and imports every row when started again."""

import time

import psycopg
import pytest
from django.db import DatabaseError, connection, connections

from greenit.assets import lifecycle
from greenit.assets.models import Asset, CustodyEvent
from greenit.imports import services, tasks
from greenit.imports.models import AssetImport

from .helpers import ENGLISH, csv_bytes, english_rows

pytestmark = pytest.mark.django_db(transaction=True)

LEASE = 0.5


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _cut_this_connection() -> None:
    pid = connection.connection.info.backend_pid
    with psycopg.connect(**connection.get_connection_params(), autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])


@pytest.mark.parametrize("rows", [3, 40])
def test_a_connection_cut_mid_import_writes_nothing_and_the_import_runs_again(
    donation, lena, settings, monkeypatch, rows
):
    if connection.vendor != "postgresql":
        pytest.skip("a server connection to cut: PostgreSQL")
    settings.TASK_LEASE_SECONDS = LEASE
    asset_import = services.import_upload(
        donation=donation, data=csv_bytes(ENGLISH, english_rows(rows)), filename="l.csv", actor=lena
    )
    enter_many = lifecycle.enter_many

    def enter_then_cut(*args, **kwargs):
        created = enter_many(*args, **kwargs)  # the devices are inserted, not committed
        assert connection.in_atomic_block
        _cut_this_connection()
        return created

    monkeypatch.setattr(lifecycle, "enter_many", enter_then_cut)
    with pytest.raises(DatabaseError):
        tasks.import_start(asset_import=asset_import, actor=lena)
    monkeypatch.undo()
    connections.close_all()  # the request ends; the next one connects afresh

    assert Asset.objects.filter(donation=donation).count() == 0
    assert CustodyEvent.objects.filter(asset__donation=donation).count() == 0
    asset_import.refresh_from_db()
    # Marked failed at once when a new connection could say so; else the lease tells.
    assert asset_import.status in (AssetImport.Status.FAILED, AssetImport.Status.RUNNING)
    assert asset_import.heartbeat_at is not None
    time.sleep(LEASE + 0.1)
    assert tasks.import_start(asset_import=asset_import, actor=lena) is True
    asset_import.refresh_from_db()
    assert asset_import.status == AssetImport.Status.DONE
    assert Asset.objects.filter(donation=donation).count() == rows
