import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from greenit.sanitization import services


def record_fields(**overrides) -> dict:
    now = timezone.now()
    fields = {
        "nist_category": "clear",
        "technique": "overwrite",
        "pattern": "zeros",
        "passes": 1,
        "tool": "greenit-wipe",
        "tool_version": "1.0",
        "started_at": now - timedelta(minutes=30),
        "ended_at": now,
        "bytes_written": 500_107_862_016,
        "verification": "full",
        "verification_result": "passed",
        "result": "passed",
    }
    fields.update(overrides)
    return fields


@pytest.fixture
def fresh_laptop(make_asset, donation):
    """A received laptop with no storage medium recorded."""
    return make_asset(donation, serial="LP-NEW-1")


@pytest.fixture
def drive(fresh_laptop, alice):
    medium, _created = services.medium_register(
        asset=fresh_laptop,
        actor=alice,
        media_type="hdd",
        serial="WD-123",
        manufacturer="WDC",
        model="WD5000LPLX",
        interface="SATA",
        capacity_bytes=500_107_862_016,
    )
    return medium


@pytest.fixture
def record(alice):
    def make(medium, **overrides):
        stored, _created = services.record_sanitization(
            medium=medium, actor=alice, record_id=uuid.uuid4(), **record_fields(**overrides)
        )
        return stored

    return make


def verified_sample(donation, drawer, verifier):
    """Draw the donation's independent verification sample and pass every item (`verifier`
    is not the wiper)."""
    sample = services.sample_draw(donation, drawer)
    for item in sample.items.all():
        services.sample_verify(
            item, verifier, result="passed", method="hexdump read-back of 1,000 random blocks"
        )
    return sample
