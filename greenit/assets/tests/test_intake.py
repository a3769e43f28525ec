"""Intake: every scan records one device with a tag and a first custody event; a serial
scanned twice for one donation is one device, on the page and in the API."""

import html

import pytest
from django.urls import reverse

from greenit.accounts.models import ApiToken
from greenit.assets.models import Asset, CustodyEvent, State
from greenit.core import tags
from greenit.donations.models import Donation

HTMX = {"HTTP_HX_REQUEST": "true"}


def _scan(client, donation, serial: str, *, category: str = "laptop", **extra):
    data = {
        "donation": donation.pk,
        "category": category,
        "make": "Lenovo",
        "model": "ThinkPad T480",
        "location": "上海仓库 A 区",
        "serial": serial,
    }
    return client.post(reverse("assets:intake"), data, **extra)


def _api_scan(client, key: str, donation, serial: str, *, category: str = "laptop"):
    return client.post(
        "/api/assets/intake",
        {"donation_id": donation.pk, "serial": serial, "category": category},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )


def test_a_scan_records_a_device_with_a_valid_tag_and_a_first_event(client, alice, donation):
    client.force_login(alice)
    response = _scan(client, donation, "PF1ABCDE")
    assert response.status_code == 200
    asset = Asset.objects.get()
    assert tags.is_valid(asset.tag)
    assert (asset.donation, asset.serial, asset.category) == (donation, "PF1ABCDE", "laptop")
    assert (asset.make, asset.model, asset.location) == ("Lenovo", "ThinkPad T480", "上海仓库 A 区")
    assert asset.state == State.RECEIVED
    event = asset.events.get()
    assert (event.from_state, event.to_state, event.actor) == ("", State.RECEIVED, alice)
    assert event.location == "上海仓库 A 区"
    assert asset.display_tag in response.content.decode()
    donation.refresh_from_db()
    assert donation.status == Donation.Status.RECEIVED


def test_after_a_scan_the_form_is_ready_for_the_next_one(client, alice, donation):
    client.force_login(alice)
    form = _scan(client, donation, "PF1ABCDE").context["form"]
    assert form.initial["category"] == "laptop"
    assert str(form.initial["donation"]) == str(donation.pk)
    assert not form.initial.get("serial")


@pytest.mark.parametrize("extra", [{}, HTMX], ids=["plain", "htmx"])
def test_the_same_serial_again_for_the_same_donation_creates_nothing_and_says_so(
    client, alice, donation, extra
):
    client.force_login(alice)
    _scan(client, donation, "PF1ABCDE", **extra)
    asset = Asset.objects.get()
    response = _scan(client, donation, "  PF1ABCDE ", **extra)
    assert response.status_code == 200
    assert Asset.objects.count() == 1
    assert CustodyEvent.objects.count() == 1
    result = response.context["result"]
    assert result.created is False
    assert result.asset == asset
    content = response.content.decode()
    assert "Nothing was created" in content
    assert asset.display_tag in content


def test_an_htmx_scan_answers_with_the_result_region_only(client, alice, donation):
    client.force_login(alice)
    htmx = _scan(client, donation, "PF1ABCDE", **HTMX).content.decode()
    assert "<html" not in htmx
    assert 'id="intake-announcement"' in htmx
    page = _scan(client, donation, "PF1ABCDF").content.decode()
    assert "<html" in page


def test_the_same_serial_in_another_donation_is_another_device(
    client, alice, make_donation, east_auto, pujiang_bank
):
    first, second = make_donation(east_auto), make_donation(pujiang_bank)
    client.force_login(alice)
    _scan(client, first, "PF1ABCDE")
    response = _scan(client, second, "PF1ABCDE")
    assert response.context["result"].created is True
    assert Asset.objects.filter(serial="PF1ABCDE").count() == 2
    assert {a.donation for a in Asset.objects.all()} == {first, second}


def test_devices_without_a_serial_are_each_recorded(client, alice, donation):
    client.force_login(alice)
    _scan(client, donation, "")
    _scan(client, donation, "")
    assert Asset.objects.filter(donation=donation, serial="").count() == 2


def test_an_expected_device_is_received_not_duplicated(client, alice, donation, make_asset):
    expected = make_asset(donation, serial="PF1LISTED", state=State.EXPECTED)
    client.force_login(alice)
    response = _scan(client, donation, "PF1LISTED")
    assert Asset.objects.count() == 1
    expected.refresh_from_db()
    assert expected.state == State.RECEIVED
    assert [(e.from_state, e.to_state) for e in expected.events.order_by("at", "pk")] == [
        ("", State.EXPECTED),
        (State.EXPECTED, State.RECEIVED),
    ]
    assert expected.events.last().actor == alice
    assert response.context["result"].created is False
    assert "donor's list" in html.unescape(response.content.decode())


