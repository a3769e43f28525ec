"""Makes and models under one name each, however they are typed, scanned or listed, on every
face that stores them (intake, import, edit, API), and for the devices recorded before."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from greenit.accounts.models import ApiToken
from greenit.assets import catalogue
from greenit.assets.models import Asset, DeviceModel, Make
from greenit.imports.tests.helpers import csv_bytes

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Dell Inc.", "Dell"),
        ("DELL", "Dell"),
        ("dell", "Dell"),
        ("Dell Computer Corporation", "Dell"),
        ("Hewlett-Packard", "HP"),
        ("HP Inc.", "HP"),
        ("惠普", "HP"),
        ("LENOVO", "Lenovo"),
        ("联想", "Lenovo"),
        ("  ASUSTeK COMPUTER INC. ", "ASUS"),
        ("", ""),
    ],
)
def test_known_makes_have_one_name(typed, stored):
    assert catalogue.normalise(typed, "")[0] == stored


def test_an_unknown_make_and_model_join_under_the_first_spelling_met():
    first = catalogue.normalise("Greenbook Co., Ltd.", "GB  Edu-14")
    assert first == ("Greenbook", "GB Edu-14")
    catalogue.remember([first])
    assert catalogue.normalise("GREENBOOK CORPORATION", "gb edu 14") == ("Greenbook", "GB Edu-14")
    assert Make.objects.get().name == "Greenbook"
    assert DeviceModel.objects.get().name == "GB Edu-14"


def test_what_the_database_already_has_is_not_written_again():
    names = catalogue.Catalogue()
    new = [names.normalise("Greenbook Ltd.", "GB Edu-14"), names.normalise("Dell", "")]
    assert names.unrecorded(new) == new
    catalogue.remember(new)
    again = catalogue.Catalogue()
    pairs = [again.normalise("GREENBOOK", "gb edu 14"), again.normalise("Greenbook", "")]
    assert again.unrecorded(pairs) == []
    # A known make without a model was never looked up, so it is written (to no effect).
    assert again.unrecorded([again.normalise("DELL", "")]) == [("Dell", "")]
    assert again.unrecorded([again.normalise("Greenbook", "GB Edu-15")]) == [
        ("Greenbook", "GB Edu-15")
    ]


def test_a_model_loses_its_makes_name():
    assert catalogue.normalise("DELL", "Dell Latitude 5490") == ("Dell", "Latitude 5490")


def test_intake_stores_the_catalogue_name_and_the_page_suggests_it(client, lena, donation):
    client.force_login(lena)
    client.post(
        reverse("assets:intake"),
        {
            "donation": donation.pk,
            "category": "laptop",
            "serial": "S1",
            "make": "LENOVO",
            "model": "thinkpad   T480",
        },
    )
    client.post(
        reverse("assets:intake"),
        {
            "donation": donation.pk,
            "category": "laptop",
            "serial": "S2",
            "make": "Lenovo Group Ltd.",
            "model": "ThinkPad t480",
        },
    )
    assert set(Asset.objects.values_list("make", "model")) == {("Lenovo", "thinkpad T480")}
    page = client.get(reverse("assets:intake")).content.decode()
    assert 'list="known-makes"' in page
    assert '<option value="Lenovo">' in page or '<option value="Lenovo"></option>' in page
    assert '<option value="thinkpad T480">Lenovo</option>' in page


def test_the_edit_page_normalises_the_make(client, lena, donation, make_asset):
    asset = make_asset(donation, serial="S1")
    client.force_login(lena)
    client.post(
        reverse("assets:edit", args=[asset.tag]),
        {"category": "laptop", "make": "Hewlett-Packard", "model": "HP EliteBook 840 G5"},
    )
    asset.refresh_from_db()
    assert (asset.make, asset.model) == ("HP", "EliteBook 840 G5")


def test_the_api_intake_normalises_the_make(client, lena, donation):
    key = ApiToken.issue(user=lena, name="scanner")[1]
    response = client.post(
        "/api/assets/intake",
        {"donation_id": donation.pk, "serial": "S1", "category": "laptop", "make": "DELL INC"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert response.status_code == 201, response.content
    assert Asset.objects.get().make == "Dell"


def test_an_import_normalises_and_grows_the_catalogue(client, lena, donation, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    data = csv_bytes(
        ["Serial", "Manufacturer", "Model", "Type"],
        [
            ["A1", "LENOVO", "ThinkPad T480", "Laptop"],
            ["A2", "lenovo", "thinkpad t480", "Laptop"],
            ["A3", "Dell Inc.", "Dell OptiPlex 7050", "Desktop"],
        ],
    )
    client.force_login(lena)
    client.post(
        reverse("imports:new"),
        {"donation": donation.pk, "file": SimpleUploadedFile("list.csv", data)},
    )
    from greenit.imports.models import AssetImport

    client.post(reverse("imports:run", args=[AssetImport.objects.get().pk]))
    assert sorted(Asset.objects.values_list("make", "model")) == [
        ("Dell", "OptiPlex 7050"),
        ("Lenovo", "ThinkPad T480"),
        ("Lenovo", "ThinkPad T480"),
    ]
    assert set(DeviceModel.objects.values_list("make__name", "name")) == {
        ("Dell", "OptiPlex 7050"),
        ("Lenovo", "ThinkPad T480"),
    }


def test_the_command_renames_the_devices_recorded_before(donation, make_asset):
    old = [
        make_asset(donation, serial="S1", make="Dell Inc.", model="Latitude 5490"),
        make_asset(donation, serial="S2", make="DELL", model="LATITUDE 5490"),
        make_asset(donation, serial="S3", make="Hewlett-Packard", model="ProBook 450"),
    ]
    out = io.StringIO()
    call_command("normalise_makes", "--dry-run", stdout=out)
    assert "0 device(s) renamed." in out.getvalue()
    assert Asset.objects.filter(make="Dell Inc.").exists()

    call_command("normalise_makes", stdout=out)
    for asset in old:
        asset.refresh_from_db()
    assert {(a.make, a.model) for a in old} == {("Dell", "Latitude 5490"), ("HP", "ProBook 450")}
    out = io.StringIO()
    call_command("normalise_makes", stdout=out)
    assert "0 device(s) renamed." in out.getvalue()
