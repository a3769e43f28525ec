"""The one rule of who sees which records (greenit.core.querysets), seen through real models."""

from django.contrib.auth.models import AnonymousUser

from greenit.donations.models import Donation, Pickup
from greenit.recycling.models import RecyclingBatch


def test_staff_see_every_donation_and_a_contact_only_their_organisations(
    make_donation, east_auto, pujiang_bank, lena, bob
):
    ours, theirs = make_donation(east_auto), make_donation(pujiang_bank)
    assert set(Donation.objects.visible_to(lena)) == {ours, theirs}
    assert list(Donation.objects.visible_to(bob)) == [ours]


def test_anonymous_visitors_see_nothing_anywhere(donation):
    anonymous = AnonymousUser()
    assert not Donation.objects.visible_to(anonymous).exists()
    assert not Pickup.objects.visible_to(anonymous).exists()
    assert not RecyclingBatch.objects.visible_to(anonymous).exists()


def test_the_workshops_records_are_for_staff_only(bob):
    assert RecyclingBatch.objects.visible_to(bob).query.is_empty()
