"""Registers as donors really export them (tests/files/, built from the sources named in
data/vocabulary.json) map themselves with no manual mapping; what has no field of ours stays
with the device; a status is not taken for a condition; a serial another donation holds is
named; an unknown category gets one suggestion, in the reader's language."""

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from greenit.assets.models import Asset
from greenit.imports import services, vocabulary
from greenit.imports.models import KEEP, SKIP, AssetImport, VocabularyEntry  # noqa: E402

from .helpers import csv_bytes

pytestmark = pytest.mark.django_db

FILES = Path(__file__).parent / "files"
SNIPE_IT = "snipe-it-assets-export.csv"
REGISTERS = [
    "cn-fixed-asset-register-utf8-bom.csv",
    "cn-fixed-asset-register-gbk.csv",
    "cn-fixed-asset-register.xlsx",
]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _upload(donation, name, actor):
    return services.import_upload(
        donation=donation, data=(FILES / name).read_bytes(), filename=name, actor=actor
    )


def _imported(donation, name, actor):
    asset_import = _upload(donation, name, actor)
    assert asset_import.errors == []
    asset_import = services.run_import(asset_import=asset_import, actor=actor)
    assert asset_import.status == AssetImport.Status.DONE
    return {a.donor_asset_number: a for a in Asset.objects.filter(donation=donation)}


def test_a_snipe_it_export_maps_itself(donation, lena):
    mapping = _upload(donation, SNIPE_IT, lena).mapping
    fields = dict(zip(mapping["headers"], mapping["fields"], strict=True))
    assert fields == {
        "ID": KEEP,
        "Company": KEEP,
        "Asset Name": KEEP,
        "Device Image": KEEP,
        "Asset Tag": "donor_asset_number",
        "Serial": "serial",
        "Model": "model",
        "Model No.": KEEP,  # names the model only weakly: "Model" is there
        "Category": "category",
        "Status": "status",
        "Checked Out To": SKIP,  # a person's name: we keep none
        "Location": KEEP,
        "Default Location": KEEP,
        "Manufacturer": "make",
        "Supplier": KEEP,
        "Purchase Date": KEEP,
        "Purchase Cost": KEEP,
        "Order Number": KEEP,
        "EOL": KEEP,
        "Warranty": KEEP,
        "Notes": KEEP,
    }


def test_a_snipe_it_export_imports_with_its_details_and_statuses_kept_apart(donation, lena):
    devices = _imported(donation, SNIPE_IT, lena)
    assert {tag: d.category for tag, d in devices.items()} == {
        "EA-000101": "laptop",
        "EA-000102": "laptop",
        "EA-000103": "desktop",
        "EA-000104": "monitor_lcd",
        "EA-000105": "tablet",
        "EA-000106": "server",
        "EA-000107": "phone",
    }
    first = devices["EA-000101"]
    assert (first.make, first.model, first.serial) == ("Dell", "Latitude 5490", "5CD8291XQ4")
    assert first.register_details["Purchase Cost"] == "6,499.00"
    assert first.register_details["Purchase Date"] == "2018-07-12"
    assert first.register_details["Status"] == "Ready to Deploy"
    # Ready to Deploy, Deployed, Archived say where the device stood, not its condition...
    assert first.condition == devices["EA-000103"].condition == ""
    # ...Out for Repair and Broken - Not Fixable do.
    assert devices["EA-000105"].condition == "Out for Repair"
    assert devices["EA-000106"].condition == "Broken - Not Fixable"
    assert "Wang Fang" not in str(devices["EA-000102"].register_details)


@pytest.mark.parametrize("name", REGISTERS)
def test_a_chinese_register_maps_itself_in_every_encoding(donation, lena, name):
    mapping = _upload(donation, name, lena).mapping
    fields = dict(zip(mapping["headers"], mapping["fields"], strict=True))
    assert fields == {
        "序号": SKIP,
        "资产编号": "donor_asset_number",
        "资产名称": KEEP,  # names the category only weakly: 资产分类 is there
        "资产分类代码": KEEP,
        "资产分类": "category",
        "品牌": "make",
        "规格型号": "model",
        "序列号": "serial",
        "计量单位": KEEP,
        "数量": KEEP,
        "取得日期": KEEP,
        "原值（元）": KEEP,
        "使用部门": KEEP,
        "使用人": SKIP,
        "存放地点": KEEP,
        "使用状况": "status",
        "备注": KEEP,
    }


@pytest.mark.parametrize("name", REGISTERS)
def test_a_chinese_register_imports_with_gb_t_14885_classes(donation, lena, name):
    devices = _imported(donation, name, lena)
    assert {number: d.category for number, d in devices.items()} == {
        "ZC2018-0001": "laptop",  # 便携式计算机
        "ZC2018-0002": "laptop",
        "ZC2017-0113": "desktop",  # 台式计算机
        "ZC2017-0114": "monitor_lcd",  # 液晶显示器
        "ZC2019-0020": "tablet",  # 平板式微型计算机
        "ZC2016-0007": "server",  # 服务器
        "ZC2019-0031": "printer",  # 激光打印机
    }
    monitor = devices["ZC2017-0114"]
    assert monitor.serial == ""  # 无: the register has none
    assert monitor.register_details["使用状况"] == "报废"
    assert monitor.condition == ""  # 报废 is the books' word, not the device's condition
    assert devices["ZC2016-0007"].condition == "损坏"
    laptop = devices["ZC2018-0001"]
    assert laptop.register_details["取得日期"] == "2018-06-21"
    assert laptop.register_details["使用部门"] == "财务部"
    assert laptop.register_details["原值（元）"].startswith("5699")
    assert all("张伟" not in str(d.register_details) for d in devices.values())


