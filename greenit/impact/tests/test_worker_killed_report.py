"""Fault injection: a real `manage.py db_worker` is killed with SIGKILL while it generates a
CSR report, on SQLite (a database file) and PostgreSQL. The report then shows as failed with
the reason once its lease has run out, has no files (its files and status are saved in one
transaction at the end), a retry is refused while the lease is live and works after."""

import signal
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connections
from django.test import Client
from django.urls import reverse

from greenit.core.tests.workers import Shared, wait_for
from greenit.impact import reports, tasks
from greenit.impact.models import ImpactReport

pytestmark = pytest.mark.django_db(transaction=True)

LEASE = 1.5


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_a_worker_killed_mid_report_leaves_no_files_and_the_report_can_run_again(
    worked_example, east_auto, paul, settings, media, tmp_path
):
    settings.TASK_LEASE_SECONDS = LEASE
    settings.IMPACT_INLINE_DEVICES = 0
    report = reports.report_request(actor=paul, organisation=east_auto, kind="donor")
    assert tasks.report_start(report=report) is False  # queued
    shared = Shared(tmp_path, lease=LEASE)
    shared.to_worker()
    row = f"SELECT status, heartbeat_at FROM impact_impactreport WHERE id = {report.pk}"  # noqa: S608

    worker = shared.worker()
    try:
        wait_for(
            lambda: (r := shared.read(row))[0] == "running" and r[1] is not None,
            seconds=60,
            what="the worker to start the report",
            worker=worker,
        )
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait()
    connections.close_all()
    shared.from_worker()

    report.refresh_from_db()
    if report.status == ImpactReport.Status.DONE:
        pytest.skip("the report was finished before the kill reached the worker")
    assert report.status == ImpactReport.Status.RUNNING
    assert not report.pdf and not report.csv and not report.xlsx  # nothing half-written
    with pytest.raises(ValidationError, match="being generated"):
        tasks.report_retry(report=report)

    time.sleep(LEASE + 0.2)
    client = Client()
    client.force_login(paul)
    page = client.get(reverse("impact:progress", args=[report.pk]))
    assert "The worker stopped while doing this" in page.content.decode()
    report.refresh_from_db()
    assert report.status == ImpactReport.Status.FAILED

    tasks.report_retry(report=report)
    shared.to_worker()
    worker = shared.worker("--batch")
    try:
        assert worker.wait(timeout=300) == 0, worker.stderr.read().decode()[-2000:]
    finally:
        if worker.poll() is None:
            worker.kill()
    connections.close_all()
    shared.from_worker()
    report.refresh_from_db()
    assert report.status == ImpactReport.Status.DONE, report.error
    assert report.pdf and report.csv and report.xlsx
