"""A batch's weight ticket is spread over its devices and its loose weight, in proportion to
their weighed (or factor) weights, to the gram, and the parts add up to the ticket."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from greenit.accounts.models import Organisation
from greenit.recycling import services
from greenit.recycling.models import BatchLooseWeight, RecyclerLicence, RecyclingBatch

pytestmark = pytest.mark.django_db
FACTORS = {"projector": Decimal("2.5"), "monitor_crt": Decimal("8")}


@pytest.fixture
def batch(alice):
    org = Organisation.objects.create(name="绿循环", is_recycler=True)
    RecyclerLicence.objects.create(
        organisation=org,
        kind=RecyclerLicence.Kind.WEEE,
        number="GC-1",
        issuer="上海市生态环境局",
        valid_from=timezone.localdate() - timedelta(days=10),
        expires_on=timezone.localdate() + timedelta(days=100),
    )
    return services.batch_create(recycler=org, actor=alice)


def _fill(batch, donation, make_asset, alice):
    weighed = make_asset(donation, category="monitor_crt", serial="D1", weight_kg=Decimal("9"))
    by_factor = make_asset(donation, category="projector", serial="L1")
    for asset in (weighed, by_factor):
        services.batch_add_device(batch=batch, code=asset.serial, actor=alice)
    BatchLooseWeight.objects.create(batch=batch, category="cable", weight_kg=Decimal("3.5"))
    return weighed, by_factor


def test_the_ticket_is_shared_in_proportion_to_the_recorded_weights(
    batch, donation, make_asset, alice
):
    """Recorded: CRT monitor 9 kg (weighed) + projector 2.5 kg (factor) + cables 3.5 kg = 15 kg.
    The ticket says 16.5 kg, so every share is × 16.5/15 = 1.1:
    CRT 9.9 kg, projector 2.75 kg, cables 3.85 kg; 9.9 + 2.75 + 3.85 = 16.5."""
    weighed, by_factor = _fill(batch, donation, make_asset, alice)
    RecyclingBatch.objects.filter(pk=batch.pk).update(weight_ticket_kg=Decimal("16.5"))
    batch.refresh_from_db()
    share = services.weight_per_device(batch, factor_weight=FACTORS.get)
    assert share.devices == {weighed.pk: Decimal("9.900"), by_factor.pk: Decimal("2.750")}
    assert share.loose_kg == Decimal("3.850")
    assert share.loose_by_category == {"cable": Decimal("3.850")}
    assert share.total_kg == Decimal("16.500") and share.from_ticket
    assert share.unweighed == []


def test_rounding_never_loses_a_gram(batch, donation, make_asset, alice):
    """10 kg over three equal 1 kg shares: 3.333 + 3.333 + 3.334 (the rest on the largest)."""
    for serial in ("A", "B", "C"):
        make_asset(donation, category="peripheral", serial=serial, weight_kg=Decimal("1"))
        services.batch_add_device(batch=batch, code=serial, actor=alice)
    RecyclingBatch.objects.filter(pk=batch.pk).update(weight_ticket_kg=Decimal("10"))
    batch.refresh_from_db()
    share = services.weight_per_device(batch)
    assert sorted(share.devices.values()) == [
        Decimal("3.333"),
        Decimal("3.333"),
        Decimal("3.334"),
    ]
    assert sum(share.devices.values()) == Decimal("10")


def test_without_a_ticket_the_recorded_weights_stand_and_gaps_are_named(
    batch, donation, make_asset, alice
):
    weighed, by_factor = _fill(batch, donation, make_asset, alice)
    share = services.weight_per_device(batch)  # no factor table: the projector is unweighed
    assert share.devices == {weighed.pk: Decimal("9.000"), by_factor.pk: Decimal("0")}
    assert share.unweighed == [by_factor.pk]
    assert share.total_kg == Decimal("12.500") and not share.from_ticket
