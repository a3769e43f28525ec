"""Pickups: scheduled against accepted offers only, with a driver from logistics; a printable
day sheet per driver; on collection what was really taken, the weight and who handed it over,
with every difference from the offer kept in sight. Donor contacts see their own only."""

from datetime import date, time
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from greenit.donations import services
from greenit.donations.models import Donation, Pickup

pytestmark = pytest.mark.django_db

DAY = date(2026, 12, 2)


@pytest.fixture
def accepted(make_donation, east_auto):
    donation = make_donation(
        east_auto,
        items=[
            services.ItemInput(category="laptop", quantity=10),
            services.ItemInput(category="monitor_lcd", quantity=4),
        ],
        contact_email="zhao@eastauto.example",
        contact_phone="13800000000",
        street="墨玉南路 888 号",
    )
    return donation


def _schedule(donation, lena, **overrides):
    kwargs = dict(
        donation=donation,
        actor=lena,
        date=DAY,
        window_start=time(9),
        window_end=time(11),
        driver=lena,
        vehicle="沪A·12345",
    )
    kwargs.update(overrides)
    return services.pickup_schedule(**kwargs)


@pytest.fixture
def pickup(accepted, lena):
    return _schedule(accepted, lena)


def test_a_pickup_is_scheduled_with_the_donations_address_and_items(pickup, mailoutbox):
    assert pickup.status == Pickup.Status.SCHEDULED
    assert pickup.street == "墨玉南路 888 号"
    assert {(line.category, line.offered_quantity) for line in pickup.lines.all()} == {
        ("laptop", 10),
        ("monitor_lcd", 4),
    }
    assert mailoutbox[-1].to == ["zhao@eastauto.example"]
    assert "2026-12-02" in mailoutbox[-1].subject


def test_staff_schedule_a_pickup_through_the_page(client, lena, accepted):
    client.force_login(lena)
    page = client.get(reverse("donations:detail", args=[accepted.pk])).content.decode()
    assert reverse("donations:pickup_schedule", args=[accepted.pk]) in page
    response = client.post(
        reverse("donations:pickup_schedule", args=[accepted.pk]),
        {
            "date": "2026-12-02",
            "window_start": "14:00",
            "window_end": "16:00",
            "driver": str(lena.pk),
            "vehicle": "van 2",
            "province": "上海市",
            "street": "另一个地址 1 号",
        },
    )
    pickup = Pickup.objects.get()
    assert response["Location"] == reverse("donations:pickup", args=[pickup.pk])
    assert pickup.street == "另一个地址 1 号"


def test_an_offer_not_yet_accepted_gets_no_pickup(lena, bob):
    offer = services.donation_create(
        actor=bob, items=[services.ItemInput(category="laptop", quantity=1)], contact_name="B"
    )
    with pytest.raises(ValidationError, match="Only accepted donations"):
        _schedule(offer, lena)
    assert not Pickup.objects.exists()


def test_a_window_that_ends_before_it_starts_is_refused(accepted, lena):
    with pytest.raises(ValidationError) as error:
        _schedule(accepted, lena, window_start=time(15), window_end=time(9))
    assert "window_end" in error.value.message_dict


def test_the_driver_must_be_from_logistics(accepted, lena, alice):
    with pytest.raises(ValidationError) as error:
        _schedule(accepted, lena, driver=alice)
    assert "driver" in error.value.message_dict


def test_a_donation_gets_one_scheduled_pickup_at_a_time(pickup, lena):
    with pytest.raises(ValidationError, match="already has a scheduled pickup"):
        _schedule(pickup.donation, lena)
    services.pickup_cancel(pickup=pickup, actor=lena)
    assert _schedule(pickup.donation, lena).status == Pickup.Status.SCHEDULED


def test_only_logistics_schedule_pickups(accepted, alice, client):
    with pytest.raises(PermissionDenied):
        _schedule(accepted, alice, driver=alice)
    client.force_login(alice)
    assert client.get(reverse("donations:pickup_schedule", args=[accepted.pk])).status_code == 403


# Recording the collection


def test_recording_a_collection_keeps_every_difference(pickup, lena, mailoutbox):
    services.pickup_record_collection(
        pickup=pickup,
        actor=lena,
        collected={"laptop": 8, "monitor_lcd": 4, "printer": 1},
        handed_over_by="赵磊",
        weight_kg=Decimal("48.5"),
    )
    pickup.refresh_from_db()
    assert pickup.status == Pickup.Status.COLLECTED
    assert pickup.handed_over_by == "赵磊"
    assert pickup.donation.status == Donation.Status.COLLECTED
    lines = {line.category: line for line in pickup.lines.all()}
    assert lines["laptop"].difference == -2
    assert lines["monitor_lcd"].difference == 0
    assert (lines["printer"].offered_quantity, lines["printer"].collected_quantity) == (0, 1)
    assert {line.category for line in pickup.differences} == {"laptop", "printer"}
    assert "collected" in mailoutbox[-1].subject
    assert "offered: 10" in mailoutbox[-1].body


