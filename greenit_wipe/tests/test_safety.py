"""The refusals: the system disk, mounted and read-only targets, and serials the operator
did not confirm. A refused wipe writes nothing."""

import json
import os

import pytest

from greenit_wipe import cli, drives, safety
from greenit_wipe.drives import Drive

from .helpers import SECRET, make_target, read

LSBLK = {
    "blockdevices": [
        {
            "name": "sda", "path": "/dev/sda", "type": "disk", "size": 256060514304,
            "model": "Samsung SSD 860 EVO 250GB", "serial": "S3YJNB0K123456A", "vendor": "ATA     ",
            "rota": False, "tran": "sata", "ro": False, "rm": False, "mountpoints": [None],
            "children": [
                {"name": "sda1", "path": "/dev/sda1", "type": "part", "mountpoints": ["/boot/efi"]},
                {"name": "sda2", "path": "/dev/sda2", "type": "part", "mountpoints": [None],
                 "children": [
                     {"name": "vg-root", "path": "/dev/mapper/vg-root", "kname": "dm-0",
                      "type": "lvm", "mountpoints": ["/"]},
                 ]},
            ],
        },
        {
            "name": "sdb", "path": "/dev/sdb", "type": "disk", "size": "500107862016",
            "model": "WDC WD5000AAKX-60U6AA0", "serial": "WD-WCC2EXXXXXXX", "vendor": "ATA",
            "rota": "1", "tran": "sata", "ro": "0", "rm": "0", "mountpoint": None,
        },
        {
            "name": "sdc", "path": "/dev/sdc", "type": "disk", "size": 16008609792,
            "model": "Cruzer Blade", "serial": "4C530001", "vendor": "SanDisk",
            "rota": False, "tran": "usb", "ro": False, "rm": True, "mountpoints": [None],
            "children": [
                {"name": "sdc1", "path": "/dev/sdc1", "type": "part",
                 "mountpoints": ["/media/usb"]},
            ],
        },
        {
            "name": "sdd", "path": "/dev/sdd", "type": "disk", "size": 128035676160,
            "model": "KINGSTON SA400", "serial": "50026B77", "rota": False, "tran": "sata",
            "ro": True, "mountpoints": [None],
        },
        {
            "name": "nvme0n1", "path": "/dev/nvme0n1", "type": "disk", "size": 512110190592,
            "model": "SAMSUNG MZVLB512HBJQ-000L7", "serial": "S4ENNX0N000001", "rota": False,
            "tran": "nvme", "ro": False, "mountpoints": [None],
            "children": [{"name": "nvme0n1p1", "path": "/dev/nvme0n1p1", "type": "part",
                          "mountpoints": [None]}],
        },
        {"name": "sr0", "path": "/dev/sr0", "type": "rom", "size": 1073741312},
        {"name": "zram0", "path": "/dev/zram0", "type": "disk", "size": 0},
    ]
}  # fmt: skip

MOUNTS = """\
/dev/mapper/vg-root / ext4 rw,relatime 0 0
/dev/sda1 /boot/efi vfat rw 0 0
proc /proc proc rw 0 0
/dev/sdc1 /media/usb vfat rw 0 0
"""
SWAPS = """\
Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority
/dev/nvme0n1p1                          partition\t8388604\t\t0\t\t-2
"""


@pytest.fixture
def world():
    found = drives.parse_lsblk(json.dumps(LSBLK))
    mounts, swaps = drives.parse_mounts(MOUNTS), drives.parse_swaps(SWAPS)
    context = safety.Context(
        mounts=mounts, swaps=swaps, system_disks=drives.system_disks(found, mounts, swaps)
    )
    return {d.path: d for d in found}, context


def test_lsblk_is_parsed_into_drives(world):
    found, _ = world
    assert list(found) == ["/dev/sda", "/dev/sdb", "/dev/sdc", "/dev/sdd", "/dev/nvme0n1"]
    sdb = found["/dev/sdb"]
    assert (sdb.model, sdb.serial, sdb.size, sdb.rotational, sdb.transport) == (
        "WDC WD5000AAKX-60U6AA0",
        "WD-WCC2EXXXXXXX",
        500107862016,
        True,
        "sata",
    )
    assert sdb.media_type == "hdd" and sdb.manufacturer == "WDC"
    assert (
        found["/dev/sda"].media_type == "sata_ssd" and found["/dev/sda"].manufacturer == "Samsung"
    )
    assert found["/dev/sdc"].media_type == "usb_flash"
    assert found["/dev/nvme0n1"].media_type == "nvme"
    assert found["/dev/nvme0n1"].nvme_controller == "/dev/nvme0"
    assert found["/dev/sda"].mountpoints == ["/", "/boot/efi"]
    assert found["/dev/sdd"].read_only


