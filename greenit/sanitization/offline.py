"""Checking a certificate PDF offline: take the attached certificate.json out of the PDF and
verify its Ed25519 signature with the organisation's public key. Used by
`greenit verify-certificate` and by the upload form of the public verify page."""

import io
import json
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .pdf import ATTACHMENT_NAME
from .services import Check, check_signed


@dataclass
class PdfCheck:
    valid: bool
    message: str
    check: Check | None = None
    on_record: object = field(default=None)


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


def check_pdf(data: bytes, *, public_key=None) -> PdfCheck:
    try:
        bundle = extract_bundle(data)
    except ValueError as error:
        return PdfCheck(False, str(error))
    check = check_signed(
        bundle["payload"].encode("utf-8"), bundle["signature"], public_key=public_key
    )
    return PdfCheck(check.valid, check.message, check)
