"""greenit-wipe's own inventory (`greenit-wipe inventory`): dmidecode's text, per drive its
lsblk row and `smartctl --json`, lshw's JSON where present, batteries from sysfs, and which
tools were missing on the station."""

from django.utils.translation import gettext as _

from greenit.evidence import normalise

from . import dmi
from .base import Disk, Parsed, ParseError, valid_uuid

TYPE = "greenit-inventory"


def parse(data: dict) -> Parsed:
    if data.get("version") != 1:
        raise ParseError("version", _("Only version 1 of the greenit inventory is known."))
    parsed = Parsed(
        format="greenit",
        software="greenit-wipe",
        version=normalise.text(data.get("agent_version"))[:40],
        uuid=valid_uuid(data.get("uuid")),
        asset_tag=normalise.text(data.get("asset_tag"))[:20],
    )
    tools = data.get("tools")
    if not isinstance(tools, dict):
        raise ParseError("tools", _("“tools” must say which tools ran and which were missing."))
    parsed.missing = sorted(str(name) for name, state in tools.items() if state != "ok")
    if isinstance(data.get("dmidecode"), str):
        dmi.read_dmidecode(data["dmidecode"], parsed)
    drives = data.get("drives")
    if not isinstance(drives, list):
        raise ParseError("drives", _("“drives” must be a list (empty when none was found)."))
    for index, drive in enumerate(drives):
        if not isinstance(drive, dict):
            raise ParseError(f"drives[{index}]", _("Each drive must be an object."))
        if disk := dmi.read_smartctl(drive.get("smartctl") or {}) or _from_lsblk(drive):
            parsed.disks.append(disk)
    for battery in data.get("batteries") or []:
        if isinstance(battery, dict) and isinstance(battery.get("health_percent"), int | float):
            parsed.battery = f"{battery.get('name', '')} {battery['health_percent']:.0f}%".strip()
    return parsed


def _from_lsblk(drive: dict) -> Disk | None:
    row = drive.get("lsblk")
    if not isinstance(row, dict):
        return None
    transport = normalise.text(row.get("tran")).lower()
    rotational = row.get("rota") in (True, "1", 1)
    kind = "nvme" if transport == "nvme" else "usb_flash" if transport == "usb" else None
    return Disk(
        serial=normalise.serial(row.get("serial")),
        model=normalise.text(row.get("model"))[:100],
        manufacturer=normalise.vendor(row.get("vendor"))[:100],
        capacity_bytes=row.get("size") if isinstance(row.get("size"), int) else None,
        media_type=kind or ("hdd" if rotational else "sata_ssd"),
        interface=transport[:40],
    )
