"""Careless, foreign and hostile input: a clear 4xx naming what is wrong, and nothing stored
(no snapshot, no medium, no record, no change to the device)."""

import json

import pytest

from greenit.evidence.models import Difference, Identity, Snapshot, UnmatchedDrive
from greenit.sanitization.models import SanitizationRecord, StorageMedium

from .conftest import WB_11, WB_SCRIPT, sample

pytestmark = pytest.mark.django_db


def _changed(path, change) -> bytes:
    data = json.loads(sample(path))
    change(data)
    return json.dumps(data).encode()


CASES = {
    "truncated workbench-script": (lambda: sample(WB_SCRIPT)[:50_000], "body", "cut short"),
    "truncated workbench 11": (lambda: sample(WB_11)[:-300], "body", "cut short"),
    "empty body": (lambda: b"", "body", "empty"),
    "not UTF-8": (lambda: b"{\xff\xfe}", "body", "UTF-8"),
    "binary junk": (lambda: bytes(range(256)) * 4, "body", "nwipe"),
    "a JSON string": (lambda: b'"snapshot"', "body", "neither JSON"),
    "unknown JSON": (lambda: b'{"hello": "world"}', "body", "not a format"),
    "bad uuid": (
        lambda: _changed(WB_11, lambda d: d.update(uuid="not-a-uuid")),
        "uuid",
        "not a UUID",
    ),
    "components not a list": (
        lambda: _changed(WB_11, lambda d: d.update(components={"a": 1})),
        "components",
        "not a list",
    ),
    "no device": (lambda: _changed(WB_11, lambda d: d.pop("device")), "device", "device"),
    "erase with a bad time": (
        lambda: _changed(
            WB_11,
            lambda d: next(c for c in d["components"] if c["type"] == "HardDrive")["actions"][
                2
            ].update(startTime="yesterday"),
        ),
        "components[7].actions.startTime",
        "not a date",
    ),
    "smartctl not JSON": (
        lambda: _changed(WB_SCRIPT, lambda d: d["data"].update(smartctl="[{broken")),
        "data.smartctl",
        "smartctl",
    ),
    "dmidecode missing": (
        lambda: _changed(WB_SCRIPT, lambda d: d["data"].pop("dmidecode")),
        "data.dmidecode",
        "missing",
    ),
    "a NUL byte in a serial (PostgreSQL cannot store it)": (
        lambda: _changed(WB_11, lambda d: d["device"].update(serialNumber="AB\x00C")),
        "device.serialNumber",
        "NUL",
    ),
    "nested too deeply": (lambda: b"[" * 200_000 + b"]" * 200_000, "body", "nested"),
    "peracotta without serials": (lambda: b'[{"type": "cpu", "brand": "Intel"}]', "body", "serial"),
}


@pytest.mark.parametrize("case", CASES)
def test_refused_with_the_part_named_and_nothing_stored(post_json, make_asset, donation, case):
    make_raw, field, words = CASES[case]
    laptop = make_asset(donation, make="Acer")
    response = post_json("snapshots", make_raw(), tag=laptop.tag)
    assert response.status_code == 422, response.content
    errors = response.json()["errors"]
    assert field in errors, errors
    assert words.lower() in " ".join(errors[field]).lower()
    for model in (
        Snapshot,
        Identity,
        Difference,
        UnmatchedDrive,
        StorageMedium,
        SanitizationRecord,
    ):
        assert not model.objects.exists(), model
    laptop.refresh_from_db()
    assert (laptop.make, laptop.serial, laptop.specs) == ("Acer", "", "")


def test_an_unknown_tag_is_refused_naming_the_tag(post_json):
    response = post_json("snapshots", sample(WB_11), tag="ZZZZ-ZZZZ")
    assert response.status_code == 422
    assert "tag" in response.json()["errors"]
    assert not Snapshot.objects.exists()


def test_a_donor_contact_may_not_post_evidence(client, bob, make_asset, donation):
    client.force_login(bob)
    response = client.post(
        "/api/evidence/snapshots", sample(WB_11), content_type="application/json"
    )
    assert response.status_code == 403
    assert not Snapshot.objects.exists()


def test_another_organisations_snapshot_is_a_404(client, post_json, make_asset, donation, carol):
    laptop = make_asset(donation)
    snapshot_id = post_json("snapshots", sample(WB_11), tag=laptop.tag).json()["id"]
    client.force_login(carol)
    assert client.get(f"/api/evidence/snapshots/{snapshot_id}").status_code == 404
