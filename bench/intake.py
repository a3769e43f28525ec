"""Benchmark: scanning one device in at intake, and the filtered device list, on a large
database (issue 2).

    .venv/bin/python bench/intake.py [--db sqlite|postgres|both] [--assets 1000000]
                                     [--events-per-asset 10]

For each database the script re-invokes itself in a child process with DATABASE_URL set
(greenit.settings binds DATABASES at import). The child creates its own database
(PostgreSQL `greenit_bench`, SQLite var/bench.sqlite3), migrates it, and builds the data:
assets whose custody events follow a legal path through lifecycle.TRANSITIONS with
increasing timestamps, asset tags made from sequential numbers with their check character.
PostgreSQL is loaded with COPY, SQLite with executemany in big transactions; both stream in
chunks and are ANALYZEd afterwards. A database already built with the same parameters is
reused (the rows the benchmark itself adds are removed at the end of every run).

It then measures, through django.test.Client in the same process (full middleware stack,
a technician logged in, no network):
  * intake: POST /assets/intake/ with HX-Request, a new serial each time;
  * list: /assets/?state=ready and /assets/?category=laptop&state=deployed, and the second
    page of each through the "Older" (`after` cursor) link;
  * bare: a view in a bench-only URLconf that returns a fixed string, as the yardstick.
Timings are request to response; the table gives median and p95, and each as a ratio to the
bare view. Targets (PostgreSQL): intake p95 < 20 ms, list p95 < 50 ms.
"""

import argparse
import html
import json
import math
import os
import random
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import types
import uuid
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_SERVER = "postgres://postgres@127.0.0.1:5432/"
PG_NAME = "greenit_bench"
SQLITE_PATH = ROOT / "var" / "bench.sqlite3"
FORMAT = 4  # bump whenever the generated data changes shape: older builds are then rebuilt
SEED = 20260202
TARGETS_MS = {"intake": 20.0, "list": 50.0}  # p95, on PostgreSQL
BENCH_USERNAME = "bench-technician-1"
LIST_URLS = ("/assets/?state=ready", "/assets/?category=laptop&state=deployed")

# What the generated devices look like. Weights are relative.
CATEGORY_MIX = {
    "laptop": 30,
    "desktop": 18,
    "monitor_lcd": 14,
    "phone": 8,
    "peripheral": 6,
    "tablet": 5,
    "printer": 4,
    "network": 3,
    "all_in_one": 3,
    "thin_client": 2,
    "storage_drive": 2,
    "cable": 2,
    "server": 1,
    "projector": 1,
    "monitor_crt": 1,
}
MODELS = {
    "laptop": [("Lenovo", "ThinkPad T480"), ("Dell", "Latitude 5490"), ("HP", "EliteBook 840")],
    "desktop": [("Lenovo", "ThinkCentre M720q"), ("Dell", "OptiPlex 7060"), ("HP", "ProDesk 600")],
    "monitor_lcd": [("Dell", "P2419H"), ("AOC", "24B2XH"), ("Philips", "243V7Q")],
    "phone": [("Huawei", "P30"), ("Xiaomi", "Mi 9"), ("Apple", "iPhone 8")],
    "tablet": [("Apple", "iPad 6th gen"), ("Huawei", "MatePad 10.4")],
    "printer": [("HP", "LaserJet Pro M404dn"), ("Brother", "HL-L2375DW")],
    "network": [("H3C", "S5130"), ("TP-Link", "TL-SG1024")],
    "peripheral": [("Logitech", "K120 keyboard"), ("Lenovo", "M-U0025 mouse")],
}
WEIGHTS_KG = {"laptop": "1.650", "desktop": "8.770", "monitor_lcd": "5.500", "phone": "0.171"}
SPECS = ["i5-8250U / 8 GB / 256 GB SSD", "i7-8650U / 16 GB / 512 GB SSD", "i3-7100 / 4 GB / 1 TB"]
COMPUTERS = {"laptop", "desktop", "all_in_one", "thin_client", "server"}
WAREHOUSES = ["上海仓库 A 区", "上海仓库 B 区", "南昌仓库"]
WORKSHOPS = ["Workshop bench 1", "Workshop bench 2"]
SCHOOLS = [f"School {n:03d}" for n in range(1, 201)]
RECYCLER = "上海绿循环再生资源有限公司"
# Relative odds of each move when a device has a choice (see lifecycle.TRANSITIONS).
MOVE_ODDS = {
    ("received", "sanitized"): 9,
    ("received", "tested"): 9,
    ("received", "recycling"): 1,
    ("sanitized", "tested"): 19,
    ("sanitized", "recycling"): 1,
    ("tested", "ready"): 9,
    ("tested", "recycling"): 1,
    ("ready", "allocated"): 8,
    ("ready", "recycling"): 1,
    ("allocated", "deployed"): 6,
    ("allocated", "ready"): 1,
    ("deployed", "received"): 3,
    ("deployed", "recycling"): 2,
    ("recycling", "received"): 1,
    ("recycling", "recycled"): 1,
}
# Days between the previous event and a move into this state: (shortest, longest).
GAP_DAYS = {
    "received": (1, 20),
    "sanitized": (0.5, 10),
    "tested": (0.2, 5),
    "ready": (0.2, 5),
    "allocated": (1, 60),
    "deployed": (1, 14),
    "recycling": (1, 30),
    "recycled": (7, 90),
}
TAKE_BACK_DAYS = (180, 1200)  # deployed → received: years in a classroom
NOTES = {
    "sanitized": "nwipe 1 pass zeros, verified",
    "tested": "Checklist passed; grade B",
    "ready": "Imaged with the offline education kit",
    "recycled": "Batch to the recycler, weight ticket attached",
}
PATHS_PER_LENGTH = 256


