"""Drives as the kernel reports them (``lsblk --json -b -O``), and plain files standing in
for drives. Nothing here writes anything."""

from __future__ import annotations

import json
import os
import stat
import subprocess
from dataclasses import dataclass, field

LSBLK = ["lsblk", "--json", "-b", "-O"]
# Block devices that are never media a donor gave us.
_SKIPPED_TYPES = {"rom", "loop", "zram", "ram"}
_SYSTEM_MOUNTPOINTS = {"/", "/boot", "/boot/efi", "/usr", "/var", "[SWAP]"}


@dataclass
class Drive:
    path: str
    model: str = ""
    serial: str = ""
    vendor: str = ""
    size: int = 0
    rotational: bool = False
    transport: str = ""
    read_only: bool = False
    removable: bool = False
    kind: str = "disk"
    # Mountpoints of the disk and of everything below it (partitions, LVM, crypt).
    mountpoints: list[str] = field(default_factory=list)
    # Device paths of everything below it, and its kernel names (for /proc/mounts, /proc/swaps).
    members: list[str] = field(default_factory=list)
    is_file: bool = False

    @classmethod
    def for_file(cls, path: str, *, serial: str | None = None, media_type: str = "hdd") -> Drive:
        """A plain file as a stand-in drive. Its "serial" is its file name unless given, so
        that the operator still has to confirm which target they mean."""
        path = os.path.abspath(path)
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode):
            raise ValueError(f"{path} is not a regular file")
        return cls(
            path=path,
            model="file target",
            serial=serial if serial is not None else os.path.basename(path),
            size=st.st_size,
            rotational=media_type == "hdd",
            transport="file",
            read_only=not (st.st_mode & 0o222),
            is_file=True,
        )

    @property
    def media_type(self) -> str:
        if self.transport == "nvme":
            return "nvme"
        if self.transport == "usb":
            return "usb_flash" if not self.rotational else "hdd"
        if self.transport == "mmc":
            return "emmc"
        if self.rotational:
            return "hdd"
        return "sata_ssd"

    @property
    def manufacturer(self) -> str:
        vendor = self.vendor.strip()
        if vendor and vendor.upper() != "ATA":
            return vendor
        words = self.model.split()
        return words[0] if words and not self.is_file else ""

    @property
    def nvme_controller(self) -> str:
        """/dev/nvme0n1 -> /dev/nvme0 (Sanitize and id-ctrl talk to the controller)."""
        base = self.path
        if base.startswith("/dev/nvme") and "n" in base[len("/dev/nvme") :]:
            return base[: base.rindex("n")]
        return base


def _bool(value) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).strip() in {"1", "true", "True"}


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def _walk(node: dict, mountpoints: list[str], members: list[str]) -> None:
    for mp in node.get("mountpoints") or [node.get("mountpoint")]:
        if mp:
            mountpoints.append(mp)
    for key in ("path", "kname", "name"):
        if node.get(key):
            value = node[key]
            members.append(value if value.startswith("/") else "/dev/" + value)
    for child in node.get("children") or []:
        _walk(child, mountpoints, members)


def parse_lsblk(text: str) -> list[Drive]:
    """The whole disks in ``lsblk --json -b -O`` output, with what is mounted below them."""
    drives = []
    for node in json.loads(text).get("blockdevices", []):
        kind = _text(node.get("type"))
        name = _text(node.get("name"))
        if kind in _SKIPPED_TYPES or name.startswith(("zram", "loop", "ram")):
            continue
        mountpoints: list[str] = []
        members: list[str] = []
        _walk(node, mountpoints, members)
        path = _text(node.get("path")) or "/dev/" + name
        drives.append(
            Drive(
                path=path,
                model=_text(node.get("model")),
                serial=_text(node.get("serial")),
                vendor=_text(node.get("vendor")),
                size=int(node.get("size") or 0),
                rotational=_bool(node.get("rota")),
                transport=_text(node.get("tran")),
                read_only=_bool(node.get("ro")),
                removable=_bool(node.get("rm")),
                kind=kind,
                mountpoints=sorted(set(mountpoints)),
                members=sorted(set(members)),
            )
        )
    return drives


def read_lsblk() -> str:
    # Fixed argv, no shell: the device list comes from the kernel.
    return subprocess.run(LSBLK, check=True, capture_output=True, text=True).stdout  # noqa: S603


def list_drives() -> list[Drive]:
    return parse_lsblk(read_lsblk())


def parse_mounts(text: str) -> list[tuple[str, str]]:
    """(source, mountpoint) pairs from /proc/mounts content (octal escapes decoded)."""
    pairs = []
    for line in text.splitlines():
        parts = line.split()
        if len(parts) >= 2:
            pairs.append((_unescape(parts[0]), _unescape(parts[1])))
    return pairs


def parse_swaps(text: str) -> list[str]:
    return [line.split()[0] for line in text.splitlines()[1:] if line.strip()]


def _unescape(value: str) -> str:
    return value.encode().decode("unicode_escape") if "\\" in value else value


def read_file(path: str) -> str:
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()
    except OSError:
        return ""


def _real(path: str) -> str:
    return os.path.realpath(path) if path.startswith("/") else path


def system_disks(drives: list[Drive], mounts: list[tuple[str, str]], swaps: list[str]) -> set[str]:
    """Paths of the disks the running system uses: holding /, /boot (and similar) or swap,
    according to lsblk's tree and to /proc/mounts and /proc/swaps."""
    sources = {_real(src) for src, mp in mounts if mp in _SYSTEM_MOUNTPOINTS}
    sources |= {_real(s) for s in swaps}
    found = set()
    for drive in drives:
        if _SYSTEM_MOUNTPOINTS & set(drive.mountpoints):
            found.add(drive.path)
        members = {_real(m) for m in drive.members} | set(drive.members)
        if sources & members:
            found.add(drive.path)
    return found


def find(path: str, drives: list[Drive]) -> Drive | None:
    real = _real(path)
    for drive in drives:
        if path == drive.path or real == _real(drive.path):
            return drive
    return None
