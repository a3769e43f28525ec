"""Storage media and their sanitization records: the lifecycle guard, failed wipes that force a
witnessed Destroy, technique rules, append-only records and the idempotent API."""

import uuid
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from conftest import refurbish
from greenit.accounts.models import ApiToken
from greenit.assets import lifecycle
from greenit.assets.models import State
from greenit.core.append_only import AppendOnly
from greenit.sanitization import services
from greenit.sanitization.models import SanitizationRecord, StorageMedium

from .conftest import record_fields

# The guard


def test_a_device_without_media_cannot_be_marked_sanitized(alice, fresh_laptop):
    with pytest.raises(lifecycle.TransitionRefused) as refused:
        lifecycle.transition(fresh_laptop, State.SANITIZED, actor=alice)
    assert "no storage medium" in " ".join(refused.value.messages)
    fresh_laptop.refresh_from_db()
    assert fresh_laptop.state == State.RECEIVED


def test_the_guard_names_the_medium_without_a_passed_record(alice, fresh_laptop, drive):
    with pytest.raises(lifecycle.TransitionRefused) as refused:
        lifecycle.transition(fresh_laptop, State.SANITIZED, actor=alice)
    assert "medium WD-123 has no passed record" in " ".join(refused.value.messages)


def test_an_unsanitized_device_cannot_go_to_recycling(alice, fresh_laptop, drive):
    with pytest.raises(lifecycle.TransitionRefused):
        lifecycle.transition(fresh_laptop, State.RECYCLING, actor=alice)


def test_a_device_with_no_data_needs_no_media(alice, make_asset, donation):
    monitor = make_asset(donation, category="monitor_lcd", serial="MON1")
    lifecycle.transition(monitor, State.TESTED, actor=alice)
    assert monitor.state == State.TESTED


def test_the_last_passed_record_moves_the_device_to_sanitized(alice, fresh_laptop, drive, record):
    second, _ = services.medium_register(
        asset=fresh_laptop, actor=alice, media_type="nvme", serial="NV-9"
    )
    record(drive)
    fresh_laptop.refresh_from_db()
    assert fresh_laptop.state == State.RECEIVED  # the NVMe drive is not done yet
    record(second, technique="nvme_sanitize", nist_category="purge", pattern="", passes=0)
    fresh_laptop.refresh_from_db()
    assert fresh_laptop.state == State.SANITIZED
    event = fresh_laptop.events.get(to_state=State.SANITIZED)
    assert event.actor == alice


def test_a_device_back_from_a_school_is_sanitized_again(alice, paul, laptop, record):
    refurbish(laptop, alice)
    for target, actor in (
        (State.SANITIZED, alice),
        (State.TESTED, alice),
        (State.READY, alice),
        (State.ALLOCATED, paul),
        (State.DEPLOYED, paul),
        (State.RECEIVED, alice),  # taken back from the school
    ):
        lifecycle.transition(laptop, target, actor=actor)
    with pytest.raises(lifecycle.TransitionRefused) as refused:
        lifecycle.transition(laptop, State.SANITIZED, actor=alice)
    assert "has no passed record" in " ".join(refused.value.messages)
    record(laptop.media.get())
    laptop.refresh_from_db()
    assert laptop.state == State.SANITIZED


# A failed wipe forces Destroy


def test_a_failed_wipe_must_be_followed_by_a_witnessed_destroy(alice, fresh_laptop, drive, record):
    now = timezone.now()
    record(
        drive,
        verification_result="failed",
        result="failed",
        errors="planted byte survived at offset 4096",
        started_at=now - timedelta(hours=3),
        ended_at=now - timedelta(hours=2),
    )
    # wiping again and passing is not enough: the medium failed once, so it is destroyed
    record(drive, started_at=now - timedelta(hours=2), ended_at=now - timedelta(hours=1))
    with pytest.raises(lifecycle.TransitionRefused) as refused:
        lifecycle.transition(fresh_laptop, State.SANITIZED, actor=alice)
    assert "medium WD-123 failed its wipe: destroy it" in " ".join(refused.value.messages)
    # a Destroy without a witness is refused outright
    with pytest.raises(ValidationError) as invalid:
        record(
            drive,
            nist_category="destroy",
            technique="shred",
            verification="none",
            verification_result="not_verified",
            passes=0,
            pattern="",
        )
    assert "witness" in invalid.value.message_dict
    record(
        drive,
        nist_category="destroy",
        technique="shred",
        verification="none",
        verification_result="not_verified",
        passes=0,
        pattern="",
        witness="Ming Li 李",
    )
    fresh_laptop.refresh_from_db()
    assert fresh_laptop.state == State.SANITIZED


