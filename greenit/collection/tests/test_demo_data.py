"""The demo shows the logistics side too: offers to decide, pickups, and six collection boxes."""

import io

import pytest
from django.core.management import call_command

from greenit.collection.models import BoxEmptyingWeight, CollectionBox
from greenit.donations.models import Donation, Pickup

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("demo", devices=10, stdout=io.StringIO())


def test_the_demo_has_public_offers_waiting_and_pickups_scheduled_and_collected(demo):
    assert Donation.objects.filter(status="offered", source="public").count() == 3
    assert Pickup.objects.filter(status="scheduled").count() == 2
    collected = Pickup.objects.get(status="collected")
    assert collected.differences


def test_the_demo_has_six_boxes_one_full_one_damaged_each_with_emptyings(demo):
    assert CollectionBox.objects.count() == 6
    assert CollectionBox.objects.filter(status="full").count() == 1
    assert CollectionBox.objects.filter(status="damaged").count() == 1
    assert not CollectionBox.objects.filter(last_emptied_at__isnull=True).exists()
    assert BoxEmptyingWeight.objects.totals_by_category().keys() == {"phone", "cable", "peripheral"}
