"""Checking a certificate PDF as a file, online (the upload form of the public verify page) or
offline (`greenit verify-certificate`). Two signatures must hold:

- the PDF's own signature (PAdES, pyHanko): it covers the whole file, nothing was appended
  after it (no incremental update), it is the only one, and its certificate leads to our
  certificate authority (signing.trust_roots) — so no visible word, byte or page was changed;
- the Ed25519 signature over the attached certificate.json, checked with the organisation's
  public key — the content that the database holds for the certificate's number."""

import io
import json
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from . import signing
from .pdf import ATTACHMENT_NAME
from .services import Check, check_signed


@dataclass
class PdfCheck:
    valid: bool
    message: str
    check: Check | None = None
    on_record: object = field(default=None)
    # what the PDF's own signature says, whether or not it held
    file_message: str = ""
    signer: str = ""
    payload_text: str = ""

    def compare_with(self, certificate) -> None:
        """Online: the certificate on record with this number; a PDF whose signed content is
        not the record's is not valid, whatever its signatures say."""
        self.on_record = certificate
        if self.valid and certificate is not None and certificate.payload != self.payload_text:
            self.valid = False
            self.message = _("This PDF does not match the certificate on record with its number.")


def extract_bundle(data: bytes) -> dict:
    """The attached certificate.json of a PDF, as a dict; ValueError when it cannot be read."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        attachments = reader.attachments
        contents = attachments.get(ATTACHMENT_NAME)
    except (PdfReadError, ValueError, KeyError, TypeError, OSError, AssertionError) as error:
        raise ValueError(_("This is not a readable PDF: %(e)s") % {"e": error}) from error
    except Exception as error:  # noqa: BLE001 -- a damaged PDF may break the reader anywhere
        raise ValueError(_("This is not a readable PDF: %(e)s") % {"e": error}) from error
    if not contents:
        raise ValueError(_("This PDF has no attached certificate.json."))
    if len(contents) != 1:
        raise ValueError(_("This PDF has more than one certificate.json."))
    try:
        bundle = json.loads(contents[0].decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise ValueError(_("The attached certificate.json is damaged.")) from error
    if not isinstance(bundle, dict) or not all(
        isinstance(bundle.get(k), str) for k in ("payload", "signature")
    ):
        raise ValueError(_("The attached certificate.json is damaged."))
    return bundle


def _embedded_signature(data: bytes):
    """The one signature of the file (pyHanko); ValueError naming what is wrong otherwise."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        signatures = PdfFileReader(io.BytesIO(data), strict=False).embedded_signatures
    except Exception as error:  # noqa: BLE001 -- a damaged PDF may break the reader anywhere
        raise ValueError(_("This is not a readable PDF: %(e)s") % {"e": error}) from error
    if not signatures:
        raise ValueError(
            _("This PDF carries no signature of its own: greenit did not issue it as it is.")
        )
    if len(signatures) > 1:
        raise ValueError(_("This PDF carries more than one signature: it was signed again."))
    return signatures[0]


def _only_zeros_after_the_signature(embedded) -> bool:
    """The signature's /Contents is reserved bigger than the CMS it holds; the rest is zero
    padding, which no digest covers. A validator ignores it, but a changed byte there is still
    a changed file, so it is refused too."""
    raw = bytes(embedded.sig_object.get("/Contents", b""))
    if len(raw) < 2 or raw[0] != 0x30:
        return False
    if raw[1] < 0x80:
        end = 2 + raw[1]
    else:
        size = raw[1] & 0x7F
        end = 2 + size + int.from_bytes(raw[2 : 2 + size], "big")
    return not any(raw[end:])


def _nothing_unsigned_changed(embedded, signing_cert, chain) -> bool:
    """Parts of a signature that no digest covers, which a validator reads leniently, so that
    a changed byte there still validates (each found by changing every byte of a real
    signature in turn):

    - the certificates it carries: a validator takes the signer's from among them and the
      authority from its own trust list, ignoring a changed copy of either; each one carried
      must be, byte for byte, the validated signer's certificate or one of the chain's;
    - the version numbers and the list of digest algorithms, which the signer's own entry
      repeats: they must be the ones our signer writes;
    - the tag of the signed attributes, which are digested re-tagged as a SET."""
    signed_data = embedded.signed_data
    known = {signing_cert.dump(), *(cert.dump() for cert in chain)}
    if not all(choice.chosen.dump() in known for choice in signed_data["certificates"]):
        return False
    if len(signed_data["signer_infos"]) != 1:
        return False
    signer_info = signed_data["signer_infos"][0]
    digest = signer_info["digest_algorithm"].dump()  # covered: a change fails the signature
    return (
        signed_data["version"].native == "v1"
        and signer_info["version"].native == "v1"
        and signed_data["digest_algorithms"].dump() == bytes([0x31, len(digest)]) + digest
        and signer_info["signed_attrs"].dump()[:1] == b"\xa0"
    )


def check_file_signature(data: bytes, trust_chain_pem: bytes | None = None) -> tuple[str, str]:
    """(message, signer) when the PDF's signature holds over the whole, unchanged file and
    leads to our certificate authority; ValueError with the reason otherwise."""
    from pyhanko.keys import load_certs_from_pemder_data
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    embedded = _embedded_signature(data)
    if not _only_zeros_after_the_signature(embedded):
        raise ValueError(_("The PDF's signature does not hold: the file was changed."))
    roots = list(load_certs_from_pemder_data(trust_chain_pem or signing.pdf_signing_files()[2]))
    context = ValidationContext(trust_roots=roots, allow_fetching=False)
    try:
        status = validate_pdf_signature(embedded, context)
    except Exception as error:  # noqa: BLE001 -- a forged signature may break the parser anywhere
        raise ValueError(_("The PDF's signature cannot be read: %(e)s") % {"e": error}) from error
    signer = status.signing_cert.subject.human_friendly
    if not (status.intact and status.valid) or not _nothing_unsigned_changed(
        embedded, status.signing_cert, roots
    ):
        raise ValueError(_("The PDF's signature does not hold: the file was changed."))
    if status.coverage != SignatureCoverageLevel.ENTIRE_FILE or not status.docmdp_ok:
        raise ValueError(
            _("The PDF was changed after it was signed (something was added to the end of it).")
        )
    if not status.trusted:
        raise ValueError(
            _("The PDF was signed by %(signer)s, which is not our certificate authority.")
            % {"signer": signer}
        )
    return _("The PDF's signature holds over the whole file: not a byte was changed."), signer


def check_pdf(data: bytes, *, public_key=None, trust_chain_pem: bytes | None = None) -> PdfCheck:
    """Both signatures of a certificate PDF (see the module's docstring)."""
    try:
        file_message, signer = check_file_signature(data, trust_chain_pem)
    except ValueError as error:
        return PdfCheck(False, str(error), file_message=str(error))
    try:
        bundle = extract_bundle(data)
    except ValueError as error:
        return PdfCheck(False, str(error), file_message=file_message, signer=signer)
    check = check_signed(
        bundle["payload"].encode("utf-8"), bundle["signature"], public_key=public_key
    )
    return PdfCheck(
        check.valid,
        check.message,
        check,
        file_message=file_message,
        signer=signer,
        payload_text=bundle["payload"],
    )
