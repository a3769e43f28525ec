"""The device tally that answers the organisation's all-time figures on PostgreSQL: kept by
triggers through every kind of write (lifecycle moves, bulk updates, COPY imports, edits,
deletes), equal to counting the asset table, and giving the same figures as the count."""

import io
import threading
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from greenit.assets import lifecycle
from greenit.assets.models import Asset, State
from greenit.core import tags
from greenit.impact import tally
from greenit.impact.calculations import Scope, calculate
from greenit.impact.models import DeviceTally

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the tally is kept on PostgreSQL only"
)


def _counted_figures(monkeypatch):
    monkeypatch.setattr(tally, "in_use", lambda: False)
    figures = calculate(Scope.organisation())
    monkeypatch.undo()
    return figures


def test_the_tally_follows_every_kind_of_write(worked_example, lena, alice, make_asset):
    """The worked example moved devices with bulk UPDATEs; here also moves through the
    lifecycle, a COPY import, an edit of weight and category, and a delete."""
    assert tally.differences() == {}
    donation = worked_example["donation"]
    lifecycle.enter_many(
        [{"category": "laptop", "serial": f"CP{n}", "donation_id": donation.pk} for n in range(7)],
        state=State.EXPECTED,
        actor=lena,
    )
    phone = make_asset(donation, category="phone", state=State.EXPECTED)
    lifecycle.transition(phone, State.RECEIVED, actor=alice)
    Asset.objects.filter(pk=phone.pk).update(weight_kg=Decimal("0.171"), category="tablet")
    Asset.objects.filter(pk=worked_example["lcds"][0].pk).update(location="shelf 3")
    assert tally.differences() == {}
    row = DeviceTally.objects.get(state=State.RECEIVED, category="tablet")
    assert (row.devices, row.weighed, row.weight_kg) == (1, 1, Decimal("0.171"))
    assert DeviceTally.objects.get(state=State.EXPECTED, category="laptop").devices == 7

    # No lifecycle path deletes devices (custody events forbid it); a raw one still counts.
    (stray,) = Asset.objects.bulk_create(
        [Asset(tag=tags.new_tags(1)[0], donation=donation, category="printer", state="received")]
    )
    assert DeviceTally.objects.get(state=State.RECEIVED, category="printer").devices == 1
    Asset.objects.filter(pk=stray.pk).delete()
    assert DeviceTally.objects.get(state=State.RECEIVED, category="printer").devices == 0
    assert tally.differences() == {}


def test_the_tally_gives_the_same_figures_as_counting_the_devices(worked_example, monkeypatch):
    from_tally = calculate(Scope.organisation())
    counted = _counted_figures(monkeypatch)
    assert from_tally.to_json() | {"computed_at": None} == counted.to_json() | {"computed_at": None}
    assert (from_tally.devices_received, from_tally.devices_reused) == (20, 12)


def test_the_command_finds_a_wrong_tally_and_recounts_it(worked_example):
    DeviceTally.objects.filter(state=State.DEPLOYED, category="laptop").update(devices=3)
    with pytest.raises(CommandError, match="deployed/laptop: tally"):
        call_command("impact_tally", stdout=io.StringIO())
    out = io.StringIO()
    call_command("impact_tally", rebuild=True, stdout=out)
    assert "matches" in out.getvalue()
    assert DeviceTally.objects.get(state=State.DEPLOYED, category="laptop").devices == 10


@pytest.mark.django_db(transaction=True)
def test_opposite_moves_at_once_neither_deadlock_nor_lose_a_count(
    make_donation, make_asset, east_auto, lena
):
    """Two transactions move devices in opposite directions between the same two tally rows
    (like an allocation and a release at once): ordered upserts take the rows in one order."""
    donation = make_donation(east_auto)
    ready = [make_asset(donation, state=State.RECEIVED) for _ in range(20)]
    Asset.objects.filter(pk__in=[a.pk for a in ready[:10]]).update(state=State.READY)
    Asset.objects.filter(pk__in=[a.pk for a in ready[10:]]).update(state=State.ALLOCATED)
    errors = []
    barrier = threading.Barrier(2)

    def move(ids, to):
        from django.db import connections, transaction

        try:
            barrier.wait()
            for pk in ids:
                with transaction.atomic():
                    Asset.objects.filter(pk=pk).update(state=to)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=move, args=([a.pk for a in ready[:10]], State.ALLOCATED)),
        threading.Thread(target=move, args=([a.pk for a in ready[10:]], State.READY)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert tally.differences() == {}
