"""Recycling batches: only a licensed recycler, devices move through the lifecycle, mercury
lamps never enter, and closing makes every device recycled at once or none."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from greenit.accounts.models import ApiToken, Organisation
from greenit.assets import lifecycle
from greenit.assets.models import State
from greenit.core import files
from greenit.recycling import services
from greenit.recycling.models import RecyclerLicence, RecyclingBatch

pytestmark = pytest.mark.django_db
PDF = files.blank_pdf()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _pdf(name="ticket.pdf", data=PDF):
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def _recycler(name: str, *, expires_in_days: int) -> Organisation:
    org = Organisation.objects.create(name=name, is_recycler=True)
    today = timezone.localdate()
    RecyclerLicence.objects.create(
        organisation=org,
        kind=RecyclerLicence.Kind.WEEE,
        number=f"{name}-1",
        issuer="上海市生态环境局",
        valid_from=today - timedelta(days=365),
        expires_on=today + timedelta(days=expires_in_days),
    )
    return org


@pytest.fixture
def green_cycle():
    return _recycler("绿循环", expires_in_days=200)


@pytest.fixture
def lapsed():
    return _recycler("过期回收", expires_in_days=-1)


@pytest.fixture
def batch(green_cycle, alice):
    return services.batch_create(recycler=green_cycle, actor=alice)


def _ship(batch, alice):
    return services.batch_ship(
        batch=batch,
        shipped_on=timezone.localdate(),
        transporter="顺达物流",
        vehicle="沪A12345",
        weight_ticket=_pdf(),
        weight_ticket_kg=Decimal("120.5"),
        actor=alice,
    )


def test_a_recycler_whose_licence_has_expired_cannot_be_chosen(lapsed, green_cycle, alice):
    with pytest.raises(ValidationError) as error:
        services.batch_create(recycler=lapsed, actor=alice)
    assert "recycler" in error.value.message_dict
    assert list(services.valid_recyclers()) == [green_cycle]


def test_the_batch_form_offers_only_licensed_recyclers(client, alice, lapsed, green_cycle):
    client.force_login(alice)
    response = client.get(reverse("recycling:list"))
    choices = list(response.context["form"].fields["recycler"].queryset)
    assert choices == [green_cycle]
    client.post(reverse("recycling:list"), {"recycler": lapsed.pk})
    assert not RecyclingBatch.objects.exists()


def test_adding_a_device_moves_it_to_recycling_and_removing_brings_it_back(batch, alice, laptop):
    services.batch_add_device(batch=batch, code=laptop.tag, actor=alice)
    laptop.refresh_from_db()
    assert laptop.state == State.RECYCLING
    assert laptop.events.last().note == f"Recycling batch {batch.number}"
    services.batch_remove_device(batch=batch, asset=laptop, actor=alice)
    laptop.refresh_from_db()
    assert laptop.state == State.RECEIVED
    assert not batch.items.exists()


def test_a_device_is_found_by_serial_and_is_in_one_batch_only(batch, green_cycle, alice, laptop):
    services.batch_add_device(batch=batch, code="PF1ABCDE", actor=alice)
    other = services.batch_create(recycler=green_cycle, actor=alice)
    with pytest.raises(ValidationError, match="already in batch"):
        services.batch_add_device(batch=other, code=laptop.tag, actor=alice)


def test_a_device_the_lifecycle_refuses_does_not_enter(batch, alice, donation, make_asset):
    expected = make_asset(donation, serial="EXP1", state=State.EXPECTED)
    with pytest.raises(ValidationError):
        services.batch_add_device(batch=batch, code="EXP1", actor=alice)
    expected.refresh_from_db()
    assert expected.state == State.EXPECTED
    assert not batch.items.exists()


def test_only_technicians_handle_batches(batch, paul, laptop, green_cycle):
    with pytest.raises(PermissionDenied):
        services.batch_add_device(batch=batch, code=laptop.tag, actor=paul)
    with pytest.raises(PermissionDenied):
        services.batch_create(recycler=green_cycle, actor=paul)


def test_mercury_lamps_never_enter_a_batch_as_loose_weight(batch, alice):
    with pytest.raises(ValidationError) as error:
        services.batch_set_loose_weight(
            batch=batch, category="fluorescent_tube", weight_kg=Decimal("5"), actor=alice
        )
    assert "HW29" in str(error.value)
    services.batch_set_loose_weight(
        batch=batch, category="cable", weight_kg=Decimal("12.5"), actor=alice
    )
    assert [(lw.category, lw.weight_kg) for lw in batch.loose.all()] == [
        ("cable", Decimal("12.50"))
    ]


def test_shipping_needs_a_weight_ticket_that_is_a_pdf_jpeg_or_png(batch, alice, laptop):
    services.batch_add_device(batch=batch, code=laptop.tag, actor=alice)
    with pytest.raises(ValidationError) as error:
        services.batch_ship(
            batch=batch,
            shipped_on=timezone.localdate(),
            transporter="顺达物流",
            vehicle="",
            weight_ticket=_pdf("ticket.exe", b"MZ\x90\x00"),
            weight_ticket_kg=Decimal("10"),
            actor=alice,
        )
    assert "weight_ticket" in error.value.message_dict
    _ship(batch, alice)
    assert batch.status == RecyclingBatch.Status.SHIPPED
    assert batch.weight_ticket.name.endswith(".pdf")


def test_a_too_large_document_is_refused(batch, alice, laptop, settings):
    settings.UPLOAD_MAX_BYTES = 10
    services.batch_add_device(batch=batch, code=laptop.tag, actor=alice)
    with pytest.raises(ValidationError, match="larger than"):
        _ship(batch, alice)


def test_closing_needs_the_shipment_and_the_certificate(batch, alice, laptop):
    services.batch_add_device(batch=batch, code=laptop.tag, actor=alice)
    with pytest.raises(ValidationError, match="shipment"):
        services.batch_close(
            batch=batch, certificate=_pdf("c.pdf"), certificate_number="C-1", actor=alice
        )
    _ship(batch, alice)
    with pytest.raises(ValidationError):
        services.batch_close(batch=batch, certificate=None, certificate_number="C-1", actor=alice)


def test_closing_makes_every_device_recycled(batch, alice, donation, make_asset, wipe):
    assets = [make_asset(donation, serial=f"S{i}", weight_kg=Decimal("2")) for i in range(3)]
    for asset in assets:
        wipe(asset)  # laptops hold data: wiped before they leave for the recycler
        services.batch_add_device(batch=batch, code=asset.tag, actor=alice)
    services.batch_set_loose_weight(
        batch=batch, category="cable", weight_kg=Decimal("4"), actor=alice
    )
    _ship(batch, alice)
    services.batch_close(
        batch=batch, certificate=_pdf("cert.pdf"), certificate_number="GC-2026-88", actor=alice
    )
    assert batch.status == RecyclingBatch.Status.CLOSED
    assert {a.state for a in type(assets[0]).objects.filter(serial__startswith="S")} == {
        State.RECYCLED
    }
    assert services.recycled_weights() == {"laptop": Decimal("6.000"), "cable": Decimal("4.00")}


def test_closing_is_all_or_nothing(batch, alice, donation, make_asset, wipe, monkeypatch):
    assets = [make_asset(donation, serial=f"S{i}") for i in range(3)]
    for asset in assets:
        wipe(asset)
        services.batch_add_device(batch=batch, code=asset.tag, actor=alice)
    _ship(batch, alice)

    def refuse_the_last(devices, t):
        if t.target != State.RECYCLED:
            return {}
        return {d.pk: "the hard drive is still inside" for d in devices if d.pk == assets[-1].pk}

    named = lifecycle.guards()
    monkeypatch.setattr(lifecycle, "guards", lambda: (*named, refuse_the_last))
    with pytest.raises(ValidationError) as error:
        services.batch_close(
            batch=batch, certificate=_pdf("c.pdf"), certificate_number="C-1", actor=alice
        )
    assert assets[-1].display_tag in str(error.value)
    assert "still inside" in str(error.value)
    batch.refresh_from_db()
    assert batch.status == RecyclingBatch.Status.SHIPPED
    assert {a.state for a in type(assets[0]).objects.all()} == {State.RECYCLING}


def test_the_batch_page_scans_devices_in_and_closes(client, alice, batch, laptop):
    client.force_login(alice)
    url = reverse("recycling:detail", args=[batch.number])
    assert client.get(url).status_code == 200
    client.post(reverse("recycling:add", args=[batch.number]), {"code": laptop.display_tag})
    laptop.refresh_from_db()
    assert laptop.state == State.RECYCLING
    bad = client.post(reverse("recycling:add", args=[batch.number]), {"code": "NOPE"})
    assert "NOPE" in bad.context["scan_form"].errors["code"][0]
    client.post(reverse("recycling:loose", args=[batch.number]), {"kg_cable": "3.5"})
    assert batch.loose.get().weight_kg == Decimal("3.50")
    client.post(
        reverse("recycling:ship", args=[batch.number]),
        {
            "shipped_on": timezone.localdate().isoformat(),
            "transporter": "顺达物流",
            "weight_ticket_kg": "40",
            "weight_ticket": _pdf(),
        },
    )
    client.post(
        reverse("recycling:close", args=[batch.number]),
        {"certificate_number": "GC-1", "certificate": _pdf("cert.pdf")},
    )
    batch.refresh_from_db()
    laptop.refresh_from_db()
    assert (batch.status, laptop.state) == (RecyclingBatch.Status.CLOSED, State.RECYCLED)


def test_donor_contacts_see_no_batches(client, bob, batch):
    client.force_login(bob)
    assert client.get(reverse("recycling:list")).status_code == 403
    _token, key = ApiToken.issue(user=bob, name="x")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    assert client.get("/api/recycling/batches", **auth).json() == []
    assert client.get(f"/api/recycling/batches/{batch.number}", **auth).status_code == 404


def test_the_api_opens_fills_ships_and_closes_a_batch(client, alice, green_cycle, lapsed, laptop):
    _token, key = ApiToken.issue(user=alice, name="workshop")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    refused = client.post(
        "/api/recycling/batches",
        {"recycler_id": lapsed.pk},
        content_type="application/json",
        **auth,
    )
    assert refused.status_code == 422
    created = client.post(
        "/api/recycling/batches",
        {"recycler_id": green_cycle.pk},
        content_type="application/json",
        **auth,
    )
    assert created.status_code == 201
    number = created.json()["number"]
    added = client.post(
        f"/api/recycling/batches/{number}/devices",
        {"code": laptop.serial},
        content_type="application/json",
        **auth,
    )
    assert added.status_code == 201 and added.json()["devices"] == [laptop.tag]
    mercury = client.post(
        f"/api/recycling/batches/{number}/loose",
        {"category": "fluorescent_tube", "weight_kg": "3"},
        content_type="application/json",
        **auth,
    )
    assert mercury.status_code == 422
    shipped = client.post(
        f"/api/recycling/batches/{number}/ship",
        {
            "shipped_on": timezone.localdate().isoformat(),
            "transporter": "顺达物流",
            "weight_ticket_kg": "40",
            "weight_ticket": _pdf(),
        },
        **auth,
    )
    assert shipped.status_code == 200, shipped.content
    closed = client.post(
        f"/api/recycling/batches/{number}/close",
        {"certificate_number": "GC-1", "certificate": _pdf("cert.pdf")},
        **auth,
    )
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    laptop.refresh_from_db()
    assert laptop.state == State.RECYCLED


def test_the_recyclers_page_shows_which_licences_are_valid(client, alice, green_cycle, lapsed):
    client.force_login(alice)
    response = client.get(reverse("recycling:recyclers"))
    assert dict((org.name, valid) for org, valid in response.context["recyclers"]) == {
        "绿循环": True,
        "过期回收": False,
    }


def test_the_weight_ticket_is_served_to_staff_only(client, batch, alice, bob):
    services.batch_set_loose_weight(
        batch=batch, category="cable", weight_kg=Decimal("4"), actor=alice
    )
    _ship(batch, alice)
    url = reverse("recycling:document", args=[batch.number, "weight-ticket"])
    client.force_login(alice)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert (
        client.get(reverse("recycling:document", args=[batch.number, "other"])).status_code == 404
    )
    page = client.get(reverse("recycling:detail", args=[batch.number])).content.decode()
    assert url in page and "/media/" not in page
    client.force_login(bob)
    assert client.get(url).status_code == 403
