"""eReuse Workbench snapshots: the current workbench-script (raw dmidecode text and a list of
`smartctl -x --json` outputs) and the older Workbench 11 (typed `device` and `components`,
disks carrying their erasure steps)."""

import json
from datetime import datetime

from django.utils.translation import gettext as _

from greenit.evidence import normalise

from . import dmi
from .base import Disk, Erasure, Parsed, ParseError, valid_uuid


def _text_field(data: dict, name: str) -> str:
    value = data.get(name)
    if not isinstance(value, str):
        raise ParseError(
            f"data.{name}", _("data.%(name)s is missing or is not text.") % {"name": name}
        )
    return value


def parse_script(data: dict) -> Parsed:
    parsed = Parsed(
        format="workbench_script",
        software=normalise.text(data.get("software"))[:100] or "workbench-script",
        version=normalise.text(data.get("version"))[:40],
        uuid=valid_uuid(data.get("uuid")),
    )
    body = data.get("data")
    if not isinstance(body, dict):
        raise ParseError("data", _("The snapshot has no “data” object."))
    dmi.read_dmidecode(_text_field(body, "dmidecode"), parsed)
    smart = body.get("smartctl", body.get("disks", []))
    if isinstance(smart, str):
        try:
            smart = json.loads(smart) if smart.strip() else []
        except ValueError:
            raise ParseError(
                "data.smartctl", _("data.smartctl is not the JSON list smartctl writes.")
            ) from None
    if not isinstance(smart, list):
        raise ParseError("data.smartctl", _("data.smartctl is not a list of drives."))
    parsed.disks = [disk for item in smart if (disk := dmi.read_smartctl(item))]
    if not (parsed.serial or parsed.dmi_uuid or parsed.disks):
        raise ParseError(
            "data.dmidecode", _("Neither dmidecode nor smartctl says anything about this device.")
        )
    return parsed


def _components(data: dict) -> list[dict]:
    components = data.get("components")
    if not isinstance(components, list) or not all(isinstance(c, dict) for c in components):
        raise ParseError("components", _("“components” is missing or is not a list of objects."))
    return components


WB11_DISKS = {"HardDrive": "hdd", "SolidStateDrive": "sata_ssd"}


def parse_11(data: dict) -> Parsed:
    device = data.get("device")
    if not isinstance(device, dict):
        raise ParseError("device", _("The snapshot has no “device” object."))
    parsed = Parsed(
        format="workbench_11",
        software=normalise.text(data.get("software"))[:100] or "Workbench",
        version=normalise.text(data.get("version"))[:40],
        uuid=valid_uuid(data.get("uuid")),
        make=normalise.vendor(device.get("manufacturer")),
        model=normalise.text(device.get("model"))[:100],
        serial=normalise.serial(device.get("serialNumber")),
        chassis=normalise.text(device.get("chassis") or device.get("type")),
    )
    ram = 0
    for index, component in enumerate(_components(data)):
        kind = component.get("type")
        if kind == "Processor" and not parsed.cpu:
            parsed.cpu = normalise.text(component.get("model"))
        elif kind == "RamModule":
            ram += normalise.size_bytes(f"{component.get('size', 0)} MiB") or 0
        elif kind == "Motherboard":
            parsed.board_serial = normalise.serial(component.get("serialNumber"))
        elif kind == "NetworkAdapter" and (address := normalise.mac(component.get("serialNumber"))):
            parsed.macs.append(address)
        elif kind in WB11_DISKS:
            _disk_11(parsed, component, index)
    parsed.ram_bytes = ram or None
    if not (parsed.serial or parsed.board_serial or parsed.disks):
        raise ParseError("device.serialNumber", _("The snapshot names no serial number at all."))
    return parsed


def _disk_11(parsed: Parsed, component: dict, index: int) -> None:
    size = component.get("size")
    disk = Disk(
        serial=normalise.serial(component.get("serialNumber")),
        model=normalise.text(component.get("model"))[:100],
        manufacturer=normalise.vendor(component.get("manufacturer"))[:100],
        # Workbench 11 gives sizes in MB (10^6 bytes).
        capacity_bytes=int(size * 1_000_000)
        if isinstance(size, int | float) and size > 0
        else None,
        media_type=WB11_DISKS[component["type"]],
        interface=normalise.text(component.get("interface"))[:40],
    )
    actions = component.get("actions") or []
    if not isinstance(actions, list):
        raise ParseError(
            f"components[{index}].actions", _("The actions of a component must be a list.")
        )
    for action in actions:
        if not isinstance(action, dict):
            continue
        if action.get("type") == "TestDataStorage":
            disk.power_on_hours = (
                action.get("lifetime") if isinstance(action.get("lifetime"), int) else None
            )
            disk.health = "passed" if action.get("assessment") is True else disk.health
        elif action.get("type") in ("EraseSectors", "EraseBasic"):
            parsed.erasures.append(_erasure_11(parsed, disk, action, index))
    parsed.disks.append(disk)


def _moment(value: object, where: str) -> str:
    try:
        return datetime.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise ParseError(
            where, _("“%(value)s” is not a date and time.") % {"value": str(value)[:40]}
        ) from None


def _erasure_11(parsed: Parsed, disk: Disk, action: dict, index: int) -> Erasure:
    where = f"components[{index}].actions"
    steps = [s for s in action.get("steps") or [] if isinstance(s, dict)]
    patterns = {"StepZero": "zeros", "StepRandom": "random"}
    ok = action.get("severity", "Info") in ("Info", "Notice") and all(
        s.get("severity", "Info") in ("Info", "Notice") for s in steps
    )
    erasure = Erasure(device_name=disk.model, serial=disk.serial, model=disk.model)
    if action["type"] == "EraseBasic":
        # Workbench's basic erasure does not read back what it wrote: not a Clear by NIST.
        erasure.problem = _("Workbench's EraseBasic is not verified, so it is not a Clear.")
    erasure.record = {
        "nist_category": "clear",
        "technique": "overwrite",
        "pattern": " + ".join(patterns.get(s.get("type"), str(s.get("type"))) for s in steps)[:60],
        "passes": max(len(steps), 1),
        "tool": f"eReuse Workbench ({action['type']})",
        "tool_version": parsed.version,
        "started_at": _moment(action.get("startTime"), f"{where}.startTime"),
        "ended_at": _moment(action.get("endTime"), f"{where}.endTime"),
        # EraseSectors checks each step's sectors after writing them (sampled read-back).
        "verification": "sampled",
        "verification_result": "passed" if ok else "failed",
        "result": "passed" if ok else "failed",
        "errors": ""
        if ok
        else _("Workbench reported severity %(s)s.") % {"s": action.get("severity")},
    }
    return erasure
