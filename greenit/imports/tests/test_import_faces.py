"""The import through its three faces (pages, API, command line), for staff and for a donor
contact, who imports for their own donations only and sees only their own imports."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django_tasks import default_task_backend

from greenit.accounts.models import ApiToken
from greenit.assets.models import Asset, State
from greenit.assets.services import intake_scan
from greenit.imports.models import AssetImport
from greenit.imports.tasks import run_import

from .helpers import CHINESE, ENGLISH, chinese_rows, csv_bytes, english_rows, xlsx_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _upload(client, donation, data: bytes, name: str = "list.csv"):
    return client.post(
        reverse("imports:new"),
        {"donation": donation.pk, "file": SimpleUploadedFile(name, data)},
    )


def _api(client, key: str, donation, data: bytes, name: str = "list.csv", **fields):
    return client.post(
        "/api/imports",
        {"donation_id": donation.pk, "file": SimpleUploadedFile(name, data), **fields},
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )


def test_staff_upload_preview_and_import_on_the_pages(client, lena, donation):
    client.force_login(lena)
    response = _upload(client, donation, csv_bytes(CHINESE, chinese_rows(6)), "资产.csv")
    asset_import = AssetImport.objects.get()
    assert response.status_code == 302
    page = client.get(reverse("imports:detail", args=[asset_import.pk])).content.decode()
    assert "6 rows checked, nothing wrong." in page
    assert 'id="id_col_2"' in page  # one select per column
    # The first rows scroll sideways: the box takes the focus (keyboard scrolling), named.
    assert (
        '<div class="table-wrap" tabindex="0" role="region" aria-labelledby="sample-heading">'
        in page
    )
    assert '<td><span lang="zh-Hans">联想</span></td>' in page  # the file's Chinese, marked
    response = client.post(reverse("imports:run", args=[asset_import.pk]), follow=True)
    assert "6 devices created" in response.content.decode()
    assert Asset.objects.filter(donation=donation, state=State.EXPECTED).count() == 6


def test_the_preview_lists_every_bad_row_with_its_line_and_fix(client, lena, donation):
    client.force_login(lena)
    rows = english_rows(20)
    rows[2][4] = "日光灯"
    rows[9][5] = "abc"
    _upload(client, donation, csv_bytes(ENGLISH, rows))
    asset_import = AssetImport.objects.get()
    page = client.get(reverse("imports:detail", args=[asset_import.pk])).content.decode()
    assert "2 problems to fix: nothing was imported" in page
    assert 'tabindex="0" role="region" aria-labelledby="errors-heading"' in page
    assert "<td>4</td>" in page and "<td>11</td>" in page
    assert "Import the devices" not in page
    response = client.post(reverse("imports:run", args=[asset_import.pk]), follow=True)
    assert Asset.objects.count() == 0
    assert "Nothing was imported" in response.content.decode()


def test_the_mapping_is_corrected_on_the_page(client, lena, donation):
    client.force_login(lena)
    _upload(client, donation, csv_bytes(["No.", "Code", "Kind"], [["1", "S1", "laptop"]]))
    asset_import = AssetImport.objects.get()
    response = client.post(
        reverse("imports:mapping", args=[asset_import.pk]),
        {"col_0": "", "col_1": "serial", "col_2": "category"},
        follow=True,
    )
    assert "1 row checked, nothing wrong." in response.content.decode()
    client.post(reverse("imports:run", args=[asset_import.pk]))
    assert Asset.objects.get().serial == "S1"


def test_a_big_list_shows_progress_that_polls_until_done(client, lena, donation, settings):
    settings.IMPORT_INLINE_ROWS = 5
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    client.force_login(lena)
    _upload(client, donation, csv_bytes(ENGLISH, english_rows(12)))
    asset_import = AssetImport.objects.get()
    client.post(reverse("imports:run", args=[asset_import.pk]))
    page = client.get(reverse("imports:detail", args=[asset_import.pk])).content.decode()
    assert 'hx-trigger="every 2s"' in page
    assert 'aria-live="polite"' in page
    (queued,) = default_task_backend.results
    assert queued.args == [asset_import.pk, lena.pk]
    run_import.call(*queued.args)  # what the worker does
    part = client.get(reverse("imports:progress", args=[asset_import.pk])).content.decode()
    assert "every 2s" not in part
    assert "Import finished: 12 devices created" in part
    assert Asset.objects.count() == 12


def test_a_donor_contact_imports_for_their_own_donation(client, bob, donation):
    client.force_login(bob)
    _upload(client, donation, csv_bytes(ENGLISH, english_rows(3)))
    asset_import = AssetImport.objects.get()
    client.post(reverse("imports:run", args=[asset_import.pk]))
    assert Asset.objects.filter(donation=donation).count() == 3
    assert client.get(reverse("imports:reconcile", args=[donation.pk])).status_code == 200


def test_a_donor_contact_cannot_import_into_or_see_another_organisation(
    client, carol, bob, donation, lena
):
    client.force_login(lena)
    _upload(client, donation, csv_bytes(ENGLISH, english_rows(3)))
    asset_import = AssetImport.objects.get()
    client.force_login(carol)
    response = _upload(client, donation, csv_bytes(ENGLISH, english_rows(3)))
    assert response.status_code == 200 and "donation" in response.context["form"].errors
    assert AssetImport.objects.count() == 1
    for name in ("detail", "progress"):
        assert client.get(reverse(f"imports:{name}", args=[asset_import.pk])).status_code == 404
    assert client.post(reverse("imports:run", args=[asset_import.pk])).status_code == 404
    assert client.get(reverse("imports:reconcile", args=[donation.pk])).status_code == 404
    assert asset_import.original_name not in client.get(reverse("imports:list")).content.decode()
    client.force_login(bob)
    assert asset_import.original_name in client.get(reverse("imports:list")).content.decode()


def test_the_reconciliation_shows_missing_extra_and_matched(client, lena, donation):
    client.force_login(lena)
    _upload(client, donation, csv_bytes(ENGLISH, english_rows(3)))
    client.post(reverse("imports:run", args=[AssetImport.objects.get().pk]))
    intake_scan(donation=donation, serial="PF000001", category="laptop", actor=lena)
    intake_scan(donation=donation, serial="NOTLISTED", category="laptop", actor=lena)
    response = client.get(reverse("imports:reconcile", args=[donation.pk]))
    assert response.context["counts"] == {"missing": 2, "extra": 1, "matched": 1}
    assert [a.serial for a in response.context["shown"]["extra"]] == ["NOTLISTED"]
    assert [a.serial for a in response.context["shown"]["matched"]] == ["PF000001"]


def test_the_api_imports_and_a_second_post_of_the_same_file_changes_nothing(client, bob, donation):
    _token, key = ApiToken.issue(user=bob, name="asset system")
    data = xlsx_bytes(ENGLISH, english_rows(4))
    response = _api(client, key, donation, data, "assets.xlsx")
    assert response.status_code == 201, response.content
    assert response.json()["created_count"] == 4
    again = _api(client, key, donation, data, "assets.xlsx")
    assert again.status_code == 201
    assert (again.json()["created_count"], again.json()["unchanged_count"]) == (0, 4)
    assert Asset.objects.count() == 4
    one = client.get(f"/api/imports/{again.json()['id']}", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert one.json()["status"] == "done"


def test_the_api_answers_422_with_every_bad_line_and_a_dry_run_writes_nothing(
    client, lena, donation
):
    _token, key = ApiToken.issue(user=lena, name="script")
    rows = english_rows(20)
    rows[0][4] = "spaceship"
    rows[19][1] = rows[0][1]
    response = _api(client, key, donation, csv_bytes(ENGLISH, rows))
    assert response.status_code == 422
    assert [e["line"] for e in response.json()["errors"]] == [2, 21]
    dry = _api(client, key, donation, csv_bytes(ENGLISH, english_rows(5)), dry_run="true")
    assert dry.status_code == 200
    assert dry.json() == {"rows": 5, "would_create": 5, "unchanged": 0, "errors": []}
    assert Asset.objects.count() == 0


def test_the_api_takes_a_mapping_correction(client, lena, donation):
    _token, key = ApiToken.issue(user=lena, name="script")
    data = csv_bytes(["Code", "Kind"], [["S1", "laptop"]])
    response = _api(client, key, donation, data, mapping='{"Code": "serial", "Kind": "category"}')
    assert response.status_code == 201, response.content
    assert Asset.objects.get().serial == "S1"


def test_the_api_hides_other_organisations_donations_and_imports(client, carol, lena, donation):
    _token, key = ApiToken.issue(user=carol, name="x")
    response = _api(client, key, donation, csv_bytes(ENGLISH, english_rows(2)))
    assert response.status_code == 404
    assert Asset.objects.count() == 0
    _token, staff_key = ApiToken.issue(user=lena, name="y")
    made = _api(client, staff_key, donation, csv_bytes(ENGLISH, english_rows(2))).json()
    hidden = client.get(f"/api/imports/{made['id']}", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert hidden.status_code == 404


def test_the_command_imports_a_file(tmp_path, donation):
    path = tmp_path / "资产清单.csv"
    path.write_bytes(csv_bytes(CHINESE, chinese_rows(5), encoding="gb18030"))
    out = io.StringIO()
    call_command("import-assets", str(path), donation=donation.pk, stdout=out)
    assert "5 devices created as expected" in out.getvalue()
    call_command("import-assets", str(path), donation=donation.pk, stdout=out)
    assert "0 devices created as expected, 5 already recorded" in out.getvalue()
    assert Asset.objects.count() == 5


def test_the_command_prints_every_bad_row_and_fails(tmp_path, donation):
    rows = english_rows(20)
    rows[5][4] = "toaster"
    rows[15][5] = "-1"
    path = tmp_path / "list.csv"
    path.write_bytes(csv_bytes(ENGLISH, rows))
    err = io.StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("import-assets", str(path), donation=donation.pk, stderr=err)
    assert failure.value.returncode == 1
    assert "list.csv:7: category" in err.getvalue()
    assert "list.csv:17: weight_kg" in err.getvalue()
    assert Asset.objects.count() == 0


def test_the_command_takes_a_mapping_and_a_dry_run(tmp_path, donation):
    path = tmp_path / "list.csv"
    path.write_bytes(csv_bytes(["Code", "Kind"], [["S1", "laptop"], ["S2", "monitor"]]))
    out = io.StringIO()
    call_command(
        "import-assets",
        str(path),
        donation=donation.pk,
        mapping="Code=serial,B=category",
        dry_run=True,
        stdout=out,
    )
    assert "2 devices would be created" in out.getvalue()
    assert Asset.objects.count() == 0
