"""Photos people upload (donation offers, classroom openings, support tickets): only JPEG, PNG
or WebP, size-limited, and re-encoded so that nothing but the pixels is kept. Photos of a
classroom show children: the place a phone wrote into the EXIF block must never be published."""

import io
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

PHOTO_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}  # Pillow's name: extension
ACCEPT = "image/jpeg,image/png,image/webp"


def clean_photo(upload) -> ContentFile:
    """A JPEG, PNG or WebP under PHOTO_MAX_BYTES, re-encoded so that nothing but the pixels
    is kept (no EXIF: no place, no camera serial); ValidationError otherwise."""
    name = getattr(upload, "name", "photo")
    if upload.size > settings.PHOTO_MAX_BYTES:
        raise ValidationError(
            _("%(name)s is larger than %(mb)s MB: send a smaller photo.")
            % {"name": name, "mb": round(settings.PHOTO_MAX_BYTES / 1_000_000, 1)}
        )
    return reencode(upload)


def reencode(upload, formats=tuple(PHOTO_FORMATS)) -> ContentFile:
    """The picture read by Pillow (its content decides the format, never the name), one of
    `formats` (JPEG, PNG, WEBP), written again from its pixels alone under a random name with
    the format's extension: whatever else the file carried (EXIF, a script after the image
    data) is gone. ValidationError otherwise."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    name = getattr(upload, "name", "photo")
    upload.seek(0)
    try:
        image = Image.open(upload)
        kind = image.format
        image.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as error:
        raise ValidationError(
            _("%(name)s is not a photo we can read: send a JPEG, PNG or WebP file.")
            % {"name": name}
        ) from error
    if kind not in formats:
        raise ValidationError(
            _("%(name)s is a %(kind)s file: send a JPEG, PNG or WebP photo.")
            % {"name": name, "kind": kind}
        )
    image = ImageOps.exif_transpose(image)
    if kind == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    out = io.BytesIO()
    image.save(out, format=kind)  # a fresh file: the EXIF block is not copied
    return ContentFile(out.getvalue(), name=f"{secrets.token_hex(16)}.{PHOTO_FORMATS[kind]}")
