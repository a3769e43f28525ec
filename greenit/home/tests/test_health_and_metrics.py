"""/healthz, /readyz, /metrics, request ids and JSON logs; the deploy units name commands that
exist."""

import json
import logging
import re
import shlex
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import get_commands
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[3]


def test_healthz_says_the_process_is_alive(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_readyz_is_ready_with_database_cache_queue_and_key(client):
    response = client.get("/readyz")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "ready" and body["problems"] == []
    assert body["task_queue"] == {"waiting": 0, "oldest_waiting_seconds": 0.0}
    assert body["signing_key"] == "present"


def _waiting_task(age: timedelta) -> None:
    task = DBTaskResult.objects.create(
        task_path="greenit.core.tests.tasks_for_tests.record_run",
        args_kwargs={"args": ["x"], "kwargs": {}},
        backend_name="default",
        run_after=get_date_max(),
    )
    DBTaskResult.objects.filter(pk=task.pk).update(enqueued_at=timezone.now() - age)


@pytest.mark.parametrize(
    "breakage, reason",
    [
        ("stale queue", "task queue: the oldest waiting task has waited"),
        ("no key", "signing key: missing"),
        ("no cache", "cache: cannot store and read back a value"),
    ],
)
def test_readyz_answers_503_with_the_reasons_and_no_secrets(client, settings, breakage, reason):
    settings.READY_MAX_TASK_WAIT_SECONDS = 60
    if breakage == "stale queue":
        _waiting_task(timedelta(minutes=5))
    elif breakage == "no key":
        settings.SIGNING_KEY_FILE = Path("/nonexistent/secret/signing_key.pem")
    else:
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": "redis://:hunter2@127.0.0.1:1/0",
            }
        }
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "not ready"
    assert any(problem.startswith(reason) for problem in body["problems"]), body
    text = response.content.decode()
    assert "hunter2" not in text and "/nonexistent" not in text and "Traceback" not in text


def test_a_waiting_task_younger_than_the_limit_is_reported_but_ready(client, settings):
    settings.READY_MAX_TASK_WAIT_SECONDS = 600
    _waiting_task(timedelta(seconds=30))
    body = client.get("/readyz").json()
    assert body["status"] == "ready"
    assert body["task_queue"]["waiting"] == 1
    assert 29 <= body["task_queue"]["oldest_waiting_seconds"] < 120


def test_metrics_are_for_this_machine_or_a_token_holder(client, settings):
    client.get("/healthz")
    settings.METRICS_TOKEN = ""
    local = client.get("/metrics", REMOTE_ADDR="127.0.0.1")
    assert local.status_code == 200
    text = local.content.decode()
    assert re.search(r'greenit_http_requests_total\{.*view="home:healthz".*\} \d', text)
    assert "greenit_http_request_duration_seconds_bucket" in text
    for figure in ("greenit_task_queue_depth", "greenit_task_workers", "greenit_import_rows"):
        assert figure in text
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.5").status_code == 404
    # Behind a proxy the forwarded address counts, not the proxy's loopback.
    settings.TRUSTED_PROXIES = 1
    forwarded = client.get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert forwarded.status_code == 404

    settings.METRICS_TOKEN = "s3cret-token"
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 404
    for wrong in ("", "Bearer nope", "s3cret-token-and-more"):
        assert client.get("/metrics", HTTP_AUTHORIZATION=wrong).status_code == 404
    good = client.get(
        "/metrics", REMOTE_ADDR="203.0.113.5", HTTP_AUTHORIZATION="Bearer s3cret-token"
    )
    assert good.status_code == 200


def test_every_response_carries_a_request_id_and_a_forged_one_is_replaced(client):
    made = client.get("/healthz")["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", made)
    assert client.get("/healthz", HTTP_X_REQUEST_ID="abcdef0123456789")["X-Request-ID"] == (
        "abcdef0123456789"
    )
    for forged in ("x\nFAKE LOG LINE", "a" * 200, "short", '"; drop'):
        assert client.get("/healthz", HTTP_X_REQUEST_ID=forged)["X-Request-ID"] != forged


def test_json_logs_carry_the_request_id(rf):
    from django.http import HttpResponse
    from pythonjsonlogger.json import JsonFormatter

    from greenit.core.logs import RequestIdFilter, RequestIdMiddleware

    records = []

    class Keep(logging.Handler):
        def emit(self, record):
            records.append(self.format(record))

    handler = Keep()
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter("%(levelname)s %(name)s %(message)s %(request_id)s"))
    logger = logging.getLogger("greenit.test")
    logger.addHandler(handler)

    def view(request):
        logger.warning("while serving")
        return HttpResponse()

    try:
        RequestIdMiddleware(view)(rf.get("/", HTTP_X_REQUEST_ID="req-1234567890"))
        logger.warning("outside a request")
    finally:
        logger.removeHandler(handler)
    inside, outside = (json.loads(line) for line in records)
    assert inside["request_id"] == "req-1234567890" and inside["message"] == "while serving"
    assert outside["request_id"] == "-"


def test_the_json_log_setting_is_strict(monkeypatch):
    import subprocess
    import sys

    for value, ok in (("json", True), ("text", True), ("jsno", False)):
        started = subprocess.run(
            [sys.executable, "-c", "import greenit.settings"],
            cwd=ROOT,
            env={**__import__("os").environ, "LOG_FORMAT": value, "DEBUG": "true"},
            capture_output=True,
            text=True,
        )
        assert (started.returncode == 0) == ok, started.stderr
        if not ok:
            assert "LOG_FORMAT='jsno'" in started.stderr


def test_the_deploy_units_run_commands_that_exist():
    commands = get_commands()
    units = sorted((ROOT / "deploy" / "systemd").glob("*.service"))
    assert len(units) >= 5
    for unit in units:
        for line in unit.read_text().splitlines():
            if line.startswith("ExecStart=") and "/bin/greenit" in line:
                command = shlex.split(line.partition("=")[2])[1]
                assert command in commands, f"{unit.name}: greenit {command} does not exist"


def test_nginx_accepts_the_largest_upload_the_app_does(settings):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    settings.IMPORT_MAX_BYTES = 120_000_000
    call_command("nginx-config", "--server-name", "greenit.example.org", stdout=out)
    size = int(re.search(r"client_max_body_size (\d+)m;", out.getvalue()).group(1))
    assert size * 1_000_000 > settings.IMPORT_MAX_BYTES
    assert "@" not in re.sub(r"\$\w+", "", out.getvalue()).replace("example.org", "")
