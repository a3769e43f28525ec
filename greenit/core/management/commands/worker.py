"""`greenit worker`: runs background tasks (django-tasks-db's `db_worker`) with a heartbeat, so
that a task whose worker died is picked up again (greenit/core/worker.py). Run as many as you
like, on as many machines as share the database."""

from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from greenit.core.worker import Heartbeat, new_worker_id


class Command(DbWorkerCommand):
    help = (
        "Runs background tasks from the database queue; several may run at once. A task whose "
        "worker died is requeued after TASK_LEASE_SECONDS."
    )

    def add_arguments(self, parser) -> None:
        super().add_arguments(parser)
        # A reloading worker would beat from the wrong process; one id per process, unique.
        parser.set_defaults(reload=False, worker_id=None)

    def handle(self, *args, **options) -> None:
        options["worker_id"] = options.get("worker_id") or new_worker_id()
        options["reload"] = False
        heartbeat = Heartbeat(options["worker_id"])
        heartbeat.start()
        try:
            super().handle(*args, **options)
        finally:
            heartbeat.stop()
