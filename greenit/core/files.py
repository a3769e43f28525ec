"""Uploaded files: one way in, one way out.

In: `clean_upload` decides a file's type by its content (the `filetype` library, and a PDF
must also parse), against the field's allow-list, never by the name or the browser's claim;
images are re-encoded (core/images.py) so that nothing but the pixels is kept; the file is
stored under a random name we choose, with the extension of the detected type.

Out: files are private, pages link to a view that checks who may see the object, and `serve`
hands the file over with the type read from its content again (so a file stored before this
rule, under a name someone else chose, is no exception), `X-Content-Type-Options: nosniff`,
and `Content-Disposition: attachment` for everything but an image (which we re-encoded)."""

import io
import secrets
from dataclasses import dataclass
from pathlib import PurePosixPath

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from greenit.core import images


@dataclass(frozen=True)
class Kind:
    extension: str
    mime: str
    image: bool = False


PDF = Kind("pdf", "application/pdf")
JPEG = Kind("jpg", "image/jpeg", image=True)
PNG = Kind("png", "image/png", image=True)
WEBP = Kind("webp", "image/webp", image=True)
XLSX = Kind("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
CSV = Kind("csv", "text/csv")
KINDS = {kind.extension: kind for kind in (PDF, JPEG, PNG, WEBP, XLSX, CSV)}
IMAGES = (JPEG, PNG, WEBP)
# Weight tickets, certificates of recycling, recyclers' licences: a scan or a PDF.
DOCUMENTS = (PDF, JPEG, PNG)
HEAD_BYTES = 8192


def detect(head: bytes) -> Kind | None:
    """The kind the content says, among those we know; None for anything else (HTML, SVG,
    scripts, unknown). Text formats (CSV) have no signature and are never detected."""
    guess = filetype.guess(head)
    if guess is None:
        return None
    kind = KINDS.get(guess.extension)
    return kind if kind is not None and kind.mime == guess.mime else None


def random_name(kind: Kind) -> str:
    """A name we choose: 32 random hex digits and the extension of the detected type."""
    return f"{secrets.token_hex(16)}.{kind.extension}"


def _names(kinds) -> str:
    return ", ".join(kind.extension.upper().replace("JPG", "JPEG") for kind in kinds)


def _pdf_parses(data: bytes) -> bool:
    from pypdf import PdfReader

    try:
        return len(PdfReader(io.BytesIO(data)).pages) > 0
    except Exception:  # pypdf raises many kinds for a damaged file: it is not a PDF we keep
        return False


def clean_upload(upload, *, field: str, kinds=DOCUMENTS, max_bytes: int | None = None):
    """The upload as a ContentFile to store: its type read from the content and one of
    `kinds`, a PDF that parses, an image re-encoded, no larger than `max_bytes`
    (UPLOAD_MAX_BYTES), under a random name with the detected extension. ValidationError
    on `field` otherwise, naming what to send instead."""
    max_bytes = settings.UPLOAD_MAX_BYTES if max_bytes is None else max_bytes
    if upload is None:
        raise ValidationError(
            {field: _("Attach the document (%(kinds)s).") % {"kinds": _names(kinds)}}
        )
    if upload.size > max_bytes:
        raise ValidationError(
            {
                field: _("The file is larger than %(mb)s MB: scan it at a lower resolution.")
                % {"mb": f"{max_bytes / 1_000_000:g}"}
            }
        )
    upload.seek(0)
    kind = detect(upload.read(HEAD_BYTES))
    upload.seek(0)
    refused = ValidationError(
        {
            field: _("%(name)s is not a %(kinds)s file: send one of those.")
            % {
                "name": PurePosixPath(getattr(upload, "name", "") or "file").name[-80:],
                "kinds": _names(kinds),
            }
        }
    )
    if kind not in kinds:
        raise refused
    if kind.image:
        try:
            formats = [f for f, ext in images.PHOTO_FORMATS.items() if KINDS[ext] in kinds]
            return images.reencode(upload, formats=formats)
        except ValidationError:
            raise refused from None
    data = upload.read()
    upload.seek(0)
    if kind is PDF and not _pdf_parses(data):
        raise refused
    return ContentFile(data, name=random_name(kind))


def serve(file: FieldFile) -> HttpResponse:
    """The stored file: streamed from local storage, or a redirect to the storage's own
    short-lived signed address (S3-compatible storage signs its URLs), typed by its content;
    only images are shown inline, everything else is downloaded."""
    if not file:
        raise Http404
    storage = file.storage
    name = PurePosixPath(file.name)
    try:
        storage.path(file.name)
    except NotImplementedError:
        return redirect(_signed_url(file, KINDS.get(name.suffix.lstrip(".").lower())))
    if not storage.exists(file.name):
        raise Http404
    handle = storage.open(file.name, "rb")
    kind = detect(handle.read(HEAD_BYTES))
    handle.seek(0)
    if kind is None and name.suffix.lower() == ".csv":
        kind = CSV  # text has no signature: only our own CSV files are stored as .csv
    # The name we give the download has the extension of the detected type, so that the
    # reader's system opens it with the right program (never as a web page).
    filename = f"{name.stem}.{kind.extension}" if kind else f"{name.stem}.bin"
    response = FileResponse(
        handle,
        content_type=kind.mime if kind else "application/octet-stream",
        as_attachment=not (kind and kind.image),
        filename=filename,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def attachment(handle, *, filename: str, kind: Kind) -> HttpResponse:
    """A file we made just now (an export), streamed as a download of its type, never shown
    as a page."""
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=kind.mime)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _signed_url(file: FieldFile, kind: Kind | None) -> str:
    """The storage's signed address, asking it to answer with our type and disposition."""
    parameters = {
        "ResponseContentType": kind.mime if kind else "application/octet-stream",
        "ResponseContentDisposition": "inline" if kind and kind.image else "attachment",
    }
    try:
        return file.storage.url(file.name, parameters=parameters)
    except TypeError:  # a storage without response parameters
        return file.url


def blank_pdf() -> bytes:
    """A valid one-page blank PDF: the demo's and the tests' stand-in for a scanned document."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
