"""Readers of the evidence formats greenit accepts. Each turns raw bytes into one `Parsed`
(what the device is, its drives, the erasures it reports) or raises `ParseError` naming
what is wrong; none touches the database."""

import re

from django.utils.translation import gettext as _

from . import greenit, nwipe, peracotta, workbench
from .base import (  # noqa: F401  the package's names, as before
    MAX_BYTES,
    Disk,
    Erasure,
    Parsed,
    ParseError,
    from_json,
    load_json,
    valid_uuid,
)


def parse(raw: bytes, *, filename: str = "") -> Parsed:
    """Recognise the format of `raw` and read it."""
    if not raw.strip():
        raise ParseError("body", _("The file is empty."))
    if len(raw) > MAX_BYTES:
        raise ParseError("body", _("The file is larger than 16 MiB: this is not a snapshot."))
    if raw.startswith(b"%PDF"):
        return nwipe.parse_pdf(raw)
    head = raw.lstrip()[:1]
    if head not in (b"{", b"[") or re.match(rb"\s*\[\d{4}/\d\d/\d\d ", raw):
        return nwipe.parse_log(raw)
    data = load_json(raw)
    if isinstance(data, list) or (isinstance(data, dict) and "features" in data):
        return peracotta.parse(data)
    if not isinstance(data, dict):
        raise ParseError("body", _("A snapshot is a JSON object."))
    if data.get("type") == greenit.TYPE:
        return greenit.parse(data)
    if data.get("software") == "workbench-script" or (
        isinstance(data.get("data"), dict) and "dmidecode" in data["data"]
    ):
        return workbench.parse_script(data)
    if data.get("software") == "Workbench" or "components" in data:
        return workbench.parse_11(data)
    raise ParseError(
        "body",
        _(
            "This is not a format greenit reads: send a greenit-wipe inventory, an eReuse"
            " Workbench snapshot, an nwipe log or peracotta's JSON."
        ),
    )
