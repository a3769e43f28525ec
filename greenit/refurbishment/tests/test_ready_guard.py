import uuid

import pytest

from greenit.assets import lifecycle
from greenit.assets.models import State
from greenit.refurbishment import services
from greenit.sanitization import services as sanitization
from greenit.sanitization.tests.conftest import record_fields

from .conftest import all_pass


def test_a_tested_computer_without_a_refurbishment_record_is_not_ready(sanitized_laptop, alice):
    lifecycle.transition(sanitized_laptop, State.TESTED, actor=alice)
    with pytest.raises(lifecycle.TransitionRefused, match="no refurbishment record"):
        lifecycle.transition(sanitized_laptop, State.READY, actor=alice)


def test_a_computer_needs_a_software_kit_before_it_is_ready(sanitized_laptop, alice, kit):
    services.refurbishment_record(asset=sanitized_laptop, actor=alice, checks=all_pass(), grade="A")
    with pytest.raises(lifecycle.TransitionRefused, match="software kit"):
        services.refurbishment_mark_ready(asset=sanitized_laptop, actor=alice)
    services.refurbishment_record(
        asset=sanitized_laptop, actor=alice, checks=all_pass(), grade="A", software_kit=kit
    )
    services.refurbishment_mark_ready(asset=sanitized_laptop, actor=alice)
    sanitized_laptop.refresh_from_db()
    assert sanitized_laptop.state == State.READY


def test_a_monitor_is_ready_without_a_software_kit(make_asset, donation, alice):
    monitor = make_asset(donation, category="monitor_lcd")
    services.refurbishment_record(asset=monitor, actor=alice, checks=all_pass(), grade="C")
    services.refurbishment_mark_ready(asset=monitor, actor=alice)
    assert monitor.state == State.READY


def test_a_device_back_from_a_school_is_tested_again_before_it_is_ready(
    sanitized_laptop, alice, paul, kit
):
    services.refurbishment_record(
        asset=sanitized_laptop, actor=alice, checks=all_pass(), grade="A", software_kit=kit
    )
    services.refurbishment_mark_ready(asset=sanitized_laptop, actor=alice)
    lifecycle.transition(sanitized_laptop, State.ALLOCATED, actor=paul)
    lifecycle.transition(sanitized_laptop, State.DEPLOYED, actor=paul)
    lifecycle.transition(sanitized_laptop, State.RECEIVED, actor=alice)
    sanitization.record_sanitization(  # the school's data wiped again
        medium=sanitized_laptop.media.get(),
        actor=alice,
        record_id=uuid.uuid4(),
        **record_fields(),
    )
    lifecycle.transition(sanitized_laptop, State.TESTED, actor=alice)  # not through a test
    with pytest.raises(lifecycle.TransitionRefused, match="came back from a school"):
        services.refurbishment_mark_ready(asset=sanitized_laptop, actor=alice)
    services.refurbishment_record(
        asset=sanitized_laptop, actor=alice, checks=all_pass(), grade="B", software_kit=kit
    )
    services.refurbishment_mark_ready(asset=sanitized_laptop, actor=alice)
    assert sanitized_laptop.state == State.READY
