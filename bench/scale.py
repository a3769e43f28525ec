"""Benchmark: `greenit serve` with 1, 2 and 4 worker processes under a mixed load (issue 19).

    .venv/bin/python bench/scale.py [--assets 1000000] [--workers 1,2,4] [--requests 1200]
                                    [--clients 8] [--max-seconds 120]

1. The database: PostgreSQL `greenit_bench`, built (or reused) by bench/intake.py's builder
   with `--assets` devices and 10 custody events each (65 s for 1M on an idle machine).
2. A staff technician with a password, a published volunteering shift with room for every
   sign-up, and an intake donation, added by this script (removed at the end).
3. For each worker count: `greenit serve --workers N` on loopback (DEBUG off, Redis cache for
   the shared rate-limit counters and sessions' cache), then `--clients` threads, each its own
   keep-alive connection and login, send `--requests` requests in all (bounded also by
   `--max-seconds`): 80 % reads as logged-in staff (dashboard, device list filtered, device
   pages at random among the million), 20 % writes (intake scans of new serials, and guest
   volunteer sign-ups with new e-mail addresses, from distinct client addresses 127.0.0.x).
4. After each round, every write is checked in the database: each acknowledged scan is one
   new device and each acknowledged sign-up one sign-up (none lost, none duplicated).

Prints requests per second, p50/p95 per kind and the ratio to one worker. Results and the
command in docs/benchmarks.md.
"""

import argparse
import http.client
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
PG_URL = "postgres://postgres@127.0.0.1:5432/greenit_bench"
STAFF = ("bench-scale-staff", "bench-scale-Pa55word!")
READ_SHARE = 0.8
TARGET_4_VS_1 = 1.8
LIST_URLS = ("/assets/?state=ready", "/assets/?category=laptop&state=deployed")
SCAN = {"category": "laptop", "make": "Lenovo", "model": "ThinkPad T480"}
SCAN["location"] = "Intake bench 1"
SIGNUP = {"phone": "13900000000", "company_name": "", "website": "", "consent": "on"}


def log(message: str) -> None:
    print(f"[scale] {message}", flush=True)


def env(args) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": PG_URL,
        "DEBUG": "false",
        "SECRET_KEY": "bench-scale-" + "k" * 40,
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "REDIS_URL": args.redis_url,
        "ALLOWED_HOSTS": "127.0.0.1",
        "OFFER_RATE": "100000/h",
        "LOGIN_RATE": "100000/h",
        "TASKS_BACKEND": "django_tasks.backends.dummy.DummyBackend",
        "DJANGO_SETTINGS_MODULE": "greenit.settings",
    }


# ----------------------------------------------------------------- data (child process)


def prepare() -> dict:
    """The staff login, a shift with room for every sign-up, the intake donation, device tags."""
    import datetime

    from django.contrib.auth.models import Group
    from django.utils import timezone

    from greenit.accounts.models import Role, User
    from greenit.assets.models import Asset
    from greenit.donations.models import Donation
    from greenit.volunteers.models import Opportunity, Shift

    user, _ = User.objects.get_or_create(username=STAFF[0])
    user.set_password(STAFF[1])
    user.save()
    user.groups.add(Group.objects.get(name=Role.TECHNICIAN))
    opportunity, _ = Opportunity.objects.get_or_create(
        title_en="Bench scale day",
        defaults={"kind": "workshop", "title_zh": "压测日", "published": True},
    )
    start = timezone.now() + datetime.timedelta(days=30)
    shift, _ = Shift.objects.get_or_create(
        opportunity=opportunity,
        defaults={
            "starts_at": start,
            "ends_at": start + datetime.timedelta(hours=3),
            "capacity": 100_000,
        },
    )
    donation = (
        Donation.objects.filter(status="received").order_by("-pk").values_list("pk", flat=True)
    ).first()
    top = Asset.objects.order_by("-pk").values_list("pk", flat=True).first()
    rng = random.Random(11)
    picks = [rng.randint(1, top) for _ in range(400)]
    tags = list(Asset.objects.filter(pk__in=picks).values_list("tag", flat=True))
    return {"shift": shift.pk, "donation": donation, "tags": tags}


def check(run: str) -> dict:
    from greenit.assets.models import Asset
    from greenit.volunteers.models import SignUp

    serials = Asset.objects.filter(serial__startswith=f"S{run}-").values_list("serial", flat=True)
    emails = SignUp.objects.filter(volunteer__email__startswith=f"v{run}-").values_list(
        "volunteer__email", flat=True
    )
    return {"serials": list(serials), "emails": list(emails)}


def clean() -> dict:
    """Remove what the rounds wrote (custody events are append-only: the trigger is bypassed
    for this one transaction, as bench/intake.py does)."""
    from django.db import connection, transaction

    from greenit.volunteers.models import SignUp, Volunteer

    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SET LOCAL session_replication_role = replica")
        cur.execute(
            "DELETE FROM assets_custodyevent WHERE asset_id IN "
            "(SELECT id FROM assets_asset WHERE serial ~ '^S[0-9a-f]{8}-')"
        )
        cur.execute("DELETE FROM assets_asset WHERE serial ~ '^S[0-9a-f]{8}-'")
    SignUp.objects.filter(shift__opportunity__title_en="Bench scale day").delete()
    Volunteer.objects.filter(email__regex=r"^v[0-9a-f]{8}-").delete()
    return {}


