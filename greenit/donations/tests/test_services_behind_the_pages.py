"""The services behind the donation pages: who may record a donation (staff in logistics and
the workshop, donor contacts; page and API refuse with the same sentence), and what the
pickup pages plan with (drivers, donations waiting, day sheets)."""

from datetime import time, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from greenit.donations import services

pytestmark = pytest.mark.django_db

REFUSAL = "Only logistics staff, technicians and donor contacts record donations."


@pytest.mark.parametrize("who", ["lena", "alice", "ada", "bob"])
def test_recording_staff_and_donor_contacts_may_record(request, who):
    services.require_may_record_donation(request.getfixturevalue(who))


def test_a_programme_manager_is_refused_in_the_tables_words(paul):
    with pytest.raises(PermissionDenied, match=REFUSAL):
        services.require_may_record_donation(paul)


def test_a_contact_of_a_non_donor_organisation_is_refused(carol):
    carol.organisation.is_donor = False
    carol.organisation.save()
    with pytest.raises(PermissionDenied, match=REFUSAL):
        services.require_may_record_donation(carol)


def test_drivers_are_active_logistics_staff_and_administrators(alice, lena, paul, ada, bob):
    assert list(services.drivers()) == sorted([lena, ada], key=lambda u: (u.first_name, u.username))


def test_a_donation_awaits_a_pickup_until_one_is_on_a_day_sheet(lena, donation):
    donation.status = "accepted"
    donation.save(update_fields=["status"])
    assert list(services.donations_awaiting_pickup()) == [donation]
    pickup = services.pickup_schedule(
        donation=donation,
        actor=lena,
        date=timezone.localdate(),
        window_start=time(9),
        window_end=time(11),
        driver=lena,
    )
    assert not services.donations_awaiting_pickup().exists()
    assert list(services.drivers_on(timezone.localdate())) == [lena]
    assert not services.drivers_on(timezone.localdate() + timedelta(days=1)).exists()
    today = timezone.localdate()
    assert list(services.day_sheet_stops(driver=lena, day=today)) == [pickup]
    services.pickup_cancel(pickup=pickup, actor=lena)
    assert not services.day_sheet_stops(driver=lena, day=today).exists()
