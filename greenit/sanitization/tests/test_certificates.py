"""Certificates of sanitization: issued only when every medium is done, signed with Ed25519,
checked on the public page, by the API and offline from the PDF; any changed byte is caught;
revocation shows; donors see their own certificates and nobody else's."""

import json
import re
import shutil
import subprocess
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.urls import reverse

from greenit.accounts.models import ApiToken
from greenit.assets.models import State
from greenit.sanitization import pdf, services, signing
from greenit.sanitization.models import Certificate

from .conftest import record_fields, verified_sample


def _wipe(asset, alice, serial):
    medium, _ = services.medium_register(
        asset=asset,
        actor=alice,
        media_type="sata_ssd",
        serial=serial,
        manufacturer="Samsung",
        model="PM871b",
        capacity_bytes=256_060_514_304,
    )
    services.record_sanitization(medium=medium, actor=alice, **record_fields())
    return medium


@pytest.fixture
def wiped_donation(donation, make_asset, alice, ada):
    for n in range(3):
        _wipe(make_asset(donation, serial=f"PF-{n}"), alice, f"S3TA-{n}")
    make_asset(donation, category="monitor_lcd", serial="MON-1")  # holds no data
    make_asset(donation, serial="LATER-1", state=State.EXPECTED)  # not here yet
    verified_sample(donation, alice, ada)
    return donation


@pytest.fixture
def certificate(wiped_donation, alice) -> Certificate:
    return services.certificate_issue(wiped_donation, alice)


@pytest.fixture
def certificate_pdf(certificate, tmp_path):
    path = tmp_path / f"{certificate.number}.pdf"
    path.write_bytes(pdf.render_pdf(certificate))
    return path


