"""Both shared eReuse Workbench samples, posted as a station posts them, describe their
device: specs filled, media registered with their serials, Workbench 11's erasure a
sanitization record on the right medium; the same snapshot again stores nothing."""

import json

import pytest

from greenit.evidence.models import Difference, Identity, Snapshot
from greenit.sanitization.models import SanitizationRecord

from .conftest import WB_11, WB_SCRIPT, sample

pytestmark = pytest.mark.django_db


def test_workbench_script_fills_a_scanned_device_in(post_json, make_asset, donation):
    laptop = make_asset(donation)
    response = post_json("snapshots", sample(WB_SCRIPT), tag=laptop.tag)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["format"] == "workbench_script"
    assert body["asset_tag"] == laptop.display_tag
    assert body["filled"] == ["make", "model", "serial", "specs"]
    assert body["media_registered"] == 2
    laptop.refresh_from_db()
    assert (laptop.make, laptop.model, laptop.serial) == ("Dell", "Latitude E7240", "5CQ6VY1")
    assert "i7-4600U" in laptop.specs and "RAM: 16 GiB" in laptop.specs
    serials = sorted(laptop.media.values_list("serial", flat=True))
    assert serials == ["S33HNX0J203755R", "TW0XXM305508539G1361"]
    assert {m.media_type for m in laptop.media.all()} == {"sata_ssd"}
    snapshot = Snapshot.objects.get()
    assert snapshot.content == WB_SCRIPT.read_bytes()  # kept as received
    assert len(snapshot.body) < snapshot.size / 3  # compressed
    assert Identity.objects.filter(asset=laptop, kind="dmi_uuid").get().value.startswith("4c4c4544")


def test_workbench_11_at_the_workbench_endpoint_answers_like_devicehub(
    post_json, make_asset, donation
):
    laptop = make_asset(donation, serial="CND4286ZJ2")  # typed at intake
    response = post_json("workbench", sample(WB_11))
    assert response.status_code == 200, response.content
    answer = response.json()
    assert answer["status"] == "success"
    assert answer["dhid"] == laptop.display_tag
    assert answer["url"].endswith(f"/assets/{laptop.tag}/")
    laptop.refresh_from_db()
    assert (laptop.make, laptop.model) == ("HP", "ProBook 450 G2")  # the catalogue drops the make
    medium = laptop.media.get()
    assert (medium.serial, medium.media_type, medium.capacity_bytes) == (
        "S3P9A80F",
        "hdd",
        500_107_862_016,
    )
    record = SanitizationRecord.objects.get(medium=medium)
    assert (record.technique, record.pattern, record.passes, record.result) == (
        "overwrite",
        "zeros + random",
        2,
        "passed",
    )
    assert record.tool == "eReuse Workbench (EraseSectors)" and record.tool_version == "11.0b11"
    laptop.refresh_from_db()
    assert laptop.state == "sanitized"  # its only medium is done


def test_the_same_snapshot_again_stores_nothing(post_json, make_asset, donation):
    laptop = make_asset(donation)
    assert post_json("snapshots", sample(WB_11), tag=laptop.tag).status_code == 201
    again = post_json("snapshots", sample(WB_11), tag=laptop.tag)
    assert again.status_code == 200 and again.json()["status"] == "duplicate"
    assert Snapshot.objects.count() == 1
    assert SanitizationRecord.objects.count() == 1


def test_another_organisations_copy_is_not_a_duplicate(
    post_json, make_asset, make_donation, donation, pujiang_bank
):
    first = make_asset(donation)
    second = make_asset(make_donation(pujiang_bank))
    assert post_json("snapshots", sample(WB_SCRIPT), tag=first.tag).status_code == 201
    assert post_json("snapshots", sample(WB_SCRIPT), tag=second.tag).status_code == 201
    assert Snapshot.objects.count() == 2


def test_a_reused_uuid_with_other_content_is_refused(post_json, make_asset, donation):
    laptop = make_asset(donation)
    post_json("snapshots", sample(WB_11), tag=laptop.tag)
    changed = json.loads(sample(WB_11))
    changed["device"]["model"] = "Something else"
    response = post_json("snapshots", json.dumps(changed).encode(), tag=laptop.tag)
    assert response.status_code == 422
    assert "uuid" in response.json()["errors"]
    assert Snapshot.objects.count() == 1


def test_an_entered_value_is_never_overwritten_but_shown_for_a_decision(
    client, post_json, make_asset, donation, alice
):
    laptop = make_asset(donation, make="Dell Inc.", model="Latitude E7250")
    post_json("snapshots", sample(WB_SCRIPT), tag=laptop.tag)
    laptop.refresh_from_db()
    assert laptop.make == "Dell Inc."  # "Dell Inc." is "Dell": no difference
    assert laptop.model == "Latitude E7250"  # kept
    difference = Difference.objects.get()
    assert (difference.field, difference.entered, difference.read) == (
        "model",
        "Latitude E7250",
        "Latitude E7240",
    )
    client.force_login(alice)
    page = client.get(f"/assets/{laptop.tag}/")
    assert "Latitude E7240" in page.content.decode()
    response = client.post(
        f"/api/evidence/differences/{difference.pk}/decision",
        {"take": True},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    laptop.refresh_from_db()
    assert laptop.model == "Latitude E7240"


def test_without_a_tag_the_device_is_found_by_its_serials(post_json, make_asset, donation):
    laptop = make_asset(donation)
    post_json("snapshots", sample(WB_SCRIPT), tag=laptop.tag)
    # a later snapshot of the same machine (new uuid), no tag: found by DMI UUID and serials
    later = json.loads(sample(WB_SCRIPT))
    later["uuid"] = "a1b2c3d4-0000-4000-8000-000000000001"
    response = post_json("snapshots", json.dumps(later).encode())
    assert response.status_code == 201
    assert response.json()["asset_tag"] == laptop.display_tag


def test_a_snapshot_matching_no_device_waits_for_its_tag(
    client, alice, post_json, make_asset, donation
):
    response = post_json("snapshots", sample(WB_11))
    assert response.status_code == 201
    assert response.json()["asset_tag"] is None
    laptop = make_asset(donation)
    client.force_login(alice)
    snapshot = Snapshot.objects.get()
    assert client.get("/evidence/").status_code == 200
    answer = client.post(f"/evidence/snapshots/{snapshot.pk}/device/", {"asset_tag": laptop.tag})
    assert answer.status_code == 302
    laptop.refresh_from_db()
    assert laptop.serial == "CND4286ZJ2"
    assert laptop.media.get().serial == "S3P9A80F"
    assert SanitizationRecord.objects.get().medium.asset == laptop  # its erasure too
