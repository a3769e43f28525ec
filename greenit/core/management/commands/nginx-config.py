"""`greenit nginx-config`: prints deploy/nginx/greenit.conf with its placeholders filled from the
settings, so that nginx's upload limit and timeouts always match the app's."""

import math
import re
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

TEMPLATE = Path(settings.BASE_DIR).parent / "deploy" / "nginx" / "greenit.conf"


def largest_body_mb() -> int:
    """The biggest request greenit accepts, in whole megabytes, with 10 % (at least 1 MB) for
    the rest of the form: an offer may carry several photos, so photos count up to 5."""
    largest = max(
        settings.IMPORT_MAX_BYTES, settings.UPLOAD_MAX_BYTES, 5 * settings.PHOTO_MAX_BYTES
    )
    return math.ceil(largest / 1_000_000 * 1.1) + 1


def render(**values: str) -> str:
    text = TEMPLATE.read_text()
    for name, value in values.items():
        text = text.replace(f"@{name.upper()}@", value)
    if missing := sorted(set(re.findall(r"@[A-Z_]+@", text))):
        raise CommandError(f"The template still has {', '.join(missing)} to fill.")
    return text


class Command(BaseCommand):
    help = "Prints the nginx site for greenit (deploy/nginx/greenit.conf) filled from settings."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--server-name", required=True, help="e.g. greenit.example.org")
        parser.add_argument("--upstream", default=None, help="default: SERVE_BIND")
        parser.add_argument("--http-port", default="80")
        parser.add_argument("--https-port", default="443")
        parser.add_argument("--cache-dir", default="/var/cache/nginx/greenit")
        parser.add_argument("--tls-certificate", default=None)
        parser.add_argument("--tls-key", default=None)

    def handle(self, *args, server_name, **options) -> None:
        live = f"/etc/letsencrypt/live/{server_name}"
        upstream = options["upstream"] or settings.SERVE_BIND
        if upstream.startswith("unix:"):
            upstream = f"unix:{upstream.removeprefix('unix:')}"
        self.stdout.write(
            render(
                server_name=server_name,
                upstream=upstream,
                http_port=options["http_port"],
                https_port=options["https_port"],
                cache_dir=options["cache_dir"],
                tls_certificate=options["tls_certificate"] or f"{live}/fullchain.pem",
                tls_key=options["tls_key"] or f"{live}/privkey.pem",
                max_body=f"{largest_body_mb()}m",
                timeout=str(settings.SERVE_TIMEOUT + 5),
            ),
            ending="",
        )
