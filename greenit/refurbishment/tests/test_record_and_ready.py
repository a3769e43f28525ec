"""Record a test and mark the device ready in one go (the API's `mark_ready`), and the software
kit a client names by id."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from greenit.assets import lifecycle
from greenit.assets.models import State
from greenit.refurbishment import services
from greenit.refurbishment.models import Refurbishment, SoftwareKit

from .conftest import all_pass


def test_a_test_with_a_kit_leaves_the_device_ready(sanitized_laptop, alice, kit):
    services.refurbishment_record_and_mark_ready(
        asset=sanitized_laptop, actor=alice, checks=all_pass(), grade="A", software_kit=kit
    )
    sanitized_laptop.refresh_from_db()
    assert sanitized_laptop.state == State.READY


def test_a_device_that_may_not_be_ready_keeps_no_new_test(sanitized_laptop, alice):
    with pytest.raises(lifecycle.TransitionRefused, match="software kit"):
        services.refurbishment_record_and_mark_ready(
            asset=sanitized_laptop, actor=alice, checks=all_pass(), grade="A"
        )
    sanitized_laptop.refresh_from_db()
    assert sanitized_laptop.state == State.SANITIZED
    assert not Refurbishment.objects.exists()


def test_a_software_kit_is_found_by_its_id(kit, alice):
    assert services.software_kit_by_id(kit.pk, actor=alice) == kit
    assert services.software_kit_by_id(None, actor=alice) is None


def test_an_unknown_software_kit_id_is_refused_naming_the_field(alice):
    with pytest.raises(ValidationError) as refused:
        services.software_kit_by_id(999, actor=alice)
    assert "software_kit_id" in refused.value.message_dict


def test_who_may_not_record_tests_learns_nothing_of_which_kit_ids_exist(kit, bob, lena):
    for who in (bob, lena):
        for pk in (kit.pk, 999):
            with pytest.raises(PermissionDenied):
                services.software_kit_by_id(pk, actor=who)


def test_a_technician_saves_a_software_kit(alice, db):
    kit = services.software_kit_save(
        actor=alice, kit=SoftwareKit(name="Offline kit", version="2026.2", contents="Scratch")
    )
    assert SoftwareKit.objects.get() == kit


def test_a_kit_without_a_name_is_refused(alice, db):
    with pytest.raises(ValidationError) as refused:
        services.software_kit_save(actor=alice, kit=SoftwareKit(version="1", contents="x"))
    assert "name" in refused.value.message_dict


def test_only_technicians_save_software_kits(lena, db):
    with pytest.raises(PermissionDenied, match="Only technicians"):
        services.software_kit_save(actor=lena, kit=SoftwareKit(name="x", version="1"))
