from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from greenit.assets import lifecycle
from greenit.assets.models import State
from greenit.classrooms import services
from greenit.classrooms.models import ClassroomProject, Delivery, OpeningEvent


@pytest.fixture
def equipped(project, paul, make_ready):
    for _ in range(3):
        make_ready()
    services.allocate_by_category(project=project, actor=paul, category="laptop", count=3)
    return project


def test_delivery_deploys_every_allocated_device_at_the_school(equipped, lena):
    delivery = services.deliver(
        project=equipped, actor=lena, on=date(2026, 9, 1), received_by="刘强"
    )
    assert delivery.received_by == "刘强"
    for allocation in equipped.allocations.select_related("asset"):
        assert allocation.asset.state == State.DEPLOYED
        assert allocation.asset.location == equipped.school.name
    equipped.refresh_from_db()
    assert equipped.status == ClassroomProject.Status.READY


def test_delivery_is_all_or_nothing(equipped, lena, monkeypatch):
    last = equipped.allocations.order_by("-pk").first().asset_id

    def refuse_the_last(assets, t):
        if t.target != State.DEPLOYED:
            return {}
        return {asset.pk: "stuck in customs" for asset in assets if asset.pk == last}

    named = lifecycle.guards()
    monkeypatch.setattr(lifecycle, "guards", lambda: (*named, refuse_the_last))
    with pytest.raises(lifecycle.TransitionRefused):
        services.deliver(project=equipped, actor=lena, on=date(2026, 9, 1), received_by="刘强")
    assert not Delivery.objects.exists()
    assert {a.asset.state for a in equipped.allocations.select_related("asset")} == {
        State.ALLOCATED
    }


def test_delivery_needs_who_received_it_and_happens_once(equipped, lena):
    with pytest.raises(ValidationError) as error:
        services.deliver(project=equipped, actor=lena, on=date(2026, 9, 1), received_by=" ")
    assert "received_by" in error.value.message_dict
    services.deliver(project=equipped, actor=lena, on=date(2026, 9, 1), received_by="刘强")
    with pytest.raises(ValidationError):
        services.deliver(project=equipped, actor=lena, on=date(2026, 9, 2), received_by="刘强")


def test_a_delivered_device_can_no_longer_be_unallocated(equipped, lena, paul):
    services.deliver(project=equipped, actor=lena, on=date(2026, 9, 1), received_by="刘强")
    with pytest.raises(lifecycle.TransitionRefused):
        services.unallocate(allocation=equipped.allocations.first(), actor=paul)


def test_a_classroom_opens_only_after_delivery_and_opening_event(equipped, lena, paul):
    with pytest.raises(ValidationError):
        services.project_status(project=equipped, actor=paul, status="opened")
    services.deliver(project=equipped, actor=lena, on=date(2026, 9, 1), received_by="刘强")
    services.opening_record(
        project=equipped,
        actor=paul,
        date=date(2026, 9, 10),
        guests="Principal Liu",
        sponsor_representatives="Ms Chen (Green Sprout)",
        volunteers="Six volunteers",
    )
    project = services.project_status(project=equipped, actor=paul, status="opened")
    assert project.status == ClassroomProject.Status.OPENED
    with pytest.raises(ValidationError):
        services.allocate_by_category(project=project, actor=paul, category="laptop", count=1)


def test_the_project_page_records_the_delivery(equipped, lena, client):
    client.force_login(lena)
    response = client.post(
        reverse("classrooms:deliver", args=[equipped.pk]),
        {"delivery-date": "2026-09-01", "delivery-received_by": ""},
        follow=True,
    )
    assert "Received at the school by" in response.content.decode()
    assert not Delivery.objects.exists()
    client.post(
        reverse("classrooms:deliver", args=[equipped.pk]),
        {"delivery-date": "2026-09-01", "delivery-received_by": "刘强"},
    )
    assert Delivery.objects.get().received_by == "刘强"


def test_recording_the_opening_after_delivery_opens_the_classroom(equipped, lena, paul, client):
    services.deliver(project=equipped, actor=lena, on=date(2026, 9, 1), received_by="刘强")
    client.force_login(paul)
    response = client.post(
        reverse("classrooms:opening", args=[equipped.pk]),
        {"opening-date": (timezone.localdate() - timedelta(days=1)).isoformat()},
        follow=True,
    )
    assert "the classroom is open" in response.content.decode()
    equipped.refresh_from_db()
    assert equipped.status == ClassroomProject.Status.OPENED


def test_an_opening_before_delivery_leaves_the_project_as_it_is_and_says_so(equipped, paul, client):
    client.force_login(paul)
    response = client.post(
        reverse("classrooms:opening", args=[equipped.pk]),
        {"opening-date": timezone.localdate().isoformat()},
        follow=True,
    )
    assert "the classroom opens when its devices are delivered" in response.content.decode()
    equipped.refresh_from_db()
    assert equipped.status == ClassroomProject.Status.EQUIPPING


def test_an_opening_or_a_delivery_still_to_come_is_refused(equipped, lena, paul, client):
    tomorrow = timezone.localdate() + timedelta(days=1)
    client.force_login(paul)
    page = client.post(
        reverse("classrooms:opening", args=[equipped.pk]),
        {"opening-date": tomorrow.isoformat()},
        follow=True,
    ).content.decode()
    assert "This opening date is still to come" in page
    with pytest.raises(ValidationError) as refused:
        services.deliver(project=equipped, actor=lena, on=tomorrow, received_by="刘强")
    assert set(refused.value.message_dict) == {"date"}
    assert not Delivery.objects.exists() and not OpeningEvent.objects.exists()


def test_an_opening_recorded_earlier_with_a_later_date_opens_at_delivery(equipped, lena, paul):
    """Openings recorded for a day to come before they were refused open with the delivery
    instead of waiting for a second recording that never comes."""
    OpeningEvent.objects.create(project=equipped, date=timezone.localdate() + timedelta(days=3))
    services.deliver(project=equipped, actor=lena, on=timezone.localdate(), received_by="刘强")
    equipped.refresh_from_db()
    assert equipped.status == ClassroomProject.Status.OPENED


def test_delivering_after_the_opening_took_place_opens_the_classroom(equipped, lena, paul):
    services.opening_record(project=equipped, actor=paul, date=timezone.localdate())
    services.deliver(project=equipped, actor=lena, on=timezone.localdate(), received_by="刘强")
    equipped.refresh_from_db()
    assert equipped.status == ClassroomProject.Status.OPENED
