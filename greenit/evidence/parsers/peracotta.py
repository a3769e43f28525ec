"""WEEE Open's peracotta: a JSON list of typed components (case, motherboard, cpu, ram, hdd,
ssd…), flat or in tarallo's nesting ({"features": {…}, "contents": […]})."""

from django.utils.translation import gettext as _

from greenit.evidence import normalise

from .base import Disk, Parsed, ParseError


def _flatten(items: object, where: str = "") -> list[dict]:
    if isinstance(items, dict):
        items = [items]
    if not isinstance(items, list):
        raise ParseError(where or "body", _("peracotta's output is a list of components."))
    found: list[dict] = []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise ParseError(f"{where}[{index}]", _("Each component must be an object."))
        features = item.get("features", item)
        if isinstance(features, dict) and "type" in features:
            found.append(features)
        if "contents" in item:
            found.extend(_flatten(item["contents"], f"{where}[{index}].contents"))
    return found


def parse(data: object) -> Parsed:
    parsed = Parsed(format="peracotta", software="peracotta")
    ram = 0
    for features in _flatten(data):
        kind = str(features.get("type", "")).lower()
        if kind == "case":
            parsed.make = normalise.vendor(features.get("brand"))
            parsed.model = normalise.text(features.get("model"))[:100]
            parsed.serial = normalise.serial(features.get("sn"))
        elif kind == "motherboard":
            parsed.board_serial = normalise.serial(features.get("sn"))
            parsed.make = parsed.make or normalise.vendor(features.get("brand"))
        elif kind == "cpu" and not parsed.cpu:
            parsed.cpu = " ".join(
                normalise.text(features.get(k)) for k in ("brand", "model") if features.get(k)
            )
        elif kind == "ram":
            ram += normalise.size_bytes(features.get("capacity-byte")) or 0
        elif kind in ("hdd", "ssd"):
            capacity = features.get("capacity-byte") or features.get("capacity-decibyte")
            parsed.disks.append(
                Disk(
                    serial=normalise.serial(features.get("sn")),
                    model=normalise.text(features.get("model"))[:100],
                    manufacturer=normalise.vendor(features.get("brand"))[:100],
                    capacity_bytes=capacity if isinstance(capacity, int) and capacity > 0 else None,
                    media_type="hdd" if kind == "hdd" else "sata_ssd",
                    interface="NVMe" if features.get("m2-ports-n") else "",
                    health=str(features.get("smart-data", ""))[:20]
                    if features.get("smart-data") in ("ok", "fail", "old", "sus")
                    else "",
                )
            )
    parsed.ram_bytes = ram or None
    if not (parsed.serial or parsed.board_serial or parsed.disks):
        raise ParseError(
            "body", _("peracotta's output names no serial number of the case, board or disks.")
        )
    return parsed
