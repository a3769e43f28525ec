"""Tasks run by real `greenit worker` processes in the tests of the shared queue. Each run
writes a row in `test_task_runs` (made by the test) with the process that ran it."""

import os
import time

from django.db import connection
from django_tasks import task


@task()
def record_run(key: str, *, hold_first_run: float = 0.0) -> int:
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO test_task_runs (key, pid) VALUES (%s, %s)", [key, os.getpid()])
        cursor.execute("SELECT count(*) FROM test_task_runs WHERE key = %s", [key])
        runs = cursor.fetchone()[0]
    if runs == 1 and hold_first_run:
        time.sleep(hold_first_run)  # long enough for the test to kill this worker
    return runs