def test_the_system_disks_are_found_through_mounts_lvm_and_swap(world):
    _, context = world
    # sda holds / (through LVM) and /boot/efi; nvme0n1 holds the swap partition.
    assert context.system_disks == {"/dev/sda", "/dev/nvme0n1"}


def test_system_disk_is_found_from_proc_mounts_alone():
    found = [Drive(path="/dev/sdx", serial="X", size=1, members=["/dev/sdx", "/dev/sdx2"])]
    mounts = drives.parse_mounts("/dev/sdx2 / ext4 rw 0 0\n")
    assert drives.system_disks(found, mounts, []) == {"/dev/sdx"}


def test_refuses_the_system_disk(world):
    found, context = world
    reasons = safety.reasons(found["/dev/sda"], confirmed_serial="S3YJNB0K123456A", context=context)
    assert any("holds the running system" in r for r in reasons)
    reasons = safety.reasons(found["/dev/nvme0n1"], confirmed_serial="S4ENNX0N000001",
                             context=context)  # fmt: skip
    assert any("running system" in r for r in reasons) and any("swap" in r for r in reasons)


def test_refuses_a_mounted_drive(world):
    found, context = world
    reasons = safety.reasons(found["/dev/sdc"], confirmed_serial="4C530001", context=context)
    assert reasons == ["/dev/sdc is mounted at /media/usb: unmount it"]


def test_refuses_a_read_only_drive(world):
    found, context = world
    reasons = safety.reasons(found["/dev/sdd"], confirmed_serial="50026B77", context=context)
    assert reasons == ["/dev/sdd is read-only: it cannot be overwritten"]


def test_accepts_a_free_drive_with_the_confirmed_serial(world):
    found, context = world
    assert safety.reasons(found["/dev/sdb"], confirmed_serial="WD-WCC2EXXXXXXX\n",
                          context=context) == []  # fmt: skip


@pytest.mark.parametrize(
    "typed, why",
    [
        (None, "serial not confirmed"),
        ("", "serial not confirmed"),
        ("WD-WCC2EXXXXXXY", "serial mismatch"),
        ("wd-wcc2exxxxxxx", "serial mismatch"),  # exact, case included
        ("WD-WCC2E", "serial mismatch"),
    ],
)
def test_refuses_an_unconfirmed_serial(world, typed, why):
    found, context = world
    reasons = safety.reasons(found["/dev/sdb"], confirmed_serial=typed, context=context)
    assert len(reasons) == 1 and reasons[0].startswith(why)


def test_refuses_a_drive_without_serial():
    drive = Drive(path="/dev/sdz", size=10)
    reasons = safety.reasons(drive, confirmed_serial="anything", context=safety.Context())
    assert reasons == ["/dev/sdz reports no serial number: record it and destroy the medium"]


def _wipe(target, *extra, context=None, spool):
    out = []
    code = cli.main(
        ["--spool", str(spool), "wipe", target, "--asset-tag", "GI-000001-K", *extra],
        context=context,
        out=out.append,
    )
    return code, "\n".join(out)


def test_refuses_a_mounted_file_target_and_writes_nothing(tmp_path):
    target = make_target(tmp_path / "usb.img", 1 << 20)
    mounted = safety.Context(mounts=drives.parse_mounts(f"{target} /mnt/usb vfat rw 0 0\n"))

    code, out = _wipe(target, "--confirm-serial", "usb.img", context=mounted, spool=tmp_path / "s")

    assert code == cli.EXIT_REFUSED
    assert "REFUSED" in out and "mounted at /mnt/usb" in out
    assert read(target) == SECRET * (1 << 20)
    assert os.listdir(tmp_path / "s") == ["rejected"]  # no record either


def test_refuses_a_read_only_file_and_a_wrong_serial(tmp_path):
    target = make_target(tmp_path / "disk.img", 4096)
    os.chmod(target, 0o444)

    code, out = _wipe(target, "--confirm-serial", "other.img", spool=tmp_path / "s")

    assert code == cli.EXIT_REFUSED
    assert "read-only" in out and "serial mismatch" in out
    assert read(target) == SECRET * 4096


def test_refuses_a_device_lsblk_does_not_know(tmp_path):
    out = []
    code = cli.main(
        ["--spool", str(tmp_path), "wipe", "/dev/sdq", "--asset-tag", "T", "--confirm-serial", "X"],
        drives=[],
        out=out.append,
    )
    assert code == cli.EXIT_REFUSED and "neither a disk" in out[0]
