"""A school without photo proof of its last delivery, or overdue on an inventory check, gets
no new devices until a programme manager overrides with a reason (who and why are kept)."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from conftest import _person
from greenit.classrooms import services
from greenit.classrooms.models import (
    AllocationOverride,
    ClassroomPhoto,
    ClassroomProject,
    InventoryCheck,
)


@pytest.fixture
def first(project, paul, lena, make_ready, sam):
    for _ in range(3):
        make_ready()
    services.allocate_by_category(project=project, actor=paul, category="laptop", count=3)
    services.deliver(project=project, actor=lena, on=date(2026, 9, 1), received_by="刘强")
    return project


@pytest.fixture
def second(first, school):
    return ClassroomProject.objects.create(name="Yudu Hope, second room", school=school, seats=2)


def test_no_photo_since_the_last_delivery_blocks_a_new_allocation(first, second, paul, make_ready):
    make_ready()
    (reason,) = services.allocation_blocks(second)
    assert "no photo" in reason
    with pytest.raises(ValidationError, match="cannot receive new devices"):
        services.allocate_by_category(project=second, actor=paul, category="laptop", count=1)
    assert not second.allocations.exists()


def test_a_photo_after_delivery_lifts_the_block(first, second, paul):
    ClassroomPhoto.objects.create(project=first, image="x.jpg", caption="in use")
    assert services.allocation_blocks(second) == []


def test_an_overdue_check_blocks_and_an_override_records_who_and_why(
    first, second, paul, make_ready
):
    ClassroomPhoto.objects.create(project=first, image="x.jpg", caption="in use")
    services.check_open(actor=paul, project=first, due_on=timezone.localdate())
    InventoryCheck.objects.update(due_on=timezone.localdate() - timedelta(days=3))
    (reason,) = services.allocation_blocks(second)
    assert "inventory check" in reason
    make_ready()
    with pytest.raises(ValidationError, match="not answered"):
        services.allocate_by_category(project=second, actor=paul, category="laptop", count=1)
    with pytest.raises(ValidationError) as refused:
        services.allocation_override(project=second, actor=paul, reason="  ")
    assert "reason" in refused.value.message_dict
    override = services.allocation_override(
        project=second, actor=paul, reason="The principal phoned: the answer is in the post."
    )
    assert (override.overridden_by, override.reason) == (
        paul,
        "The principal phoned: the answer is in the post.",
    )
    assert services.allocation_blocks(second) == []
    (made,) = services.allocate_by_category(project=second, actor=paul, category="laptop", count=1)
    assert made.project == second


def test_only_programme_managers_override(first, second, lena):
    with pytest.raises(PermissionDenied):
        services.allocation_override(project=second, actor=lena, reason="please")
    assert not AllocationOverride.objects.exists()


def test_nothing_to_override_is_refused(project, paul):
    with pytest.raises(ValidationError, match="Nothing blocks"):
        services.allocation_override(project=project, actor=paul, reason="why not")


def test_the_project_page_says_why_it_is_blocked_and_takes_the_override(
    first, second, paul, client
):
    client.force_login(paul)
    page = client.get(reverse("classrooms:project", args=[second.pk])).content.decode()
    assert "cannot receive new devices yet" in page
    assert "no photo" in page
    response = client.post(
        reverse("classrooms:override", args=[second.pk]),
        {"override-reason": "Photos came by WeChat."},
        follow=True,
    )
    assert "Override recorded" in response.content.decode()
    assert AllocationOverride.objects.get().overridden_by == paul


def test_a_school_contact_cannot_see_another_schools_check(first, paul, sam, client):
    (check,), _skipped = services.check_open(actor=paul, project=first, due_on=timezone.localdate())
    stranger = _person("stranger", organisation=None)
    client.force_login(sam)
    assert client.get(reverse("classrooms:check", args=[check.pk])).status_code == 200
    client.force_login(stranger)
    assert client.get(reverse("classrooms:check", args=[check.pk])).status_code == 404
