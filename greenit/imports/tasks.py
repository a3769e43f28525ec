"""A big import runs off the request, by the task worker (`greenit db_worker`); the function
that decides between now and later lives here too. The work itself is services.run_import,
and services.py does not import this module."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django_tasks import task

from greenit.core import leases

from . import services
from .models import AssetImport


@task()
def run_import(import_id: int, actor_id: int | None) -> None:
    """Import a big asset list off the request; the import page shows its progress."""
    asset_import = AssetImport.objects.select_related("donation").get(pk=import_id)
    actor = get_user_model().objects.get(pk=actor_id) if actor_id else None
    with leases.heartbeat(asset_import):
        services.run_import(asset_import=asset_import, actor=actor)


@task()
def check_import(import_id: int, actor_id: int | None) -> None:
    """Check a big dry run's every row off the request; `GET /api/imports/{id}` shows it."""
    asset_import = AssetImport.objects.select_related("donation").get(pk=import_id)
    actor = get_user_model().objects.get(pk=actor_id) if actor_id else None
    services.import_check(asset_import=asset_import, actor=actor)


def check_start(*, asset_import: AssetImport, actor) -> None:
    """Queue the check of a big dry run for the task worker."""
    check_import.enqueue(asset_import.pk, actor.pk if actor else None)


def import_start(*, asset_import: AssetImport, actor) -> bool:
    """Run a small import now; queue a big one for the task worker. True when it ran now.
    Pressing "Import" twice starts it once; an import whose worker died (core/leases.py)
    starts again, one whose worker is alive is refused."""
    services.check_donation(asset_import.donation, actor)
    Status = AssetImport.Status
    leases.reap(AssetImport, pk=asset_import.pk)  # its worker died: it may start again
    started = AssetImport.objects.filter(
        pk=asset_import.pk, status__in=[Status.PREVIEWED, Status.FAILED]
    ).update(status=Status.RUNNING)
    if not started:
        raise ValidationError(_("This import is already running or done."))
    asset_import.status = Status.RUNNING
    AssetImport.objects.filter(pk=asset_import.pk).update(heartbeat_at=None, interrupted_at=None)
    if asset_import.mapping.get("checked") or asset_import.errors:
        # Held here too: a request that dies mid-import (its database connection dropped,
        # the process killed) leaves an import that is noticed and may start again.
        with leases.heartbeat(asset_import):
            services.run_import(asset_import=asset_import, actor=actor)
        return True
    run_import.enqueue(asset_import.pk, actor.pk if actor else None)
    return False