def test_fluorescent_tubes_are_refused_at_intake(client, alice, donation):
    client.force_login(alice)
    response = _scan(client, donation, "TUBE-1", category="fluorescent_tube")
    assert response.status_code == 200
    assert "HW29" in response.content.decode()
    assert not Asset.objects.exists()


def test_a_closed_donation_takes_no_devices(client, alice, donation):
    Donation.objects.filter(pk=donation.pk).update(status=Donation.Status.CLOSED)
    client.force_login(alice)
    response = _scan(client, donation, "PF1ABCDE")
    assert response.status_code == 200
    assert "donation" in response.context["form"].errors
    assert not Asset.objects.exists()


@pytest.mark.parametrize("who", ["bob", "paul"])
def test_only_logistics_and_technicians_do_intake(client, request, donation, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("assets:intake")).status_code == 403
    assert _scan(client, donation, "PF1ABCDE").status_code == 403
    assert not Asset.objects.exists()


def test_intake_needs_a_login(client, donation):
    response = _scan(client, donation, "PF1ABCDE")
    assert response.status_code == 302
    assert not Asset.objects.exists()


def test_the_api_answers_201_for_a_new_device_and_200_for_a_repeat(client, alice, donation):
    _token, key = ApiToken.issue(user=alice, name="scanner")
    first = _api_scan(client, key, donation, "PF1ABCDE")
    assert first.status_code == 201
    assert first.json()["created"] is True
    again = _api_scan(client, key, donation, "PF1ABCDE")
    assert again.status_code == 200
    assert again.json()["created"] is False
    assert again.json()["asset"]["id"] == first.json()["asset"]["id"]
    assert "Nothing was created" in again.json()["message"]
    assert Asset.objects.count() == 1
    assert CustodyEvent.objects.count() == 1


def test_the_api_takes_a_browser_session_too(client, lena, donation):
    client.force_login(lena)
    response = client.post(
        "/api/assets/intake",
        {"donation_id": donation.pk, "serial": "PF1ABCDE", "category": "desktop"},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert Asset.objects.get().events.get().actor == lena


def test_the_api_refuses_fluorescent_tubes(client, alice, donation):
    _token, key = ApiToken.issue(user=alice, name="scanner")
    response = _api_scan(client, key, donation, "TUBE-1", category="fluorescent_tube")
    assert response.status_code == 422
    assert "HW29" in str(response.json()["errors"])
    assert not Asset.objects.exists()


def test_a_donor_contact_cannot_scan_through_the_api(
    client, bob, donation, make_donation, pujiang_bank
):
    _token, key = ApiToken.issue(user=bob, name="ours")
    assert _api_scan(client, key, donation, "PF1ABCDE").status_code == 403
    other = make_donation(pujiang_bank)
    assert _api_scan(client, key, other, "PF1ABCDE").status_code == 404
    assert not Asset.objects.exists()


@pytest.mark.parametrize("given", ["abc", "-1", "999999"])
def test_an_unknown_donation_in_the_link_opens_an_empty_intake_screen(client, alice, given):
    client.force_login(alice)
    response = client.get(reverse("assets:intake"), {"donation": given})
    assert response.status_code == 200
    assert response.context["donation"] is None


def test_the_link_from_a_donation_preselects_it(client, alice, donation):
    client.force_login(alice)
    response = client.get(reverse("assets:intake"), {"donation": str(donation.pk)})
    assert response.context["donation"] == donation


def test_an_offer_nobody_accepted_takes_no_devices_on_any_face(client, alice, donation):
    """A public offer is accepted first (the donor hears so by e-mail); intake neither offers it
    nor takes a scan into it, on the page or through the API, and nothing changes."""
    Donation.objects.filter(pk=donation.pk).update(status=Donation.Status.OFFERED)
    client.force_login(alice)
    page = client.get(reverse("assets:intake")).content.decode()
    assert f'value="{donation.pk}"' not in page
    response = _scan(client, donation, "PF1OFFER")
    assert response.status_code == 200
    assert "Choose an accepted or collected donation" in html.unescape(response.content.decode())
    _token, key = ApiToken.issue(user=alice, name="station")
    response = _api_scan(client, key, donation, "PF1OFFER")
    assert response.status_code == 422, response.content
    assert "accept it first" in response.content.decode()
    assert not Asset.objects.exists()
    donation.refresh_from_db()
    assert donation.status == Donation.Status.OFFERED


@pytest.mark.parametrize("status", ["accepted", "collected", "received"])
def test_accepted_collected_and_receiving_donations_are_offered_at_intake(
    client, alice, donation, status
):
    Donation.objects.filter(pk=donation.pk).update(status=status)
    client.force_login(alice)
    assert f'value="{donation.pk}"' in client.get(reverse("assets:intake")).content.decode()
    assert _scan(client, donation, f"PF1{status.upper()}").status_code in (200, 302)
    assert Asset.objects.filter(serial=f"PF1{status.upper()}").exists()
