"""A person asks on the public form; the request is due 15 working days later and
administrators see it, overdue ones marked, and mark it done with what was done."""

import datetime

import pytest
from django.urls import reverse

from greenit.privacy.models import Consent, PrivacyRequest
from greenit.privacy.services import add_working_days

ASK = {"kind": "erase", "name": "Zhou Ming", "email": "zhou@example.org", "consent": "on"}


@pytest.mark.parametrize(
    "received, due",
    [
        (datetime.date(2026, 12, 4), datetime.date(2026, 12, 25)),  # a Friday: 3 weekends
        (datetime.date(2026, 12, 5), datetime.date(2026, 12, 25)),  # a Saturday
        (datetime.date(2026, 12, 7), datetime.date(2026, 12, 28)),  # a Monday
    ],
)
def test_a_request_is_due_15_working_days_later(received, due):
    assert add_working_days(received, 15) == due


def test_a_person_asks_on_the_public_form_and_the_request_is_tracked(client, db):
    assert reverse("privacy:ask") in client.get(reverse("contact:contact")).content.decode()
    response = client.post(reverse("privacy:ask"), ASK)
    assert response.status_code == 302
    asked = PrivacyRequest.objects.get()
    assert asked.due_on == add_working_days(asked.received_at.date(), 15)
    assert Consent.objects.get().record == asked


def test_bad_input_names_the_field_and_keeps_nothing(client, db):
    response = client.post(
        reverse("privacy:ask"), {**ASK, "kind": "sell", "email": "nope", "consent": ""}
    )
    errors = response.context["form"].errors
    assert set(errors) == {"kind", "email", "consent"}
    assert "name@example.com" in errors["email"][0]
    assert not PrivacyRequest.objects.exists()


def test_administrators_see_overdue_requests_and_mark_them_done(client, db, ada, paul):
    client.post(reverse("privacy:ask"), ASK)
    asked = PrivacyRequest.objects.get()
    PrivacyRequest.objects.update(due_on=datetime.date(2020, 1, 2))
    client.force_login(paul)
    assert client.get(reverse("privacy:requests")).status_code == 403
    client.force_login(ada)
    page = client.get(reverse("privacy:requests")).content.decode()
    assert "overdue" in page and asked.reference in page
    refused = client.post(reverse("privacy:request_close", args=[asked.pk]), {"outcome": " "})
    assert refused.status_code == 302
    asked.refresh_from_db()
    assert asked.done_at is None
    client.post(reverse("privacy:request_close", args=[asked.pk]), {"outcome": "Erased."})
    asked.refresh_from_db()
    assert asked.done_at and asked.done_by == ada and asked.outcome == "Erased."
