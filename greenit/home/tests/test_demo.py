"""`greenit demo`: devices at every stage, each with a chain of custody the lifecycle
allows, and a second run that changes nothing."""

from io import StringIO

import pytest
from django.core.management import call_command

from greenit.accounts import permissions
from greenit.accounts.models import Organisation, User
from greenit.assets import lifecycle
from greenit.assets.models import Asset, CustodyEvent, State
from greenit.donations.models import Donation, DonationItem

pytestmark = pytest.mark.django_db


def _demo(**options) -> str:
    out = StringIO()
    call_command("demo", stdout=out, **options)
    return out.getvalue()


def _counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Organisation, User, Donation, DonationItem, Asset, CustodyEvent)
    }


def test_the_demo_has_devices_in_every_state():
    _demo(devices=60)
    # The devices asked for, plus the few on East Auto's imported asset list.
    assert 55 <= Asset.objects.filter(donor_asset_number="").count() <= 60
    assert set(Asset.objects.values_list("state", flat=True)) == set(State.values)


def test_every_demo_custody_chain_is_a_legal_walk_through_the_lifecycle():
    _demo(devices=60)
    events: dict[int, list[CustodyEvent]] = {}
    for event in CustodyEvent.objects.order_by("asset", "at", "pk"):
        events.setdefault(event.asset_id, []).append(event)
    assets = Asset.objects.in_bulk()
    assert set(events) == set(assets)
    for asset_id, chain in events.items():
        first, *rest = chain
        assert first.from_state == ""
        assert first.to_state in lifecycle.ENTRY_STATES
        for before, after in zip(chain, rest, strict=False):
            assert after.from_state == before.to_state, (asset_id, before, after)
            assert after.at >= before.at
            if after.from_state == after.to_state:  # an inventory check saw it in place
                assert permissions.may(after.actor, "answer_inventory_checks"), after
                continue
            move = lifecycle.find(after.from_state, after.to_state)
            assert move is not None, f"{asset_id}: {after.from_state} → {after.to_state}"
            assert after.actor.has_role(*move.roles), (asset_id, move.name, after.actor)
        assert chain[-1].to_state == assets[asset_id].state


def test_no_demo_device_holding_data_reached_a_school_unsanitized():
    _demo(devices=60)
    at_school = Asset.objects.filter(state__in=[State.ALLOCATED, State.DEPLOYED])
    assert at_school.exists()
    for asset in at_school:
        if asset.holds_data:
            assert asset.events.filter(to_state=State.SANITIZED).exists(), asset


def test_the_demo_logins_have_their_roles():
    output = _demo(devices=30)
    assert "greenit-demo" in output
    assert User.objects.get(username="wang.tech").has_role("technician")
    assert User.objects.get(username="admin").is_superuser
    zhao = User.objects.get(username="zhao.donor")
    assert zhao.is_external_contact and zhao.organisation.is_donor


def test_running_the_demo_twice_changes_nothing():
    _demo(devices=60)
    before = _counts()
    states = dict(Asset.objects.values_list("tag", "state"))
    output = _demo(devices=60)
    assert "already loaded" in output
    assert _counts() == before
    assert dict(Asset.objects.values_list("tag", "state")) == states