# Technique rules


@pytest.mark.parametrize(
    ("media_type", "changes", "field"),
    [
        ("nvme", {"nist_category": "destroy", "technique": "degauss", "witness": "x"}, "technique"),
        ("sata_ssd", {"nist_category": "purge", "technique": "degauss"}, "technique"),
        ("hdd", {"nist_category": "clear", "technique": "shred"}, "technique"),
        ("sata_ssd", {"nist_category": "purge", "technique": "ata_secure_erase"}, "technique"),
        ("usb_flash", {"passes": 1}, "passes"),
        ("hdd", {"verification": "none", "verification_result": "not_verified"}, "verification"),
        ("hdd", {"verification_result": "failed"}, "result"),
        ("phone_storage", {"technique": "overwrite"}, "technique"),
    ],
)
def test_a_technique_that_does_not_fit_is_refused(
    alice, fresh_laptop, record, media_type, changes, field
):
    medium, _ = services.medium_register(
        asset=fresh_laptop, actor=alice, media_type=media_type, serial="X1"
    )
    with pytest.raises(ValidationError) as invalid:
        record(medium, **changes)
    assert field in invalid.value.message_dict
    assert not SanitizationRecord.objects.exists()


@pytest.mark.parametrize(
    ("media_type", "changes"),
    [
        (
            "hdd",
            {
                "nist_category": "destroy",
                "technique": "degauss",
                "witness": "Ada",
                "verification": "none",
                "verification_result": "not_verified",
            },
        ),
        ("sata_ssd", {"nist_category": "purge", "technique": "ata_sanitize"}),
        ("nvme", {"nist_category": "purge", "technique": "nvme_format"}),
        ("usb_flash", {"passes": 2}),
        ("phone_storage", {"technique": "factory_reset", "verification": "sampled"}),
    ],
)
def test_a_technique_that_fits_is_stored(alice, fresh_laptop, record, media_type, changes):
    medium, _ = services.medium_register(
        asset=fresh_laptop, actor=alice, media_type=media_type, serial="X1"
    )
    assert record(medium, **changes).pk


def test_a_logistics_person_may_not_record_a_wipe(lena, drive):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.record_sanitization(medium=drive, actor=lena, **record_fields())


# Append-only


def test_records_are_append_only(drive, record):
    stored = record(drive)
    stored.result = "failed"
    with pytest.raises(AppendOnly):
        stored.save()
    with pytest.raises(AppendOnly):
        stored.delete()
    with pytest.raises(AppendOnly):
        SanitizationRecord.objects.filter(pk=stored.pk).update(result="failed")
    with pytest.raises(AppendOnly):
        SanitizationRecord.objects.all().delete()
    table = connection.ops.quote_name(SanitizationRecord._meta.db_table)
    with pytest.raises(DatabaseError), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET result = 'failed'")  # noqa: S608
    assert SanitizationRecord.objects.get(pk=stored.pk).result == "passed"


def test_the_admin_cannot_change_records(ada, drive, record, client):
    stored = record(drive)
    client.force_login(ada)
    url = f"/admin/sanitization/sanitizationrecord/{stored.pk}/delete/"
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert SanitizationRecord.objects.filter(pk=stored.pk).exists()


# The API


