"""Prometheus metrics (prometheus-client): requests and their latency, counted in every app
process, and what the database knows for the whole site: tasks by outcome, the queue, live
task workers and import rows.

Under `greenit serve` each gunicorn worker writes its counters to a shared folder
(prometheus-client's multiprocess mode, PROMETHEUS_MULTIPROC_DIR, set by the command), so
any worker answering /metrics reports them all. The database figures are read at scrape time
from the one database all app servers and workers share: one truth, whichever server is
scraped."""

import logging
import os
import time
from functools import cache

from django.db.models import Count, Sum
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger("greenit.metrics")
_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


@cache
def _instruments():
    # Imported on first use: `greenit serve` must choose the multiprocess folder first.
    from prometheus_client import Counter, Histogram

    requests = Counter(
        "greenit_http_requests", "HTTP requests answered", ["method", "view", "status"]
    )
    latency = Histogram(
        "greenit_http_request_duration_seconds",
        "Time to answer an HTTP request",
        ["method", "view"],
        buckets=_BUCKETS,
    )
    return requests, latency


class MetricsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        # The view's name, never the path: ids in paths would make one series per device.
        view = match.view_name if match else "unmatched"
        try:
            requests, latency = _instruments()
            requests.labels(request.method, view, str(response.status_code)).inc()
            latency.labels(request.method, view).observe(time.perf_counter() - started)
        except Exception:  # counting must never cost the visitor their page
            logger.exception("Could not count the request in the metrics")
        return response


class DatabaseCollector:
    """Figures read from the shared database when scraped."""

    def collect(self):
        from django.utils import timezone
        from django_tasks_db.models import DBTaskResult
        from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

        from greenit.core.health import queue_figures
        from greenit.core.models import WorkerHeartbeat
        from greenit.imports.models import AssetImport

        outcomes = CounterMetricFamily(
            "greenit_tasks", "Background tasks by outcome (all kept results)", labels=["status"]
        )
        for status, n in (
            DBTaskResult.objects.order_by().values_list("status").annotate(n=Count("pk"))
        ):
            outcomes.add_metric([status.lower()], n)
        yield outcomes
        depth, oldest = queue_figures()
        yield GaugeMetricFamily("greenit_task_queue_depth", "Tasks waiting to run", value=depth)
        yield GaugeMetricFamily(
            "greenit_task_queue_oldest_seconds",
            "Age of the oldest task waiting to run (0 when none)",
            value=oldest,
        )
        from datetime import timedelta

        from django.conf import settings

        alive = WorkerHeartbeat.objects.filter(
            beat_at__gte=timezone.now() - timedelta(seconds=settings.TASK_LEASE_SECONDS)
        ).count()
        yield GaugeMetricFamily("greenit_task_workers", "Task workers alive", value=alive)
        rows = CounterMetricFamily(
            "greenit_import_rows", "Asset-list rows by what importing did", labels=["result"]
        )
        totals = AssetImport.objects.aggregate(
            created=Sum("created_count"), unchanged=Sum("unchanged_count"), checked=Sum("rows_done")
        )
        for result in ("created", "unchanged", "checked"):
            rows.add_metric([result], totals[result] or 0)
        yield rows


def exposition() -> tuple[bytes, str]:
    from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.MultiProcessCollector(registry)
    else:
        from prometheus_client import REGISTRY

        _instruments()
        for collector in list(REGISTRY._collector_to_names):
            registry.register(collector)
    registry.register(DatabaseCollector())
    return generate_latest(registry), CONTENT_TYPE_LATEST
