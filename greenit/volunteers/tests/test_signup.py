"""Signing up: guests confirm by e-mail, the capacity holds, the waitlist moves up in order,
overlapping shifts are refused."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from greenit.volunteers import services
from greenit.volunteers.models import SignUp, Volunteer

GUEST = {"name": "周明", "email": "zhou.ming@example.org", "phone": "13800000000"}


def _confirm_link(message) -> str:
    return re.search(r"http\S+/volunteers/confirm/\S+/", message.body).group(0)


def test_a_guest_signs_up_holds_a_place_and_confirms_by_the_link_in_the_e_mail(shift, client):
    client.cookies["django_language"] = "zh-hans"
    response = client.post(
        reverse("volunteers:signup", args=[shift.pk]), {**GUEST, "consent": "on"}
    )
    assert response.status_code == 302
    signup = SignUp.objects.get()
    assert signup.status == SignUp.Status.UNCONFIRMED and signup.holds_place
    assert signup.volunteer.language == "zh-hans"
    assert mail.outbox[0].to == ["zhou.ming@example.org"]
    assert "请确认" in mail.outbox[0].subject
    link = _confirm_link(mail.outbox[0])
    path = link.split("testserver")[-1].replace("http://127.0.0.1:8000", "")
    assert client.get(path).status_code == 200
    signup.refresh_from_db()
    assert signup.status == SignUp.Status.UNCONFIRMED  # a GET (a mail scanner) confirms nothing
    response = client.post(path)
    assert response.url == reverse("volunteers:private", args=[signup.volunteer.token])
    signup.refresh_from_db()
    assert signup.status == SignUp.Status.CONFIRMED and signup.hold_expires_at is None


def test_a_logged_in_volunteer_is_confirmed_at_once(shift, make_user, client):
    user = make_user()
    client.force_login(user)
    response = client.post(
        reverse("volunteers:signup", args=[shift.pk]), {"phone": "", "consent": "on"}
    )
    assert response.url == reverse("volunteers:me")
    signup = SignUp.objects.get()
    assert signup.status == SignUp.Status.CONFIRMED
    assert signup.volunteer.user == user and signup.volunteer.email == user.email


def test_bad_input_names_the_field_and_saves_nothing(shift, client):
    response = client.post(
        reverse("volunteers:signup", args=[shift.pk]), {"name": "", "email": "not an address"}
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "name" in errors and "email" in errors
    assert not SignUp.objects.exists() and not Volunteer.objects.exists()
    assert mail.outbox == []


def test_a_bad_or_expired_confirmation_link_says_so(shift, client, monkeypatch):
    signup = services.signup_create(shift=shift, **GUEST)
    token = services.confirm_token(signup)
    response = client.post(reverse("volunteers:confirm", args=[token[:-3] + "xyz"]))
    assert response.status_code == 400 and "not valid" in response.content.decode()
    monkeypatch.setattr(services, "CONFIRM_LINK_DAYS", -1)
    response = client.post(reverse("volunteers:confirm", args=[token]))
    assert response.status_code == 400 and "expired" in response.content.decode()
    signup.refresh_from_db()
    assert signup.status == SignUp.Status.UNCONFIRMED


def test_capacity_is_never_exceeded_the_next_one_joins_the_waitlist(shift, sign_up):
    first, second, third = sign_up(shift), sign_up(shift), sign_up(shift)
    assert [first.status, second.status] == [SignUp.Status.CONFIRMED] * 2
    assert third.status == SignUp.Status.WAITLISTED
    assert "waitlist" in mail.outbox[-1].subject
    assert shift.signups.filter(status=SignUp.Status.CONFIRMED).count() == shift.capacity


def test_a_guest_s_unconfirmed_hold_counts_until_it_expires(shift, sign_up, settings):
    held = services.signup_create(shift=shift, **GUEST)
    sign_up(shift)
    assert sign_up(shift).status == SignUp.Status.WAITLISTED  # the guest's hold counts
    SignUp.objects.filter(pk=held.pk).update(hold_expires_at=timezone.now() - timedelta(minutes=1))
    late = sign_up(shift)  # the expired hold is released: the waitlist moves up first
    waiting = shift.signups.filter(status=SignUp.Status.WAITLISTED)
    assert shift.signups.filter(status=SignUp.Status.CONFIRMED).count() == 2
    assert list(waiting) == [late]
    confirmed = services.signup_confirm(token=services.confirm_token(held))
    assert confirmed.status == SignUp.Status.WAITLISTED  # too late for the place: waitlist


def test_a_guest_who_signs_up_for_a_full_shift_confirms_onto_the_waitlist(shift, sign_up):
    sign_up(shift), sign_up(shift)
    guest = services.signup_create(shift=shift, **GUEST)
    assert guest.status == SignUp.Status.UNCONFIRMED and not guest.holds_place
    assert services.signup_confirm(token=services.confirm_token(guest)).status == "waitlisted"


def test_a_cancellation_promotes_the_first_on_the_waitlist_and_tells_them(shift, sign_up):
    first, _second = sign_up(shift), sign_up(shift)
    waiting_first = sign_up(shift)
    waiting_second = sign_up(shift)
    Volunteer.objects.filter(pk=waiting_first.volunteer_id).update(language="zh-hans")
    mail.outbox.clear()
    services.signup_cancel(signup=first)
    waiting_first.refresh_from_db()
    waiting_second.refresh_from_db()
    assert waiting_first.status == SignUp.Status.CONFIRMED
    assert waiting_second.status == SignUp.Status.WAITLISTED
    assert [m.to for m in mail.outbox] == [[waiting_first.volunteer.email]]
    assert "名额" in mail.outbox[0].subject  # in the volunteer's language


def test_the_waitlist_is_served_in_the_order_people_joined(shift, sign_up):
    sign_up(shift), sign_up(shift)
    queue = [sign_up(shift) for _ in range(3)]
    SignUp.objects.filter(pk=queue[0].pk).update(created_at=timezone.now())  # joined last
    taken = shift.signups.filter(status=SignUp.Status.CONFIRMED)
    services.signup_cancel(signup=taken[0])
    services.signup_cancel(signup=taken[0])
    promoted = set(
        shift.signups.filter(status=SignUp.Status.CONFIRMED).values_list("pk", flat=True)
    )
    assert promoted == {queue[1].pk, queue[2].pk}


def test_an_overlapping_shift_is_refused_naming_the_other_shift(make_shift, make_user):
    user = make_user()
    morning = make_shift(start=9, hours=3)
    overlapping = make_shift(start=11, hours=3)
    afterwards = make_shift(start=12, hours=2)
    services.signup_create(shift=morning, user=user)
    with pytest.raises(ValidationError) as refused:
        services.signup_create(shift=overlapping, user=user)
    assert "overlaps" in refused.value.messages[0]
    assert "09:00" in refused.value.messages[0]
    assert services.signup_create(shift=afterwards, user=user).status == "confirmed"


def test_an_overlap_is_found_for_a_guest_by_e_mail_in_any_case(make_shift):
    services.signup_create(shift=make_shift(start=9), **GUEST)
    with pytest.raises(ValidationError, match="overlaps"):
        services.signup_create(
            shift=make_shift(start=10), **(GUEST | {"email": "Zhou.Ming@Example.org"})
        )
    assert Volunteer.objects.count() == 1


def test_signing_up_twice_for_one_shift_is_refused(shift, make_user):
    user = make_user()
    services.signup_create(shift=shift, user=user)
    with pytest.raises(ValidationError, match="already signed up"):
        services.signup_create(shift=shift, user=user)


def test_a_guest_cannot_use_the_e_mail_of_an_account(shift, make_user):
    user = make_user()
    services.signup_create(shift=shift, user=user)
    with pytest.raises(ValidationError) as refused:
        services.signup_create(shift=shift, name="Someone", email=user.email.upper())
    assert "log in" in refused.value.message_dict["email"][0]


def test_a_corporate_volunteer_names_their_company_from_the_list_or_by_name(
    make_shift, pujiang_bank, east_auto
):
    one = services.signup_create(shift=make_shift(start=8), company=pujiang_bank, **GUEST)
    assert one.volunteer.company == pujiang_bank
    other = services.signup_create(
        shift=make_shift(start=14),
        name="Anna",
        email="anna@example.org",
        company_name="east auto",
    )
    assert other.volunteer.company == east_auto and other.volunteer.company_name == ""
    third = services.signup_create(
        shift=make_shift(start=18), name="Bo", email="bo@example.org", company_name="Tiny Studio"
    )
    assert third.volunteer.company is None and third.volunteer.company_display == "Tiny Studio"


def test_an_unpublished_or_started_shift_takes_no_sign_up(shift, opportunity, make_shift):
    opportunity.published = False
    opportunity.save()
    with pytest.raises(ValidationError, match="not open"):
        services.signup_create(shift=shift, **GUEST)
    opportunity.published = True
    opportunity.save()
    started = make_shift(days=0, start=0, hours=1)
    with pytest.raises(ValidationError, match="already started"):
        services.signup_create(shift=started, **GUEST)


def test_the_public_pages_show_published_opportunities_with_places_left(
    shift, sign_up, opportunity, client
):
    sign_up(shift)
    response = client.get(reverse("volunteers:public_list"))
    assert "Teaching day in Yudu" in response.content.decode()
    page = client.get(reverse("volunteers:opportunity", args=[opportunity.pk])).content.decode()
    assert "1 place left" in page
    opportunity.published = False
    opportunity.save()
    assert client.get(reverse("volunteers:opportunity", args=[opportunity.pk])).status_code == 404


def test_a_guest_who_signs_up_again_before_confirming_gets_a_new_link(shift):
    first = services.signup_create(shift=shift, **GUEST)
    again = services.signup_create(shift=shift, **GUEST)
    first.refresh_from_db()
    assert first.status == SignUp.Status.CANCELLED
    assert again.status == SignUp.Status.UNCONFIRMED and again.holds_place
    assert len(mail.outbox) == 2
    with pytest.raises(ValidationError, match="cancelled"):
        services.signup_confirm(token=services.confirm_token(first))


def test_an_unconfirmed_sign_up_whose_link_expired_blocks_no_other_shift(make_shift):
    morning = services.signup_create(shift=make_shift(start=9), **GUEST)
    SignUp.objects.filter(pk=morning.pk).update(
        created_at=timezone.now() - timedelta(days=services.CONFIRM_LINK_DAYS + 1)
    )
    overlapping = services.signup_create(shift=make_shift(start=10), **GUEST)
    assert overlapping.status == SignUp.Status.UNCONFIRMED


def test_confirming_two_overlapping_sign_ups_is_refused_the_second_time(make_shift, monkeypatch):
    morning = services.signup_create(shift=make_shift(start=9), **GUEST)
    monkeypatch.setattr(services, "CONFIRM_LINK_DAYS", 0)  # the morning one no longer blocks
    late = services.signup_create(shift=make_shift(start=10), **GUEST)
    monkeypatch.setattr(services, "CONFIRM_LINK_DAYS", 7)
    services.signup_confirm(token=services.confirm_token(late))
    with pytest.raises(ValidationError, match="overlaps"):
        services.signup_confirm(token=services.confirm_token(morning))
