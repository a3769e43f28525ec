"""A volunteer's own page (account or private link), cancelling from it, and the certificate
of volunteering hours."""

import shutil
import subprocess
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from greenit.volunteers import services
from greenit.volunteers.models import SignUp

from .conftest import move_to_past


@pytest.fixture
def guest(shift):
    signup = services.signup_create(shift=shift, name="周明", email="zhou@example.org")
    return services.signup_confirm(token=services.confirm_token(signup))


def test_the_private_link_shows_that_volunteer_only(guest, shift, sign_up, client):
    other = sign_up(shift)
    page = client.get(reverse("volunteers:private", args=[guest.volunteer.token]))
    text = page.content.decode()
    assert "周明" in text and other.volunteer.name not in text
    assert client.get(reverse("volunteers:private", args=["guessed-token"])).status_code == 404


def test_a_guest_cannot_cancel_someone_else_s_sign_up_through_their_link(
    guest, shift, sign_up, client
):
    other = sign_up(shift)
    url = reverse("volunteers:private_cancel", args=[guest.volunteer.token, other.pk])
    assert client.post(url).status_code == 404
    other.refresh_from_db()
    assert other.status == SignUp.Status.CONFIRMED


def test_cancelling_on_the_own_page_promotes_the_waitlist(guest, shift, sign_up, client):
    sign_up(shift)
    waiting = sign_up(shift)
    mail.outbox.clear()
    client.post(reverse("volunteers:private_cancel", args=[guest.volunteer.token, guest.pk]))
    guest.refresh_from_db()
    waiting.refresh_from_db()
    assert guest.status == SignUp.Status.CANCELLED
    assert waiting.status == SignUp.Status.CONFIRMED
    assert mail.outbox[0].to == [waiting.volunteer.email]


def test_a_logged_in_volunteer_sees_upcoming_and_past_shifts_with_hours(
    make_shift, make_user, paul, client
):
    user = make_user()
    past = make_shift(days=3)
    upcoming = make_shift(days=5)
    done = services.signup_create(shift=past, user=user)
    services.signup_create(shift=upcoming, user=user)
    move_to_past(past, days=6)
    services.attendance_record(signup=done, actor=paul, attendance="present")
    client.force_login(user)
    response = client.get(reverse("volunteers:me"))
    assert [row.shift for row in response.context["upcoming"]] == [upcoming]
    assert [row.shift for row in response.context["past"]] == [past]
    assert response.context["total"] == Decimal("3.00")
    assert reverse("volunteers:me_certificate") in response.content.decode()


def test_someone_who_never_volunteered_gets_an_empty_page_and_no_certificate(make_user, client):
    client.force_login(make_user())
    assert "not signed up" in client.get(reverse("volunteers:me")).content.decode()
    assert client.get(reverse("volunteers:me_certificate")).status_code == 404


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs poppler-utils (pdftotext)")
def test_the_certificate_is_a_pdf_with_the_hours_in_english_and_chinese(
    guest, shift, paul, client, tmp_path
):
    move_to_past(shift)
    services.attendance_record(signup=guest, actor=paul, attendance="present")
    response = client.get(reverse("volunteers:private_certificate", args=[guest.volunteer.token]))
    assert response["Content-Type"] == "application/pdf"
    path = tmp_path / "certificate.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Certificate of Volunteering Hours" in text and "志愿服务时长证明" in text
    assert "周明" in text and "于都教学日" in text and "3.00" in text
    assert f"V{guest.volunteer.pk}-" in text


def test_a_volunteer_with_an_account_is_not_shown_donor_menus(client, django_user_model):
    volunteer = django_user_model.objects.create_user(username="vol", password="x")
    client.force_login(volunteer)
    page = client.get(reverse("volunteers:me")).content.decode()
    assert reverse("volunteers:me") in page
    for hidden in ("donations:list", "assets:list", "donations:pickups"):
        assert f'href="{reverse(hidden)}"' not in page
