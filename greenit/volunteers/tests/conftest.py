"""Volunteer fixtures: a published opportunity with a shift tomorrow (`shift`, 2 places),
`make_shift` for more, and `sign_up` for a confirmed sign-up by account or a guest."""

from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import _person
from greenit.volunteers import services
from greenit.volunteers.models import Opportunity, Shift


@pytest.fixture
def opportunity(db) -> Opportunity:
    return Opportunity.objects.create(
        kind=Opportunity.Kind.TEACHING_DAY,
        title_en="Teaching day in Yudu",
        title_zh="于都教学日",
        description_en="Teach Scratch to grade 5.",
        description_zh="给五年级学生教 Scratch。",
        place="于都县希望小学",
        province="江西省",
        city="赣州市",
        skills=["coding", "chinese"],
        published=True,
    )


def _at(days: int, hour: int):
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(timezone.datetime.combine(day, timezone.datetime.min.time())) + (
        timedelta(hours=hour)
    )


@pytest.fixture
def make_shift(opportunity):
    def make(*, days: int = 1, start: int = 9, hours: int = 3, capacity: int = 2, opp=None):
        return Shift.objects.create(
            opportunity=opp or opportunity,
            starts_at=_at(days, start),
            ends_at=_at(days, start + hours),
            capacity=capacity,
        )

    return make


@pytest.fixture
def shift(make_shift) -> Shift:
    return make_shift()


@pytest.fixture
def make_user(db):
    count = [0]

    def make(**extra):
        count[0] += 1
        return _person(f"vol{count[0]}", email=f"vol{count[0]}@example.org", **extra)

    return make


@pytest.fixture
def sign_up(make_user):
    """A confirmed (or waitlisted) sign-up of a new account holder."""

    def make(shift, **fields):
        return services.signup_create(shift=shift, user=make_user(), **fields)

    return make


def move_to_past(shift: Shift, *, days: int = 2) -> Shift:
    """Shifts cannot be signed up for once started: tests sign up first, then move them."""
    Shift.objects.filter(pk=shift.pk).update(
        starts_at=shift.starts_at - timedelta(days=days),
        ends_at=shift.ends_at - timedelta(days=days),
    )
    shift.refresh_from_db()
    return shift
