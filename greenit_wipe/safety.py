"""The refusals. A wipe starts only when none of them applies; each has a reason an
operator can act on."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from . import drives as drives_mod
from .drives import Drive


@dataclass
class Context:
    """What the system looks like right now. Tests pass fakes; the CLI reads the real ones."""

    mounts: list[tuple[str, str]] = field(default_factory=list)
    swaps: list[str] = field(default_factory=list)
    system_disks: set[str] = field(default_factory=set)

    @classmethod
    def from_system(cls, drives: list[Drive] | None = None) -> Context:
        mounts = drives_mod.parse_mounts(drives_mod.read_file("/proc/mounts"))
        swaps = drives_mod.parse_swaps(drives_mod.read_file("/proc/swaps"))
        system = drives_mod.system_disks(drives or [], mounts, swaps)
        return cls(mounts=mounts, swaps=swaps, system_disks=system)


class Refused(Exception):
    def __init__(self, reasons: list[str]):
        self.reasons = reasons
        super().__init__("; ".join(reasons))


def _same(a: str, b: str) -> bool:
    if a == b:
        return True
    if a.startswith("/") and b.startswith("/"):
        return os.path.realpath(a) == os.path.realpath(b)
    return False


def reasons(drive: Drive, *, confirmed_serial: str | None, context: Context) -> list[str]:
    """Every reason not to wipe this drive; empty when it may be wiped."""
    found = []
    if drive.path in context.system_disks:
        found.append(f"{drive.path} holds the running system (/, /boot or swap): never wiped")
    if not drive.is_file and drive.kind != "disk":
        found.append(f"{drive.path} is a {drive.kind}, not a whole disk: wipe the disk itself")
    names = {drive.path, *drive.members}
    mounted = [mp for mp in drive.mountpoints if mp]
    for source, mountpoint in context.mounts:
        if any(_same(source, name) for name in names):
            mounted.append(mountpoint)
    swapped = [s for s in context.swaps if any(_same(s, name) for name in names)]
    if mounted:
        found.append(f"{drive.path} is mounted at {', '.join(sorted(set(mounted)))}: unmount it")
    if swapped:
        found.append(f"{drive.path} is in use as swap ({', '.join(swapped)}): swapoff first")
    if drive.read_only:
        found.append(f"{drive.path} is read-only: it cannot be overwritten")
    if drive.size <= 0:
        found.append(f"{drive.path} reports no capacity")
    if not drive.serial:
        found.append(f"{drive.path} reports no serial number: record it and destroy the medium")
    elif confirmed_serial is None or confirmed_serial.strip() == "":
        found.append(f"serial not confirmed: type or scan the serial on the label ({drive.path})")
    elif confirmed_serial.strip() != drive.serial:
        found.append(
            f"serial mismatch: the drive reports {drive.serial!r}, "
            f"the operator confirmed {confirmed_serial.strip()!r}"
        )
    return found


def check(drive: Drive, *, confirmed_serial: str | None, context: Context) -> None:
    found = reasons(drive, confirmed_serial=confirmed_serial, context=context)
    if found:
        raise Refused(found)
