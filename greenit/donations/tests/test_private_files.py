"""Uploaded files are served only to those who may see their object."""

import io

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from PIL import Image

from greenit.donations.models import DonationPhoto


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def photo(donation):
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "green").save(buffer, "JPEG")
    return DonationPhoto.objects.create(
        donation=donation, image=ContentFile(buffer.getvalue(), name="pallet.jpg")
    )


def test_staff_and_the_donor_get_the_photo_of_a_donation(client, photo, lena, bob):
    for person in (lena, bob):
        client.force_login(person)
        response = client.get(reverse("donations:photo", args=[photo.pk]))
        assert response.status_code == 200
        assert response["Content-Type"] == "image/jpeg"
        assert b"".join(response.streaming_content).startswith(b"\xff\xd8")


def test_another_donor_and_visitors_do_not_get_it(client, photo, carol):
    url = reverse("donations:photo", args=[photo.pk])
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(carol)
    assert client.get(url).status_code == 404


def test_the_donation_page_links_to_the_guarded_address(client, photo, lena):
    client.force_login(lena)
    page = client.get(reverse("donations:detail", args=[photo.donation_id])).content.decode()
    assert reverse("donations:photo", args=[photo.pk]) in page
    assert "/media/" not in page