def test_the_differences_are_shown_on_the_pickup_and_donation_pages(client, pickup, lena):
    services.pickup_record_collection(
        pickup=pickup,
        actor=lena,
        collected={"laptop": 8, "monitor_lcd": 4, "printer": 1},
        handed_over_by="赵磊",
    )
    client.force_login(lena)
    for url in (
        reverse("donations:pickup", args=[pickup.pk]),
        reverse("donations:detail", args=[pickup.donation_id]),
    ):
        page = client.get(url).content.decode()
        assert "What was collected differs from the offer." in page
        assert "2 fewer than offered" in page
        assert "1 taken that was not offered" in page
        assert "as offered" in page


def test_staff_record_the_collection_through_the_page(client, pickup, lena):
    client.force_login(lena)
    response = client.post(
        reverse("donations:pickup_collect", args=[pickup.pk]),
        {
            "line_laptop": "10",
            "line_monitor_lcd": "3",
            "extra_category_0": "cable",
            "extra_quantity_0": "12",
            "handed_over_by": "孙燕",
            "weight_kg": "60",
        },
    )
    assert response.status_code == 302
    lines = {line.category: line.collected_quantity for line in pickup.lines.all()}
    assert lines == {"laptop": 10, "monitor_lcd": 3, "cable": 12}


def test_the_name_of_who_handed_over_is_required(client, pickup, lena):
    client.force_login(lena)
    response = client.post(
        reverse("donations:pickup_collect", args=[pickup.pk]),
        {"line_laptop": "10", "line_monitor_lcd": "4", "handed_over_by": ""},
    )
    assert response.status_code == 200
    pickup.refresh_from_db()
    assert pickup.status == Pickup.Status.SCHEDULED
    with pytest.raises(ValidationError) as error:
        services.pickup_record_collection(
            pickup=pickup, actor=lena, collected={"laptop": 1}, handed_over_by=" "
        )
    assert "handed_over_by" in error.value.message_dict


def test_fluorescent_tubes_cannot_be_recorded_as_collected(client, pickup, lena):
    client.force_login(lena)
    response = client.post(
        reverse("donations:pickup_collect", args=[pickup.pk]),
        {
            "line_laptop": "10",
            "line_monitor_lcd": "4",
            "extra_category_0": "fluorescent_tube",
            "extra_quantity_0": "5",
            "handed_over_by": "赵磊",
        },
    )
    assert "HW29" in response.content.decode()
    pickup.refresh_from_db()
    assert pickup.status == Pickup.Status.SCHEDULED
    assert not pickup.lines.filter(category="fluorescent_tube").exists()


def test_a_collection_is_recorded_once(pickup, lena):
    args = dict(pickup=pickup, actor=lena, collected={"laptop": 10}, handed_over_by="赵磊")
    services.pickup_record_collection(**args)
    with pytest.raises(ValidationError, match="cannot be recorded again"):
        services.pickup_record_collection(**args)


# The day sheet


def test_the_day_sheet_lists_one_drivers_stops_in_window_order(
    client, lena, make_donation, east_auto, pujiang_bank
):
    late = make_donation(east_auto, street="晚到路 9 号", contact_phone="13911112222")
    early = make_donation(pujiang_bank, street="早到路 1 号")
    other_day = make_donation(east_auto, street="明天路 5 号")
    _schedule(late, lena, window_start=time(15), window_end=time(17))
    _schedule(early, lena, window_start=time(8), window_end=time(9))
    _schedule(other_day, lena, date=date(2026, 12, 3))
    client.force_login(lena)
    page = client.get(
        reverse("donations:day_sheet"), {"driver": lena.pk, "date": "2026-12-02"}
    ).content.decode()
    assert page.index("早到路 1 号") < page.index("晚到路 9 号")
    assert "明天路 5 号" not in page
    assert "13911112222" in page
    # Printed on paper: the print rules live in the sheet's own stylesheet (no inline styles
    # under the Content Security Policy).
    assert "donations/day_sheet.css" in page
    assert "@media print" in Path(finders.find("donations/day_sheet.css")).read_text()


def test_the_day_sheet_is_for_staff(client, bob):
    client.force_login(bob)
    assert client.get(reverse("donations:day_sheet")).status_code == 403


# Who sees what