def log(db: str, message: str) -> None:
    print(f"[{db}] {message}", flush=True)


# --------------------------------------------------------------------------- parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--assets", type=int, default=1_000_000)
    parser.add_argument("--events-per-asset", type=int, default=10)
    parser.add_argument("--scans", type=int, default=1000, help="intake scans measured")
    parser.add_argument(
        "--list-requests", type=int, default=100, help="requests per list URL and page"
    )
    parser.add_argument("--bare-requests", type=int, default=2000)
    parser.add_argument("--rebuild", action="store_true", help="build even if data exists")
    parser.add_argument("--explain", action="store_true", help="print the list query plans")
    parser.add_argument("--postgres-url", default=PG_SERVER, help="server, without database")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--json", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.assets < 1 or args.events_per_asset < 1:
        parser.error("--assets and --events-per-asset must be at least 1")
    if args.child:
        return child(args)

    results = []
    for db in ["postgres", "sqlite"] if args.db == "both" else [args.db]:
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "result.json"
            env = {
                **os.environ,
                "DATABASE_URL": database_url(db, args.postgres_url),
                "DJANGO_SETTINGS_MODULE": "greenit.settings",
                "DEBUG": "0",
                "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only"),
                "EMAIL_BACKEND": os.environ.get(
                    "EMAIL_BACKEND", "django.core.mail.backends.dummy.EmailBackend"
                ),
            }
            command = [
                sys.executable,
                str(Path(__file__).resolve()),
                "--child",
                "--db",
                db,
                "--json",
                str(out),
            ]
            for option in ("assets", "events_per_asset", "scans", "list_requests"):
                command += [f"--{option.replace('_', '-')}", str(getattr(args, option))]
            command += ["--bare-requests", str(args.bare_requests)]
            command += ["--postgres-url", args.postgres_url]
            command += ["--rebuild"] * args.rebuild + ["--explain"] * args.explain
            if subprocess.run(command, env=env, cwd=ROOT).returncode != 0:
                print(f"[{db}] the benchmark failed (see above)", file=sys.stderr)
                return 1
            results.append(json.loads(out.read_text()))
    print()
    print(report(results))
    return 0


def database_url(db: str, server: str) -> str:
    if db == "postgres":
        return server.rstrip("/") + "/" + PG_NAME
    return f"sqlite:///{SQLITE_PATH}"


def fmt_ms(stats: dict) -> str:
    return f"{stats['median']:.2f} / {stats['p95']:.2f}"


