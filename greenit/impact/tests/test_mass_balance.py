"""Mass balance: in = out + change in stock + losses, per category; what differs is named.

The example (typical desktop 8.77 kg), all in March 2026:
  in     4 desktops received, unweighed 4 × 8.77 = 35.08; a box emptying, cables 6.00
  out    2 desktops deployed 17.54; batch R1 closed with the other 2 desktops (17.54) and
         5.00 kg of cables, ticket 22.54 = 17.54 + 5.00: the ticket agrees with the records
  stock  desktops 35.08 − 17.54 − 17.54 = 0; cables 6.00 − 5.00 = 1.00 (collected, not shipped)
  variance 0 in every category: the balance closes.
Planted: the ticket says 62.54 (40 kg more). Spread over the batch's records: desktops
17.54 / 22.54 × 62.54 = 48.667…, cables 5.00 / 22.54 × 62.54 = 13.873…; variances
17.54 − 48.667… = −31.13 and 5.00 − 13.873… = −8.87 kg; both flagged with batch R1, whose devices
are named.
"""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.core.management import call_command

from greenit.accounts.models import Organisation
from greenit.assets.models import Asset, State
from greenit.collection.models import BoxEmptying, BoxEmptyingWeight, CollectionBox
from greenit.donations.services import ItemInput
from greenit.impact import mass_balance
from greenit.impact.calculations import Period
from greenit.recycling.models import BatchLooseWeight, RecyclingBatch, RecyclingBatchItem

from .conftest import set_state

WHEN = datetime(2026, 3, 12, 9, 0, tzinfo=UTC)
MARCH = Period(date(2026, 3, 1), date(2026, 3, 31))


@pytest.fixture
def balanced(db, impact_settings, make_donation, make_asset, east_auto, lena):
    donation = make_donation(east_auto, items=[ItemInput(category="desktop", quantity=4)])
    desktops = [make_asset(donation, category="desktop", at=WHEN) for _ in range(4)]
    set_state(desktops[:2], State.DEPLOYED, WHEN)
    set_state(desktops[2:], State.RECYCLED, WHEN)
    recycler = Organisation.objects.create(name="Recycler", is_recycler=True)
    batch = RecyclingBatch.objects.create(
        number="R1",
        recycler=recycler,
        status=RecyclingBatch.Status.CLOSED,
        weight_ticket_kg=Decimal("22.54"),
        closed_at=WHEN,
    )
    for asset in desktops[2:]:
        RecyclingBatchItem.objects.create(batch=batch, asset=asset)
    BatchLooseWeight.objects.create(batch=batch, category="cable", weight_kg=Decimal("5.00"))
    box = CollectionBox.objects.create(code="SH-010", host=east_auto, site="Hall")
    emptying = BoxEmptying.objects.create(box=box, done_at=WHEN, done_by=lena)
    BoxEmptyingWeight.objects.create(emptying=emptying, category="cable", weight_kg=6)
    return {"batch": batch, "desktops": desktops, "donation": donation}


def test_the_balance_closes_when_the_ticket_agrees(balanced):
    balance = mass_balance.compute(MARCH)
    rows = {r.category: r for r in balance.categories}
    desktop, cable = rows["desktop"], rows["cable"]
    assert (desktop.in_kg, desktop.deployed_kg, desktop.recycled_kg) == (
        Decimal("35.08"),
        Decimal("17.54"),
        Decimal("17.54"),
    )
    assert desktop.stock_change_kg == 0 and desktop.variance_kg == 0
    assert (cable.loose_in_kg, cable.recycled_kg, cable.stock_change_kg) == (6, 5, 1)
    assert balance.closes, balance.discrepancies()
    assert balance.batches[0].difference_kg == 0


def test_a_planted_ticket_discrepancy_is_found_and_its_batch_and_devices_named(balanced):
    RecyclingBatch.objects.filter(pk=balanced["batch"].pk).update(weight_ticket_kg=Decimal("62.54"))
    balance = mass_balance.compute(MARCH)
    rows = {r.category: r for r in balance.categories}
    assert mass_balance._r(rows["desktop"].variance_kg) == Decimal("-31.13")
    assert mass_balance._r(rows["cable"].variance_kg) == Decimal("-8.87")
    assert rows["desktop"].flagged and rows["desktop"].batches == ["R1"]
    assert not balance.closes
    check = balance.batches[0]
    assert check.flagged and check.difference_kg == Decimal("-40.00")
    tags = {a.display_tag for a in balanced["desktops"][2:]}
    assert set(check.named_devices) == tags
    text = " ".join(balance.discrepancies())
    assert "batch R1" in text and all(t in text for t in tags)


def test_a_device_recycled_outside_a_batch_is_named(balanced, make_asset):
    stray = make_asset(balanced["donation"], category="laptop", at=WHEN)
    set_state([stray], State.RECYCLED, WHEN)
    balance = mass_balance.compute(MARCH)
    assert balance.unbatched_recycled_count == 1
    assert balance.unbatched_recycled == [Asset.objects.get(pk=stray.pk).display_tag]
    assert not balance.closes


def test_loose_weight_shipped_that_no_box_collected_is_flagged(balanced):
    BatchLooseWeight.objects.filter(category="cable").update(weight_kg=Decimal("9.50"))
    RecyclingBatch.objects.update(weight_ticket_kg=Decimal("27.04"))
    balance = mass_balance.compute(MARCH)
    assert balance.loose_shipped_not_collected == {"cable": Decimal("3.50")}
    assert not balance.closes


def test_the_demo_data_balances(db):
    import io

    call_command("demo", devices=40, stdout=io.StringIO())
    balance = mass_balance.compute()
    assert balance.categories
    assert balance.closes, balance.discrepancies()


def test_a_shipped_batch_awaiting_its_certificate_is_named_an_estimate(balanced, make_asset):
    laptop = make_asset(balanced["donation"], category="laptop", at=WHEN, weight_kg="2.000")
    set_state([laptop], State.RECYCLING, WHEN)
    shipped = RecyclingBatch.objects.create(
        number="R2",
        recycler=balanced["batch"].recycler,
        status=RecyclingBatch.Status.SHIPPED,
        weight_ticket_kg=Decimal("2.10"),
    )
    RecyclingBatchItem.objects.create(batch=shipped, asset=laptop)
    balance = mass_balance.compute(MARCH)
    check = next(b for b in balance.batches if b.number == "R2")
    assert check.awaiting_certificate and check.estimate and not check.flagged
    assert (check.devices, check.recorded_kg, check.difference_kg) == (
        1,
        Decimal("2.00"),
        Decimal("-0.10"),
    )
    laptop_row = next(r for r in balance.categories if r.category == "laptop")
    assert laptop_row.stock_change_kg == Decimal("2.000")  # still in stock, at its own weight
    assert balance.closes
