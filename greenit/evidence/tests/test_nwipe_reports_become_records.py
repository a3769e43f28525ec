"""The shared nwipe log, uploaded as it is: each drive's result becomes a sanitization record
on the medium with its serial; a drive matching no medium (the sample's loop devices have
junk serials) is listed for a decision, never dropped."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from greenit.evidence.models import Snapshot, UnmatchedDrive
from greenit.sanitization import services as sanitization
from greenit.sanitization.models import SanitizationRecord

from .conftest import NWIPE_LOG, sample

pytestmark = pytest.mark.django_db

JUNK = " @ \ufffd".encode()


def _with_serials(raw: bytes, first: str, second: str) -> bytes:
    """The sample as a run on two real drives writes it: their serials where the loop
    devices had junk bytes."""
    lines = []
    for line in raw.decode("utf-8", errors="replace").splitlines():
        for device, serial in (("loop0", first), ("loop1", second)):
            if device in line and ("S/N=" in line or "has serial number" in line):
                line = (
                    line.split("S/N=")[0] + f"S/N={serial}"
                    if "S/N=" in line
                    else (f"{line.split('has serial number')[0]}has serial number {serial}")
                )
        lines.append(line)
    return "\n".join(lines).encode()


def _drive(asset, alice, serial):
    return sanitization.medium_register(
        asset=asset, actor=alice, media_type="hdd", serial=serial, capacity_bytes=16_777_216
    )[0]


def test_the_shared_log_lists_both_drives_for_a_decision(post_file, make_asset, donation, alice):
    response = post_file(sample(NWIPE_LOG))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["format"] == "nwipe_log" and body["records"] == 0
    assert [u["device_name"] for u in body["unmatched"]] == ["loop0", "loop1"]
    assert all("serial" in u["reason"] for u in body["unmatched"])
    # a technician says which medium each loop device was: the records are written
    laptop = make_asset(donation)
    _drive(laptop, alice, "LOOP-A")
    client = Client()
    client.force_login(alice)
    loop0 = UnmatchedDrive.objects.get(device_name="loop0")
    response = client.post(
        f"/api/evidence/unmatched/{loop0.pk}/assign",
        {"asset_tag": laptop.tag, "serial": "LOOP-A"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["assigned"] is True
    record = SanitizationRecord.objects.get()
    assert (record.tool, record.tool_version, record.technique, record.nist_category) == (
        "nwipe",
        "0.33",
        "overwrite",
        "clear",
    )
    assert record.pattern == "PRNG stream (Isaac64)"
    assert record.passes == 3  # two rounds and the final blanking
    assert (record.verification, record.verification_result, record.result) == (
        "full",
        "passed",
        "passed",
    )
    assert record.bytes_written == 3 * 16_777_216
    assert record.started_at <= record.ended_at


def test_drives_with_serials_get_their_records_directly(post_file, make_asset, donation, alice):
    laptop = make_asset(donation)
    desktop = make_asset(donation, category="desktop")
    first, second = _drive(laptop, alice, "WD-WX11A"), _drive(desktop, alice, "Z1D2E3F4")
    response = post_file(_with_serials(sample(NWIPE_LOG), "WD-WX11A", "Z1D2E3F4"))
    assert response.status_code == 201, response.content
    assert response.json()["records"] == 2 and response.json()["unmatched"] == []
    assert first.records.get().result == "passed"
    assert second.records.get().result == "passed"
    laptop.refresh_from_db()
    assert laptop.state == "sanitized"
    # the same log again: no second record
    assert post_file(_with_serials(sample(NWIPE_LOG), "WD-WX11A", "Z1D2E3F4")).status_code == 200
    assert SanitizationRecord.objects.count() == 2


def test_a_drive_that_failed_is_recorded_as_failed(post_file, make_asset, donation, alice):
    laptop = make_asset(donation)
    medium = _drive(laptop, alice, "WD-WX11A")
    raw = _with_serials(sample(NWIPE_LOG), "WD-WX11A", "OTHER-1").decode()
    raw = raw.replace(
        "     loop0 |           0 |                    0 |",
        "     loop0 |           0 |                    3 |",
    )
    raw = raw.replace("     loop0 | Erased |", "     loop0 | FAILED |")
    post_file(raw.encode())
    record = medium.records.get()
    assert (record.result, record.verification_result) == ("failed", "failed")
    assert "FAILED" in record.errors
    assert UnmatchedDrive.objects.get().serial == "OTHER-1"  # the other one: listed


@pytest.mark.parametrize(
    ("cut", "says"),
    [
        ("******************************** Error Summary", "Drive Status"),
        ("[2026/12/01 22:17:52]  notice: /dev/loop0 has", "Drive Status"),
    ],
)
def test_a_truncated_log_is_refused_and_nothing_is_stored(post_file, cut, says):
    raw = sample(NWIPE_LOG).decode("utf-8", errors="replace")
    response = post_file(raw[: raw.index(cut)].encode())
    assert response.status_code == 422
    assert says in str(response.json()["errors"])
    assert not Snapshot.objects.exists() and not UnmatchedDrive.objects.exists()


def test_the_log_can_be_uploaded_on_a_page(client, alice, make_asset, donation):
    laptop = make_asset(donation)
    client.force_login(alice)
    assert client.get(f"/evidence/upload/?tag={laptop.tag}").status_code == 200
    response = client.post(
        "/evidence/upload/",
        {"file": SimpleUploadedFile("run.log", sample(NWIPE_LOG)), "tag": laptop.tag},
    )
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert "loop0" in page.content.decode() and "loop1" in page.content.decode()
    bad = client.post("/evidence/upload/", {"file": SimpleUploadedFile("x.log", b"hello")})
    assert bad.status_code == 422
    assert "nwipe" in bad.content.decode()
