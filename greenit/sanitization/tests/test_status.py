"""sanitization_status(): which media of which devices still need what, for many devices at
once, in the same few queries however many devices are asked about."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import refurbish, wiped_devices
from greenit.assets import lifecycle
from greenit.assets.models import State
from greenit.sanitization.status import sanitization_status


def _status(assets) -> tuple[dict[int, list[str]], int]:
    with CaptureQueriesContext(connection) as context:
        status = sanitization_status(assets)
    return status, len(context.captured_queries)


def test_the_status_of_many_devices_says_what_each_still_needs(
    alice, paul, donation, fresh_laptop, drive, laptop, record
):
    failed = wiped_devices(donation, alice, 1, prefix="FAILED-")[0]
    now = timezone.now()
    record(
        failed.media.get(),
        verification_result="failed",
        result="failed",
        started_at=now + timedelta(minutes=1),
        ended_at=now + timedelta(minutes=2),
    )
    back = wiped_devices(donation, alice, 1, prefix="BACK-")[0]
    refurbish(back, alice)
    for target, actor in (
        (State.SANITIZED, alice),
        (State.TESTED, alice),
        (State.READY, alice),
        (State.ALLOCATED, paul),
        (State.DEPLOYED, paul),
    ):
        lifecycle.transition(back, target, actor=actor)
    # at the school it holds the school's data: the wipe before it went no longer counts
    assert "has no passed record" in sanitization_status([back])[back.pk][0]
    lifecycle.transition(back, State.RECEIVED, actor=alice)
    status, queries = _status([fresh_laptop, laptop, failed, back])
    assert status[laptop.pk] == []
    assert status[fresh_laptop.pk] == ["medium WD-123 has no passed record"]
    assert "failed its wipe: destroy it" in status[failed.pk][0]
    assert "has no passed record" in status[back.pk][0]
    assert queries == 4  # deployments, media, records, failed verification samples
    drive.delete()
    assert "no storage medium" in sanitization_status([fresh_laptop])[fresh_laptop.pk][0]