def _verify_cli(path, *extra) -> tuple[int, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("verify-certificate", str(path), *extra, stdout=out, stderr=err)
    except SystemExit as exit_:
        return exit_.code, out.getvalue() + err.getvalue()
    return 0, out.getvalue() + err.getvalue()


# Issuing


def test_no_certificate_while_a_medium_is_missing(donation, make_asset, alice):
    _wipe(make_asset(donation, serial="PF-OK"), alice, "S3TA-OK")
    pending = make_asset(donation, serial="PF-PENDING")
    with pytest.raises(ValidationError) as refused:
        services.certificate_issue(donation, alice)
    assert pending.display_tag in " ".join(refused.value.messages)
    medium, _ = services.medium_register(
        asset=pending, actor=alice, media_type="hdd", serial="WD-FAIL"
    )
    services.record_sanitization(
        medium=medium, actor=alice, **record_fields(verification_result="failed", result="failed")
    )
    with pytest.raises(ValidationError) as refused:
        services.certificate_issue(donation, alice)
    assert "WD-FAIL failed its wipe" in " ".join(refused.value.messages)
    assert not Certificate.objects.exists()


def test_the_certificate_lists_every_medium_and_verifies(certificate, client):
    payload = json.loads(certificate.payload)
    assert re.fullmatch(r"GC-\d{4}-\d{5}", certificate.number)
    assert sorted(m["medium"]["serial"] for m in payload["media"]) == [
        "S3TA-0",
        "S3TA-1",
        "S3TA-2",
    ]
    assert payload["donation"]["reference"] == certificate.donation.reference
    assert payload["key_fingerprint"] == certificate.key_fingerprint
    assert certificate.payload.encode() == signing.canonical(payload)
    assert services.check_certificate(certificate).valid
    page = client.get(
        reverse("sanitization:verify", args=[certificate.number, certificate.verify_code])
    )
    assert page.status_code == 200
    assert 'data-valid="true"' in page.content.decode()
    assert "S3TA-1" in page.content.decode()


def test_the_public_page_needs_the_code_as_well_as_the_number(certificate, client):
    """Numbers run in order; without the code nobody can walk through donors' certificates."""
    assert len(certificate.verify_code) == 12
    assert certificate.verify_code in json.loads(certificate.payload)["verify_url"]
    for code in ("", "0" * 12, certificate.verify_code[:-1] + "X"):
        if code == certificate.verify_code:
            continue
        url = f"/sanitization/verify/{certificate.number}/{code}/".replace("//", "/")
        assert client.get(url).status_code == 404


def test_a_second_certificate_needs_the_first_revoked(certificate, wiped_donation, alice, ada):
    with pytest.raises(ValidationError):
        services.certificate_issue(wiped_donation, alice)
    services.certificate_revoke(certificate, "Medium list incomplete", ada)
    second = services.certificate_issue(wiped_donation, alice)
    assert second.number != certificate.number


# Tampering


@pytest.mark.parametrize("where", [0, 1, 0.25, 0.5, 0.75, -2, -1])
def test_any_changed_byte_of_the_content_is_caught(certificate, where):
    content = bytearray(certificate.payload.encode("utf-8"))
    i = int(len(content) * where) if isinstance(where, float) else where
    content[i] ^= 0x01
    assert not services.check_signed(bytes(content), certificate.signature).valid


def test_a_changed_signature_is_caught(certificate):
    signature = bytearray(certificate.signature.encode())
    signature[10] = ord("A") if signature[10] != ord("A") else ord("B")
    assert not services.check_signed(certificate.payload.encode(), signature.decode()).valid


def test_the_verify_page_shows_a_tampered_certificate_as_invalid(certificate, client):
    changed = certificate.payload.replace("S3TA-1", "S3TA-7")
    # The database refuses this UPDATE (migration 0004): the tamperer, a database superuser,
    # has turned its trigger off first (undone with the test's transaction).
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER sanitization_certificate_kept")
        else:
            cursor.execute("SET LOCAL session_replication_role = replica")  # triggers off
    Certificate.objects.filter(pk=certificate.pk).update(payload=changed)
    page = client.get(
        reverse("sanitization:verify", args=[certificate.number, certificate.verify_code])
    )
    assert page.status_code == 200
    assert 'data-valid="false"' in page.content.decode()
    api = client.get(f"/api/sanitization/certificates/{certificate.number}")
    assert api.status_code == 401  # the API needs a login; the page does not


# Offline: the PDF and the command


def test_the_cli_verifies_the_pdf_with_the_published_key(certificate_pdf, client, tmp_path):
    key = client.get(reverse("sanitization:public_key"))
    assert key.status_code == 200 and b"BEGIN PUBLIC KEY" in key.content
    pem = tmp_path / "public-key.pem"
    pem.write_bytes(key.content)
    code, output = _verify_cli(certificate_pdf, "--public-key", str(pem))
    assert code == 0, output
    assert "VALID" in output


def test_the_cli_catches_a_tampered_attachment(certificate, tmp_path):
    forged = certificate.payload.replace("S3TA-1", "S3TA-7")  # one byte
    assert len(forged) == len(certificate.payload) and forged != certificate.payload
    path = tmp_path / "forged.pdf"
    path.write_bytes(pdf.render_signed(forged, certificate.signature, certificate.key_fingerprint))
    code, output = _verify_cli(path)
    assert code == 1
    assert "INVALID" in output


def test_the_cli_catches_a_damaged_file(certificate_pdf, tmp_path):
    data = bytearray(certificate_pdf.read_bytes())
    start = data.index(b"/EmbeddedFile")
    stream = data.index(b"stream", start) + len(b"stream\n")
    data[stream + 40] ^= 0xFF
    damaged = tmp_path / "damaged.pdf"
    damaged.write_bytes(bytes(data))
    code, output = _verify_cli(damaged)
    assert code == 1, output
    assert "INVALID" in output


def test_the_cli_refuses_another_key(certificate_pdf, tmp_path):
    other = signing.create_key(tmp_path / "other.pem")
    pem = tmp_path / "other-public.pem"
    pem.write_bytes(signing.public_pem(other.public_key()))
    code, _output = _verify_cli(certificate_pdf, "--public-key", str(pem))
    assert code == 1


def test_the_upload_form_checks_a_pdf(certificate_pdf, client):
    with certificate_pdf.open("rb") as handle:
        response = client.post(reverse("sanitization:verify_upload"), {"pdf": handle})
    assert response.status_code == 200
    assert 'data-valid="true"' in response.content.decode()


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils not installed")
def test_the_pdf_speaks_both_languages_with_an_embedded_cjk_font(certificate_pdf):
    text = subprocess.run(
        ["pdftotext", "-layout", str(certificate_pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "Certificate of Sanitization" in text
    assert "数据清除证明" in text
    assert "S3TA-2" in text
    fonts = subprocess.run(
        ["pdffonts", str(certificate_pdf)], capture_output=True, text=True, check=True
    ).stdout
    cjk = [line for line in fonts.splitlines() if "Noto-Sans-CJK-SC" in line]
    assert cjk, fonts
    assert all(" yes " in line for line in cjk)  # embedded


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils not installed")
def test_a_big_certificate_lists_every_medium_as_text_lines(certificate, tmp_path, monkeypatch):
    monkeypatch.setattr(pdf, "COMPACT_FROM", 2)  # the layout used from 120 media on
    path = tmp_path / "big.pdf"
    path.write_bytes(pdf.render_pdf(certificate))
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert all(f"S3TA-{n}" in text for n in range(3))
    assert "介质序列号" in text
    assert _verify_cli(path)[0] == 0


# Revocation


def test_a_revoked_certificate_shows_as_revoked(certificate, ada, client):
    services.certificate_revoke(certificate, "Drive S3TA-1 was swapped before shipping", ada)
    page = client.get(
        reverse("sanitization:verify", args=[certificate.number, certificate.verify_code])
    )
    content = page.content.decode()
    assert "REVOKED" in content
    assert "Drive S3TA-1 was swapped before shipping" in content
    with pytest.raises(ValidationError):
        services.certificate_revoke(certificate, "again", ada)


def test_revoking_needs_a_reason(certificate, ada):
    with pytest.raises(ValidationError):
        services.certificate_revoke(certificate, "  ", ada)


# Donors


def test_a_donor_downloads_their_certificates_and_no_one_elses(certificate, bob, carol, client):
    client.force_login(bob)
    listing = client.get(reverse("sanitization:certificates"))
    assert certificate.number in listing.content.decode()
    response = client.get(reverse("sanitization:pdf", args=[certificate.number]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")

    client.force_login(carol)
    assert (
        certificate.number not in client.get(reverse("sanitization:certificates")).content.decode()
    )
    assert client.get(reverse("sanitization:pdf", args=[certificate.number])).status_code == 404
    _token, key = ApiToken.issue(user=carol, name="t")
    api = client.get(
        f"/api/sanitization/certificates/{certificate.number}",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert api.status_code == 404
    _token, key = ApiToken.issue(user=bob, name="t")
    api = client.get(
        f"/api/sanitization/certificates/{certificate.number}",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert api.status_code == 200
    assert api.json()["signature_valid"] is True and api.json()["revoked"] is False


def test_donors_cannot_issue_or_see_staff_pages(wiped_donation, bob, client):
    client.force_login(bob)
    assert client.get(reverse("sanitization:queue")).status_code == 403
    assert client.post(reverse("sanitization:issue", args=[wiped_donation.pk])).status_code == 403
    assert not Certificate.objects.exists()


def test_staff_issue_and_revoke_from_the_page(wiped_donation, alice, client):
    client.force_login(alice)
    page = client.get(reverse("sanitization:donation", args=[wiped_donation.pk]))
    assert page.status_code == 200
    client.post(reverse("sanitization:issue", args=[wiped_donation.pk]))
    certificate = Certificate.objects.get()
    client.post(reverse("sanitization:revoke", args=[certificate.number]), {"reason": "test"})
    certificate.refresh_from_db()
    assert certificate.revoked and certificate.revocation_reason == "test"


# The key


def test_keys_init_refuses_to_overwrite(tmp_path, settings):
    settings.SIGNING_KEY_FILE = tmp_path / "key.pem"
    out = StringIO()
    call_command("keys", "init", stdout=out)
    assert "Fingerprint" in out.getvalue()
    before = settings.SIGNING_KEY_FILE.read_bytes()
    with pytest.raises(CommandError, match="already exists"):
        call_command("keys", "init", stdout=StringIO())
    assert settings.SIGNING_KEY_FILE.read_bytes() == before
    call_command("keys", "init", "--force", stdout=StringIO())
    assert settings.SIGNING_KEY_FILE.read_bytes() != before


def test_an_old_certificate_verifies_with_its_kept_key_after_rotation(
    certificate, tmp_path, settings
):
    kept = tmp_path / "kept"
    kept.mkdir()
    (kept / "old.pem").write_bytes(signing.public_pem(signing.current_public_key()))
    settings.SIGNING_KEY_FILE = tmp_path / "new.pem"
    signing.create_key(settings.SIGNING_KEY_FILE)
    assert not services.check_certificate(certificate).valid
    settings.SIGNING_PUBLIC_KEYS_DIR = str(kept)
    assert services.check_certificate(certificate).valid


def test_after_issuing_the_page_shows_the_certificate_not_a_missing_line(
    client, alice, certificate
):
    client.force_login(alice)
    page = client.get(
        reverse("sanitization:donation", args=[certificate.donation_id])
    ).content.decode()
    assert "Still missing" not in page
    assert "already has a valid certificate" not in page
    assert f"Certificate {certificate.number} is valid for this donation" in page


def test_a_signed_revocation_is_kept_as_written(certificate, ada):
    services.certificate_revoke(certificate, "swapped drive", ada)
    certificate.refresh_from_db()
    assert '"status":"revoked"' in certificate.revocation_statement
    with pytest.raises(Exception, match="kept as issued"):
        Certificate.objects.filter(pk=certificate.pk).update(revocation_signature="forged")


def test_a_donation_whose_certificate_was_revoked_waits_for_one_again(certificate, ada, client):
    queue = reverse("sanitization:queue")
    client.force_login(ada)
    assert certificate.donation.reference not in client.get(queue).content.decode()
    services.certificate_revoke(certificate, "Drive S3TA-1 was swapped before shipping", ada)
    assert certificate.donation.reference in client.get(queue).content.decode()