def report(results: list[dict]) -> str:
    """A Markdown table, readable in a terminal and pasted as is into docs/benchmarks.md."""
    lines = [
        f"Data: {results[0]['assets']:,} assets, {results[0]['events']:,} custody events. "
        "Times in ms, median / p95; ratio = time ÷ bare view.",
        "",
        "| database | bare view | intake | intake ÷ bare | list | list ÷ bare "
        f"| intake p95 < {TARGETS_MS['intake']:.0f} ms | list p95 < {TARGETS_MS['list']:.0f} ms |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        bare, intake, lst = r["bare"], r["intake"], r["list"]
        verdict = {
            key: ("PASS" if r[key]["p95"] < target else "FAIL")
            + ("" if r["db"] == "postgres" else " (info)")
            for key, target in TARGETS_MS.items()
        }
        lines.append(
            f"| {r['db']} {r['server_version']} | {fmt_ms(bare)} | {fmt_ms(intake)} "
            f"| {intake['median'] / bare['median']:.0f}× / {intake['p95'] / bare['p95']:.0f}× "
            f"| {fmt_ms(lst)} "
            f"| {lst['median'] / bare['median']:.0f}× / {lst['p95'] / bare['p95']:.0f}× "
            f"| {verdict['intake']} | {verdict['list']} |"
        )
    lines += ["", "| database | list page | requests | median / p95 | queries |"]
    lines += ["|---|---|---|---|---|"]
    for r in results:
        for label, stats in r["list_pages"].items():
            lines.append(
                f"| {r['db']} | `{label}` | {stats['n']} | {fmt_ms(stats)} "
                f"| {r['queries']['list']} |"
            )
    lines += [""]
    for r in results:
        build = f"built in {r['build_seconds']:.0f} s on {r['built_at']}" + (
            " (reused)" if r["reused"] else ""
        )
        load = r["load_average"]
        lines.append(
            f"- {r['db']}: {r['intake']['n']} scans, {r['queries']['intake']} queries per scan; "
            f"data {build}; load average {load[0]:.1f} before measuring, {load[3]:.1f} after."
        )
    lines.append("- Targets apply to PostgreSQL; SQLite verdicts are for information.")
    return "\n".join(lines)


# --------------------------------------------------------------------------- child


def child(args) -> int:
    db = args.db
    meta = None if args.rebuild else existing_build(db, args)
    if meta is None:
        fresh_database(db, args)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    log(db, f"migrating ({len(pending)} to apply)")
    call_command("migrate", interactive=False, verbosity=0)
    reused = meta is not None
    if meta is None:
        meta = build(db, args)
        log(db, f"build took {meta['build_seconds']:.0f} s")
    else:
        log(
            db,
            f"reusing {meta['assets']:,} assets / {meta['events']:,} events "
            f"(built in {meta['build_seconds']:.0f} s on {meta['built_at']})",
        )
        if pending:  # a new index on the reused data needs its statistics
            with connection.cursor() as cur:
                cur.execute("ANALYZE")
    try:
        result = measure(db, args, meta)
    finally:
        remove_bench_rows(db, meta)
    result.update(
        reused=reused,
        assets=meta["assets"],
        events=meta["events"],
        build_seconds=meta["build_seconds"],
        built_at=meta["built_at"],
    )
    Path(args.json).write_text(json.dumps(result, indent=2))
    return 0


# ---------------------------------------------------------------- database set-up


def pg_connect(url: str, **kwargs):
    import psycopg

    return psycopg.connect(url, **kwargs)


def existing_build(db: str, args) -> dict | None:
    """The build record if the database holds exactly the data these parameters make."""
    url = database_url(db, args.postgres_url)
    if db == "postgres":
        with pg_connect(args.postgres_url.rstrip("/") + "/postgres", autocommit=True) as conn:
            found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [PG_NAME])
            if found.fetchone() is None:
                return None
        conn = pg_connect(url, autocommit=True)
    else:
        if not SQLITE_PATH.exists():
            return None
        conn = sqlite3.connect(SQLITE_PATH, isolation_level=None)
    try:
        cur = conn.cursor()
        try:
            cur.execute("SELECT payload FROM bench_build")
            row = cur.fetchone()
        except Exception:  # no record table: not built by this script, or half-built
            return None
        meta = json.loads(row[0]) if row else None
        wanted = {
            "format": FORMAT,
            "seed": SEED,
            "assets": args.assets,
            "events": args.assets * args.events_per_asset,
        }
        if not meta or any(meta.get(k) != v for k, v in wanted.items()):
            log(db, "existing data was built with other parameters: rebuilding")
            return None
        delete_rows_after(cur, db, meta)  # left over by an interrupted run
        cur.execute("SELECT count(*) FROM assets_asset")
        assets = cur.fetchone()[0]
        cur.execute("SELECT count(*) FROM assets_custodyevent")
        events = cur.fetchone()[0]
        if (assets, events) != (meta["assets"], meta["events"]):
            log(db, f"found {assets:,} assets / {events:,} events, not the build's: rebuilding")
            return None
        return meta
    finally:
        conn.close()