def test_the_device_page_shows_what_the_register_said(client, donation, lena):
    devices = _imported(donation, REGISTERS[0], lena)
    client.force_login(lena)
    page = client.get(reverse("assets:detail", args=[devices["ZC2018-0002"].tag]))
    text = page.content.decode()
    assert "原值（元）" in text and "5699.00" in text and "电池鼓包已拆除" in text
    assert "李娜" not in text


def test_the_same_serial_in_another_donation_is_named_with_its_row(
    make_donation, donation, pujiang_bank, lena
):
    first = _imported(donation, SNIPE_IT, lena)
    other = make_donation(pujiang_bank)
    asset_import = _upload(other, SNIPE_IT, lena)
    assert [(e["line"], e["field"]) for e in asset_import.errors] == [
        (line, "serial") for line in range(2, 9)
    ]
    error = asset_import.errors[0]
    assert donation.reference in error["message"]
    assert "5CD8291XQ4" in error["message"]
    assert first["EA-000101"].display_tag in error["message"]
    assert services.run_import(asset_import=asset_import, actor=lena).status == "failed"
    assert not Asset.objects.filter(donation=other).exists()


def test_the_preview_page_names_the_row_and_the_other_donation(
    client, make_donation, donation, pujiang_bank, lena
):
    _imported(donation, SNIPE_IT, lena)
    other = make_donation(pujiang_bank)
    client.force_login(lena)
    upload = SimpleUploadedFile(SNIPE_IT, (FILES / SNIPE_IT).read_bytes())
    response = client.post(reverse("imports:new"), {"donation": other.pk, "file": upload})
    page = client.get(response.url).content.decode()
    assert "7 problems to fix: nothing was imported" in page
    assert "<td>2</td><td>Serial number</td><td>Serial number 5CD8291XQ4 is already" in page
    assert f"another donation, {donation.reference}, as device" in page


def test_the_same_file_again_for_the_same_donation_is_still_unchanged(donation, lena):
    _imported(donation, SNIPE_IT, lena)
    again = _upload(donation, SNIPE_IT, lena)
    assert again.errors == []
    assert again.unchanged_count == 7


@pytest.mark.parametrize(
    ("language", "typed", "suggested"),
    [
        ("en", "Laptp", "Laptop"),
        ("zh-hans", "笔计本电脑", "笔记本电脑"),
        ("en", "联想笔记本E14", "Laptop"),
    ],
)
def test_an_unknown_category_gets_one_suggestion_in_the_readers_language(
    donation, lena, language, typed, suggested
):
    data = csv_bytes(["Serial", "Category"], [["SN-1", typed]])
    with translation.override(language):
        asset_import = services.import_upload(
            donation=donation, data=data, filename="list.csv", actor=lena
        )
    [error] = asset_import.errors
    assert typed in error["message"]
    assert f"“{suggested}”" in error["fix"]
    assert len(error["fix"]) < 80  # one suggestion, not the list of every category


def test_our_own_field_names_are_headers_too(donation, lena):
    data = csv_bytes(["donor_asset_number", "category", "Status"], [["A-1", "laptop", "在用"]])
    asset_import = services.import_upload(
        donation=donation, data=data, filename="list.csv", actor=lena
    )
    assert asset_import.mapping["fields"] == ["donor_asset_number", "category", "status"]


def test_class_codes_are_read_with_or_without_the_catalogue_prefix():
    vocab = vocabulary.load()
    assert vocab.category("A02010105") == vocab.category("2010105") == "laptop"
    assert vocab.category("2010104 台式计算机") == "desktop"
    assert vocab.category("便携式计算机（A02010105）") == "laptop"


def test_an_administrators_spelling_counts_at_once(donation, lena):
    VocabularyEntry.objects.create(
        kind=VocabularyEntry.Kind.HEADER,
        alias="固资卡片编码",
        meaning="donor_asset_number",
        source="a donor's Kingdee export",
    )
    VocabularyEntry.objects.create(
        kind=VocabularyEntry.Kind.CATEGORY, alias="办公电脑", meaning="desktop", source="a donor"
    )
    data = csv_bytes(["固资卡片编码", "类别"], [["KD-0001", "办公电脑"]])
    asset_import = services.import_upload(
        donation=donation, data=data, filename="list.csv", actor=lena
    )
    assert asset_import.mapping["fields"] == ["donor_asset_number", "category"]
    assert asset_import.errors == []


@pytest.mark.parametrize(
    ("kind", "meaning"),
    [("header", "purchase_date"), ("category", "toaster"), ("status", "broken")],
)
def test_an_administrators_spelling_must_mean_something_we_have(kind, meaning):
    entry = VocabularyEntry(kind=kind, alias="x", meaning=meaning, source="a test")
    with pytest.raises(ValidationError) as raised:
        entry.full_clean()
    assert "meaning" in raised.value.message_dict


def test_the_admin_adds_a_spelling(client, ada):
    client.force_login(ada)
    response = client.post(
        reverse("admin:imports_vocabularyentry_add"),
        {"kind": "status", "alias": "已坏", "meaning": "condition", "source": "a school"},
    )
    assert response.status_code == 302
    assert vocabulary.load().means_condition("已坏")
