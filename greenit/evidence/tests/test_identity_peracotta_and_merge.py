"""Identity: vendors and serials normalised, devices matched by serials and UUIDs, two
records of one device merged with both histories kept; peracotta's JSON read the same way."""

import json

import pytest

from greenit.evidence import normalise
from greenit.evidence.models import Alias
from greenit.evidence.parsers import ParseError, parse

from .conftest import WB_SCRIPT, sample

pytestmark = pytest.mark.django_db

PERACOTTA = [
    {"type": "case", "brand": "Dell Inc.", "model": "OptiPlex 7010", "sn": "  ab12cd3 "},
    {"type": "motherboard", "brand": "Dell Inc.", "model": "0MN1TX", "sn": "/AB12CD3/CN701/"},
    {"type": "cpu", "brand": "Intel", "model": "Core i5-3470"},
    {"type": "ram", "capacity-byte": 4294967296, "sn": "1A2B"},
    {"type": "ram", "capacity-byte": 4294967296, "sn": "1A2C"},
    {
        "type": "hdd",
        "brand": "Seagate",
        "model": "ST500DM002",
        "sn": "Z3T1ABCD",
        "capacity-decibyte": 500000000000,
        "spin-rate-rpm": 7200,
    },
]


@pytest.mark.parametrize(
    ("raw", "same"),
    [
        ("Dell Inc.", "Dell"),
        ("Hewlett-Packard", "HP"),
        ("LENOVO", "Lenovo"),
        ("ASUSTeK Computer Inc.", "ASUS"),
    ],
)
def test_vendor_names_are_normalised(raw, same):
    assert normalise.vendor(raw) == same


def test_placeholders_are_no_serial():
    assert normalise.serial("To be filled by O.E.M.") == ""
    assert normalise.serial(" @ \ufffd") == ""
    assert normalise.serial(" ab12 cd3 ") == "AB12CD3"
    assert normalise.dmi_uuid("03000200-0400-0500-0006-000700080009") == ""
    assert normalise.size_bytes("8 GB", binary=True) == 8 * 1024**3
    assert normalise.size_bytes("15.53 GiB") == int(15.53 * 1024**3)


def test_peracotta_json_fills_a_device_in(post_json, make_asset, donation):
    desktop = make_asset(donation, category="desktop")
    response = post_json("snapshots", json.dumps(PERACOTTA).encode(), tag=desktop.tag)
    assert response.status_code == 201, response.content
    desktop.refresh_from_db()
    assert (desktop.make, desktop.model, desktop.serial) == ("Dell", "OptiPlex 7010", "AB12CD3")
    assert "RAM: 8.0 GiB" in desktop.specs
    medium = desktop.media.get()
    assert (medium.serial, medium.media_type, medium.capacity_bytes) == (
        "Z3T1ABCD",
        "hdd",
        500000000000,
    )


def test_tarallo_nesting_is_read_too():
    nested = [
        {
            "type": "I",
            "features": PERACOTTA[0],
            "contents": [{"features": f} for f in PERACOTTA[1:]],
        }
    ]
    parsed = parse(json.dumps(nested).encode())
    assert parsed.format == "peracotta" and parsed.disks[0].serial == "Z3T1ABCD"
    with pytest.raises(ParseError):
        parse(b'[{"type": "I", "contents": 5}]')


def test_two_records_of_one_device_are_merged_keeping_both_histories(
    client, alice, lena, post_json, make_asset, donation
):
    first = make_asset(donation)
    second = make_asset(donation)
    post_json("snapshots", sample(WB_SCRIPT), tag=second.tag)
    client.force_login(lena)
    response = client.post("/evidence/merge/", {"kept": first.tag, "duplicate": second.tag})
    assert response.status_code == 302
    assert Alias.objects.get().duplicate == second
    assert second.events.count() == 1 and first.events.count() == 1  # custody untouched
    # the kept device now shows the duplicate's evidence, and later snapshots find it
    page = client.get(f"/assets/{first.tag}/").content.decode()
    assert "eReuse workbench-script" in page
    later = json.loads(sample(WB_SCRIPT))
    later["uuid"] = "a1b2c3d4-0000-4000-8000-000000000002"
    answer = post_json("snapshots", json.dumps(later).encode())
    assert answer.json().get("asset_tag") == first.display_tag, answer.content
    again = client.post("/evidence/merge/", {"kept": second.tag, "duplicate": first.tag})
    assert again.status_code == 422