def _bearer(user) -> dict:
    _token, key = ApiToken.issue(user=user, name="wipe station")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def _agent_body(asset, **overrides) -> dict:
    body = {
        "record_id": str(uuid.uuid4()),
        "asset_tag": asset.tag,
        "medium": {
            "serial": "S3Z9NB0K123456",
            "model": "Samsung SSD 860 EVO 250GB",
            "manufacturer": "Samsung",
            "media_type": "sata_ssd",
            "interface": "sata",
            "capacity_bytes": 250_059_350_016,
        },
        "nist_category": "clear",
        "technique": "overwrite",
        "pattern": "zeros",
        "passes": 1,
        "tool": "greenit-wipe",
        "tool_version": "0.1.0",
        "started_at": "2026-03-02T09:00:00+08:00",
        "ended_at": "2026-03-02T09:40:00+08:00",
        "bytes_written": 250_059_350_016,
        "verification": "full",
        "verification_result": "passed",
        "result": "passed",
        "errors": "",
        "hpa_dco": "no HPA, no DCO",
        "commands": ["greenit-wipe overwrite --pattern zeros /dev/sdb"],
        "station": "wipe-01",
    }
    body.update(overrides)
    return body


def test_the_wipe_station_posts_a_record_once(client, alice, fresh_laptop):
    headers = _bearer(alice)
    body = _agent_body(fresh_laptop)
    first = client.post(
        "/api/sanitization/records", body, content_type="application/json", **headers
    )
    assert first.status_code == 201, first.content
    assert first.json() == {"record_id": body["record_id"], "status": "stored"}
    again = client.post(
        "/api/sanitization/records", body, content_type="application/json", **headers
    )
    assert again.status_code == 200
    assert again.json()["status"] == "duplicate"
    assert SanitizationRecord.objects.count() == 1
    assert StorageMedium.objects.count() == 1
    stored = SanitizationRecord.objects.get()
    assert stored.operator == alice
    assert stored.commands == "greenit-wipe overwrite --pattern zeros /dev/sdb"
    fresh_laptop.refresh_from_db()
    assert fresh_laptop.state == State.SANITIZED
    media = client.get(f"/api/sanitization/assets/{fresh_laptop.tag}/media", **headers).json()
    assert media[0]["serial"] == "S3Z9NB0K123456" and media[0]["done"] is True
    assert media[0]["records"][0]["record_id"] == body["record_id"]


def test_the_api_refuses_a_technique_that_does_not_fit(client, alice, fresh_laptop):
    body = _agent_body(fresh_laptop, nist_category="purge", technique="degauss")
    response = client.post(
        "/api/sanitization/records", body, content_type="application/json", **_bearer(alice)
    )
    assert response.status_code == 422
    assert "technique" in response.json()["errors"]
    assert not StorageMedium.objects.exists()  # a refused record leaves nothing behind


def test_the_api_hides_other_donors_devices_and_needs_a_technician(
    client, bob, lena, make_donation, make_asset, pujiang_bank
):
    other = make_asset(make_donation(pujiang_bank), serial="PJ1")
    body = _agent_body(other)
    response = client.post(
        "/api/sanitization/records", body, content_type="application/json", **_bearer(bob)
    )
    assert response.status_code == 404
    response = client.post(
        "/api/sanitization/records", body, content_type="application/json", **_bearer(lena)
    )
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("media_type", "technique", "stored_as", "variant"),
    [
        ("sata_ssd", "ata_sanitize_block_erase", "ata_sanitize", "block erase"),
        ("hdd", "ata_secure_erase_enhanced", "ata_secure_erase", "enhanced"),
        ("nvme", "nvme_sanitize_crypto_erase", "nvme_sanitize", "crypto erase"),
        ("nvme", "nvme_format_crypto", "nvme_format", "crypto erase (SES=2)"),
    ],
)
def test_the_api_takes_the_wipe_agents_purge_variants(
    client, alice, fresh_laptop, media_type, technique, stored_as, variant
):
    body = _agent_body(
        fresh_laptop,
        nist_category="purge",
        technique=technique,
        pattern="",
        passes=0,
        verification="sampled",
    )
    body["medium"]["media_type"] = media_type
    response = client.post(
        "/api/sanitization/records", body, content_type="application/json", **_bearer(alice)
    )
    assert response.status_code == 201, response.content
    stored = SanitizationRecord.objects.get()
    assert (stored.technique, stored.pattern) == (stored_as, variant)
