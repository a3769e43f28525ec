"""Fault injection: a real `manage.py db_worker` is killed with SIGKILL in the middle of a big
import — while it checks the rows, and while it writes them — on SQLite (a database file) and
on PostgreSQL. Afterwards the import shows as failed with the reason once its lease has run
out, not a single device of it is in the database (the write is one transaction), and
starting it again imports every row."""

import signal
import time

import pytest
from django.db import connections
from django.urls import reverse

from greenit.assets.models import Asset, CustodyEvent
from greenit.core.tests.workers import Shared, wait_for
from greenit.imports import services, tasks
from greenit.imports.models import AssetImport

from .helpers import ENGLISH, csv_bytes, english_rows

pytestmark = pytest.mark.django_db(transaction=True)

ROWS = 10000  # a multiple of checking.PROGRESS_EVERY: all checked is seen before the write
LEASE = 1.5


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.mark.parametrize("moment", ["checking", "writing"])
def test_a_worker_killed_mid_import_leaves_nothing_and_the_import_can_run_again(
    donation, lena, settings, media, tmp_path, moment
):
    settings.IMPORT_INLINE_ROWS = 10
    settings.TASK_LEASE_SECONDS = LEASE
    asset_import = services.import_upload(
        donation=donation,
        data=csv_bytes(ENGLISH, english_rows(ROWS)),
        filename="big.csv",
        actor=lena,
    )
    assert tasks.import_start(asset_import=asset_import, actor=lena) is False  # queued
    shared = Shared(tmp_path, lease=LEASE)
    shared.to_worker()
    row = (
        "SELECT status, rows_done, heartbeat_at FROM imports_assetimport "  # noqa: S608
        f"WHERE id = {asset_import.pk}"
    )

    worker = shared.worker()
    try:
        if moment == "checking":
            # Part-way through checking the rows, with the lease held.
            wait_for(
                lambda: (r := shared.read(row))[1] > 0 and r[2] is not None,
                seconds=60,
                what="the worker to check rows",
                worker=worker,
            )
        else:
            # Every row checked: the worker is writing the devices in one transaction.
            wait_for(
                lambda: shared.read(row)[1] >= ROWS, seconds=120, what="checking", worker=worker
            )
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait()
    connections.close_all()
    shared.from_worker()

    asset_import.refresh_from_db()
    created = Asset.objects.filter(donation=donation).count()
    if asset_import.status == AssetImport.Status.DONE:
        # The kill came a moment after the commit: everything is there, exactly once.
        assert moment == "writing"
        assert created == ROWS
        return
    # Nothing half-written: no device, no custody event of this import.
    assert created == 0
    assert CustodyEvent.objects.filter(asset__donation=donation).count() == 0
    assert asset_import.status == AssetImport.Status.RUNNING  # its worker is silent…
    with pytest.raises(Exception, match="already running"):  # …but the lease is still live
        tasks.import_start(asset_import=asset_import, actor=lena)

    time.sleep(LEASE + 0.2)  # the lease runs out
    from django.test import Client

    client = Client()
    client.force_login(lena)
    page = client.get(reverse("imports:detail", args=[asset_import.pk]))
    assert "The worker stopped while doing this" in page.content.decode()
    asset_import.refresh_from_db()
    assert asset_import.status == AssetImport.Status.FAILED

    # Start it again: a fresh worker imports every row.
    assert tasks.import_start(asset_import=asset_import, actor=lena) is False
    shared.to_worker()
    worker = shared.worker("--batch")
    try:
        assert worker.wait(timeout=300) == 0, worker.stderr.read().decode()[-2000:]
    finally:
        if worker.poll() is None:
            worker.kill()
    connections.close_all()
    shared.from_worker()
    asset_import.refresh_from_db()
    assert asset_import.status == AssetImport.Status.DONE, asset_import.errors[:3]
    assert Asset.objects.filter(donation=donation).count() == ROWS
    assert CustodyEvent.objects.filter(asset__donation=donation).count() == ROWS
