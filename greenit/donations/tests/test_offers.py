"""Donation offers: anyone offers on /donate/ without an account, a donor contact from the
portal; logistics staff accept or decline with a reason; the donor hears of each step by
e-mail in their language. Bots get nowhere: a honeypot, a rate limit, and only offers."""

import io

import pytest
from django.urls import reverse
from PIL import Image

from greenit.accounts.models import ApiToken
from greenit.core import mail
from greenit.donations import services
from greenit.donations.models import Donation, DonationItem, DonationPhoto

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }


def _offer(items=None, **fields) -> dict:
    items = items if items is not None else [{"category": "laptop", "quantity": "6"}]
    data = {
        "donor_name": "Ms. Emily Carter",
        "contact_name": "Emily Carter",
        "contact_email": "emily@example.org",
        "contact_phone": "13900000000",
        "province": "上海市",
        "city": "上海市",
        "district": "徐汇区",
        "street": "漕溪北路 201 弄 5 号",
        "preferred_from": "2026-12-01",
        "preferred_to": "2026-12-05",
        "consent": "on",
        "website": "",
        "items-TOTAL_FORMS": str(max(len(items), 1)),
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "1",
        "items-MAX_NUM_FORMS": "50",
    }
    for n, item in enumerate(items):
        for key, value in item.items():
            data[f"items-{n}-{key}"] = value
    data.update(fields)
    return data


def _jpeg_with_exif() -> io.BytesIO:
    image = Image.new("RGB", (40, 30), "green")
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x0131] = "GPS-leaking-software"  # Software
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    out.seek(0)
    out.name = "desk.jpg"
    return out


# The public form


def test_anyone_can_offer_a_donation_without_an_account(client, mailoutbox):
    response = client.post(reverse("donate:offer"), _offer())
    assert response.status_code == 302
    assert response["Location"] == reverse("donate:thanks")
    offer = Donation.objects.get()
    assert offer.status == Donation.Status.OFFERED
    assert offer.source == Donation.Source.PUBLIC
    assert offer.donor_organisation is None
    assert offer.consent_at is not None
    assert str(offer.preferred_from) == "2026-12-01"
    assert offer.items.get().quantity == 6
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["emily@example.org"]
    assert offer.reference in mailoutbox[0].subject


def test_the_donate_page_is_in_the_visitors_menu_and_on_the_welcome_page(client):
    page = client.get("/").content.decode()
    assert page.count(f'href="{reverse("donate:offer")}"') >= 2
    assert client.get(reverse("donate:offer")).status_code == 200


def test_the_offer_e_mail_is_in_the_language_the_donor_used(client, mailoutbox):
    client.post(reverse("donate:offer"), _offer(), HTTP_ACCEPT_LANGUAGE="zh-hans")
    offer = Donation.objects.get()
    assert offer.language == "zh-hans"


def test_an_offer_without_consent_is_refused_and_nothing_is_written(client, mailoutbox):
    response = client.post(reverse("donate:offer"), _offer(consent=""))
    assert response.status_code == 200
    assert "Tick the box" in response.content.decode()
    assert not Donation.objects.exists()
    assert not mailoutbox


def test_fluorescent_tubes_are_refused_on_the_public_form_with_where_they_go(client):
    response = client.post(
        reverse("donate:offer"),
        _offer([{"category": "fluorescent_tube", "quantity": "20"}]),
    )
    assert "HW29" in response.content.decode()
    assert not Donation.objects.exists()
    assert not DonationItem.objects.exists()


def test_unused_item_lines_are_skipped_and_a_half_filled_one_is_named(client):
    blank = {"category": "", "quantity": "", "description": "", "serials": ""}
    lines = [{"category": "laptop", "quantity": "6"}, blank, {"description": "Dell, 2019"}]
    page = client.post("/donate/", _offer(lines)).content.decode()
    assert "Item 3: choose the kind of device, or leave the whole line empty." in page
    assert "Item 3: say how many, or leave the whole line empty." in page
    assert "Item 2:" not in page  # the empty line is no error
    assert not Donation.objects.exists()
    response = client.post("/donate/", _offer([lines[0], blank, blank]))
    assert response.status_code == 302
    assert Donation.objects.get().items.get().quantity == 6


def test_an_offer_needs_a_way_to_reach_the_donor(client):
    response = client.post(reverse("donate:offer"), _offer(contact_email="", contact_phone=""))
    assert "e-mail address or a phone number" in response.content.decode()
    assert not Donation.objects.exists()


def test_the_honeypot_field_is_hidden_from_people_and_assistive_technology(client):
    page = client.get(reverse("donate:offer")).content.decode()
    start = page.index('aria-hidden="true"')
    wrapper = page[start - 60 : page.index("</div>", page.index('name="website"'))]
    assert 'class="visually-hidden"' in wrapper
    assert 'tabindex="-1"' in wrapper
    assert 'autocomplete="off"' in wrapper
    assert '<label for="id_website"' in wrapper


