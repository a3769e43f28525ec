"""The deploy recipe, run: Debian's nginx with the shipped site (deploy/nginx/greenit.conf,
filled by `greenit nginx-config`) terminates TLS in front of `greenit serve`, both unprivileged
on loopback, on the test database. Through the proxy: a page, a static file (cached by nginx),
an upload, and the rate limiter counting the client's own address (TRUSTED_PROXIES=1)."""

import http.client
import io
import os
import re
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

from greenit.donations.models import Donation, DonationPhoto
from greenit.donations.tests.test_offers import _offer as offer_form

ROOT = Path(__file__).resolve().parents[3]
NGINX = Path("/usr/sbin/nginx")

pytestmark = [pytest.mark.nginx, pytest.mark.django_db(transaction=True)]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(port: int, process: subprocess.Popen, what: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{what} stopped: {process.stdout.read() if process.stdout else ''}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"{what} did not listen on {port} within 60 s")


def _self_signed(folder: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory) -> Path:
    """Static files as a deployment has them (`greenit collectstatic`, compressed)."""
    folder = tmp_path_factory.mktemp("static")
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"],
        cwd=ROOT,
        env={**os.environ, "STATIC_ROOT": str(folder)},
        check=True,
    )
    return folder


def _count(database_url: str, sql: str, params: list) -> int:
    """A count from the shared database (for SQLite: the file the app writes)."""
    if database_url.startswith("sqlite:///"):
        import sqlite3

        with sqlite3.connect(database_url.removeprefix("sqlite:///")) as db:
            return db.execute(sql.replace("%s", "?"), params).fetchone()[0]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def _shared_database_url(folder: Path) -> str:
    """The test database, reachable by other processes: PostgreSQL's test database as it is,
    SQLite's in-memory one copied to a file (with everything committed so far)."""
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    import sqlite3

    path = folder / "greenit.sqlite3"
    target = sqlite3.connect(path)
    connection.ensure_connection()
    connection.connection.backup(target)
    target.close()
    return f"sqlite:///{path}"


