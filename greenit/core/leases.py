"""Long work done by the task worker (imports, CSR reports, label sheets) holds a lease: while
it runs, a thread beats a heartbeat into its record every few seconds. A worker that dies —
killed, out of memory, the machine restarted — stops beating; once the heartbeat is older
than `TASK_LEASE_SECONDS` the record is *interrupted*: marked failed, with when and why, and
the user may start it again. While the lease is live a retry is refused (the work is still
running somewhere).

What the work writes is written in one transaction at its end (an import's devices, a
report's files and status), so a dead worker leaves nothing half-written: its transaction
is rolled back by the database.

A record is noticed as interrupted when anybody looks (the page, the progress poll, the API),
when a retry is asked for, and when the worker starts any long work: `reap(Model)` is one
UPDATE of the running records whose heartbeat is stale.

Models: `class AssetImport(LeasedWork, models.Model)` with a `Status` that has RUNNING and
FAILED; the work runs inside `with heartbeat(record):`."""

import threading
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, connections, models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _


class LeasedWork(models.Model):
    """The fields of a lease: the last heartbeat of the worker doing the work, and when the
    work was found interrupted (its worker gone)."""

    heartbeat_at = models.DateTimeField(_("last sign of the worker"), null=True, blank=True)
    interrupted_at = models.DateTimeField(_("found interrupted"), null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def interruption(self) -> str:
        """Why the work failed when its worker stopped, for the page ("" otherwise)."""
        if self.interrupted_at is None:
            return ""
        last = self.heartbeat_at or self.interrupted_at
        return _(
            "The worker stopped while doing this (last sign of it at %(time)s). Nothing of it "
            "was saved: start it again."
        ) % {"time": date_format(timezone.localtime(last), "DATETIME_FORMAT")}


def lease_seconds() -> float:
    return float(settings.TASK_LEASE_SECONDS)


def _stale_running(model):
    cutoff = timezone.now() - timedelta(seconds=lease_seconds())
    return model._base_manager.filter(
        status=model.Status.RUNNING, heartbeat_at__isnull=False, heartbeat_at__lt=cutoff
    )


def reap(model, **filters) -> int:
    """Mark the running records of `model` whose worker has stopped as failed. Returns how
    many. A running record that has never beaten is waiting in the queue, not interrupted."""
    now = timezone.now()
    changes = {"status": model.Status.FAILED, "interrupted_at": now}
    if any(f.name == "finished_at" for f in model._meta.get_fields()):
        changes["finished_at"] = now
    return _stale_running(model).filter(**filters).update(**changes)


def lease_is_live(record) -> bool:
    """Whether a worker is (as far as we can tell) still doing `record`'s work."""
    record.refresh_from_db(fields=["status", "heartbeat_at"])
    if record.status != type(record).Status.RUNNING or record.heartbeat_at is None:
        return False
    return record.heartbeat_at >= timezone.now() - timedelta(seconds=lease_seconds())


def _beat(model, pk) -> None:
    model._base_manager.filter(pk=pk, status=model.Status.RUNNING).update(
        heartbeat_at=timezone.now()
    )


@contextmanager
def heartbeat(record):
    """Hold `record`'s lease while the block runs: one beat now, then one every tenth of the
    lease from a thread with its own database connection (a beat that finds the database
    busy is skipped; the lease allows for nine of them)."""
    model, pk = type(record), record.pk
    reap(model)  # whoever starts long work notices the work of a worker that died
    record.heartbeat_at, record.interrupted_at = timezone.now(), None  # a later save() keeps them
    model._base_manager.filter(pk=pk).update(heartbeat_at=record.heartbeat_at, interrupted_at=None)
    if connections[model._base_manager.db].in_atomic_block:
        # Work inside a transaction (a test, an inline run) is invisible to others until it
        # ends, and a second connection would wait on its row lock: no beating thread.
        yield
        return
    stop = threading.Event()

    def beat_until_stopped() -> None:
        try:
            while not stop.wait(max(lease_seconds() / 10, 0.05)):
                try:
                    _beat(model, pk)
                except DatabaseError:
                    pass
        finally:
            connections.close_all()

    beater = threading.Thread(target=beat_until_stopped, name=f"heartbeat-{pk}", daemon=True)
    beater.start()
    try:
        yield
    finally:
        stop.set()
        beater.join(timeout=lease_seconds())
