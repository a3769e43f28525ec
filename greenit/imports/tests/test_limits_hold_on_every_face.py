"""Resource exhaustion (issue 13, finding 4): the size limit holds on every face, an XLSX is
read with bounds on what it unpacks to and on each cell, previews keep cut cells, big dry
runs go to the task worker, and request bodies are capped before they are read."""

import io
import time
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_tasks import default_task_backend

from greenit.accounts.models import ApiToken
from greenit.assets.models import Asset
from greenit.imports import reading
from greenit.imports.models import AssetImport
from greenit.imports.tasks import check_import

from .helpers import ENGLISH, csv_bytes, english_rows, xlsx_bytes

pytestmark = pytest.mark.django_db
MB = 1_000_000


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def auth(lena):
    _token, key = ApiToken.issue(user=lena, name="limits")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def _zip_bomb(shared_string_mb: int = 300) -> bytes:
    """A valid XLSX whose one shared string is `shared_string_mb` MB of "A": a few hundred
    KB on the wire."""
    small = zipfile.ZipFile(io.BytesIO(xlsx_bytes(ENGLISH, english_rows(2))))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        for info in small.infolist():
            if info.filename != "xl/sharedStrings.xml":
                bomb.writestr(info, small.read(info))
        with bomb.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
            part.write(b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"')
            part.write(b' count="1" uniqueCount="1"><si><t>')
            chunk = b"A" * MB
            for _ in range(shared_string_mb):
                part.write(chunk)
            part.write(b"</t></si></sst>")
    return out.getvalue()


def test_an_xlsx_that_unpacks_to_300_mb_is_refused_before_it_is_read(client, lena, donation, auth):
    bomb = _zip_bomb()
    assert len(bomb) < 2 * MB
    started = time.perf_counter()
    response = client.post(
        "/api/imports",
        {"donation_id": donation.pk, "file": SimpleUploadedFile("list.xlsx", bomb)},
        **auth,
    )
    assert time.perf_counter() - started < 5
    assert response.status_code == 422
    assert "unpacks to 300 MB" in response.json()["errors"]["file"][0]
    client.force_login(lena)
    page = client.post(
        reverse("imports:new"),
        {"donation": donation.pk, "file": SimpleUploadedFile("list.xlsx", bomb)},
    )
    assert "unpacks to 300 MB" in page.context["form"].errors["file"][0]
    assert AssetImport.objects.count() == 0


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_long_cells_are_cut_and_the_preview_keeps_cut_cells(lena, donation, kind):
    from greenit.imports import services

    rows = english_rows(3)
    rows[0][2] = "L" * 100_000  # the make: 100,000 characters
    data = csv_bytes(ENGLISH, rows) if kind == "csv" else xlsx_bytes(ENGLISH, rows)
    asset_import = services.import_upload(
        donation=donation, data=data, filename=f"list.{kind}", actor=lena
    )
    sample = asset_import.mapping["sample"]
    assert len(sample[0][2]) == services.PREVIEW_CHARS and sample[0][2].endswith("…")
    assert len(str(asset_import.mapping)) < 5_000
    assert [e["line"] for e in asset_import.errors] == [2]  # refused as too long
    assert "longer than" in asset_import.errors[0]["message"]


def test_a_csv_cell_longer_than_the_reader_takes_is_a_clear_refusal(lena, donation, auth, client):
    rows = english_rows(2)
    rows[1][3] = "M" * 200_000
    response = client.post(
        "/api/imports",
        {
            "donation_id": donation.pk,
            "file": SimpleUploadedFile("list.csv", csv_bytes(ENGLISH, rows)),
            "dry_run": "true",
        },
        **auth,
    )
    assert response.status_code == 422
    assert "Line 3" in str(response.json())


def test_too_many_columns_are_refused(lena, donation):
    from greenit.imports import services

    with pytest.raises(Exception, match="at most 200"):
        services.import_upload(
            donation=donation,
            data=csv_bytes([f"c{i}" for i in range(300)], [["x"] * 300]),
            filename="wide.csv",
            actor=lena,
        )


def _multipart_on_disk(path, fields: dict, filename: str, size: int) -> tuple[str, int]:
    """A multipart body with a generated CSV of `size` bytes, written in chunks."""
    boundary = "limitsboundary"
    with open(path, "wb") as out:
        for name, value in fields.items():
            out.write(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                f"{value}\r\n".encode()
            )
        out.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="{filename}"\r\nContent-Type: text/csv\r\n\r\n'.encode()
        )
        header = ",".join(ENGLISH).encode() + b"\r\n"
        out.write(header)
        line = b"EA-00001,PF000001,Lenovo,ThinkPad T480,Laptop,1.65\r\n"
        written = len(header)
        block = line * 20_000
        while written + len(block) <= size:
            out.write(block)
            written += len(block)
        out.write(line * ((size - written) // len(line) + 1))
        out.write(f"\r\n--{boundary}--\r\n".encode())
    return f"multipart/form-data; boundary={boundary}", path.stat().st_size


def test_a_55_mb_csv_dry_run_through_the_api_is_refused(client, donation, auth, tmp_path, settings):
    path = tmp_path / "body"
    content_type, length = _multipart_on_disk(
        path, {"donation_id": donation.pk, "dry_run": "true"}, "list.csv", 55 * MB
    )
    with open(path, "rb") as body:  # the body cap answers first: nothing is read
        response = client.generic(
            "POST",
            "/api/imports",
            CONTENT_TYPE=content_type,
            CONTENT_LENGTH=str(length),
            **{"wsgi.input": body},
            **auth,
        )
    assert response.status_code == 413
    # With the body cap out of the way, the service itself refuses (not only the form).
    settings.REQUEST_MAX_BYTES_BY_PATH = {"/api/imports": 60 * MB}
    with open(path, "rb") as body:
        response = client.generic(
            "POST",
            "/api/imports",
            CONTENT_TYPE=content_type,
            CONTENT_LENGTH=str(length),
            **{"wsgi.input": body},
            **auth,
        )
    assert response.status_code == 422, response.content[:300]
    assert "larger than 50 MB" in response.json()["errors"]["file"][0]
    assert AssetImport.objects.count() == 0


def test_the_size_limit_is_the_services(lena, donation, settings):
    from greenit.imports import services

    settings.IMPORT_MAX_BYTES = 100
    for dry_run in (True, False):
        with pytest.raises(Exception, match="larger than"):
            services.import_file(
                donation=donation,
                data=csv_bytes(ENGLISH, english_rows(5)),
                filename="list.csv",
                actor=lena,
                dry_run=dry_run,
            )
    with pytest.raises(Exception, match="larger than"):
        services.import_dry_run(
            donation=donation,
            data=csv_bytes(ENGLISH, english_rows(5)),
            filename="l.csv",
            actor=lena,
        )
    with pytest.raises(Exception, match="larger than"):
        reading.read_table(b"x" * 101, "list.csv")


def test_a_big_dry_run_goes_to_the_worker_and_imports_nothing(client, donation, auth, settings):
    settings.IMPORT_INLINE_ROWS = 5
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    rows = english_rows(12)
    rows[3][4] = "日光灯"
    response = client.post(
        "/api/imports",
        {
            "donation_id": donation.pk,
            "file": SimpleUploadedFile("list.csv", csv_bytes(ENGLISH, rows)),
            "dry_run": "true",
        },
        **auth,
    )
    assert response.status_code == 202, response.content
    (queued,) = default_task_backend.results
    check_import.call(*queued.args)  # what the worker does
    checked = client.get(f"/api/imports/{response.json()['id']}", **auth).json()
    assert checked["total_rows"] == 12 and checked["status"] == "previewed"
    assert [e["line"] for e in checked["errors"]] == [5]
    assert Asset.objects.count() == 0
    small = client.post(
        "/api/imports",
        {
            "donation_id": donation.pk,
            "file": SimpleUploadedFile("list.csv", csv_bytes(ENGLISH, english_rows(3))),
            "dry_run": "true",
        },
        **auth,
    )
    assert small.status_code == 200 and small.json()["would_create"] == 3


@pytest.mark.parametrize(
    "path", ["/sanitization/verify/", "/donate/", "/contact/", "/api/imports", "/accounts/login/"]
)
def test_an_oversized_body_is_refused_before_it_is_read(client, path):
    class Unread(io.BytesIO):
        def read(self, *args):
            raise AssertionError("the body was read")

        readline = read

    response = client.generic(
        "POST",
        path,
        CONTENT_TYPE="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(150 * MB),
        **{"wsgi.input": Unread()},
    )
    assert response.status_code == 413
    assert "larger than" in response.content.decode()
