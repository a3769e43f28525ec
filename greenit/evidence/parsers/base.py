"""The shapes every reader fills, and the checks they share (imported by each reader, so
that no reader imports the package that imports it)."""

import json
import uuid as uuid_module
from dataclasses import asdict, dataclass, field

from django.utils.translation import gettext as _

# Workbench-script puts the raw output of several tools in one body; 16 MiB is far above the
# largest real snapshot (≈ 1 MiB) and keeps a hostile upload from filling memory.
MAX_BYTES = 16 * 1024 * 1024


class ParseError(ValueError):
    """The evidence cannot be read: `field` names the part, `message` says what to fix."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass
class Disk:
    serial: str
    model: str = ""
    manufacturer: str = ""
    capacity_bytes: int | None = None
    media_type: str = "hdd"
    interface: str = ""
    power_on_hours: int | None = None
    health: str = ""


@dataclass
class Erasure:
    """One drive's erasure as a tool reported it: `record` holds the fields of a
    sanitization record (times as ISO text); `problem` says why it cannot be one."""

    device_name: str
    serial: str
    model: str = ""
    record: dict = field(default_factory=dict)
    problem: str = ""


@dataclass
class Parsed:
    format: str
    software: str = ""
    version: str = ""
    uuid: str = ""
    asset_tag: str = ""
    make: str = ""
    model: str = ""
    serial: str = ""
    dmi_uuid: str = ""
    board_serial: str = ""
    chassis: str = ""
    cpu: str = ""
    ram_bytes: int | None = None
    battery: str = ""
    macs: list[str] = field(default_factory=list)
    disks: list[Disk] = field(default_factory=list)
    erasures: list[Erasure] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # tools the station could not run
    notes: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return asdict(self)


def load_json(raw: bytes) -> object:
    try:
        return json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ParseError("body", _("The file is not UTF-8 text.")) from None
    except ValueError as exc:
        raise ParseError(
            "body",
            _("The JSON is malformed or cut short (%(error)s): send the whole file again.")
            % {"error": exc},
        ) from None
    except RecursionError:
        raise ParseError("body", _("The JSON is nested too deeply to be a snapshot.")) from None


def valid_uuid(value: object, field_name: str = "uuid") -> str:
    try:
        return str(uuid_module.UUID(str(value)))
    except (ValueError, TypeError, AttributeError):
        raise ParseError(
            field_name, _("“%(value)s” is not a UUID.") % {"value": str(value)[:60]}
        ) from None


def from_json(data: dict) -> Parsed:
    """A `Parsed` back from what a snapshot stored (`Parsed.as_json`)."""
    values = dict(data)
    values["disks"] = [Disk(**d) for d in values.get("disks", [])]
    values["erasures"] = [Erasure(**e) for e in values.get("erasures", [])]
    return Parsed(**values)
