"""nwipe's log (options, passes, verification, Error Summary, Drive Status) and, from nwipe
0.34 on, its PDF certificate read through `pdftotext`."""

import re
import shutil
import subprocess
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext as _

from greenit.evidence import normalise

from .base import Erasure, Parsed, ParseError

LINE = re.compile(r"^\[(\d{4}/\d{2}/\d{2} \d{2}:\d{2}:\d{2})\]\s+(\w+):\s?(.*)$")
OPTION = re.compile(r"^\s+(\w+)\s+=\s+(.*)$")
TABLE_ROW = re.compile(r"^\s*(\S+)\s+\|(.*)$")
# nwipe's method names → the pattern shown on the record (all are overwrites: NIST Clear).
METHODS = {
    "prng stream": "PRNG stream",
    "zero fill": "zeros",
    "fill with zeros": "zeros",
    "one fill": "ones",
    "fill with ones": "ones",
    "dod 5220.22-m": "DoD 5220.22-M",
    "dod short": "DoD 5220.22-M (short)",
    "gutmann wipe": "Gutmann",
    "rcmp tssit ops-ii": "RCMP TSSIT OPS-II",
    "bmb21-2019": "BMB21-2019",
}
VERIFY_ONLY = {"verify zeros", "verify ones"}


@dataclass
class Drive:
    name: str
    model: str = ""
    serial: str = ""
    bytes_total: int | None = None
    bytes_written: int = 0
    passes_per_round: int = 1
    started: datetime | None = None
    ended: datetime | None = None
    blanked: bool = False
    errors: dict[str, int] = field(default_factory=dict)
    status: str = ""


def _when(stamp: str) -> datetime:
    # nwipe writes the station's local time without a zone: read it in greenit's zone.
    moment = datetime.strptime(stamp, "%Y/%m/%d %H:%M:%S")
    return moment.replace(tzinfo=ZoneInfo(settings.TIME_ZONE))


def _short(device: str) -> str:
    return device.rsplit("/", 1)[-1]


def parse_log(raw: bytes) -> Parsed:
    text = raw.decode("utf-8", errors="replace")
    if "nwipe" not in text.lower():
        raise ParseError(
            "body", _("This is neither JSON nor an nwipe log: greenit cannot read this file.")
        )
    parsed = Parsed(format="nwipe_log", software="nwipe")
    options: dict[str, str] = {}
    drives: dict[str, Drive] = {}
    for line in text.splitlines():
        _read_line(line, options, drives)
    _read_tables(text, drives)
    parsed.version = options.get("banner", "").replace("nwipe", "").strip()[:40]
    if "Drive Status" not in text or not drives:
        raise ParseError(
            "body",
            _(
                "The nwipe log has no Drive Status table: it is cut short or the wipe did not"
                " finish. Send the whole log of a finished run."
            ),
        )
    for drive in drives.values():
        parsed.erasures.append(_erasure(drive, options, parsed.version))
    return parsed


def _read_line(line: str, options: dict[str, str], drives: dict[str, Drive]) -> None:
    match = LINE.match(line)
    if not match:
        return
    stamp, _level, message = match.groups()
    if option := OPTION.match(message):
        options[option.group(1)] = option.group(2).strip()
        return
    if found := re.match(r"Found (/dev/\S+), [^,]*, (.*?),\s+[\d.]+ [KMGT]?B, S/N=(.*)$", message):
        drive = drives.setdefault(_short(found.group(1)), Drive(_short(found.group(1))))
        drive.model = normalise.text(found.group(2))[:100]
        drive.serial = normalise.serial(found.group(3))
    elif found := re.match(r"(/dev/\S+) has serial number (.*)$", message):
        drive = drives.setdefault(_short(found.group(1)), Drive(_short(found.group(1))))
        drive.serial = normalise.serial(found.group(2)) or drive.serial
    elif found := re.match(r"(/dev/\S+), sect/blk/dev \d+/\d+/(\d+)", message):
        drives.setdefault(_short(found.group(1)), Drive(_short(found.group(1)))).bytes_total = int(
            found.group(2)
        )
    elif found := re.match(r"Invoking method .* on (/dev/\S+)", message):
        drives.setdefault(_short(found.group(1)), Drive(_short(found.group(1)))).started = _when(
            stamp
        )
    elif found := re.match(r"Starting pass \d+/(\d+), round .* on (/dev/\S+)", message):
        if drive := drives.get(_short(found.group(2))):
            drive.passes_per_round = int(found.group(1))
    elif found := re.match(r"(\d+) bytes written to (/dev/\S+)", message):
        if drive := drives.get(_short(found.group(2))):
            drive.bytes_written += int(found.group(1))
            drive.ended = _when(stamp)
    elif found := re.search(
        r"(Blanked device|Verified that|Finished final round .* on) '?(/dev/[^\s.']+)", message
    ):
        if drive := drives.get(_short(found.group(2))):
            drive.ended = _when(stamp)
            drive.blanked = drive.blanked or found.group(1) == "Blanked device"


def _read_tables(text: str, drives: dict[str, Drive]) -> None:
    section = ""
    for line in text.splitlines():
        if "Error Summary" in line:
            section = "errors"
        elif "Drive Status" in line:
            section = "status"
        elif section and (row := TABLE_ROW.match(line)) and row.group(1) in drives:
            cells = [c.strip() for c in row.group(2).split("|")]
            drive = drives[row.group(1)]
            if section == "errors" and len(cells) >= 3:
                numbers = [int(c) if c.isdigit() else -1 for c in cells[:3]]
                drive.errors = dict(
                    zip(("pass", "verification", "fdatasync"), numbers, strict=True)
                )
            elif section == "status" and cells:
                drive.status = cells[0]


