"""`greenit serve`: the production web server (gunicorn) with sane defaults.

Workers: SERVE_WORKERS (default 2 × cores + 1), each a process; a request running longer than
SERVE_TIMEOUT seconds gets its worker restarted; workers are recycled after about a thousand
requests (a slow leak cannot grow forever); the access log goes to standard output with the
request id; static files are served by WhiteNoise (run `greenit collectstatic` after each
upgrade). Put nginx in front (deploy/nginx/greenit.conf) for TLS and slow clients."""

import os
import shutil
import sys
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

ACCESS_LOG_FORMAT = (
    '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s %(M)sms "%(f)s" "%(a)s" rid=%({x-request-id}o)s'
)


def _gunicorn_application(options: dict):
    from gunicorn.app.base import BaseApplication

    class Server(BaseApplication):
        def load_config(self) -> None:
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self):
            from django.core.wsgi import get_wsgi_application

            application = get_wsgi_application()
            warm()
            return application

    return Server()


def warm() -> None:
    """Do once in the master, before it forks its workers (preload_app), what each worker
    would otherwise do on its first requests: import every view (the URL patterns), read both
    languages' catalogues and compile our templates into the cached loader. Every worker,
    including one started later to replace a recycled one, starts warm; with four workers on
    two cores the cold starts cost a tenth of a measured round."""
    from django.template import TemplateDoesNotExist, TemplateSyntaxError, engines
    from django.urls import get_resolver
    from django.utils import translation

    get_resolver().reverse_dict  # noqa: B018 (populating it imports every URLconf and view)
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            translation.gettext("Home")
    for engine in engines.all():
        for folder in engine.template_dirs:
            folder = Path(folder)
            if not folder.is_relative_to(settings.BASE_DIR):
                continue  # Django's admin and the libraries': rarely or never served
            for path in folder.rglob("*.html"):
                try:
                    engine.get_template(path.relative_to(folder).as_posix())
                except (TemplateDoesNotExist, TemplateSyntaxError):
                    continue  # a page that fails says so when it is asked for, as before


def _child_exit(server, worker) -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


class Command(BaseCommand):
    help = "Serves greenit with gunicorn (workers from cores, timeouts, access log to stdout)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--bind", default=None, help="host:port or unix:PATH (default: SERVE_BIND)"
        )
        parser.add_argument(
            "--workers", type=int, default=None, help="processes (default: SERVE_WORKERS)"
        )
        parser.add_argument(
            "--timeout", type=int, default=None, help="seconds (default: SERVE_TIMEOUT)"
        )
        parser.add_argument(
            "--max-requests",
            type=int,
            default=1000,
            help="a worker is replaced after about this many requests (0: never)",
        )
        parser.add_argument("--no-access-log", action="store_true", help="do not log each request")

    def handle(self, *args, bind, workers, timeout, max_requests, no_access_log, **options) -> None:
        workers = workers if workers is not None else settings.SERVE_WORKERS
        if workers < 1:
            raise CommandError(f"--workers {workers}: at least 1.")
        if not settings.DEBUG and not (settings.STATIC_ROOT / "css").exists():
            self.stderr.write(
                f"No collected static files in {settings.STATIC_ROOT}: pages will have no "
                "styles. Run `greenit collectstatic --no-input` first."
            )
        metrics_dir = self._metrics_dir()
        connections.close_all()  # nothing opened here may be shared by the forked workers
        options = {
            "bind": [bind or settings.SERVE_BIND],
            "workers": workers,
            "worker_class": "sync",
            "timeout": timeout or settings.SERVE_TIMEOUT,
            "graceful_timeout": 30,
            "keepalive": 5,
            "max_requests": max_requests,
            "max_requests_jitter": max_requests // 10,
            "preload_app": True,
            "accesslog": None if no_access_log else "-",
            "access_log_format": ACCESS_LOG_FORMAT,
            "errorlog": "-",
            "proc_name": "greenit",
            "control_socket_disable": True,
            "child_exit": _child_exit,
        }
        master = os.getpid()
        try:
            _gunicorn_application(options).run()
        finally:
            # A gunicorn worker leaving (recycled after max_requests) unwinds through here too:
            # only the master removes the folder the others still write to.
            if os.getpid() == master:
                shutil.rmtree(metrics_dir, ignore_errors=True)

    def _metrics_dir(self) -> str:
        """Each gunicorn worker writes its counters here; /metrics adds them up. A fresh folder
        per start (prometheus-client requires it)."""
        path = tempfile.mkdtemp(prefix="greenit-metrics-")
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = path
        if "prometheus_client.values" in sys.modules:
            from prometheus_client import values

            values.ValueClass = values.get_value_class()
        return path
