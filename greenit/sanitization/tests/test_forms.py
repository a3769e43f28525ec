"""The sanitization pages' forms: what a person meets on the asset and certificate pages."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from greenit.sanitization import forms, services
from greenit.sanitization.models import SanitizationRecord, StorageMedium

from .conftest import record_fields

pytestmark = pytest.mark.django_db


def test_a_fresh_asset_page_shows_no_error(client, alice, drive):
    client.force_login(alice)
    page = client.get(reverse("sanitization:asset", args=[drive.asset.tag])).content.decode()
    assert "Please correct" not in page
    assert "form-errors" not in page


@pytest.mark.parametrize(
    "typed, size",
    [
        ("500 GB", 500_000_000_000),
        ("1TB", 10**12),
        ("465.8 GiB", int(Decimal("465.8") * 2**30)),
        ("256g", 256 * 10**9),
        ("500吉字节", 500 * 10**9),
        ("2 千兆字节", 2 * 10**9),
        ("500,107,862,016", 500_107_862_016),
        ("512 G", 512 * 10**9),
        ("256GiB", 256 * 2**30),
        ("５００Ｇ", 500 * 10**9),  # full width, as a Chinese input method types it
        ("２５６ ＧＢ", 256 * 10**9),
        ("", None),
    ],
)
def test_capacity_is_typed_with_its_unit(typed, size):
    assert forms.parse_capacity(typed) == size


@pytest.mark.parametrize("typed", ["500", "five hundred", "500 GX", "1.2.3 GB"])
def test_a_capacity_without_a_readable_unit_is_refused(typed):
    with pytest.raises(ValueError):
        forms.parse_capacity(typed)


def test_registering_a_medium_takes_its_capacity_in_gb_and_shows_it(client, alice, fresh_laptop):
    client.force_login(alice)
    response = client.post(
        reverse("sanitization:medium_add", args=[fresh_laptop.tag]),
        {"media_type": "sata_ssd", "serial": "S-1", "capacity_bytes": "500 GB"},
    )
    assert response.status_code == 302
    assert StorageMedium.objects.get().capacity_bytes == 500 * 10**9
    page = client.get(response["Location"]).content.decode()
    assert "Medium S-1 registered, capacity 500 GB (500,000,000,000 bytes)." in page
    assert "Capacity: 500 GB (500,000,000,000 bytes)" in page


def test_a_capacity_without_unit_is_refused_naming_the_field(client, alice, fresh_laptop):
    client.force_login(alice)
    response = client.post(
        reverse("sanitization:medium_add", args=[fresh_laptop.tag]),
        {"media_type": "sata_ssd", "serial": "S-1", "capacity_bytes": "500"},
    )
    assert response.status_code == 422
    assert "Give the capacity with its unit" in response.content.decode()
    assert not StorageMedium.objects.exists()


def test_a_record_ending_in_the_future_is_refused(alice, drive):
    with pytest.raises(ValidationError) as error:
        services.record_sanitization(
            medium=drive,
            actor=alice,
            **record_fields(ended_at=timezone.now() + timedelta(hours=2)),
        )
    assert set(error.value.message_dict) == {"ended_at"}
    assert not SanitizationRecord.objects.exists()


def test_a_record_ending_before_it_started_is_refused_saying_what_to_give(alice, drive):
    now = timezone.now()
    with pytest.raises(ValidationError) as error:
        services.record_sanitization(
            medium=drive,
            actor=alice,
            **record_fields(started_at=now - timedelta(hours=1), ended_at=now - timedelta(hours=2)),
        )
    assert error.value.message_dict["ended_at"] == [
        "The end is before the start: give when the work ended, after it began."
    ]
    assert not SanitizationRecord.objects.exists()


def test_a_wipe_station_clock_a_minute_fast_is_tolerated(alice, drive):
    record, created = services.record_sanitization(
        medium=drive, actor=alice, **record_fields(ended_at=timezone.now() + timedelta(minutes=1))
    )
    assert created


def test_the_record_form_refuses_an_end_in_the_future(client, alice, drive):
    client.force_login(alice)
    later = timezone.localtime() + timedelta(days=1)
    response = client.post(
        reverse("sanitization:record_add", args=[drive.asset.tag]),
        {
            "record-medium": drive.pk,
            "record-nist_category": "clear",
            "record-technique": "overwrite",
            "record-passes": "1",
            "record-started_at": (later - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "record-ended_at": later.strftime("%Y-%m-%dT%H:%M"),
            "record-verification": "full",
            "record-verification_result": "passed",
            "record-validation": "full",
            "record-validation_result": "passed",
            "record-result": "passed",
            "record-error_log": "none",
        },
    )
    assert response.status_code == 422
    assert "This time is in the future" in response.content.decode()
    assert not SanitizationRecord.objects.exists()


def test_the_certificate_page_links_each_missing_device(client, alice, donation, drive):
    client.force_login(alice)
    page = client.get(reverse("sanitization:donation", args=[donation.pk])).content.decode()
    link = reverse("sanitization:asset", args=[drive.asset.tag])
    assert f'<a href="{link}">{drive.asset.display_tag}</a>' in page
