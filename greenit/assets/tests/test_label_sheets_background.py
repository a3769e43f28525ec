"""Label PDFs for thousands of devices are made by the task worker, with progress on the
page, and kept for the people who may see the donation."""

import subprocess

import pytest
from django.urls import reverse
from django_tasks import default_task_backend

from greenit.assets.models import LabelSheet
from greenit.assets.tasks import make_label_sheet


@pytest.fixture
def big_donation(make_donation, make_asset, east_auto, settings, tmp_path):
    settings.LABELS_INLINE_MAX = 20
    settings.MEDIA_ROOT = tmp_path
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    donation = make_donation(east_auto)
    for n in range(45):
        make_asset(donation, serial=f"BG{n:05d}")
    return donation


def _ask(client, donation, layout="l7160"):
    return client.post(reverse("assets:labels", args=[donation.pk]), {"layout": layout})


def test_a_big_donation_asks_for_a_post_instead_of_making_the_pdf_in_the_request(
    client, alice, big_donation
):
    client.force_login(alice)
    response = client.get(reverse("assets:labels", args=[big_donation.pk]), {"layout": "l7160"})
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert 'method="post"' in page
    assert "45 devices in this donation" in page
    assert not LabelSheet.objects.exists()


def test_the_worker_makes_the_pdf_while_the_page_shows_progress(
    client, alice, big_donation, django_capture_on_commit_callbacks, tmp_path
):
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = _ask(client, big_donation)
    sheet = LabelSheet.objects.get()
    assert response.url == reverse("assets:label_sheet", args=[sheet.pk])
    assert (sheet.status, sheet.labels, sheet.requested_by) == ("queued", 45, alice)
    page = client.get(response.url).content.decode()
    assert 'hx-trigger="every 2s"' in page
    assert client.get(reverse("assets:label_sheet_pdf", args=[sheet.pk])).status_code == 404

    (queued,) = default_task_backend.results
    make_label_sheet.call(*queued.args)  # what the worker does

    part = client.get(response.url, HTTP_HX_REQUEST="true").content.decode()
    assert "every 2s" not in part
    assert "The label PDF is ready to download." in part
    sheet.refresh_from_db()
    assert (sheet.status, sheet.labels_done, sheet.percent) == ("done", 45, 100)
    pdf = b"".join(client.get(reverse("assets:label_sheet_pdf", args=[sheet.pk])).streaming_content)
    path = tmp_path / "labels.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    assert "Pages:           3" in info.stdout  # 45 labels, 21 to an L7160 sheet
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    assert "S/N BG00044" in text and "S/N BG00000" in text


def test_asking_twice_while_one_is_on_its_way_makes_one(
    client, alice, big_donation, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        first = _ask(client, big_donation)
        second = _ask(client, big_donation)
    assert first.url == second.url
    assert LabelSheet.objects.count() == 1
    assert len(default_task_backend.results) == 1


def test_a_failed_pdf_says_so_and_can_be_asked_for_again(
    client, alice, big_donation, monkeypatch, django_capture_on_commit_callbacks
):
    from greenit.assets import labels

    client.force_login(alice)
    _ask(client, big_donation)
    sheet = LabelSheet.objects.get()

    def broken(*args, **kwargs):
        raise RuntimeError("out of memory")

    monkeypatch.setattr(labels, "render_pdf", broken)
    with pytest.raises(RuntimeError):
        make_label_sheet.call(sheet.pk)
    sheet.refresh_from_db()
    assert sheet.status == "failed"
    page = client.get(reverse("assets:label_sheet", args=[sheet.pk])).content.decode()
    assert "The PDF could not be made." in page
    _ask(client, big_donation)
    assert LabelSheet.objects.count() == 2


def test_another_donors_contact_cannot_see_or_download_the_sheet(
    client, alice, carol, bob, big_donation
):
    client.force_login(alice)
    _ask(client, big_donation)
    sheet = LabelSheet.objects.get()
    client.force_login(carol)
    assert client.get(reverse("assets:label_sheet", args=[sheet.pk])).status_code == 404
    assert client.get(reverse("assets:label_sheet_pdf", args=[sheet.pk])).status_code == 404
    client.force_login(bob)  # East Auto's own contact
    assert client.get(reverse("assets:label_sheet", args=[sheet.pk])).status_code == 200


def test_the_labels_page_lists_the_pdfs_made_earlier(client, alice, big_donation):
    client.force_login(alice)
    _ask(client, big_donation)
    page = client.get(reverse("assets:labels", args=[big_donation.pk])).content.decode()
    assert "Label PDFs made earlier" in page
    assert reverse("assets:label_sheet", args=[LabelSheet.objects.get().pk]) in page


@pytest.mark.parametrize(("seconds_ago", "interrupted"), [(10, False), (59, False), (61, True)])
def test_a_sheet_whose_worker_stopped_says_so_and_can_be_asked_for_again(
    client, alice, big_donation, settings, seconds_ago, interrupted
):
    from datetime import timedelta

    from django.utils import timezone

    settings.TASK_LEASE_SECONDS = 60
    client.force_login(alice)
    _ask(client, big_donation)
    sheet = LabelSheet.objects.get()
    # The worker started it, beat, then was killed.
    LabelSheet.objects.filter(pk=sheet.pk).update(
        status="running",
        labels_done=20,
        heartbeat_at=timezone.now() - timedelta(seconds=seconds_ago),
    )
    page = client.get(reverse("assets:label_sheet", args=[sheet.pk])).content.decode()
    assert ("The worker stopped while doing this" in page) is interrupted
    sheet.refresh_from_db()
    assert sheet.status == ("failed" if interrupted else "running")
    assert not sheet.file
    again = _ask(client, big_donation)
    assert (LabelSheet.objects.count() == 2) is interrupted  # a live one is returned instead
    assert again.status_code == 302