def fresh_database(db: str, args) -> None:
    if db == "postgres":
        with pg_connect(args.postgres_url.rstrip("/") + "/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{PG_NAME}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{PG_NAME}"')
        log(db, f"created database {PG_NAME}")
    else:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
        SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
        log(db, f"creating {SQLITE_PATH.relative_to(ROOT)}")


def delete_rows_after(cur, db: str, meta: dict) -> None:
    """Remove what benchmark runs added after the build. Custody events are append-only
    (a trigger refuses DELETE on PostgreSQL); the bench database is ours to reset, so the
    trigger is bypassed for this one transaction."""
    if db == "postgres":
        cur.execute("BEGIN")
        cur.execute("SET LOCAL session_replication_role = replica")
    cur.execute(f"DELETE FROM assets_custodyevent WHERE id > {int(meta['events'])}")
    cur.execute(f"DELETE FROM assets_asset WHERE id > {int(meta['assets'])}")
    if db == "postgres":
        cur.execute("COMMIT")


def remove_bench_rows(db: str, meta: dict) -> None:
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cur:
        if db == "postgres":
            cur.execute("SET LOCAL session_replication_role = replica")
        cur.execute(f"DELETE FROM assets_custodyevent WHERE id > {int(meta['events'])}")
        cur.execute(f"DELETE FROM assets_asset WHERE id > {int(meta['assets'])}")
        cur.execute(
            "UPDATE donations_donation SET status = 'received' WHERE id = %s",
            [meta["intake_donation"]],
        )


# --------------------------------------------------------------------------- build


def build(db: str, args) -> dict:
    """Users, donors and donations through the ORM; assets and custody events in bulk."""
    from django.db import connection, connections

    started = time.perf_counter()
    now = int(time.time())
    rng = random.Random(SEED)
    users = create_users()
    sizes = donation_sizes(args.assets, rng)
    gen = Generator(
        n_assets=args.assets,
        per_asset=args.events_per_asset,
        users=users,
        sizes=sizes,
        now=now,
        rng=rng,
    )
    create_donations(gen, users)
    connections.close_all()
    log(db, f"{len(sizes):,} donations; loading {args.assets:,} assets")
    if db == "postgres":
        load_postgres(database_url(db, args.postgres_url), gen)
    else:
        load_sqlite(gen)
    finish_start = time.perf_counter()
    reset_sequences()
    with connection.cursor() as cur:
        if db == "postgres":
            cur.execute("VACUUM ANALYZE")
    log(db, f"sequences, VACUUM/ANALYZE: {time.perf_counter() - finish_start:.0f} s")
    meta = {
        "format": FORMAT,
        "seed": SEED,
        "assets": args.assets,
        "events": gen.next_event_id - 1,
        "donations": len(sizes),
        "intake_donation": len(sizes),
        "state_counts": gen.state_counts,
        "build_seconds": round(time.perf_counter() - started, 1),
        "built_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }
    assert meta["events"] == args.assets * args.events_per_asset, meta
    with connection.cursor() as cur:
        cur.execute("CREATE TABLE bench_build (payload TEXT NOT NULL)")
        cur.execute("INSERT INTO bench_build (payload) VALUES (%s)", [json.dumps(meta)])
    return meta


def create_users() -> dict[str, list[int]]:
    """Staff per role; the first technician is the one who scans in the benchmark."""
    from django.contrib.auth.models import Group

    from greenit.accounts.models import Role, User

    ids: dict[str, list[int]] = {}
    for role, count in ((Role.TECHNICIAN, 3), (Role.LOGISTICS, 2), (Role.PROGRAMME_MANAGER, 2)):
        group = Group.objects.get(name=role)
        for k in range(1, count + 1):
            user = User(username=f"bench-{role}-{k}", first_name="Bench", last_name=f"{role} {k}")
            user.set_unusable_password()
            user.save()
            user.groups.add(group)
            ids.setdefault(str(role), []).append(user.pk)
    return ids


def donation_sizes(n_assets: int, rng: random.Random) -> list[int]:
    """Devices per donation: mostly a few dozen, sometimes hundreds; they add up to n."""
    sizes, total = [], 0
    while total < n_assets:
        size = min(1 + int(rng.expovariate(1 / 80)), 2000, n_assets - total)
        sizes.append(size)
        total += size
    return sizes


def create_donations(gen: "Generator", users: dict[str, list[int]]) -> None:
    from greenit.accounts.models import Organisation
    from greenit.donations.models import Donation

    donors = Organisation.objects.bulk_create(
        Organisation(name=f"Bench donor {n:02d}", is_donor=True) for n in range(1, 21)
    )
    rng = random.Random(SEED + 1)
    logistics = users["logistics"]
    rows, first = [], 1
    for number, size in enumerate(gen.sizes, start=1):
        created = gen.base_time(first) - 2 * 86400
        org = rng.choice(donors) if rng.random() < 0.6 else None
        recent = number > len(gen.sizes) * 0.97 or number == len(gen.sizes)
        rows.append(
            Donation(
                id=number,
                reference=f"D{datetime.fromtimestamp(created, UTC):%Y}-{number:05d}",
                donor_organisation=org,
                donor_name="" if org else f"Donor {number}",
                contact_name=f"Contact {number}",
                status=Donation.Status.RECEIVED if recent else Donation.Status.CLOSED,
                created_at=datetime.fromtimestamp(created, UTC),
                created_by_id=rng.choice(logistics),
            )
        )
        first += size
    Donation.objects.bulk_create(rows, batch_size=2000)


def reset_sequences() -> None:
    from django.core.management.color import no_style
    from django.db import connection

    from greenit.accounts.models import Organisation
    from greenit.assets.models import Asset, CustodyEvent
    from greenit.donations.models import Donation

    models = [Organisation, Donation, Asset, CustodyEvent]
    with connection.cursor() as cur:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cur.execute(sql)


def tag_for(number: int) -> str:
    from greenit.core import tags

    body = []
    for _ in range(tags.BODY_LENGTH):
        number, digit = divmod(number, len(tags.ALPHABET))
        body.append(tags.ALPHABET[digit])
    text = "".join(reversed(body))
    return text + tags.check_character(text)


class Generator:
    """Streams asset and custody-event rows, deterministic for one seed. Each asset follows
    one of a library of random walks through lifecycle.TRANSITIONS. Old devices have long
    histories (most are deployed or recycled), the newest are still being processed, as in
    a real inventory: the state of a device is correlated with its id, which a query plan
    that walks the primary key and filters on state would pay for."""

    ASSET_COLUMNS = (
        "id, tag, donation_id, category, make, model, serial, specs, weight_kg, condition, "
        "location, state, state_changed_at, created_at, donor_asset_number, register_details"
    )
    EVENT_COLUMNS = "id, asset_id, at, actor_id, from_state, to_state, location, note"

    def __init__(self, *, n_assets, per_asset, users, sizes, now, rng):
        from greenit.core import categories

        self.n, self.per, self.users, self.sizes, self.rng = n_assets, per_asset, users, sizes, rng
        self.start = now - 10 * 365 * 86400  # the first device arrived ten years ago
        self.end = now - 86400  # the last one yesterday
        self.cap = now - 3600  # no event in the last hour, none in the future
        self.categories = [c for c, w in CATEGORY_MIX.items() for _ in range(w)]
        self.holds_data = {c: categories.get(c).holds_data for c in CATEGORY_MIX}
        self.library = {
            (holds, length): [self.walk(holds, length) for _ in range(PATHS_PER_LENGTH)]
            for holds in (True, False)
            for length in range(1, 2 * per_asset)
        }
        self.next_event_id = 1
        self.state_counts: dict[str, int] = {}
        self._days: dict[int, str] = {}

    def path_length(self, i: int) -> int:
        """Events for asset i. The oldest and the newest asset make a pair with lengths
        per + d and per - d, the next oldest and next newest another, and so on: the total
        is exactly n × per. d falls from per - 1 (oldest with newest) to 0 (the middle)."""
        n, per = self.n, self.per
        pair = min(i, n + 1 - i)  # 1 … n // 2
        half = n // 2
        if pair > half:  # the middle asset when n is odd
            return per
        fall = (per - 1) * (half - pair) / max(half - 1, 1)
        noise = (pair * 2654435761 % 2**32) / 2**32 * 4 - 2  # ±2, the same for both of a pair
        d = min(per - 1, max(0, round(fall + noise)))
        return per + d if i == pair else per - d

    def base_time(self, asset_id: int) -> int:
        return self.start + (self.end - self.start) * (asset_id - 1) // self.n

    def walk(self, holds: bool, length: int) -> tuple:
        """One legal path of `length` events: (from, to, actor, location, note, gap, span)."""
        from greenit.accounts.models import Role
        from greenit.assets import lifecycle

        rng, users = self.rng, self.users
        moves: dict[str, list] = {}
        for t in lifecycle.TRANSITIONS:
            moves.setdefault(str(t.source), []).append(t)
        if rng.random() < 0.25:  # listed by the donor first, received later
            state, where, note = "expected", "", "From the donor's list"
            actor = rng.choice(users["logistics"])
        else:
            state, where, note = "received", rng.choice(WAREHOUSES), "Scanned in at intake"
            actor = rng.choice(users[rng.choice(["logistics", "technician"])])
        steps = [("", state, actor, where, note, 0, 0)]
        for k in range(1, length):
            last = k == length - 1
            options, odds = [], []
            for t in moves[state]:
                source, target = str(t.source), str(t.target)
                if target == "recycled" and not last:
                    continue  # recycled is the end: only as the last event
                if (source, target) == ("received", "tested") and holds:
                    continue  # guard: data-bearing devices are sanitized first
                if (source, target) == ("received", "sanitized") and not holds:
                    continue  # nothing to wipe
                weight = MOVE_ODDS.get((source, target), 1)
                if target == "recycling" and length - k > 2:
                    weight /= 10  # few devices come back out of recycling
                options.append(t)
                odds.append(weight)
            t = rng.choices(options, odds)[0]
            source, target = str(t.source), str(t.target)
            assert lifecycle.find(source, target) is not None
            if target == "received":
                where = rng.choice(WAREHOUSES)
            elif target in ("sanitized", "tested", "ready") and source != "allocated":
                where = rng.choice(WORKSHOPS)
            elif target == "deployed":
                where = rng.choice(SCHOOLS)
            elif target == "recycling":
                where = "Recycling bay"
            elif target == "recycled":
                where = RECYCLER
            roles = sorted(str(r) for r in t.roles if r != Role.ADMINISTRATOR)
            actor = rng.choice(users[rng.choice(roles)])
            low, high = TAKE_BACK_DAYS if source == "deployed" else GAP_DAYS[target]
            gap, span = int(low * 86400), int((high - low) * 86400)
            steps.append((source, target, actor, where, NOTES.get(target, ""), gap, span))
            state = target
        return tuple(steps)

    def timestamp(self, t: int) -> str:
        """UTC, as Django stores it on SQLite; the PostgreSQL session is set to UTC."""
        day, second = divmod(t, 86400)
        date = self._days.get(day)
        if date is None:
            date = self._days[day] = time.strftime("%Y-%m-%d", time.gmtime(day * 86400))
        hour, rest = divmod(second, 3600)
        return f"{date} {hour:02d}:{rest // 60:02d}:{rest % 60:02d}"

    def chunks(self, size: int):
        """(asset rows, event rows) for `size` assets at a time, in id order."""
        rng, rnd = self.rng, self.rng.random
        pick_category = self.categories
        donation_of, first_of_next = 1, 1 + self.sizes[0]
        for lo in range(1, self.n + 1, size):
            assets, events = [], []
            for i in range(lo, min(lo + size, self.n + 1)):
                while i >= first_of_next:
                    first_of_next += self.sizes[donation_of]
                    donation_of += 1
                length = self.path_length(i)
                category = pick_category[int(rnd() * len(pick_category))]
                path = rng.choice(self.library[(self.holds_data[category], length)])
                t0 = self.base_time(i) + int(rnd() * 3600)
                times, t = [], t0
                for step in path:
                    t += step[5] + int(rnd() * step[6])
                    times.append(t)
                if times[-1] > self.cap:  # squeeze the history of recent devices
                    scale = (self.cap - t0) / (times[-1] - t0)
                    previous = t0 - 1
                    for k, value in enumerate(times):
                        previous = times[k] = max(t0 + int((value - t0) * scale), previous + 1)
                event_id = self.next_event_id
                for step, at in zip(path, times, strict=True):
                    events.append(
                        (
                            event_id,
                            i,
                            self.timestamp(at),
                            step[2],
                            step[0],
                            step[1],
                            step[3],
                            step[4],
                        )
                    )
                    event_id += 1
                self.next_event_id = event_id
                state = path[-1][1]
                self.state_counts[state] = self.state_counts.get(state, 0) + 1
                make, model = rng.choice(MODELS.get(category, [("", "")]))
                weight = WEIGHTS_KG.get(category) if rnd() < 0.8 else None
                assets.append(
                    (
                        i,
                        tag_for(i),
                        donation_of,
                        category,
                        make,
                        model,
                        f"SN{i:09d}" if rnd() < 0.97 else "",
                        rng.choice(SPECS) if category in COMPUTERS else "",
                        weight,
                        "",
                        path[-1][3],
                        state,
                        self.timestamp(times[-1]),
                        self.timestamp(times[0]),
                        "",
                        "{}",  # no register columns kept
                    )
                )
            yield assets, events


def progress(db: str, started: float, done: int, total: int) -> None:
    elapsed = time.perf_counter() - started
    log(db, f"  {done:,}/{total:,} assets, {elapsed:.0f} s")


def load_postgres(url: str, gen: Generator) -> None:
    """COPY on two connections at once (assets, events) with foreign-key triggers off
    (session_replication_role): the rows are consistent by construction. Secondary indexes
    are dropped first and built again afterwards, which is faster than maintaining them."""
    tables = ("assets_asset", "assets_custodyevent")
    with pg_connect(url, autocommit=True) as conn:
        indexes = conn.execute(
            """SELECT i.relname, pg_get_indexdef(i.oid)
               FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
               JOIN pg_class t ON t.oid = x.indrelid
               WHERE t.relname = ANY(%s)
                 AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)""",
            [list(tables)],
        ).fetchall()
        for name, _definition in indexes:
            conn.execute(f'DROP INDEX "{name}"')
    started = time.perf_counter()
    with pg_connect(url) as ca, pg_connect(url) as ce:
        for conn in (ca, ce):
            conn.execute("SET TIME ZONE 'UTC'")
            conn.execute("SET session_replication_role = replica")
        with (
            ca.cursor().copy(f"COPY assets_asset ({gen.ASSET_COLUMNS}) FROM STDIN") as qa,
            ce.cursor().copy(f"COPY assets_custodyevent ({gen.EVENT_COLUMNS}) FROM STDIN") as qe,
        ):
            done = 0
            for assets, events in gen.chunks(20_000):
                for row in assets:
                    qa.write_row(row)
                for row in events:
                    qe.write_row(row)
                done += len(assets)
                if done % 100_000 == 0:
                    progress("postgres", started, done, gen.n)
    log("postgres", f"COPY: {time.perf_counter() - started:.0f} s")
    started = time.perf_counter()
    with pg_connect(url, autocommit=True) as conn:
        conn.execute("SET maintenance_work_mem = '1GB'")
        for _name, definition in indexes:
            conn.execute(definition)
    log("postgres", f"{len(indexes)} indexes: {time.perf_counter() - started:.0f} s")


def load_sqlite(gen: Generator) -> None:
    """executemany in transactions of 50,000 assets with the journal and syncing off (a
    fresh file: nothing to protect); secondary indexes built after, then ANALYZE."""
    conn = sqlite3.connect(SQLITE_PATH, isolation_level=None)
    for pragma in (
        "journal_mode = OFF",
        "synchronous = OFF",
        "cache_size = -1048576",
        "temp_store = MEMORY",
    ):
        conn.execute(f"PRAGMA {pragma}")
    indexes = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
        "AND tbl_name IN ('assets_asset', 'assets_custodyevent')"
    ).fetchall()
    for name, _sql in indexes:
        conn.execute(f'DROP INDEX "{name}"')
    asset_sql = f"INSERT INTO assets_asset ({gen.ASSET_COLUMNS}) VALUES ({', '.join(['?'] * 16)})"
    event_sql = (
        f"INSERT INTO assets_custodyevent ({gen.EVENT_COLUMNS}) VALUES ({', '.join(['?'] * 8)})"
    )
    started = time.perf_counter()
    done = 0
    for assets, events in gen.chunks(50_000):
        conn.execute("BEGIN")
        conn.executemany(asset_sql, assets)
        conn.executemany(event_sql, events)
        conn.execute("COMMIT")
        done += len(assets)
        if done % 100_000 == 0 or done == gen.n:
            progress("sqlite", started, done, gen.n)
    log("sqlite", f"inserts: {time.perf_counter() - started:.0f} s")
    started = time.perf_counter()
    for _name, sql in indexes:
        conn.execute(sql)
    log("sqlite", f"{len(indexes)} indexes: {time.perf_counter() - started:.0f} s")
    started = time.perf_counter()
    conn.execute("ANALYZE")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.close()
    log("sqlite", f"ANALYZE: {time.perf_counter() - started:.0f} s")


# --------------------------------------------------------------------------- measure


def bare(request):
    from django.http import HttpResponse

    return HttpResponse("ok", content_type="text/plain")


def bench_urlconf() -> str:
    """A URLconf of the bare view plus every greenit URL, registered as a module."""
    from django.urls import include, path

    module = types.ModuleType("bench_urls")
    module.urlpatterns = [path("bench/bare/", bare), path("", include("greenit.urls"))]
    sys.modules[module.__name__] = module
    return module.__name__


class Queries:
    """Counts the SQL statements a request runs (connection.execute_wrapper)."""

    def __init__(self):
        self.sql: list[str] = []

    def __call__(self, execute, sql, params, many, context):
        self.sql.append(sql)
        return execute(sql, params, many, context)


def stats(samples: list[float]) -> dict:
    ordered = sorted(samples)
    return {
        "n": len(ordered),
        "median": statistics.median(ordered),
        "p95": ordered[math.ceil(0.95 * len(ordered)) - 1],
        "max": ordered[-1],
    }


def timed(call) -> tuple[float, object]:
    started = time.perf_counter_ns()
    response = call()
    return (time.perf_counter_ns() - started) / 1e6, response


def older_link(response) -> str:
    match = re.search(r'href="\?([^"]*after=\d+[^"]*)"', response.content.decode())
    assert match, "no link to the next page"
    return "/assets/?" + html.unescape(match.group(1))


def measure(db: str, args, meta: dict) -> dict:
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings

    from greenit.accounts.models import User
    from greenit.assets.models import Asset

    with override_settings(
        ROOT_URLCONF=bench_urlconf(), ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"]
    ):
        client = Client()
        client.force_login(User.objects.get(username=BENCH_USERNAME))
        run = uuid.uuid4().hex[:8]
        donation = meta["intake_donation"]
        before = Asset.objects.filter(donation_id=donation).count()

        def scan(k: int):
            data = {
                "donation": donation,
                "category": "laptop",
                "make": "Lenovo",
                "model": "ThinkPad T480",
                "location": "Intake bench 1",
                "serial": f"B{run}-{k:05d}",
            }
            return client.post("/assets/intake/", data, headers={"HX-Request": "true"})

        def check_scan(response) -> None:
            assert response.status_code == 200, response.status_code
            assert b"Recorded " in response.content, response.content[:500]

        def check_list(response) -> None:
            assert response.status_code == 200, response.status_code
            assert b'class="tag"' in response.content

        log(db, "warming up")
        for _ in range(200):
            assert client.get("/bench/bare/").status_code == 200
        for k in range(20):
            check_scan(scan(-k - 1))
        pages = {}
        for url in LIST_URLS:
            first = client.get(url)
            check_list(first)
            pages[url] = first
            pages[older_link(first)] = client.get(older_link(first))
        for url in pages:
            for _ in range(10):
                check_list(client.get(url))
        intake_queries, list_queries = Queries(), Queries()
        with connection.execute_wrapper(intake_queries):
            check_scan(scan(-100))
        with connection.execute_wrapper(list_queries):
            check_list(client.get(LIST_URLS[0]))
        if args.explain:
            log(db, "queries of one scan:\n  " + "\n  ".join(intake_queries.sql))
            log(db, "queries of one list page:\n  " + "\n  ".join(list_queries.sql))
            explain(db, connection)
        load_before = os.getloadavg()

        log(db, f"bare view × {args.bare_requests}")
        bare_ms = []
        for _ in range(args.bare_requests):
            ms, response = timed(lambda: client.get("/bench/bare/"))
            assert response.status_code == 200
            bare_ms.append(ms)

        log(db, f"intake × {args.scans}")
        intake_ms = []
        for k in range(args.scans):
            ms, response = timed(lambda k=k: scan(k))
            check_scan(response)
            intake_ms.append(ms)
        added = Asset.objects.filter(donation_id=donation).count() - before
        assert added == args.scans + 21, added

        log(db, f"list × {args.list_requests} × {len(pages)} pages")
        list_ms: dict[str, list[float]] = {url: [] for url in pages}
        for _ in range(args.list_requests):  # round robin, so drift hits every page alike
            for url in pages:
                ms, response = timed(lambda url=url: client.get(url))
                check_list(response)
                list_ms[url].append(ms)

    return {
        "db": db,
        "server_version": server_version(connection),
        "bare": stats(bare_ms),
        "intake": stats(intake_ms),
        "list": stats([ms for samples in list_ms.values() for ms in samples]),
        "list_pages": {label(url): stats(samples) for url, samples in list_ms.items()},
        "queries": {"intake": len(intake_queries.sql), "list": len(list_queries.sql)},
        "load_average": [round(x, 2) for x in (*load_before, *os.getloadavg())],
        "state_counts": meta.get("state_counts", {}),
    }


def label(url: str) -> str:
    """The URL with the cursor id replaced, so labels compare across databases."""
    return re.sub(r"after=\d+", "after=…", url)


def server_version(connection) -> str:
    if connection.vendor == "postgresql":
        return str(connection.pg_version // 10000)
    return sqlite3.sqlite_version


def explain(db: str, connection) -> None:
    from greenit.assets.models import Asset

    queries = {
        "state=ready": Asset.objects.filter(state="ready"),
        "state=deployed": Asset.objects.filter(state="deployed"),
        "category=laptop&state=deployed": Asset.objects.filter(category="laptop", state="deployed"),
    }
    options = {"analyze": True, "buffers": True} if connection.vendor == "postgresql" else {}
    for name, qs in queries.items():
        plan = qs.select_related("donation").order_by("-pk")[:51].explain(**options)
        log(db, f"plan for {name}:\n{plan}")
    recent = Asset.objects.filter(donation_id=1).order_by("-pk")[:10]
    log(db, f"plan for the intake's recent devices:\n{recent.explain(**options)}")


if __name__ == "__main__":
    sys.exit(main())
