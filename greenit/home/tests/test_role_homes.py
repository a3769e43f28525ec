"""Each role's home and menu fit the role: staff see today's work they may do; a school sees
its classroom, devices and questions, not donations, pickups or API tokens."""

from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import call_command

from greenit.accounts.models import User
from greenit.assets.models import Asset, State
from greenit.core import categories
from greenit.donations.models import Donation

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("demo", devices=30, stdout=StringIO())
    cache.clear()


def _home(client, username: str) -> str:
    client.force_login(User.objects.get(username=username))
    return client.get("/").content.decode()


def test_logistics_see_the_offers_waiting_and_the_pickups_of_today(client, demo):
    page = _home(client, "li.logistics")
    offers = Donation.objects.filter(status=Donation.Status.OFFERED).count()
    assert 'id="today-heading"' in page
    assert f'href="/donations/offers/">{offers} offer' in page
    assert "pickup" in page and "wait for their wipe" not in page


def test_a_technician_sees_the_devices_waiting_for_their_wipe_not_the_offers(client, demo):
    page = _home(client, "wang.tech")
    waiting = Asset.objects.filter(
        state=State.RECEIVED, category__in=categories.data_bearing_codes()
    ).count()
    assert f'href="/sanitization/">{waiting} device' in page
    assert "/donations/offers/" not in page


def test_a_school_sees_its_classroom_and_questions_not_donations_or_tokens(client, demo):
    page = _home(client, "liu.school")
    assert "Open questions" in page and "Ask for help with a device" in page
    assert 'href="/donations/"' not in page
    assert 'href="/donations/pickups/"' not in page
    assert 'href="/accounts/tokens/"' not in page
    assert "Our donations" not in page


def test_a_donor_still_sees_its_donations_and_tokens(client, demo):
    page = _home(client, "zhao.donor")
    assert 'href="/donations/"' in page and 'href="/accounts/tokens/"' in page
    assert "Our donations" in page