def django_child(step: str, args, *argv: str) -> dict:
    """Runs prepare/check/clean in a child process bound to the bench database."""
    done = subprocess.run(
        [sys.executable, __file__, "--child", step, *argv],
        cwd=ROOT,
        env=env(args),
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        sys.exit(done.stderr)
    return json.loads(done.stdout.strip().splitlines()[-1])


# ------------------------------------------------------------------------- the load


class Client:
    """One keep-alive connection from one loopback address, with cookies."""

    def __init__(self, port: int, address: str):
        self.port, self.address, self.cookies = port, address, {}
        self.connection = None

    def request(self, method: str, path: str, data: dict | None = None, headers=None):
        headers = dict(headers or {})
        body = None
        if data is not None:
            body = urlencode(data)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in (1, 2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection(
                    "127.0.0.1", self.port, source_address=(self.address, 0), timeout=120
                )
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                content = response.read()
                break
            except (http.client.HTTPException, ConnectionError):
                self.connection.close()
                self.connection = None
                if attempt == 2 or method != "GET":
                    raise
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name] = rest.split(";")[0]
        if response.headers.get("Connection", "").lower() == "close":
            self.connection.close()
            self.connection = None
        return response.status, content

    def post(self, path: str, data: dict, headers=None):
        if "csrftoken" not in self.cookies:
            self.request("GET", "/accounts/login/")
        data = {**data, "csrfmiddlewaretoken": self.cookies["csrftoken"]}
        return self.request("POST", path, data, headers)

    def login(self) -> None:
        status, _ = self.post("/accounts/login/", {"username": STAFF[0], "password": STAFF[1]})
        assert status == 302, f"login answered {status}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(args, workers: int) -> tuple[subprocess.Popen, int]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "manage.py", "serve", "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--no-access-log"],
        cwd=ROOT, env=env(args), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process, port
        except OSError:
            time.sleep(0.3)
    process.kill()
    sys.exit(f"greenit serve did not start: {process.stderr.read()}")


def round_(args, workers: int, data: dict) -> dict:
    process, port = serve(args, workers)
    run = uuid.uuid4().hex[:8]
    samples: dict[str, list[float]] = {}
    errors: list[str] = []
    acknowledged = {"scan": [], "signup": []}
    lock = threading.Lock()
    counter = iter(range(args.requests))
    rng_seed = random.Random(7)
    try:
        staff = [Client(port, f"127.0.0.{10 + k}") for k in range(args.clients)]
        guests = [Client(port, f"127.0.1.{10 + k}") for k in range(args.clients)]
        for client in staff:
            client.login()

        # Warm every worker's connections and caches: all clients at once, so that each
        # worker gets some of them (one after the other, they met one or two workers).
        def warm_up(client) -> None:
            for path in ("/", "/assets/?state=ready", LIST_URLS[1]):
                client.request("GET", path)

        warmers = [threading.Thread(target=warm_up, args=(c,)) for c in staff]
        for thread in warmers:
            thread.start()
        for thread in warmers:
            thread.join()
        deadline = time.monotonic() + args.max_seconds

        def work(k: int) -> None:
            rng = random.Random(rng_seed.random() + k)
            client, guest = staff[k], guests[k]
            while time.monotonic() < deadline:
                try:
                    n = next(counter)
                except StopIteration:
                    return
                draw = rng.random()
                who, data_, headers = client, None, None
                if draw < READ_SHARE:
                    choice = rng.random()
                    method = "GET"
                    if choice < 0.25:
                        kind, path = "dashboard", "/"
                    elif choice < 0.5:
                        kind, path = "list", rng.choice(LIST_URLS)
                    else:
                        kind, path = "device", f"/assets/{rng.choice(data['tags'])}/"
                elif draw < READ_SHARE + (1 - READ_SHARE) / 2:
                    kind, method, path = "scan", "POST", "/assets/intake/"
                    serial = f"S{run}-{n:06d}"
                    data_ = {**SCAN, "donation": data["donation"], "serial": serial}
                    headers = {"HX-Request": "true"}
                else:
                    kind, method, who = "signup", "POST", guest
                    path = f"/volunteers/shifts/{data['shift']}/signup/"
                    email = f"v{run}-{n:06d}@example.org"
                    data_ = {**SIGNUP, "name": f"Volunteer {n}", "email": email}
                started = time.perf_counter()
                try:
                    if method == "GET":
                        status, content = who.request("GET", path)
                    else:
                        status, content = who.post(path, data_, headers)
                except Exception as error:  # noqa: BLE001
                    with lock:
                        errors.append(f"{kind}: {error!r}")
                    continue
                elapsed = time.perf_counter() - started
                ok = {
                    "scan": status == 200 and b"Recorded " in content,
                    "signup": status in (200, 302),
                }.get(kind, status == 200)
                with lock:
                    samples.setdefault(kind, []).append(elapsed)
                    if not ok:
                        errors.append(f"{kind}: {status} {content[:200]!r}")
                    elif kind == "scan":
                        acknowledged["scan"].append(serial)
                    elif kind == "signup":
                        acknowledged["signup"].append(email)

        threads = [threading.Thread(target=work, args=(k,)) for k in range(args.clients)]
        began = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - began
    finally:
        process.terminate()
        process.wait(timeout=60)
    stored = django_child("check", args, run)
    lost = sorted(set(acknowledged["scan"]) - set(stored["serials"]))
    lost += sorted(set(acknowledged["signup"]) - set(stored["emails"]))
    duplicated = len(stored["serials"]) - len(set(stored["serials"]))
    duplicated += len(stored["emails"]) - len(set(stored["emails"]))
    everything = [s for values in samples.values() for s in values]
    result = {
        "workers": workers,
        "requests": len(everything),
        "seconds": round(elapsed, 2),
        "rps": round(len(everything) / elapsed, 1),
        "p50_ms": round(statistics.median(everything) * 1000, 1),
        "p95_ms": round(percentile(everything, 95) * 1000, 1),
        "by_kind": {
            kind: {
                "n": len(values),
                "p50_ms": round(statistics.median(values) * 1000, 1),
                "p95_ms": round(percentile(values, 95) * 1000, 1),
            }
            for kind, values in sorted(samples.items())
        },
        "writes_acknowledged": {k: len(v) for k, v in acknowledged.items()},
        "writes_stored": {"scan": len(stored["serials"]), "signup": len(stored["emails"])},
        "lost": len(lost),
        "duplicated": duplicated,
        "errors": len(errors),
        "first_errors": errors[:3],
    }
    log(json.dumps(result))
    return result


def percentile(values: list[float], p: int) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--assets", type=int, default=1_000_000)
    parser.add_argument("--events-per-asset", type=int, default=10)
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--requests", type=int, default=1200, help="per worker count")
    parser.add_argument("--clients", type=int, default=8, help="concurrent client threads")
    parser.add_argument("--max-seconds", type=float, default=120, help="per worker count")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/14")
    parser.add_argument("--skip-build", action="store_true", help="greenit_bench is ready")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        step, *rest = args.child
        print(json.dumps({"prepare": prepare, "check": check, "clean": clean}[step](*rest)))
        return 0

    if not args.skip_build:
        log(f"building or reusing {args.assets:,} devices (bench/intake.py)")
        subprocess.run(
            [sys.executable, "bench/intake.py", "--db", "postgres", "--assets", str(args.assets),
             "--events-per-asset", str(args.events_per_asset), "--scans", "2",
             "--list-requests", "1", "--bare-requests", "10"],
            cwd=ROOT, check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
    # A database built by an older greenit must have today's schema, or pages answer 500.
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v0"],
        cwd=ROOT, env=env(args), check=True,
    )  # fmt: skip
    data = django_child("prepare", args)
    log(f"intake donation {data['donation']}, shift {data['shift']}, {len(data['tags'])} tags")
    load = os.getloadavg()
    results = []
    try:
        for workers in (int(w) for w in args.workers.split(",")):
            results.append(round_(args, workers, data))
    finally:
        django_child("clean", args)
    base = results[0]["rps"]
    print()
    after = os.getloadavg()[0]
    print(f"load average before: {load[0]:.1f}, after: {after:.1f}; cores: {os.cpu_count()}")
    print(
        "| workers | requests | req/s | ratio | p50 ms | p95 ms | p95 read / write ms "
        "| writes ok | lost | duplicated | errors |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        kinds = r["by_kind"]
        reads = max(kinds.get(k, {"p95_ms": 0})["p95_ms"] for k in ("dashboard", "list", "device"))
        writes = max(kinds.get(k, {"p95_ms": 0})["p95_ms"] for k in ("scan", "signup"))
        ok = sum(r["writes_stored"].values())
        print(
            f"| {r['workers']} | {r['requests']} | {r['rps']} | {r['rps'] / base:.2f}× | "
            f"{r['p50_ms']} | {r['p95_ms']} | {reads} / {writes} | {ok} | {r['lost']} | "
            f"{r['duplicated']} | {r['errors']} |"
        )
    # A round with refused requests measured something else than the load it names (a
    # sign-up form that changed made every sign-up a 400 and the round look faster).
    bad = any(r["lost"] or r["duplicated"] or r["errors"] for r in results)
    by_workers = {r["workers"]: r["rps"] for r in results}
    if 1 in by_workers and 4 in by_workers:
        ratio = by_workers[4] / by_workers[1]
        print(f"target: 4 workers ≥ {TARGET_4_VS_1}× one worker: {ratio:.2f}×")
        bad |= ratio < TARGET_4_VS_1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