@pytest.fixture
def site(collected_static, _session_signing_key, _session_pdf_chain):
    """nginx on https://127.0.0.1:<port> in front of `greenit serve` on another port, whose
    workers are replaced every few requests (as in production after ~1000)."""
    if not NGINX.exists():
        pytest.fail(
            f"The deploy test needs Debian's nginx at {NGINX}, which is missing. "
            "`make test` installs it when run as root; otherwise: sudo apt-get install nginx",
            pytrace=False,
        )
    # Readable by the unprivileged user nginx runs as (below) when the tests run as root.
    folder = Path(tempfile.mkdtemp(prefix="greenit-nginx-"))
    folder.chmod(0o755)
    app_port, http_port, https_port = _free_port(), _free_port(), _free_port()
    cert, key = _self_signed(folder)
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "nginx-test-" + "s" * 50,
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "DATABASE_URL": _shared_database_url(folder),
        "GREENIT_DATA_DIR": str(folder / "data"),
        "MEDIA_ROOT": str(folder / "media"),
        "STATIC_ROOT": str(collected_static),
        "ALLOWED_HOSTS": "127.0.0.1",
        "CSRF_TRUSTED_ORIGINS": f"https://127.0.0.1:{https_port}",
        "TRUSTED_PROXIES": "1",
        "BEHIND_PROXY": "true",
        "SECURE_COOKIES": "true",
        "OFFER_RATE": "3/h",
        "TASKS_BACKEND": "django_tasks.backends.dummy.DummyBackend",
        "SIGNING_KEY_FILE": str(_session_signing_key),
        "SIGNING_PDF_DIR": str(_session_pdf_chain),
    }
    # Two workers, replaced every 4 requests: rate-limit counters must survive both (shared
    # cache: Redis when REDIS_URL is set, else files in GREENIT_DATA_DIR).
    workers = "2"
    subprocess.run(
        [sys.executable, "manage.py", "nginx-config", "--server-name", "127.0.0.1",
         "--upstream", f"127.0.0.1:{app_port}", "--http-port", f"127.0.0.1:{http_port}",
         "--https-port", f"127.0.0.1:{https_port}", "--cache-dir", str(folder / "cache"),
         "--tls-certificate", str(cert), "--tls-key", str(key)],
        cwd=ROOT, env=env, check=True, stdout=(folder / "greenit.conf").open("w"),
    )  # fmt: skip
    for sub in ("cache", "body", "proxy", "fastcgi", "uwsgi", "scgi", "logs"):
        (folder / sub).mkdir(mode=0o777)
        (folder / sub).chmod(0o777)
    (folder / "nginx.conf").write_text(
        f"""
daemon off;
worker_processes 1;
pid {folder}/logs/nginx.pid;
error_log stderr warn;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    access_log {folder}/logs/access.log;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    include {folder}/greenit.conf;
}}
"""
    )
    for path in folder.iterdir():
        if path.is_file():
            path.chmod(0o644)
    nginx_command = [
        str(NGINX),
        "-e",
        "stderr",
        "-p",
        str(folder),
        "-c",
        str(folder / "nginx.conf"),
    ]
    if os.getuid() == 0:
        nginx_command = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                         *nginx_command]  # fmt: skip
    checked = subprocess.run([*nginx_command, "-t"], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    app = subprocess.Popen(
        [sys.executable, "manage.py", "serve", "--bind", f"127.0.0.1:{app_port}",
         "--workers", workers, "--max-requests", "4"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    proxy = subprocess.Popen(
        nginx_command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        _wait_for(app_port, app, "greenit serve")
        _wait_for(https_port, proxy, "nginx")
        yield {
            "port": https_port,
            "http_port": http_port,
            "count": lambda sql, *params: _count(env["DATABASE_URL"], sql, list(params)),
        }
    finally:
        for process in (proxy, app):
            process.terminate()
        for process in (proxy, app):
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(folder, ignore_errors=True)


class Browser:
    """A client at one loopback address (127.0.0.2, 127.0.0.3, …) keeping its cookies."""

    def __init__(self, port: int, address: str):
        self.port, self.address, self.cookies = port, address, {}

    def request(self, method: str, path: str, body: bytes | None = None, **headers: str):
        connection = http.client.HTTPSConnection(
            "127.0.0.1",
            self.port,
            source_address=(self.address, 0),
            context=ssl._create_unverified_context(),  # noqa: S323 (our own test certificate)
            timeout=30,
        )
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        content = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name] = rest.split(";")[0]
        connection.close()
        return response, content

    def post_form(self, path: str, data: dict, **headers: str):
        self.request("GET", path)
        data = {**data, "csrfmiddlewaretoken": self.cookies["csrftoken"]}
        return self.request(
            "POST",
            path,
            body=encode_multipart(BOUNDARY, data),
            **{
                "Content-Type": MULTIPART_CONTENT,
                "Referer": f"https://127.0.0.1:{self.port}{path}",
                **headers,
            },
        )


def _photo() -> io.BytesIO:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 48), "green").save(out, format="JPEG")
    out.seek(0)
    out.name = "desk.jpg"
    return out


def test_behind_nginx_pages_static_files_uploads_and_client_addresses_work(site):
    port = site["port"]
    visitor = Browser(port, "127.0.0.2")

    page, body = visitor.request("GET", "/")
    assert page.status == 200 and b"<html" in body
    assert re.fullmatch(r"[0-9a-f]{32}", page.headers["X-Request-ID"])  # nginx's $request_id

    plain = http.client.HTTPConnection("127.0.0.1", site["http_port"], timeout=10)
    plain.request("GET", "/donate/")
    redirect = plain.getresponse()
    assert redirect.status == 301
    assert redirect.headers["Location"] == "https://127.0.0.1/donate/"

    first, css = visitor.request("GET", "/static/greenit/greenit.css")
    again, css_again = visitor.request("GET", "/static/greenit/greenit.css")
    assert first.status == again.status == 200 and css == css_again and b"{" in css
    assert again.headers["X-Cache-Status"] == "HIT"  # served by nginx the second time

    # An upload through the proxy: the offer with its photo is kept, over HTTPS (secure cookie).
    response, _ = visitor.post_form("/donate/", offer_form(photos=_photo()))
    assert response.status == 302, _
    assert response.headers["Location"].endswith("/donate/thanks/")
    photo, donation = DonationPhoto._meta.db_table, Donation._meta.db_table
    photos = f"SELECT count(*) FROM {photo} p JOIN {donation} d ON d.id = p.donation_id"  # noqa: S608
    photos += " WHERE d.contact_email = %s"
    assert site["count"](photos, "emily@example.org") == 1

    # OFFER_RATE=3/h counts per client: 127.0.0.2 has sent 1; two more, then refused, even when
    # it claims another address in X-Forwarded-For. Another client is not affected.
    for _ in range(2):
        assert visitor.post_form("/donate/", {"donor_name": ""})[0].status == 200
    refused, _ = visitor.post_form("/donate/", {}, **{"X-Forwarded-For": "203.0.113.9"})
    assert refused.status == 429
    neighbour = Browser(port, "127.0.0.3")
    assert neighbour.post_form("/donate/", {"donor_name": ""})[0].status == 200

    # Health through the proxy; metrics only from this machine (nginx allows loopback).
    ready, body = visitor.request("GET", "/readyz")
    assert ready.status == 200, body
    assert visitor.request("GET", "/metrics")[0].status == 403  # nginx: 127.0.0.1 only
    metrics, text = Browser(port, "127.0.0.1").request("GET", "/metrics")
    assert metrics.status == 200
    # Counted across every worker, including those replaced meanwhile.
    assert b'greenit_http_requests_total{method="GET",status="200",view="home:home"} 1.0' in text
    assert b'greenit_http_requests_total{method="POST",status="429",view="donate:offer"}' in text
    assert b"greenit_task_queue_depth 0.0" in text
