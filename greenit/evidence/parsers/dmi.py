"""dmidecode's text and smartctl's JSON, as our agent and workbench-script both send them."""

from greenit.evidence import normalise

from .base import Disk


def sections(text: str) -> dict[str, list[dict[str, str]]]:
    """dmidecode's output as {"System Information": [{"Manufacturer": "Dell Inc.", …}], …}."""
    found: dict[str, list[dict[str, str]]] = {}
    for block in text.replace("\r\n", "\n").split("\n\n"):
        lines = block.strip("\n").split("\n")
        if len(lines) < 2 or not lines[0].startswith("Handle "):
            continue
        values: dict[str, str] = {}
        for line in lines[2:]:
            if line.startswith("\t") and not line.startswith("\t\t") and ":" in line:
                key, _sep, value = line.strip().partition(":")
                values[key.strip()] = value.strip()
        found.setdefault(lines[1].strip(), []).append(values)
    return found


def first(found: dict, section: str, key: str) -> str:
    for values in found.get(section, []):
        if value := normalise.text(values.get(key)):
            return value
    return ""


def read_dmidecode(text: str, parsed) -> None:
    """Fill `parsed` with the system, board, chassis, processor and memory dmidecode shows."""
    found = sections(text)
    parsed.make = normalise.vendor(first(found, "System Information", "Manufacturer"))
    parsed.model = first(found, "System Information", "Product Name")
    parsed.serial = normalise.serial(first(found, "System Information", "Serial Number"))
    parsed.dmi_uuid = normalise.dmi_uuid(first(found, "System Information", "UUID"))
    parsed.board_serial = normalise.serial(first(found, "Base Board Information", "Serial Number"))
    parsed.chassis = first(found, "Chassis Information", "Type")
    if not parsed.serial:
        parsed.serial = normalise.serial(first(found, "Chassis Information", "Serial Number"))
    parsed.cpu = first(found, "Processor Information", "Version")
    sizes = [
        normalise.size_bytes(values.get("Size", ""), binary=True)
        for values in found.get("Memory Device", [])
    ]
    parsed.ram_bytes = sum(s for s in sizes if s) or None


def media_type(smart: dict) -> str:
    protocol = str((smart.get("device") or {}).get("protocol", "")).lower()
    name = str((smart.get("device") or {}).get("name", "")).lower()
    if "nvme" in protocol or "nvme" in name:
        return "nvme"
    if "mmcblk" in name:
        return "emmc"
    rotation = smart.get("rotation_rate")
    if isinstance(rotation, int) and rotation > 0:
        return "hdd"
    return "sata_ssd" if rotation == 0 else "hdd"


def read_smartctl(smart: dict) -> Disk | None:
    """One drive from `smartctl --json` (-a or -x); None when smartctl could not read one."""
    if not isinstance(smart, dict):
        return None
    serial = normalise.serial(smart.get("serial_number"))
    model = normalise.text(smart.get("model_name"))
    if not (serial or model):
        return None
    capacity = (smart.get("user_capacity") or {}).get("bytes")
    if not isinstance(capacity, int):
        capacity = smart.get("nvme_total_capacity")
    hours = (smart.get("power_on_time") or {}).get("hours")
    passed = (smart.get("smart_status") or {}).get("passed")
    brand, _sep, rest = model.partition(" ")
    return Disk(
        serial=serial,
        model=model,
        manufacturer=normalise.vendor(smart.get("model_family", "").split(" ")[0] or brand),
        capacity_bytes=capacity if isinstance(capacity, int) and capacity > 0 else None,
        media_type=media_type(smart),
        interface=normalise.text((smart.get("device") or {}).get("protocol"))[:40],
        power_on_hours=hours if isinstance(hours, int) else None,
        health={True: "passed", False: "failing"}.get(passed, ""),
    )
