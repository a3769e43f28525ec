"""The certificate PDF is signed as a whole (PAdES): a visible word changed, one byte changed
anywhere, a page added or a line appended fails verification in our upload page, our command
and pyHanko's own validator; revocation is signed, and reported online or said unknowable
offline."""

import io
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from pyhanko.keys import load_certs_from_pemder_data
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ContentStream

from greenit.sanitization import offline, pdf, services, signing

from .conftest import verified_sample
from .test_certificates import _wipe


@pytest.fixture
def certificate(donation, make_asset, alice, ada):
    """A certificate of three wiped drives with their verified sample (as in
    test_certificates.py)."""
    for n in range(3):
        _wipe(make_asset(donation, serial=f"PF-{n}"), alice, f"S3TA-{n}")
    verified_sample(donation, alice, ada)
    return services.certificate_issue(donation, alice)


@pytest.fixture
def signed(certificate) -> bytes:
    return pdf.render_pdf(certificate)


def _pyhanko_accepts(data: bytes) -> bool:
    """pyHanko's validator, on its own, with our certificate authority as the only root."""
    roots = list(load_certs_from_pemder_data(signing.pdf_signing_files()[2]))
    try:
        signatures = PdfFileReader(io.BytesIO(data), strict=False).embedded_signatures
        if len(signatures) != 1:
            return False
        status = validate_pdf_signature(
            signatures[0], ValidationContext(trust_roots=roots, allow_fetching=False)
        )
    except Exception:  # noqa: BLE001 -- a broken file is a refusal too
        return False
    return status.bottom_line