def test_a_bot_that_fills_the_honeypot_is_thanked_and_nothing_is_kept(client, mailoutbox):
    response = client.post(reverse("donate:offer"), _offer(website="http://spam.example"))
    assert response.status_code == 302
    assert not Donation.objects.exists()
    assert not mailoutbox


def test_offers_are_rate_limited_per_client_address(client, settings):
    settings.OFFER_RATE = "2/h"
    for _ in range(2):
        assert client.post(reverse("donate:offer"), _offer()).status_code == 302
    response = client.post(reverse("donate:offer"), _offer())
    assert response.status_code == 429
    assert "try again" in response.content.decode()
    assert Donation.objects.count() == 2
    other = client.post(reverse("donate:offer"), _offer(), REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 302


def test_a_bot_cannot_make_anything_but_an_offer(client, east_auto):
    client.post(
        reverse("donate:offer"),
        _offer(status="accepted", donor_organisation=str(east_auto.pk), source="staff"),
    )
    offer = Donation.objects.get()
    assert offer.status == Donation.Status.OFFERED
    assert offer.donor_organisation is None
    assert offer.source == Donation.Source.PUBLIC


def test_the_public_service_ignores_a_status_or_organisation_passed_in(east_auto):
    from django.contrib.auth.models import AnonymousUser

    offer = services.donation_create(
        actor=AnonymousUser(),
        items=[services.ItemInput(category="laptop", quantity=1)],
        source=Donation.Source.PUBLIC,
        consent=True,
        donor_name="X",
        contact_name="X",
        contact_phone="1",
        status=Donation.Status.RECEIVED,
        donor_organisation=east_auto,
    )
    assert offer.status == Donation.Status.OFFERED
    assert offer.donor_organisation_id is None


def test_photos_are_kept_re_encoded_without_their_exif_data(client):
    data = _offer()
    data["photos"] = [_jpeg_with_exif()]
    client.post(reverse("donate:offer"), data)
    photo = DonationPhoto.objects.get()
    stored = photo.image.open("rb").read()
    assert b"SecretCam" not in stored
    assert b"GPS-leaking" not in stored
    assert Image.open(io.BytesIO(stored)).format == "JPEG"


def test_a_file_that_is_not_a_photo_is_refused_and_named(client):
    fake = io.BytesIO(b"%PDF-1.4 not a photo")
    fake.name = "invoice.pdf"
    data = _offer()
    data["photos"] = [fake]
    response = client.post(reverse("donate:offer"), data)
    assert "invoice.pdf" in response.content.decode()
    assert "JPEG, PNG or WebP" in response.content.decode()
    assert not Donation.objects.exists()


def test_a_gif_is_refused_as_the_wrong_kind_of_photo(client):
    gif = io.BytesIO()
    Image.new("RGB", (5, 5)).save(gif, format="GIF")
    gif.seek(0)
    gif.name = "anim.gif"
    data = _offer()
    data["photos"] = [gif]
    response = client.post(reverse("donate:offer"), data)
    assert "GIF" in response.content.decode()
    assert not Donation.objects.exists()


def test_a_photo_over_the_size_limit_is_refused(client, settings):
    settings.PHOTO_MAX_BYTES = 100
    data = _offer()
    data["photos"] = [_jpeg_with_exif()]
    response = client.post(reverse("donate:offer"), data)
    assert "larger than" in response.content.decode()
    assert not Donation.objects.exists()


def test_preferred_dates_in_the_wrong_order_are_refused(client):
    response = client.post(
        reverse("donate:offer"), _offer(preferred_from="2026-12-05", preferred_to="2026-12-01")
    )
    assert "swap them" in response.content.decode()
    assert not Donation.objects.exists()


# The donor portal


def test_a_donor_contact_offers_from_the_portal_for_their_own_organisation(client, bob, mailoutbox):
    bob.email = "bob@eastauto.example"
    bob.save()
    client.force_login(bob)
    data = _offer()
    for key in ("donor_name", "consent", "website", "contact_email"):
        data.pop(key)
    response = client.post(reverse("donations:create"), data)
    assert response.status_code == 302
    offer = Donation.objects.get()
    assert offer.source == Donation.Source.PORTAL
    assert offer.status == Donation.Status.OFFERED
    assert offer.donor_organisation == bob.organisation
    assert mailoutbox[0].to == ["bob@eastauto.example"]


# Staff decide


@pytest.fixture
def offer(client):
    client.post(reverse("donate:offer"), _offer())
    return Donation.objects.get()


def test_the_offers_queue_lists_open_offers_only(client, lena, offer, make_donation):
    accepted = make_donation(None, donor_name="已接受")
    client.force_login(lena)
    page = client.get(reverse("donations:offers")).content.decode()
    assert offer.reference in page
    assert accepted.reference not in page


def test_a_donor_contact_has_no_offers_queue(client, bob):
    client.force_login(bob)
    assert client.get(reverse("donations:offers")).status_code == 403


def test_logistics_accept_an_offer_and_the_donor_is_told(client, lena, offer, mailoutbox):
    mailoutbox.clear()
    client.force_login(lena)
    response = client.post(reverse("donations:accept", args=[offer.pk]))
    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.status == Donation.Status.ACCEPTED
    assert offer.decided_by == lena and offer.decided_at
    assert len(mailoutbox) == 1 and "accepted" in mailoutbox[0].subject


def test_the_accepted_e_mail_is_written_in_chinese_for_a_chinese_donor(
    client, lena, mailoutbox, monkeypatch
):
    client.post(reverse("donate:offer"), _offer(), HTTP_ACCEPT_LANGUAGE="zh-hans")
    offer = Donation.objects.get()
    rendered_in = []
    real_render = mail.render_to_string

    def spy(*args, **kwargs):
        from django.utils import translation

        rendered_in.append(translation.get_language())
        return real_render(*args, **kwargs)

    monkeypatch.setattr(mail, "render_to_string", spy)
    services.donation_accept(donation=offer, actor=lena)  # lena's request would be English
    assert rendered_in == ["zh-hans"]
    assert len(mailoutbox) == 2


def test_declining_needs_a_reason_and_the_donor_reads_it(client, lena, offer, mailoutbox):
    client.force_login(lena)
    client.post(reverse("donations:decline", args=[offer.pk]), {"reason": ""})
    offer.refresh_from_db()
    assert offer.status == Donation.Status.OFFERED
    mailoutbox.clear()
    client.post(
        reverse("donations:decline", args=[offer.pk]),
        {"reason": "We only take devices from Shanghai this year."},
    )
    offer.refresh_from_db()
    assert offer.status == Donation.Status.DECLINED
    assert "only take devices from Shanghai" in mailoutbox[0].body


def test_an_offer_cannot_be_decided_twice(lena, offer):
    services.donation_accept(donation=offer, actor=lena)
    with pytest.raises(Exception, match="not an open offer"):
        services.donation_decline(donation=offer, actor=lena, reason="changed my mind")
    offer.refresh_from_db()
    assert offer.status == Donation.Status.ACCEPTED


@pytest.mark.parametrize("who", ["alice", "paul", "bob"])
def test_only_logistics_accept_offers(client, request, offer, who):
    client.force_login(request.getfixturevalue(who))
    response = client.post(reverse("donations:accept", args=[offer.pk]))
    assert response.status_code == 403
    offer.refresh_from_db()
    assert offer.status == Donation.Status.OFFERED


def test_staff_see_the_accept_and_decline_forms_on_an_offer(client, lena, offer):
    client.force_login(lena)
    page = client.get(reverse("donations:detail", args=[offer.pk])).content.decode()
    assert reverse("donations:accept", args=[offer.pk]) in page
    assert reverse("donations:decline", args=[offer.pk]) in page


# The API


def _api(client, user, path, payload=None):
    _token, key = ApiToken.issue(user=user, name="t")
    return client.post(
        path, payload or {}, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {key}"
    )


def test_logistics_accept_an_offer_through_the_api(client, lena, offer, mailoutbox):
    response = _api(client, lena, f"/api/donations/{offer.pk}/accept")
    assert response.status_code == 200
    assert response.json()["status"] == "accepted"


def test_declining_through_the_api_without_a_reason_answers_422(client, lena, offer):
    response = _api(client, lena, f"/api/donations/{offer.pk}/decline", {"reason": " "})
    assert response.status_code == 422
    assert "reason" in response.json()["errors"]
    response = _api(client, lena, f"/api/donations/{offer.pk}/decline", {"reason": "Too far"})
    assert response.json()["status"] == "declined"
    assert response.json()["decline_reason"] == "Too far"


def test_accepting_twice_through_the_api_answers_422(client, lena, offer):
    _api(client, lena, f"/api/donations/{offer.pk}/accept")
    assert _api(client, lena, f"/api/donations/{offer.pk}/accept").status_code == 422


def test_a_donor_contact_cannot_accept_their_own_offer_and_sees_no_others(
    client, bob, carol, offer
):
    client.force_login(bob)
    own = services.donation_create(
        actor=bob, items=[services.ItemInput(category="laptop", quantity=1)], contact_name="B"
    )
    assert _api(client, bob, f"/api/donations/{own.pk}/accept").status_code == 403
    assert _api(client, carol, f"/api/donations/{own.pk}/accept").status_code == 404
    assert _api(client, bob, f"/api/donations/{offer.pk}/accept").status_code == 404


def test_a_donor_contact_offering_through_the_api_makes_a_portal_offer(client, bob):
    response = _api(
        client,
        bob,
        "/api/donations",
        {"contact_name": "B", "items": [{"category": "desktop", "quantity": 2}]},
    )
    assert response.status_code == 201
    assert response.json()["status"] == "offered"
    assert response.json()["source"] == "portal"


def test_a_mail_server_that_is_down_does_not_undo_the_decision(lena, offer, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr(mail, "send_mail", broken)
    services.donation_accept(donation=offer, actor=lena)
    offer.refresh_from_db()
    assert offer.status == Donation.Status.ACCEPTED
