"""The device list exported as CSV or XLSX is a file the importer reads: importing it back into
the same donation shows 0 new devices in the preview, and importing it changes nothing."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from greenit.assets.models import Asset, CustodyEvent, State
from greenit.core import categories
from greenit.imports import exporting
from greenit.imports.mapping import guess_mapping
from greenit.imports.models import AssetImport

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def devices(donation, make_asset):
    return [
        make_asset(
            donation,
            serial="PF1KB0001",
            make="联想",
            model="ThinkPad T480 （教学用）",
            specs="i5-8250U, 8 GB\n256 GB SSD",
            weight_kg=Decimal("1.650"),
            condition="良好，屏幕有划痕",
        ),
        make_asset(donation, category="monitor_lcd", serial='=HYPERLINK("x")', make="Dell"),
        # Scanned at intake without a serial: only our tag says which device it is.
        make_asset(donation, category="peripheral", serial=""),
        make_asset(donation, category="desktop", donor_asset_number="资产-0001"),
    ]


def _snapshot(donation):
    fields = ("tag", "serial", "donor_asset_number", "category", "make", "model", "specs")
    return list(
        Asset.objects.filter(donation=donation)
        .order_by("pk")
        .values_list(*fields, "weight_kg", "condition", "state", "state_changed_at")
    )


def _export(client, kind: str, **query) -> bytes:
    response = client.get(reverse(f"imports:export_{kind}"), query)
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def _preview_and_import(client, donation, data: bytes, name: str):
    response = client.post(
        reverse("imports:new"), {"donation": donation.pk, "file": SimpleUploadedFile(name, data)}
    )
    asset_import = AssetImport.objects.latest("pk")
    assert response.status_code == 302, response.content.decode()[:2000]
    page = client.get(reverse("imports:detail", args=[asset_import.pk])).content.decode()
    return asset_import, page


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_an_exported_list_imports_back_into_its_donation_as_no_change(
    client, lena, donation, devices, kind, language
):
    client.force_login(lena)
    client.cookies["django_language"] = language
    before = _snapshot(donation)
    events = CustodyEvent.objects.count()
    data = _export(client, kind, donation=donation.pk)

    asset_import, page = _preview_and_import(client, donation, data, f"devices.{kind}")
    assert asset_import.errors == []
    assert asset_import.mapping["checked"]
    assert asset_import.total_rows == asset_import.unchanged_count == len(devices)
    assert (
        "New devices: 0. Already recorded, left unchanged: 4." in page
        if language == "en"
        else "新设备：0。已记录、不变：4。" in page
    )

    client.post(reverse("imports:run", args=[asset_import.pk]))
    asset_import.refresh_from_db()
    assert asset_import.status == AssetImport.Status.DONE
    assert asset_import.created_count == 0
    assert _snapshot(donation) == before
    assert CustodyEvent.objects.count() == events


def test_the_csv_keeps_chinese_text_and_guards_formulas(client, lena, donation, devices):
    client.force_login(lena)
    text = _export(client, "csv", donation=donation.pk).decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    by_tag = {row[0]: row for row in rows[1:]}
    laptop = by_tag[devices[0].display_tag]
    assert laptop[1:7] == ["PF1KB0001", "", "Laptop", "联想", "ThinkPad T480 （教学用）"] + [
        "i5-8250U, 8 GB\n256 GB SSD"
    ]
    assert laptop[7:9] == ["1.650", "良好，屏幕有划痕"]
    # A spreadsheet opening the file shows the text, it does not run it.
    assert by_tag[devices[1].display_tag][1] == '\'=HYPERLINK("x")'


def test_the_xlsx_holds_text_not_formulas(client, lena, donation, devices):
    client.force_login(lena)
    book = load_workbook(io.BytesIO(_export(client, "xlsx", donation=donation.pk)))
    cells = [[c.value for c in row] for row in book.active.iter_rows()]
    assert cells[0] == exporting.headers()
    serials = {row[1] for row in cells[1:]}
    assert '=HYPERLINK("x")' in serials
    assert all(c.data_type != "f" for row in book.active.iter_rows() for c in row)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_importer_reads_every_header_and_category_an_export_writes(language):
    with translation.override(language):
        assert guess_mapping(exporting.headers()) == [*exporting.FIELDS, "", ""]
        for code, category in categories.all_categories().items():
            assert categories.match(category.label) == code


def test_the_export_honours_the_list_filters(client, lena, donation, devices, make_donation):
    other = make_donation(None)
    client.force_login(lena)
    text = _export(client, "csv", state=State.RECEIVED, category="laptop").decode()
    assert devices[0].display_tag in text
    assert devices[1].display_tag not in text
    text = _export(client, "csv", donation=other.pk).decode()
    assert len(text.strip().splitlines()) == 1  # the header, no device


def test_a_donor_contact_exports_only_their_own_devices(
    client, carol, donation, devices, make_donation, make_asset, pujiang_bank
):
    theirs = make_asset(make_donation(pujiang_bank), serial="PB-1")
    client.force_login(carol)
    text = _export(client, "csv").decode()
    assert theirs.display_tag in text
    assert devices[0].display_tag not in text


def test_a_tag_of_another_donation_is_refused_by_name(
    client, lena, donation, devices, make_donation
):
    other = make_donation(None)
    client.force_login(lena)
    data = _export(client, "csv", donation=donation.pk)
    asset_import, _page = _preview_and_import(client, other, data, "devices.csv")
    assert asset_import.errors
    assert {e["field"] for e in asset_import.errors} == {"tag"}
    assert devices[0].display_tag in asset_import.errors[0]["message"]
    assert not Asset.objects.filter(donation=other).exists()


def test_the_csv_export_streams_in_chunks(client, lena, donation, make_asset, monkeypatch):
    monkeypatch.setattr(exporting, "CHUNK", 2)
    for n in range(5):
        make_asset(donation, serial=f"S{n}")
    client.force_login(lena)
    response = client.get(reverse("imports:export_csv"), {"donation": donation.pk})
    assert response.streaming  # written as it is read, never whole in memory
    assert len(list(response.streaming_content)) == 6
