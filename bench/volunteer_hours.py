"""Benchmark: volunteer hours for the impact reports, and signing up, at a large scale.

Builds (once) N confirmed, attended sign-ups over a few years of shifts for volunteers of 60
companies in the database named by DATABASE_URL (use a throw-away one: the tables are filled
with bulk inserts), then times the calls the impact app and the report page make:
`volunteer_hours` for one company and a year, for all companies and a year, and
`hours_by_company` for a year; and `signup_create` (row lock, count, overlap check) on a
shift that already has many sign-ups.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/greenit_volunteers_bench \\
        .venv/bin/python bench/volunteer_hours.py [--signups 200000]
"""

import argparse
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "greenit.settings")
os.environ.setdefault("SECRET_KEY", "bench-only")  # DEBUG is off: production settings
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.dummy.EmailBackend")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from greenit.accounts.models import Organisation  # noqa: E402
from greenit.volunteers import services  # noqa: E402
from greenit.volunteers.models import Opportunity, Shift, SignUp, Volunteer  # noqa: E402


def build(signups: int) -> None:
    if SignUp.objects.count() >= signups:
        return
    rng = random.Random(6)
    companies = Organisation.objects.bulk_create(
        Organisation(name=f"Bench company {n}", is_sponsor=True) for n in range(60)
    )
    opp = Opportunity.objects.create(
        kind="teaching_day", title_en="Bench", title_zh="基准", place="x", published=True
    )
    start = timezone.now() - timedelta(days=3 * 365)
    shifts = Shift.objects.bulk_create(
        Shift(
            opportunity=opp,
            starts_at=start + timedelta(hours=6 * n),
            ends_at=start + timedelta(hours=6 * n + 3),
            capacity=40,
        )
        for n in range(signups // 20)
    )
    volunteers = Volunteer.objects.bulk_create(
        Volunteer(
            name=f"V{n}",
            email=f"v{n}@bench.example",
            company=rng.choice(companies) if n % 5 else None,
            token=f"bench-{n}",
        )
        for n in range(signups // 10)
    )
    batch = []
    for n in range(signups):
        shift = shifts[n // 20]
        batch.append(
            SignUp(
                shift=shift,
                volunteer=volunteers[(n * 7919) % len(volunteers)],
                status="confirmed",
                attendance="present",
                hours=Decimal("3.00"),
                hours_adjusted=Decimal("4.00") if n % 50 == 0 else None,
                created_at=shift.starts_at - timedelta(days=3),
            )
        )
        if len(batch) == 10_000:
            SignUp.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    SignUp.objects.bulk_create(batch, ignore_conflicts=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def timed(fn, runs: int = 7) -> float:
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        fn()
        times.append(time.perf_counter() - began)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--signups", type=int, default=200_000)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    build(args.signups)
    company = Organisation.objects.filter(name="Bench company 7").first()
    year_end = timezone.localdate()
    year_start = year_end - timedelta(days=365)
    print(f"{connection.vendor}, {SignUp.objects.count()} sign-ups")
    one = timed(
        lambda: services.volunteer_hours(companies=[company], start=year_start, end=year_end)
    )
    print(f"volunteer_hours(one company, a year): {one:.1f} ms")
    print(
        "volunteer_hours(all, a year): "
        f"{timed(lambda: services.volunteer_hours(start=year_start, end=year_end)):.1f} ms"
    )
    print(
        "hours_by_company(a year): "
        f"{timed(lambda: services.hours_by_company(start=year_start, end=year_end)):.1f} ms"
    )
    print(
        "hours_by_company(all time): "
        f"{timed(lambda: services.hours_by_company(start=None, end=None), runs=3):.1f} ms"
    )
    future = Shift.objects.create(
        opportunity=Opportunity.objects.get(title_en="Bench"),
        starts_at=timezone.now() + timedelta(days=400),
        ends_at=timezone.now() + timedelta(days=400, hours=3),
        capacity=10_000,
    )
    count = [0]

    def sign_up():
        count[0] += 1
        services.signup_create(
            shift=future, name="Bench", email=f"bench-{time.time_ns()}-{count[0]}@example.org"
        )

    print(f"signup_create (guest, shift lock, overlap check): {timed(sign_up, runs=50):.1f} ms")


if __name__ == "__main__":
    main()
