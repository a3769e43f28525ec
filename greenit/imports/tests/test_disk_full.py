"""Fault injection: the disk fills up while an upload is being stored (ENOSPC, or a quota:
EDQUOT, mocked at the storage layer, part-way through writing the file). The user is told on
the page and by the API, nothing is half-written (no import row, no partial file), and the
same upload works once there is room again."""

import errno
import os

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from greenit.accounts.models import ApiToken
from greenit.core.storage import StorageFull
from greenit.imports.models import AssetImport

from .helpers import ENGLISH, csv_bytes, english_rows

pytestmark = pytest.mark.django_db

FULL_MESSAGE = "no room to store this file"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


class _Disk:
    """os.fdopen as the storage uses it, with files whose writes fail once `room` bytes are
    written (the first part reaches the disk, as it would)."""

    def __init__(self, monkeypatch, code: int):
        self.full, self.code, self.room = True, code, 64
        real = os.fdopen

        def fdopen(fd, mode="r", *args, **kwargs):
            f = real(fd, mode, *args, **kwargs)
            if not self.full or "w" not in mode:
                return f
            disk = self

            class Filling:
                def write(self, data):
                    if len(data) > disk.room:
                        f.write(data[: disk.room])
                        f.flush()
                        raise OSError(disk.code, os.strerror(disk.code))
                    return f.write(data)

                def close(self):
                    f.close()

            return Filling()

        monkeypatch.setattr("django.core.files.storage.filesystem.os.fdopen", fdopen)


def _files(root) -> list:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


DATA = csv_bytes(ENGLISH, english_rows(5))


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EDQUOT])
def test_the_storage_says_it_is_full_and_leaves_no_partial_file(monkeypatch, settings, code):
    _Disk(monkeypatch, code)
    with pytest.raises(StorageFull):
        default_storage.save("imports/x.csv", ContentFile(b"x" * 1000))
    assert _files(settings.MEDIA_ROOT) == []


def test_another_os_error_is_not_disguised(monkeypatch):
    disk = _Disk(monkeypatch, errno.EIO)
    assert disk
    with pytest.raises(OSError) as error:
        default_storage.save("imports/x.csv", ContentFile(b"x" * 1000))
    assert not isinstance(error.value, StorageFull)


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EDQUOT])
def test_an_upload_on_a_full_disk_is_refused_on_the_page_then_works(
    client, lena, donation, monkeypatch, settings, code
):
    disk = _Disk(monkeypatch, code)
    client.force_login(lena)
    page = client.post(
        reverse("imports:new"),
        {"donation": donation.pk, "file": SimpleUploadedFile("list.csv", DATA)},
    )
    assert page.status_code == 200
    assert FULL_MESSAGE in page.content.decode()
    assert AssetImport.objects.count() == 0
    assert _files(settings.MEDIA_ROOT) == []

    disk.full = False  # room is made
    again = client.post(
        reverse("imports:new"),
        {"donation": donation.pk, "file": SimpleUploadedFile("list.csv", DATA)},
    )
    assert again.status_code == 302
    assert AssetImport.objects.count() == 1


def test_an_upload_on_a_full_disk_is_refused_by_the_api_then_works(
    client, lena, donation, monkeypatch, settings
):
    disk = _Disk(monkeypatch, errno.ENOSPC)
    _token, key = ApiToken.issue(user=lena, name="script")

    def post():
        return client.post(
            "/api/imports",
            {"donation_id": donation.pk, "file": SimpleUploadedFile("list.csv", DATA)},
            HTTP_AUTHORIZATION=f"Bearer {key}",
        )

    refused = post()
    assert refused.status_code == 422, refused.content
    assert FULL_MESSAGE in refused.content.decode()
    assert AssetImport.objects.count() == 0
    assert _files(settings.MEDIA_ROOT) == []
    disk.full = False
    assert post().status_code == 201
