"""What /readyz checks: can this process serve (database, cache), is the task queue moving,
is the certificate signing key there. Each problem is a short sentence without secrets (no
connection strings, no paths, no exception text)."""

import logging
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Min
from django.utils import timezone

logger = logging.getLogger("greenit.health")


def queue_figures() -> tuple[int, float]:
    """(tasks waiting to run now, age in seconds of the oldest of them; 0 when none)."""
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.ready()
    figures = waiting.aggregate(n=Min("enqueued_at"))
    oldest = figures["n"]
    depth = waiting.count()
    age = (timezone.now() - oldest).total_seconds() if oldest else 0.0
    return depth, max(age, 0.0)


def readiness() -> tuple[dict, list[str]]:
    """(figures, problems): ready when problems is empty."""
    problems: list[str] = []
    figures: dict = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        figures["database"] = "ok"
    except Exception:
        logger.exception("Readiness: database")
        figures["database"] = "unreachable"
        problems.append("database: cannot be reached")
    try:
        key = f"readyz:{uuid.uuid4().hex}"
        cache.set(key, 1, 10)
        ok = cache.get(key) == 1
        cache.delete(key)
    except Exception:
        logger.exception("Readiness: cache")
        ok = False
    figures["cache"] = "ok" if ok else "unreachable"
    if not ok:
        problems.append("cache: cannot store and read back a value")
    if figures["database"] == "ok":
        try:
            depth, age = queue_figures()
            figures["task_queue"] = {"waiting": depth, "oldest_waiting_seconds": round(age, 1)}
            if age > settings.READY_MAX_TASK_WAIT_SECONDS:
                problems.append(
                    f"task queue: the oldest waiting task has waited {int(age)} s "
                    f"(more than {settings.READY_MAX_TASK_WAIT_SECONDS} s): is `greenit worker` "
                    "running?"
                )
        except Exception:
            logger.exception("Readiness: task queue")
            problems.append("task queue: cannot be read")
    key_present = settings.SIGNING_KEY_FILE.is_file()
    figures["signing_key"] = "present" if key_present else "missing"
    if not key_present:
        problems.append("signing key: missing (run `greenit keys init` or restore it)")
    return figures, problems
