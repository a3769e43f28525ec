"""Adding a shift (the manage page's form) and the time zone an arrival time needs (the API)."""

from datetime import datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from greenit.volunteers import services
from greenit.volunteers.models import Opportunity

from .conftest import move_to_past


def test_a_programme_manager_adds_a_shift(opportunity, paul):
    starts = timezone.now() + timedelta(days=3)
    shift = services.shift_add(
        opportunity=opportunity,
        actor=paul,
        starts_at=starts,
        ends_at=starts + timedelta(hours=3),
        capacity=4,
    )
    assert opportunity.shifts.get() == shift


def test_a_shift_that_ends_before_it_starts_is_refused(opportunity, paul):
    starts = timezone.now() + timedelta(days=3)
    with pytest.raises(ValidationError) as refused:
        services.shift_add(
            opportunity=opportunity, actor=paul, starts_at=starts, ends_at=starts, capacity=4
        )
    assert "ends_at" in refused.value.message_dict
    assert not opportunity.shifts.exists()


def test_only_programme_managers_add_shifts(opportunity, lena):
    starts = timezone.now() + timedelta(days=3)
    with pytest.raises(PermissionDenied, match="Only programme managers manage volunteers"):
        services.shift_add(
            opportunity=opportunity,
            actor=lena,
            starts_at=starts,
            ends_at=starts + timedelta(hours=1),
            capacity=1,
        )


def test_an_arrival_time_without_a_time_zone_is_refused(shift, sign_up, paul):
    one = sign_up(shift)
    move_to_past(shift)
    with pytest.raises(ValidationError) as refused:
        services.attendance_record(
            signup=one, actor=paul, attendance="late", arrived_at=datetime(2026, 11, 25, 9, 30)
        )
    assert "arrived_at" in refused.value.message_dict


def _opportunity(**fields) -> Opportunity:
    values = {
        "kind": Opportunity.Kind.TEACHING_DAY,
        "title_en": "Teaching day",
        "title_zh": "教学日",
        "description_en": "Teach.",
        "description_zh": "教学。",
        "place": "于都县希望小学",
    }
    return Opportunity(**(values | fields))


def test_a_programme_manager_saves_an_opportunity(paul, db):
    saved = services.opportunity_save(actor=paul, opportunity=_opportunity())
    assert Opportunity.objects.get() == saved


def test_an_opportunity_without_its_kind_is_refused(paul, db):
    with pytest.raises(ValidationError) as refused:
        services.opportunity_save(actor=paul, opportunity=_opportunity(kind=""))
    assert "kind" in refused.value.message_dict


def test_only_programme_managers_save_opportunities(lena, db):
    with pytest.raises(PermissionDenied):
        services.opportunity_save(actor=lena, opportunity=_opportunity())
