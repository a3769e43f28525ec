"""Guests prove nothing until they follow the e-mailed link (finding 7): what they type
changes nobody's record before that, and unconfirmed holds are short and few — per shift and
per client address — so bots cannot hold a shift."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from greenit.volunteers import services
from greenit.volunteers.models import SignUp, Volunteer

OWNER = {
    "name": "周明",
    "email": "zhou.ming@example.org",
    "phone": "13800000000",
    "company_name": "浦江银行",
}


@pytest.fixture
def known_guest(make_shift):
    """A guest who signed up and confirmed before: their record is theirs."""
    signup = services.signup_create(shift=make_shift(days=5), **OWNER)
    services.signup_confirm(token=services.confirm_token(signup))
    return Volunteer.objects.get(email=OWNER["email"])


def _record(volunteer) -> tuple:
    volunteer.refresh_from_db()
    return (volunteer.name, volunteer.phone, volunteer.company_id, volunteer.company_name)


@pytest.mark.parametrize(
    "typed",
    [
        {"name": "Mallory"},
        {"phone": "+1 555 0100"},
        {"company_name": "Evil Corp"},
        {"name": "M", "phone": "1", "company_name": "X"},
        {"email": "ZHOU.MING@EXAMPLE.ORG", "name": "Shouting"},
    ],
)
def test_a_stranger_who_types_a_guests_address_changes_nothing_of_their_record(
    shift, known_guest, client, typed
):
    before = _record(known_guest)
    data = {**OWNER, **typed, "consent": "on"}
    response = client.post(reverse("volunteers:signup", args=[shift.pk]), data)
    assert response.status_code == 302
    assert _record(known_guest) == before
    # The link goes to the owner's mailbox only; following it is what proves the address.
    signup = SignUp.objects.filter(shift=shift).get()
    assert signup.status == SignUp.Status.UNCONFIRMED
    assert mail.outbox[-1].to == [OWNER["email"]]


def test_what_a_guest_typed_is_applied_when_they_confirm(shift, known_guest):
    signup = services.signup_create(
        shift=shift, **{**OWNER, "name": "周明明", "phone": "13900000000"}
    )
    assert _record(known_guest)[:2] == ("周明", "13800000000")
    services.signup_confirm(token=services.confirm_token(signup))
    assert _record(known_guest)[:2] == ("周明明", "13900000000")
    signup.refresh_from_db()
    assert signup.pending_details == {}


def test_an_unconfirmed_hold_is_short(shift, settings):
    assert settings.VOLUNTEER_HOLD_HOURS <= 2
    signup = services.signup_create(shift=shift, **OWNER)
    left = signup.hold_expires_at - timezone.now()
    assert timedelta(hours=settings.VOLUNTEER_HOLD_HOURS - 1) < left
    assert left <= timedelta(hours=settings.VOLUNTEER_HOLD_HOURS)


def _bot(client, shift, n, ip):
    return client.post(
        reverse("volunteers:signup", args=[shift.pk]),
        {"name": f"Bot {n}", "email": f"bot{n}@example.net", "phone": "", "consent": "on"},
        REMOTE_ADDR=ip,
    )


def test_four_bot_sign_ups_from_one_address_cannot_hold_a_shift(make_shift, client, make_user):
    shift = make_shift(capacity=4)
    for n in range(4):
        assert _bot(client, shift, n, "203.0.113.9").status_code == 302
    held = [s for s in shift.signups.all() if s.holds_place]
    assert len(held) == 1
    # A real volunteer still gets a place at once.
    services.signup_create(shift=shift, user=make_user())
    assert shift.signups.filter(status=SignUp.Status.CONFIRMED).count() == 1


def test_guests_from_many_addresses_hold_at_most_the_per_shift_limit(make_shift, client, settings):
    shift = make_shift(capacity=4)
    for n in range(4):
        _bot(client, shift, n, f"198.51.100.{n + 1}")
    held = [s for s in shift.signups.all() if s.holds_place]
    assert len(held) == settings.VOLUNTEER_HOLDS_PER_SHIFT < shift.capacity


def test_a_guest_whose_sign_up_held_nothing_confirms_onto_a_free_place(make_shift, client):
    shift = make_shift(capacity=4)
    for n in range(2):
        _bot(client, shift, n, "203.0.113.9")
    second = SignUp.objects.get(volunteer__email="bot1@example.net")
    assert not second.holds_place
    confirmed = services.signup_confirm(token=services.confirm_token(second))
    assert confirmed.status == SignUp.Status.CONFIRMED


def test_behind_a_proxy_each_guest_counts_by_their_own_address(make_shift, client, settings):
    settings.TRUSTED_PROXIES = 1
    shift = make_shift(capacity=4)
    for n in range(2):
        client.post(
            reverse("volunteers:signup", args=[shift.pk]),
            {"name": f"Guest {n}", "email": f"guest{n}@example.net", "phone": "", "consent": "on"},
            REMOTE_ADDR="10.0.0.254",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n + 1}",
        )
    assert sum(s.holds_place for s in shift.signups.all()) == 2
