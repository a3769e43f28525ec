from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from greenit.assets import lifecycle
from greenit.assets.models import State
from greenit.refurbishment import services
from greenit.refurbishment.models import Refurbishment

from .conftest import all_pass


def record(asset, actor, **overrides):
    fields = {"checks": all_pass(), "grade": "A"}
    fields.update(overrides)
    return services.refurbishment_record(asset=asset, actor=actor, **fields)


def test_recording_a_test_moves_a_sanitized_laptop_to_tested(sanitized_laptop, alice, kit):
    rec = record(
        sanitized_laptop,
        alice,
        software_kit=kit,
        battery_health_percent=81,
        ram_gb=Decimal("8"),
        parts=[{"part": "8 GB DDR4 SO-DIMM", "quantity": 1, "note": "replaced 4 GB"}],
        check_notes={"keyboard": "one key cap replaced"},
    )
    sanitized_laptop.refresh_from_db()
    assert sanitized_laptop.state == State.TESTED
    assert rec.grade == "A"
    assert rec.keyboard_note == "one key cap replaced"
    assert [str(p) for p in rec.parts.all()] == ["1 × 8 GB DDR4 SO-DIMM"]
    assert sanitized_laptop.events.last().to_state == State.TESTED


def test_a_monitor_without_data_is_tested_straight_from_received(make_asset, donation, alice):
    monitor = make_asset(donation, category="monitor_lcd")
    record(monitor, alice, grade="B")
    monitor.refresh_from_db()
    assert monitor.state == State.TESTED


def test_a_laptop_that_was_not_sanitized_cannot_be_tested(laptop, alice):
    with pytest.raises(lifecycle.TransitionRefused):
        record(laptop, alice)
    assert not Refurbishment.objects.exists()
    laptop.refresh_from_db()
    assert laptop.state == State.RECEIVED


def test_grade_fail_sends_the_device_to_recycling(sanitized_laptop, alice):
    checks = all_pass() | {"display": "fail"}
    record(sanitized_laptop, alice, checks=checks, grade="fail")
    sanitized_laptop.refresh_from_db()
    assert sanitized_laptop.state == State.RECYCLING
    assert "Display" in sanitized_laptop.events.last().note


def test_a_device_that_does_not_power_on_cannot_get_a_passing_grade(sanitized_laptop, alice):
    with pytest.raises(ValidationError) as error:
        record(sanitized_laptop, alice, checks=all_pass() | {"powers_on": "fail"}, grade="C")
    assert "grade" in error.value.message_dict
    sanitized_laptop.refresh_from_db()
    assert sanitized_laptop.state == State.SANITIZED


def test_bad_values_are_refused_naming_the_field(sanitized_laptop, alice):
    with pytest.raises(ValidationError) as error:
        record(
            sanitized_laptop,
            alice,
            checks=all_pass() | {"wifi": "maybe", "bluetooth": "pass"},
            grade="D",
            battery_health_percent=140,
            parts=[{"part": "", "quantity": 0}],
        )
    errors = error.value.message_dict
    assert {"wifi", "bluetooth", "grade", "battery_health_percent"} <= set(errors)
    assert {"parts[0].part", "parts[0].quantity"} <= set(errors)
    assert "0 to 100" in errors["battery_health_percent"][0]


def test_a_retired_software_kit_cannot_be_installed(sanitized_laptop, alice, kit):
    kit.is_active = False
    kit.save()
    with pytest.raises(ValidationError) as error:
        record(sanitized_laptop, alice, software_kit=kit)
    assert "software_kit" in error.value.message_dict


def test_only_technicians_record_tests(sanitized_laptop, lena, paul):
    for person in (lena, paul):
        with pytest.raises(PermissionDenied):
            record(sanitized_laptop, person)


def test_a_tested_device_is_tested_again_with_one_record(sanitized_laptop, alice, kit):
    record(sanitized_laptop, alice, grade="C", parts=[{"part": "battery"}])
    record(sanitized_laptop, alice, grade="B", software_kit=kit)
    assert Refurbishment.objects.get().grade == "B"
    assert not Refurbishment.objects.get().parts.exists()
    assert sanitized_laptop.events.filter(to_state=State.TESTED).count() == 1


def test_a_ready_device_is_not_tested_again(sanitized_laptop, alice, kit):
    record(sanitized_laptop, alice, software_kit=kit)
    services.refurbishment_mark_ready(asset=sanitized_laptop, actor=alice)
    with pytest.raises(ValidationError):
        record(sanitized_laptop, alice, grade="C")
    assert Refurbishment.objects.get().grade == "A"


def test_a_check_left_out_is_not_taken_as_answered(sanitized_laptop, alice):
    checks = all_pass()
    del checks["battery"]
    with pytest.raises(ValidationError) as error:
        record(sanitized_laptop, alice, checks=checks, grade="A")
    assert set(error.value.message_dict) == {"battery"}
    assert not Refurbishment.objects.exists()
