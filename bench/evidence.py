"""Benchmark: hardware evidence ingest as a device's history grows (issue 14).

    .venv/bin/python bench/evidence.py [--devices 1000] [--rounds 10] [--db h14_bench]

On PostgreSQL (database `--db`, created and migrated when missing, emptied of earlier bench
rows), with 1,000 devices of one donation, posts 10 rounds of one workbench-script snapshot
per device (10,000 in all) through the API as a wipe station does: django.test.Client, full
middleware stack, a wipe_station bearer token. Every snapshot is the shared real sample
(../shared/fixtures/ereuse/workbench-script-snapshot.json, 137 kB) with the device's own
serials, DMI UUID and disk serials and a new uuid. Round 1 scans the tag (the device is filled
in, its two drives registered); later rounds send no tag, so the device is found by its
identities. Time is request to response, parse, compression and storage included; the CPU
time of the Python process (client and server, not PostgreSQL) is printed beside it, since
wall time on a shared machine mostly measures the other programs.

Target: median < 20 ms per snapshot, flat as history grows (median of the last round over
the first round's: the peer we measured went 0.65 s → 3.8 s per POST after 20 snapshots)."""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT.parent / "shared" / "fixtures" / "ereuse" / "workbench-script-snapshot.json"
PG_SERVER = "postgres://postgres@127.0.0.1:5432/"
TARGET_MS = 20.0


def _database(name: str) -> None:
    import psycopg

    with psycopg.connect(PG_SERVER + "postgres", autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


def _setup(name: str) -> None:
    os.environ["DATABASE_URL"] = PG_SERVER + name
    os.environ.setdefault("DEBUG", "true")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "greenit.settings")
    sys.path.insert(0, str(ROOT))
    _database(name)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _snapshot(raw: bytes, n: int, round_: int) -> bytes:
    """The sample as device `n` would send it: its own identities, a new uuid per round."""
    replaced = (
        raw.replace(b"5CQ6VY1", f"BENCH{n:05d}".encode())
        .replace(b"4c4c4544-0043-5110-8036-b5c04f565931", str(uuid.UUID(int=n + 1)).encode())
        .replace(b"TW0XXM305508539G1361", f"BENCHSSD{n:05d}A".encode())
        .replace(b"S33HNX0J203755R", f"BENCHSSD{n:05d}B".encode())
        .replace(b"41858da1-5a7c-47a5-b5d2-f1a666a99ed5", str(uuid.uuid4()).encode())
    )
    return replaced


def _world(devices: int):
    from django.contrib.auth.models import Group
    from django.db import transaction

    from greenit.accounts.models import ApiToken, Role, TokenScope, User
    from greenit.assets import lifecycle
    from greenit.donations import services as donation_services
    from greenit.donations.models import Donation
    from greenit.evidence.models import Alias, Difference, Identity, Snapshot, UnmatchedDrive
    from greenit.sanitization.models import StorageMedium

    user, _created = User.objects.get_or_create(username="bench-evidence-technician")
    user.groups.add(Group.objects.get_or_create(name=Role.TECHNICIAN)[0])
    with transaction.atomic():
        old = Donation.objects.filter(donor_name="bench evidence")
        UnmatchedDrive.objects.filter(snapshot__asset__donation__in=old).delete()
        Difference.objects.filter(asset__donation__in=old).delete()
        Snapshot.objects.filter(asset__donation__in=old).delete()
        Identity.objects.filter(asset__donation__in=old).delete()
        Alias.objects.filter(kept__donation__in=old).delete()
        StorageMedium.objects.filter(asset__donation__in=old).delete()
    donation = donation_services.donation_create(
        actor=user,
        items=[donation_services.ItemInput(category="laptop", quantity=devices)],
        donor_name="bench evidence",
        contact_name="bench",
    )
    assets = [
        lifecycle.enter(state="received", actor=user, donation=donation, category="laptop")
        for _n in range(devices)
    ]
    key = ApiToken.issue(user=user, name="bench station", scope=TokenScope.WIPE_STATION)[1]
    return assets, {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--devices", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--db", default="h14_bench")
    args = parser.parse_args()
    _setup(args.db)
    from django.conf import settings
    from django.test import Client

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    raw = SAMPLE.read_bytes()
    assets, headers = _world(args.devices)
    client = Client()
    per_round: list[list[float]] = []
    cpu_per_round: list[list[float]] = []
    for round_ in range(args.rounds):
        times, cpu = [], []
        for n, asset in enumerate(assets):
            body = _snapshot(raw, n, round_)
            query = f"?tag={asset.tag}" if round_ == 0 else ""
            started, cpu_started = time.perf_counter(), time.process_time()
            response = client.post(
                "/api/evidence/snapshots" + query, body, content_type="application/json", **headers
            )
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - cpu_started) * 1000)
            if response.status_code != 201 or response.json()["asset_tag"] != asset.display_tag:
                raise SystemExit(
                    f"device {n} round {round_}: {response.status_code} {response.content[:300]}"
                )
        per_round.append(times)
        cpu_per_round.append(cpu)
        q = statistics.quantiles(times, n=20)
        print(
            f"round {round_ + 1:2d} (history {round_:2d} snapshots/device): "
            f"median {statistics.median(times):6.1f} ms  p95 {q[18]:6.1f} ms  "
            f"(CPU of this process: median {statistics.median(cpu):5.1f} ms)  "
            f"load {os.getloadavg()[0]:.1f}",
            flush=True,
        )
    everything = [t for times in per_round for t in times]
    first, last = statistics.median(per_round[0]), statistics.median(per_round[-1])
    second = statistics.median(per_round[1]) if len(per_round) > 1 else first
    print(f"{len(everything)} snapshots for {len(assets)} devices on PostgreSQL ({args.db})")
    print(
        f"median per snapshot {statistics.median(everything):.1f} ms (target < {TARGET_MS:.0f} ms)"
    )
    cpu_all = [t for cpu in cpu_per_round for t in cpu]
    print(f"median CPU of the Python process per snapshot {statistics.median(cpu_all):.1f} ms")
    print(f"ratio last round / first round (medians): {last / first:.2f}")
    print(f"ratio last round / second round (both found by identity): {last / second:.2f}")


if __name__ == "__main__":
    main()
