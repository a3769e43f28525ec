"""One spelling for what stations spell many ways: vendors ("Dell Inc." = "Dell"), serial
numbers (case, spaces, placeholders such as "To be filled by O.E.M."), UUIDs and sizes."""

import re

# Placeholders firmware writes where a value belongs; never an identity.
JUNK = {
    "",
    "0",
    "00000000",
    "0000000000",
    "0123456789",
    "123456789",
    "1234567890",
    "none",
    "n/a",
    "na",
    "null",
    "unknown",
    "default string",
    "not specified",
    "not applicable",
    "not available",
    "to be filled by o.e.m.",
    "to be filled by oem",
    "o.e.m.",
    "oem",
    "system serial number",
    "chassis serial number",
    "base board serial number",
    "system manufacturer",
    "system product name",
    "chassis manufacture",
    "invalid",
}
JUNK_UUIDS = {
    "00000000-0000-0000-0000-000000000000",
    "ffffffff-ffff-ffff-ffff-ffffffffffff",
    "03000200-0400-0500-0006-000700080009",
}
VENDORS = {
    "dell": "Dell",
    "hewlett-packard": "HP",
    "hewlett packard": "HP",
    "hp": "HP",
    "hpe": "HP",
    "lenovo": "Lenovo",
    "ibm": "IBM",
    "acer": "Acer",
    "asustek computer": "ASUS",
    "asus": "ASUS",
    "asustek": "ASUS",
    "apple": "Apple",
    "toshiba": "Toshiba",
    "fujitsu": "Fujitsu",
    "fujitsu siemens": "Fujitsu",
    "samsung electronics": "Samsung",
    "samsung": "Samsung",
    "microsoft": "Microsoft",
    "intel": "Intel",
    "advanced micro devices": "AMD",
    "amd": "AMD",
    "western digital": "WDC",
    "wdc": "WDC",
    "seagate": "Seagate",
    "micro-star international": "MSI",
    "gigabyte technology": "Gigabyte",
    "sony": "Sony",
}
_SUFFIX = re.compile(
    r"[,\s]+(inc\.?|incorporated|corp\.?|corporation|co\.?,?\s*ltd\.?|ltd\.?|limited|gmbh|"
    r"s\.?a\.?|ag|llc|technologies|technology|computer|computers)$",
    re.IGNORECASE,
)
_PRINTABLE_SERIAL = re.compile(r"[^A-Z0-9\-_./:]")


def text(value: object) -> str:
    """A printable, stripped string; placeholders become ""."""
    if value is None or isinstance(value, bool):
        return ""
    cleaned = "".join(ch for ch in str(value) if ch.isprintable()).strip()
    return "" if cleaned.lower() in JUNK else cleaned


def vendor(value: object) -> str:
    """The one name of a manufacturer: "Dell Inc." and "Dell" are both "Dell"."""
    name = text(value)
    previous = None
    while name and name != previous:
        previous = name
        name = _SUFFIX.sub("", name).strip(" ,.")
    return VENDORS.get(name.lower(), name)


def serial(value: object) -> str:
    """A serial number for comparison: upper case, no spaces or slashes around it, no bytes a
    label cannot carry; a placeholder or fewer than three characters is no serial."""
    cleaned = text(value).upper().replace(" ", "").strip("/")
    cleaned = _PRINTABLE_SERIAL.sub("", cleaned)
    return cleaned if len(cleaned) >= 3 and cleaned.lower() not in JUNK else ""


def dmi_uuid(value: object) -> str:
    cleaned = text(value).lower()
    if not re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", cleaned):
        return ""
    return "" if cleaned in JUNK_UUIDS else cleaned


def mac(value: object) -> str:
    cleaned = text(value).lower().replace("-", ":")
    if not re.fullmatch(r"([0-9a-f]{2}:){5}[0-9a-f]{2}", cleaned) or cleaned == "00:00:00:00:00:00":
        return ""
    return cleaned


_UNITS = {
    "b": 1,
    "bytes": 1,
    "kb": 1000,
    "mb": 1000**2,
    "gb": 1000**3,
    "tb": 1000**4,
    "kib": 1024,
    "mib": 1024**2,
    "gib": 1024**3,
    "tib": 1024**4,
}


def size_bytes(value: object, *, binary: bool = False) -> int | None:
    """Bytes from "8 GB", "8192 MB", "15.53 GiB" or a number of bytes. Memory makers mean
    powers of two by "GB" (dmidecode), so `binary` reads KB/MB/GB as KiB/MiB/GiB."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return int(value) if value > 0 else None
    match = re.fullmatch(r"\s*([0-9]+(?:[.,][0-9]+)?)\s*([A-Za-z]*)\s*", str(value))
    if not match:
        return None
    number = float(match.group(1).replace(",", "."))
    unit = match.group(2).lower() or "b"
    if binary and unit in ("kb", "mb", "gb", "tb"):
        unit = unit[0] + "ib"
    factor = _UNITS.get(unit)
    return int(number * factor) if factor and number > 0 else None


def human_size(n: int | None, *, binary: bool = False) -> str:
    if not n:
        return ""
    base, units = (
        (1024, ["B", "KiB", "MiB", "GiB", "TiB"])
        if binary
        else (1000, ["B", "kB", "MB", "GB", "TB"])
    )
    value = float(n)
    for unit in units:
        if value < base or unit == units[-1]:
            return f"{value:.0f} {unit}" if value >= 10 else f"{value:.1f} {unit}"
        value /= base
    return ""
