"""Task workers that notice when one of them dies.

django-tasks-db claims a task by marking it RUNNING with the worker's id, and nothing ever
looks at it again: a worker killed mid-task (OOM, a reboot, `kill -9`) leaves the task running
forever. `greenit worker` therefore writes a heartbeat (`WorkerHeartbeat`) every
`TASK_HEARTBEAT_SECONDS` from a thread beside the worker loop, and every worker, on each beat,
reclaims the tasks of workers silent for longer than `TASK_LEASE_SECONDS`: the task goes back
to the queue (READY) to be picked up by any worker, or, once it has been started
`TASK_MAX_ATTEMPTS` times, is marked FAILED with the reason. Tasks must therefore be safe to
run again after an interruption (they run in transactions; imports and reports start over).

Only tasks claimed by a worker that wrote a heartbeat are reclaimed: a plain `db_worker`
(which writes none) is never second-guessed."""

import logging
import os
import socket
import threading
from datetime import timedelta

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from greenit.core.models import WorkerHeartbeat

logger = logging.getLogger("greenit.worker")

DIED = "greenit.core.worker.WorkerDied"


def new_worker_id() -> str:
    """Unique across machines and readable in the task list: host, process id, a random tail."""
    return f"{socket.gethostname()[:40]}-{os.getpid()}-{get_random_string(8)}"


def beat(worker_id: str, *, started_at=None) -> None:
    now = timezone.now()
    updated = WorkerHeartbeat.objects.filter(worker_id=worker_id).update(beat_at=now)
    if not updated:
        WorkerHeartbeat.objects.update_or_create(
            worker_id=worker_id,
            defaults={
                "host": socket.gethostname()[:255],
                "pid": os.getpid(),
                "started_at": started_at or now,
                "beat_at": now,
            },
        )


def reclaim_abandoned_tasks(*, now=None) -> list[str]:
    """Requeue (or fail, after TASK_MAX_ATTEMPTS starts) every running task whose worker's
    heartbeat is older than TASK_LEASE_SECONDS. Safe to run from any number of workers at once:
    each task row is locked (skipping rows another worker holds) and re-checked. Returns the
    ids of the tasks reclaimed."""
    now = now or timezone.now()
    silent_since = now - timedelta(seconds=settings.TASK_LEASE_SECONDS)
    dead = set(
        WorkerHeartbeat.objects.filter(beat_at__lt=silent_since).values_list("worker_id", flat=True)
    )
    if not dead:
        return []
    reclaimed = []
    with transaction.atomic():
        running = DBTaskResult.objects.running().select_for_update(skip_locked=True)
        for task in running:
            if not task.worker_ids or task.worker_ids[-1] not in dead:
                continue
            worker = task.worker_ids[-1]
            if len(task.worker_ids) >= settings.TASK_MAX_ATTEMPTS:
                task.status = TaskResultStatus.FAILED
                task.finished_at = now
                task.exception_class_path = DIED
                task.traceback = (
                    f"WorkerDied: worker {worker} stopped answering while running this task "
                    f"(no heartbeat for {settings.TASK_LEASE_SECONDS} s); it was started "
                    f"{len(task.worker_ids)} times, the most allowed (TASK_MAX_ATTEMPTS).\n"
                )
                task.save(
                    update_fields=["status", "finished_at", "exception_class_path", "traceback"]
                )
                logger.error("Task %s failed: worker %s died (last attempt)", task.id, worker)
            else:
                task.status = TaskResultStatus.READY
                task.started_at = None
                task.save(update_fields=["status", "started_at"])
                logger.warning("Task %s requeued: worker %s died", task.id, worker)
            reclaimed.append(str(task.id))
    # Heartbeats of workers gone for a day and owning nothing: forgotten.
    WorkerHeartbeat.objects.filter(beat_at__lt=now - timedelta(days=1)).delete()
    return reclaimed


class Heartbeat(threading.Thread):
    """Beats for `worker_id` and reclaims abandoned tasks until `stop()`."""

    def __init__(self, worker_id: str):
        super().__init__(name=f"heartbeat-{worker_id}", daemon=True)
        self.worker_id = worker_id
        self.started_at = timezone.now()
        self._stopped = threading.Event()

    def run(self) -> None:
        try:
            while not self._stopped.is_set():
                try:
                    close_old_connections()
                    beat(self.worker_id, started_at=self.started_at)
                    reclaim_abandoned_tasks()
                except Exception:  # a database blip must not kill the heartbeat
                    logger.exception("Heartbeat of worker %s failed", self.worker_id)
                self._stopped.wait(settings.TASK_HEARTBEAT_SECONDS)
        finally:
            connection.close()

    def stop(self) -> None:
        self._stopped.set()
        self.join(timeout=10)
        try:
            WorkerHeartbeat.objects.filter(worker_id=self.worker_id).delete()
        except Exception:
            logger.exception("Could not remove the heartbeat of worker %s", self.worker_id)
