"""The wipe station's workflow as one service: register the medium and record, all or
nothing (the API and any other caller share these rules)."""

import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from greenit.sanitization import services
from greenit.sanitization.models import SanitizationRecord, StorageMedium

from .conftest import record_fields

MEDIUM = {"media_type": "hdd", "serial": "WD-777", "manufacturer": "WDC"}


def _register_and_record(asset, actor, record_id=None, medium=MEDIUM, **overrides):
    return services.medium_register_and_record(
        asset=asset,
        actor=actor,
        medium=dict(medium),
        record_id=record_id or uuid.uuid4(),
        **record_fields(**overrides),
    )


def test_only_staff_who_sanitize_may_register_and_record(lena, fresh_laptop):
    with pytest.raises(PermissionDenied, match="Only technicians and administrators"):
        _register_and_record(fresh_laptop, lena)
    assert not StorageMedium.objects.exists()


def test_the_same_record_id_again_stores_and_registers_nothing(alice, fresh_laptop):
    record_id = uuid.uuid4()
    first, created = _register_and_record(fresh_laptop, alice, record_id)
    assert created
    other_medium = {**MEDIUM, "serial": "WD-888"}
    again, created = _register_and_record(fresh_laptop, alice, record_id, medium=other_medium)
    assert not created and again.pk == first.pk
    assert list(StorageMedium.objects.values_list("serial", flat=True)) == ["WD-777"]


def test_a_refused_record_leaves_no_new_medium(alice, fresh_laptop):
    with pytest.raises(ValidationError):
        _register_and_record(fresh_laptop, alice, nist_category="purge", technique="degauss")
    assert not StorageMedium.objects.exists()
    assert not SanitizationRecord.objects.exists()


def test_a_blank_location_is_where_the_device_is(alice, fresh_laptop):
    record, _created = _register_and_record(fresh_laptop, alice, location="")
    assert record.location == fresh_laptop.location