def _erasure(drive: Drive, options: dict[str, str], version: str) -> Erasure:
    method = options.get("method", "").strip()
    verify = options.get("verify", "0").split(" ", 1)[0]
    rounds = int(options.get("rounds", "1").split(" ", 1)[0] or 1)
    erasure = Erasure(device_name=drive.name, serial=drive.serial, model=drive.model)
    if method.lower() in VERIFY_ONLY:
        erasure.problem = _("nwipe only verified this drive (%(method)s): nothing was erased.") % {
            "method": method
        }
    elif verify == "0":
        erasure.problem = _("nwipe ran without verification, so the wipe is not a Clear.")
    if drive.started is None or drive.ended is None:
        erasure.problem = erasure.problem or _("The log does not say when this drive's wipe ran.")
    verified_ok = drive.errors.get("verification", -1) == 0
    erased = drive.status.lower() == "erased" and all(v == 0 for v in drive.errors.values())
    pattern = METHODS.get(method.lower(), method)
    if prng := options.get("prng"):
        pattern = f"{pattern} ({prng})" if method.lower() == "prng stream" else pattern
    erasure.record = {
        "nist_category": "clear",
        "technique": "overwrite",
        "pattern": pattern[:60],
        "passes": rounds * drive.passes_per_round + (1 if drive.blanked else 0),
        "tool": "nwipe",
        "tool_version": version,
        "started_at": drive.started.isoformat() if drive.started else "",
        "ended_at": drive.ended.isoformat() if drive.ended else "",
        "bytes_written": drive.bytes_written or None,
        "verification": "none" if verify == "0" else "full",
        "verification_result": "not_verified"
        if verify == "0"
        else ("passed" if verified_ok else "failed"),
        "result": "passed" if erased and verified_ok and verify != "0" else "failed",
        "errors": ""
        if erased
        else _("nwipe status %(status)s; errors %(errors)s")
        % {"status": drive.status or "?", "errors": drive.errors},
    }
    return erasure


def parse_pdf(raw: bytes) -> Parsed:
    """nwipe ≥ 0.34's certificate: its text (through poppler's pdftotext) carries the same
    fields as the log's tables, one drive per certificate."""
    tool = shutil.which("pdftotext")
    if tool is None:
        raise ParseError("body", _("This server cannot read PDF files (pdftotext is missing)."))
    try:
        done = subprocess.run(  # noqa: S603 (fixed program, the PDF on stdin)
            [tool, "-layout", "-", "-"], input=raw, capture_output=True, timeout=30, check=True
        )
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
        raise ParseError("body", _("The PDF is damaged or cut short: it cannot be read.")) from None
    return parse_certificate_text(done.stdout.decode("utf-8", errors="replace"))


def _field(text: str, *labels: str) -> str:
    for label in labels:
        if found := re.search(
            rf"{label}\s*:?\s*(.+?)(?:\s{{2,}}|$)", text, re.MULTILINE | re.IGNORECASE
        ):
            return found.group(1).strip()
    return ""


def parse_certificate_text(text: str) -> Parsed:
    if "nwipe" not in text.lower():
        raise ParseError("body", _("This PDF is not an nwipe certificate."))
    parsed = Parsed(format="nwipe_pdf", software="nwipe")
    parsed.version = _field(text, r"nwipe version", r"Version").replace("nwipe", "").strip()[:40]
    serial = normalise.serial(_field(text, r"Serial(?: Number)?", r"S/N"))
    status = _field(text, r"Status")
    method = _field(text, r"Method")
    verify = _field(text, r"Verify", r"Verification")
    started, ended = _field(text, r"Start(?: time)?"), _field(text, r"End(?: time)?")
    erasure = Erasure(device_name=_field(text, r"Device") or serial, serial=serial)
    erasure.model = normalise.text(_field(text, r"Model"))[:100]
    try:
        start = datetime.strptime(started[:19], "%Y/%m/%d %H:%M:%S").replace(
            tzinfo=ZoneInfo(settings.TIME_ZONE)
        )
        end = datetime.strptime(ended[:19], "%Y/%m/%d %H:%M:%S").replace(
            tzinfo=ZoneInfo(settings.TIME_ZONE)
        )
    except ValueError:
        raise ParseError(
            "body", _("The certificate gives no readable start and end time.")
        ) from None
    verified = bool(verify) and not verify.lower().startswith(("off", "none", "0"))
    erased = status.lower().startswith("erased")
    erasure.record = {
        "nist_category": "clear",
        "technique": "overwrite",
        "pattern": METHODS.get(method.lower(), method)[:60],
        "passes": int(_field(text, r"Rounds") or 1)
        if (_field(text, r"Rounds") or "1").isdigit()
        else 1,
        "tool": "nwipe",
        "tool_version": parsed.version,
        "started_at": start.isoformat(),
        "ended_at": end.isoformat(),
        "verification": "full" if verified else "none",
        "verification_result": ("passed" if erased else "failed") if verified else "not_verified",
        "result": "passed" if erased and verified else "failed",
        "hpa_dco": _field(text, r"HPA/DCO", r"HPA")[:200],
    }
    if not verified:
        erasure.problem = _("nwipe ran without verification, so the wipe is not a Clear.")
    parsed.erasures.append(erasure)
    return parsed
