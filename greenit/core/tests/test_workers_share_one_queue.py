"""Many processes, one truth: several `greenit worker` processes share the database queue;
each task runs exactly once, and the task of a worker killed mid-run is picked up again.

Real processes on the real database: PostgreSQL (the production queue; `.ci/run`). On SQLite
the in-memory test database cannot be shared with other processes."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from greenit.core.models import WorkerHeartbeat

ROOT = Path(__file__).resolve().parents[3]
TASK = "greenit.core.tests.tasks_for_tests.record_run"

pytestmark = [
    pytest.mark.processes,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="several processes share the queue on PostgreSQL (run with DATABASE_URL=postgres…)",
    ),
]


def _database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


def _worker(*extra: str, **env: str) -> subprocess.Popen:
    environment = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "TASK_HEARTBEAT_SECONDS": "0.5",
        "TASK_LEASE_SECONDS": "3",
        **env,
    }
    return subprocess.Popen(
        [sys.executable, "manage.py", "worker", "--interval", "0.05", "--no-startup-delay", *extra],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


@pytest.fixture
def runs_table():
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS test_task_runs")
        cursor.execute("CREATE TABLE test_task_runs (key varchar(40) NOT NULL, pid integer)")
    yield
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE test_task_runs")


def _enqueue(keys: list[str], **kwargs) -> list[DBTaskResult]:
    return DBTaskResult.objects.bulk_create(
        DBTaskResult(
            task_path=TASK,
            args_kwargs={"args": [key], "kwargs": kwargs},
            backend_name="default",
            queue_name="default",
            run_after=get_date_max(),
        )
        for key in keys
    )


def _runs() -> list[tuple[str, int]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT key, pid FROM test_task_runs")
        return cursor.fetchall()


def test_three_workers_run_three_hundred_tasks_each_exactly_once(runs_table):
    keys = [f"task-{n}" for n in range(300)]
    _enqueue(keys)
    workers = [_worker("--batch") for _ in range(3)]
    for worker in workers:
        output, _ = worker.communicate(timeout=60)
        assert worker.returncode == 0, output
    runs = _runs()
    assert sorted(key for key, _ in runs) == sorted(keys)  # each once: none lost, none twice
    assert len({pid for _, pid in runs}) > 1, "the work was shared between the workers"
    assert DBTaskResult.objects.successful().count() == 300
    assert not WorkerHeartbeat.objects.exists(), "a worker that stops says goodbye"


def test_a_killed_workers_task_is_picked_up_again_by_another(runs_table):
    (held,) = _enqueue(["held"], hold_first_run=60)
    first = _worker()
    try:
        deadline = time.monotonic() + 30
        while not _runs():
            assert time.monotonic() < deadline, "the first worker never started the task"
            time.sleep(0.1)
        first.send_signal(signal.SIGKILL)  # no goodbye: its heartbeat just stops
        first.wait(timeout=10)
        held.refresh_from_db()
        assert held.status == TaskResultStatus.RUNNING  # what django-tasks-db leaves behind
        second = _worker()
        try:
            deadline = time.monotonic() + 30
            while held.status != TaskResultStatus.SUCCESSFUL:
                assert time.monotonic() < deadline, "the task was never picked up again"
                time.sleep(0.2)
                held.refresh_from_db()
        finally:
            second.terminate()
            second.wait(timeout=10)
    finally:
        first.kill()
    assert held.return_value == 2  # started twice, finished once
    assert len(held.worker_ids) == 2 and held.worker_ids[0] != held.worker_ids[1]
    assert [pid for _, pid in _runs()] == [first.pid, second.pid]


def test_a_task_whose_workers_keep_dying_fails_with_the_reason(runs_table, settings):
    from datetime import timedelta

    from django.utils import timezone

    from greenit.core.worker import DIED, reclaim_abandoned_tasks

    settings.TASK_MAX_ATTEMPTS = 2
    settings.TASK_LEASE_SECONDS = 3
    (task,) = _enqueue(["doomed"])
    long_ago = timezone.now() - timedelta(minutes=5)
    WorkerHeartbeat.objects.create(worker_id="w1", started_at=long_ago, beat_at=long_ago)
    DBTaskResult.objects.filter(pk=task.pk).update(
        status=TaskResultStatus.RUNNING, worker_ids=["w0", "w1"], started_at=long_ago
    )
    assert reclaim_abandoned_tasks() == [str(task.pk)]
    task.refresh_from_db()
    assert task.status == TaskResultStatus.FAILED
    assert task.exception_class_path == DIED
    assert "w1 stopped answering" in task.traceback
    assert reclaim_abandoned_tasks() == []  # nothing left to reclaim
