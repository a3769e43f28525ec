"""The pages over many devices make as many queries for fifty devices as for five: the
sanitization status of a whole donation is read in a fixed number of queries."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import wiped_devices


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def _certificate_page(client, donation) -> int:
    return _queries(client, reverse("sanitization:donation", args=[donation.pk]))


def test_the_certificate_page_queries_do_not_grow_with_the_devices(
    client, alice, make_donation, east_auto, make_asset
):
    small, large = make_donation(east_auto), make_donation(east_auto)
    wiped_devices(small, alice, 5, prefix="S-")
    wiped_devices(large, alice, 50, prefix="L-")
    for donation in (small, large):  # one device still waits, so the page lists a blocker
        make_asset(donation, serial=f"WAITING-{donation.pk}")
    client.force_login(alice)
    assert _certificate_page(client, small) == _certificate_page(client, large)


def test_the_queue_queries_do_not_grow_with_the_devices_or_donations(
    client, alice, make_donation, east_auto
):
    def add(count: int, batch: str) -> None:
        for n in range(count):
            wiped_devices(make_donation(east_auto), alice, 1, prefix=f"{batch}{n}-")

    client.force_login(alice)
    add(5, "A")
    five = _queries(client, reverse("sanitization:queue"))
    add(45, "B")
    assert _queries(client, reverse("sanitization:queue")) == five
