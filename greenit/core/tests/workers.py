"""A real task worker (`manage.py db_worker`) in a subprocess, on the test's database, for
fault-injection tests that kill it (SIGKILL) in the middle of long work."""

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection


class Shared:
    """The test's database as a worker process sees it: on PostgreSQL the test database
    itself; on SQLite (in memory in the test) a file, copied there and back with SQLite's
    backup API around each run of the worker."""

    def __init__(self, tmp_path: Path, *, lease: float):
        self.lease = lease
        db = connection.settings_dict
        self.sqlite = connection.vendor == "sqlite"
        if self.sqlite:
            self.file = tmp_path / "shared.sqlite3"
            self.url = f"sqlite:///{self.file}"
        else:
            self.url = (
                f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/"
                f"{db['NAME']}"
            )

    def to_worker(self) -> None:
        if self.sqlite:
            connection.ensure_connection()
            target = sqlite3.connect(self.file)
            try:
                connection.connection.backup(target)
            finally:
                target.close()

    def from_worker(self) -> None:
        if self.sqlite:
            source = sqlite3.connect(self.file)
            try:
                connection.ensure_connection()
                source.backup(connection.connection)
            finally:
                source.close()

    def read(self, sql: str):
        """A value read while the worker runs, without disturbing it."""
        if self.sqlite:
            other = sqlite3.connect(self.file, timeout=5)
            try:
                return other.execute(sql).fetchone()
            finally:
                other.close()
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchone()

    def worker(self, *args: str) -> subprocess.Popen:
        env = {
            **os.environ,
            "DEBUG": "true",
            "DATABASE_URL": self.url,
            "MEDIA_ROOT": str(django_settings.MEDIA_ROOT),
            "TASK_LEASE_SECONDS": str(self.lease),
            "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        }
        return subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "db_worker",
                "--no-reload",
                "--no-startup-delay",
                "--interval",
                "0.1",
                *args,
            ],
            cwd=Path(__file__).resolve().parents[3],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )


def wait_for(condition, *, seconds: float, what: str, worker=None) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        if worker is not None and worker.poll() is not None:
            pytest.fail(f"the worker ended before {what}: {worker.stderr.read().decode()[-2000:]}")
        time.sleep(0.02)
    pytest.fail(f"waited {seconds} s for {what}")