def _cli(path, *extra) -> tuple[int, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("verify-certificate", str(path), *extra, stdout=out, stderr=err)
    except SystemExit as exit_:
        return exit_.code, out.getvalue() + err.getvalue()
    return 0, out.getvalue() + err.getvalue()


def _upload(client, data: bytes):
    handle = io.BytesIO(data)
    handle.name = "certificate.pdf"
    return client.post(reverse("sanitization:verify_upload"), {"pdf": handle})


def _all_three_refuse(data: bytes, client, tmp_path, *, pyhanko: bool = True) -> None:
    assert not offline.check_pdf(data).valid
    path = tmp_path / "tampered.pdf"
    path.write_bytes(data)
    code, output = _cli(path)
    assert code == 1 and "INVALID" in output, output
    page = _upload(client, data)
    assert page.status_code == 422
    assert 'data-valid="false"' in page.content.decode()
    if pyhanko:
        assert not _pyhanko_accepts(data)


def test_the_whole_file_is_signed_and_all_three_accept_it(signed, client, tmp_path):
    assert _pyhanko_accepts(signed)
    result = offline.check_pdf(signed)
    assert result.valid, result.message
    assert "certificates of sanitization" in result.signer
    path = tmp_path / "c.pdf"
    path.write_bytes(signed)
    code, output = _cli(path)
    assert code == 0, output
    assert "Revocation: cannot be known offline" in output
    page = _upload(client, signed)
    assert page.status_code == 200
    content = page.content.decode()
    assert 'data-valid="true"' in content and 'data-revoked="false"' in content
    assert "Adobe Acrobat Reader" in content  # a way to verify without greenit


def _writer(data: bytes, incremental: bool) -> PdfWriter:
    """An editor saving the file anew, or appending its change after the signed bytes."""
    if incremental:
        return PdfWriter(io.BytesIO(data), incremental=True)
    return PdfWriter(clone_from=PdfReader(io.BytesIO(data)))


def _word_changed(data: bytes, *, incremental: bool) -> bytes:
    """Swap two glyphs of the first text shown on page 1: a visible word changes."""
    writer = _writer(data, incremental)
    page = writer.pages[0]
    stream = ContentStream(page.get_contents(), writer)
    for operands, operator in stream.operations:
        if operator == b"TJ":
            parts = [p for p in operands[0] if isinstance(p, bytes | str) and len(p) >= 4]
            if parts:
                text = parts[0]
                index = operands[0].index(text)
                swapped = text[2:4] + text[0:2] + text[4:]
                assert swapped != text
                operands[0][index] = type(text)(swapped)
                break
    else:
        raise AssertionError("no text found")
    page.replace_contents(stream)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize("incremental", [False, True], ids=["rewritten", "appended"])
def test_a_visible_word_changed_fails(signed, client, tmp_path, incremental):
    _all_three_refuse(_word_changed(signed, incremental=incremental), client, tmp_path)


def test_one_byte_changed_anywhere_fails(signed, client, tmp_path):
    contents = re.search(rb"/Contents\s*<([0-9a-fA-F]+)>", signed)
    positions = [*range(0, len(signed), len(signed) // 12), len(signed) - 2]
    positions.append(contents.start(1) + 10)  # in the signature itself
    for position in positions:
        data = bytearray(signed)
        data[position] = ord("1") if data[position] != ord("1") else ord("2")
        # pyHanko ignores some bytes of the signature itself (see the test after the next)
        in_signature = contents.start(1) <= position < contents.end(1)
        _all_three_refuse(bytes(data), client, tmp_path, pyhanko=not in_signature)


def test_a_byte_changed_in_the_signatures_padding_fails_in_ours(signed, client, tmp_path):
    """The zeros after the signature are covered by no digest: pyHanko ignores them (as the
    PDF standard allows); our page and command refuse the changed file all the same."""
    contents = re.search(rb"/Contents\s*<([0-9a-fA-F]+)>", signed)
    data = bytearray(signed)
    data[contents.end(1) - 5] = ord("1")
    _all_three_refuse(bytes(data), client, tmp_path, pyhanko=False)


@pytest.mark.parametrize("incremental", [False, True], ids=["rewritten", "appended"])
def test_a_page_added_fails(signed, client, tmp_path, incremental):
    writer = _writer(signed, incremental)
    writer.add_blank_page()
    out = io.BytesIO()
    writer.write(out)
    _all_three_refuse(out.getvalue(), client, tmp_path)


def test_a_pdf_signed_by_someone_else_fails(certificate, client, tmp_path, settings):
    """Re-rendered with a changed word and signed again by a CA of the forger's own."""
    forged = certificate.payload.replace("S3TA-1", "S3TA-7")
    unsigned = pdf.render_unsigned(forged, certificate.signature, certificate.key_fingerprint)
    settings.SIGNING_PDF_DIR = tmp_path / "forger"
    signing.create_chain()
    data = pdf.sign_pdf(unsigned, forged)
    settings.SIGNING_PDF_DIR = tmp_path / "ours"
    signing.create_chain()  # the verifier trusts another CA than the forger's
    _all_three_refuse(data, client, tmp_path)


def test_an_unsigned_pdf_fails(certificate, client, tmp_path):
    data = pdf.render_unsigned(
        certificate.payload, certificate.signature, certificate.key_fingerprint
    )
    assert "no signature of its own" in offline.check_pdf(data).message
    _all_three_refuse(data, client, tmp_path)


def test_hostile_uploads_get_a_clear_refusal(client):
    for junk in (b"", b"%PDF-1.7\n", b"%PDF-1.7\n" + b"\x00" * 5000, b"<html></html>"):
        page = _upload(client, junk)
        assert page.status_code in (200, 422)
        if page.status_code == 422:
            assert 'data-valid="false"' in page.content.decode()


# Revocation: online it is known and signed; offline the command says it cannot know


def test_online_the_command_reports_the_signed_standing(
    signed,
    certificate,
    ada,
    client,
    tmp_path,
    monkeypatch,
):
    path = tmp_path / "c.pdf"
    path.write_bytes(signed)
    command = __import__(
        "greenit.sanitization.management.commands.verify-certificate", fromlist=["fetch_status"]
    )

    monkeypatch.setattr(
        command,
        "fetch_status",
        lambda url: client.get("/" + url.split("://", 1)[1].split("/", 1)[1]).json(),
    )
    code, output = _cli(path, "--online")
    assert code == 0, output
    assert "not revoked as of" in output
    services.certificate_revoke(certificate, "Drive S3TA-1 was swapped", ada)
    code, output = _cli(path, "--online")
    assert code == 1
    assert "REVOKED" in output and "Drive S3TA-1 was swapped" in output
    page = _upload(client, signed)
    assert 'data-revoked="true"' in page.content.decode()


def test_a_forged_status_answer_is_refused(signed, certificate, tmp_path, monkeypatch, client):
    path = tmp_path / "c.pdf"
    path.write_bytes(signed)
    command = __import__(
        "greenit.sanitization.management.commands.verify-certificate", fromlist=["fetch_status"]
    )
    answer = client.get(
        reverse("sanitization:status", args=[certificate.number, certificate.verify_code])
    ).json()
    answer["statement"] = answer["statement"].replace('"valid"', '"revoked"')
    monkeypatch.setattr(command, "fetch_status", lambda url: answer)
    code, output = _cli(path, "--online")
    assert code == 1 and "UNKNOWN" in output


def test_the_status_address_needs_the_code(certificate, client):
    assert (
        client.get(
            reverse("sanitization:status", args=[certificate.number, "WRONGCODE000"])
        ).status_code
        == 404
    )
    assert client.get(reverse("sanitization:ca")).content.startswith(b"-----BEGIN CERTIFICATE")


# The signing chain: a self-made CA by default, or one issued by a real CA, imported


def test_keys_ca_makes_a_chain_and_refuses_to_replace_it(tmp_path, settings):
    settings.SIGNING_PDF_DIR = tmp_path / "pdf"
    out = StringIO()
    call_command("keys", "ca", stdout=out)
    assert "Trusted root" in out.getvalue() and "valid until" in out.getvalue()
    assert oct((tmp_path / "pdf" / "key.pem").stat().st_mode)[-3:] == "600"
    with pytest.raises(CommandError, match="already exists"):
        call_command("keys", "ca", stdout=StringIO())


def test_an_imported_chain_signs_and_verifies(certificate, tmp_path, settings):
    issuer = tmp_path / "issued-by-a-real-ca"
    signing.create_chain(issuer)  # stands in for the files a CA hands out
    settings.SIGNING_PDF_DIR = tmp_path / "pdf"
    call_command(
        "keys", "import-chain", "--key", str(issuer / "key.pem"), "--cert",
        str(issuer / "cert.pem"), "--chain", str(issuer / "chain.pem"), stdout=StringIO(),
    )  # fmt: skip
    assert not (tmp_path / "pdf" / "ca-key.pem").exists()
    data = pdf.render_pdf(certificate)
    assert offline.check_pdf(data).valid and _pyhanko_accepts(data)


def test_a_chain_that_does_not_fit_is_not_imported(tmp_path, settings):
    one, other = tmp_path / "one", tmp_path / "other"
    signing.create_chain(one)
    signing.create_chain(other)
    settings.SIGNING_PDF_DIR = tmp_path / "pdf"
    bad = [
        ("other/key.pem", "one/cert.pem", "one/chain.pem", "does not belong"),
        ("one/key.pem", "one/cert.pem", "other/chain.pem", "did not issue"),
        ("one/key.pem", "one/cert.pem", "one/cert.pem", "did not issue"),
    ]
    for key, cert, chain, why in bad:
        with pytest.raises(CommandError, match=why):
            call_command(
                "keys", "import-chain", "--key", str(tmp_path / key), "--cert",
                str(tmp_path / cert), "--chain", str(tmp_path / chain), stdout=StringIO(),
            )  # fmt: skip
    ed25519 = tmp_path / "ed25519.pem"
    signing.create_key(ed25519)
    with pytest.raises(CommandError, match="ECDSA or RSA"):
        call_command(
            "keys", "import-chain", "--key", str(ed25519), "--cert", str(one / "cert.pem"),
            "--chain", str(one / "chain.pem"), stdout=StringIO(),
        )  # fmt: skip
    assert not (tmp_path / "pdf" / "key.pem").exists()


def test_the_cli_checks_with_the_published_ca_and_key(signed, client, tmp_path, settings):
    (tmp_path / "c.pdf").write_bytes(signed)
    (tmp_path / "ca.pem").write_bytes(client.get(reverse("sanitization:ca")).content)
    (tmp_path / "key.pem").write_bytes(client.get(reverse("sanitization:public_key")).content)
    settings.SIGNING_PDF_DIR = tmp_path / "not-here"  # offline: nothing of the installation
    code, output = _cli(tmp_path / "c.pdf", "--ca", str(tmp_path / "ca.pem"), "--public-key",
                        str(tmp_path / "key.pem"))  # fmt: skip
    assert code == 0, output
    (tmp_path / "other.pem").write_bytes((tmp_path / "c.pdf").read_bytes()[:10])
    code, output = _cli(tmp_path / "c.pdf", "--ca", str(tmp_path / "other.pem"))
    assert code != 0


def test_every_byte_of_the_signature_changed_fails_in_ours(signed):
    """A validator reads the parts of a signature no digest covers leniently (a changed copy
    of a carried certificate, a version number, the digest list, the signed attributes' tag
    all validated); our check refuses a change to any byte of it: every byte outside the
    carried certificates, every fifth inside them (each check reads the whole file)."""
    contents = re.search(rb"/Contents\s*<([0-9a-fA-F]+)>", signed)
    used = len(contents.group(1).rstrip(b"0")) // 2
    signed_data = offline._embedded_signature(signed).signed_data
    raw = bytes.fromhex(contents.group(1)[: used * 2].decode())
    certificates = signed_data["certificates"].dump()
    first = raw.index(certificates)
    offsets = [
        *range(first),
        *range(first, first + len(certificates), 5),
        *range(first + len(certificates), used),
    ]
    accepted = []
    for offset in offsets:
        position = contents.start(1) + 2 * offset
        data = bytearray(signed)
        data[position] = ord("1") if data[position] != ord("1") else ord("2")
        try:
            offline.check_file_signature(bytes(data))
        except ValueError:
            continue
        accepted.append(offset)
    assert not accepted, f"bytes of the signature changed and still accepted: {accepted}"
