"""The organisation's own name and logo on the documents it issues (settings.ORGANISATION_NAME
and ORGANISATION_LOGO), rather than the software's name."""

import base64
import logging
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage

log = logging.getLogger(__name__)

LOGO_TYPES = {".svg": "image/svg+xml", ".png": "image/png"}


def name() -> str:
    return settings.ORGANISATION_NAME


def _logo_bytes(location: str) -> bytes | None:
    path = Path(location)
    if path.is_absolute():
        return path.read_bytes() if path.is_file() else None
    if default_storage.exists(location):
        with default_storage.open(location, "rb") as f:
            return f.read()
    return None


def logo_uri() -> str:
    """The logo as a data: URI, for PDFs and pages alike (whatever the storage), or "" when
    ORGANISATION_LOGO is unset, not an SVG or PNG, or cannot be read: the documents then show
    the organisation's name instead, and the log says why."""
    location = settings.ORGANISATION_LOGO
    if not location:
        return ""
    kind = LOGO_TYPES.get(Path(location).suffix.lower())
    if kind is None:
        log.warning("ORGANISATION_LOGO %s is not an .svg or .png file: showing the name", location)
        return ""
    try:
        data = _logo_bytes(location)
    except OSError as error:
        log.warning("ORGANISATION_LOGO %s cannot be read (%s): showing the name", location, error)
        return ""
    if data is None:
        log.warning("ORGANISATION_LOGO %s is not found: showing the name", location)
        return ""
    return f"data:{kind};base64,{base64.b64encode(data).decode('ascii')}"