def test_a_donor_contact_sees_their_own_pickups_only(client, pickup, bob, carol):
    client.force_login(bob)
    assert client.get(reverse("donations:pickup", args=[pickup.pk])).status_code == 200
    assert pickup.donation.reference in client.get(reverse("donations:pickups")).content.decode()
    client.force_login(carol)
    assert client.get(reverse("donations:pickup", args=[pickup.pk])).status_code == 404
    assert (
        pickup.donation.reference not in client.get(reverse("donations:pickups")).content.decode()
    )


def test_a_donor_contact_cannot_record_or_cancel_a_pickup(client, pickup, bob):
    client.force_login(bob)
    assert client.get(reverse("donations:pickup_collect", args=[pickup.pk])).status_code == 403
    assert client.post(reverse("donations:pickup_cancel", args=[pickup.pk])).status_code == 403
    pickup.refresh_from_db()
    assert pickup.status == Pickup.Status.SCHEDULED


def test_accepted_donations_without_a_pickup_wait_on_the_pickups_page(
    client, lena, paul, accepted, pickup, make_donation, pujiang_bank
):
    waiting = make_donation(pujiang_bank)
    client.force_login(lena)
    page = client.get(reverse("donations:pickups")).content.decode()
    assert reverse("donations:pickup_schedule", args=[waiting.pk]) in page
    assert reverse("donations:pickup_schedule", args=[accepted.pk]) not in page
    client.force_login(paul)
    page = client.get(reverse("donations:pickups")).content.decode()
    assert waiting.reference in page
    assert reverse("donations:pickup_schedule", args=[waiting.pk]) not in page


def test_a_collected_donation_gets_no_second_pickup(lena, accepted, pickup):
    services.pickup_record_collection(
        pickup=pickup, actor=lena, collected={"laptop": 10}, handed_over_by="赵磊"
    )
    with pytest.raises(ValidationError, match="Only accepted donations"):
        _schedule(accepted, lena)


# The API


def _api(client, user, method, path, payload=None):
    from greenit.accounts.models import ApiToken

    key = ApiToken.issue(user=user, name="t")[1]
    call = getattr(client, method)
    kwargs = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    if payload is not None:
        kwargs.update(data=payload, content_type="application/json")
    return call(path, **kwargs)


def test_logistics_schedule_and_record_a_pickup_through_the_api(client, lena, accepted):
    response = _api(
        client,
        lena,
        "post",
        f"/api/donations/{accepted.pk}/pickups",
        {
            "date": "2026-12-02",
            "window_start": "09:00",
            "window_end": "11:00",
            "driver_id": lena.pk,
        },
    )
    assert response.status_code == 201, response.content
    pickup_id = response.json()["id"]
    response = _api(
        client,
        lena,
        "post",
        f"/api/donations/pickups/{pickup_id}/collection",
        {"collected": {"laptop": 7, "monitor_lcd": 4}, "handed_over_by": "赵磊", "weight_kg": 20},
    )
    assert response.status_code == 200
    lines = {line["category"]: line for line in response.json()["lines"]}
    assert lines["laptop"]["difference"] == -3
    assert response.json()["status"] == "collected"


def test_the_api_refuses_a_pickup_for_an_offer_not_accepted_and_a_tube_collected(
    client, lena, bob, accepted
):
    offer = services.donation_create(
        actor=bob, items=[services.ItemInput(category="laptop", quantity=1)], contact_name="B"
    )
    body = {"date": "2026-12-02", "window_start": "09:00", "window_end": "11:00"}
    response = _api(
        client, lena, "post", f"/api/donations/{offer.pk}/pickups", {**body, "driver_id": lena.pk}
    )
    assert response.status_code == 422
    pickup = _schedule(accepted, lena)
    response = _api(
        client,
        lena,
        "post",
        f"/api/donations/pickups/{pickup.pk}/collection",
        {"collected": {"fluorescent_tube": 3}, "handed_over_by": "赵磊"},
    )
    assert response.status_code == 422
    assert "HW29" in str(response.json()["errors"])


def test_a_donor_contact_sees_only_their_own_pickups_in_the_api(client, pickup, bob, carol):
    assert _api(client, bob, "get", f"/api/donations/pickups/{pickup.pk}").status_code == 200
    assert [p["id"] for p in _api(client, bob, "get", "/api/donations/pickups").json()] == [
        pickup.pk
    ]
    assert _api(client, carol, "get", f"/api/donations/pickups/{pickup.pk}").status_code == 404
    assert _api(client, carol, "get", "/api/donations/pickups").json() == []
    response = _api(
        client,
        bob,
        "post",
        f"/api/donations/pickups/{pickup.pk}/collection",
        {"collected": {"laptop": 1}, "handed_over_by": "me"},
    )
    assert response.status_code == 403
