"""A worker that dies during an import (killed, out of memory, the machine restarted) is
noticed: once its heartbeat is older than TASK_LEASE_SECONDS the import shows as failed, with
the reason, on the page and in the API; it can be started again, but not while the lease is
live; and nothing of it was written. The test with a real `db_worker` killed by SIGKILL is in
test_worker_killed.py."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from greenit.assets.models import Asset
from greenit.imports import services, tasks
from greenit.imports.models import AssetImport

from .helpers import ENGLISH, csv_bytes, english_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(donation, lena, settings) -> AssetImport:
    """A big import handed to the worker (which, here, never runs)."""
    settings.IMPORT_INLINE_ROWS = 10
    settings.TASK_LEASE_SECONDS = 60
    asset_import = services.import_upload(
        donation=donation, data=csv_bytes(ENGLISH, english_rows(30)), filename="l.csv", actor=lena
    )
    assert tasks.import_start(asset_import=asset_import, actor=lena) is False
    return asset_import


def _worker_last_seen(asset_import, seconds_ago: float) -> None:
    AssetImport.objects.filter(pk=asset_import.pk).update(
        heartbeat_at=timezone.now() - timedelta(seconds=seconds_ago), rows_done=12
    )


def test_a_queued_import_that_no_worker_has_started_is_waiting_not_failed(queued, client, lena):
    client.force_login(lena)
    client.get(reverse("imports:detail", args=[queued.pk]))
    queued.refresh_from_db()
    assert queued.status == AssetImport.Status.RUNNING and queued.interrupted_at is None


@pytest.mark.parametrize("seconds_ago", [0, 30, 59])
def test_a_retry_is_refused_while_the_lease_is_live(queued, lena, seconds_ago):
    _worker_last_seen(queued, seconds_ago)
    with pytest.raises(ValidationError, match="already running"):
        tasks.import_start(asset_import=queued, actor=lena)
    queued.refresh_from_db()
    assert queued.status == AssetImport.Status.RUNNING


@pytest.mark.parametrize("seconds_ago", [61, 3600, 86400 * 30])
def test_an_import_whose_worker_stopped_shows_as_failed_with_the_reason(
    queued, client, lena, seconds_ago
):
    _worker_last_seen(queued, seconds_ago)
    client.force_login(lena)
    page = client.get(reverse("imports:detail", args=[queued.pk]))
    assert "The worker stopped while doing this" in page.content.decode()
    queued.refresh_from_db()
    assert queued.status == AssetImport.Status.FAILED
    assert queued.interrupted_at is not None
    api = client.get(f"/api/imports/{queued.pk}")
    assert api.json()["status"] == "failed"
    assert Asset.objects.count() == 0  # nothing half-written


def test_the_progress_poll_and_the_api_notice_too(queued, client, lena):
    _worker_last_seen(queued, 120)
    client.force_login(lena)
    poll = client.get(reverse("imports:progress", args=[queued.pk]))
    assert "The worker stopped while doing this" in poll.content.decode()
    assert client.get(f"/api/imports/{queued.pk}").json()["status"] == "failed"


def test_an_interrupted_import_can_be_started_again_and_completes(queued, lena, settings):
    _worker_last_seen(queued, 120)
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    assert tasks.import_start(asset_import=queued, actor=lena) is False
    queued.refresh_from_db()
    assert queued.status == AssetImport.Status.DONE
    assert queued.interrupted_at is None and queued.heartbeat_at is not None
    assert Asset.objects.filter(donation=queued.donation).count() == 30


def test_the_work_beats_while_it_runs(queued, lena, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    before = timezone.now()
    tasks.run_import.call(queued.pk, lena.pk)
    queued.refresh_from_db()
    assert queued.heartbeat_at >= before
