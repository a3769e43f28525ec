"""The bootable wipe station (wipe_image/, `make wipe-image`) under qemu: it boots from its
ISO, reads its configuration from the shared disk, wipes and verifies a second virtual disk
(a SATA drive with a serial), and its record leaves the station without any network: in the
spool on the shared disk, which the host reads and sends to a live greenit over loopback with
the agent's own spool code. Slow (minutes): run by `make test-wipe-image` only."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from greenit.accounts.models import ApiToken
from greenit.sanitization.models import SanitizationRecord
from greenit_wipe.client import Client
from greenit_wipe.spool import Spool

from .helpers import SECRET, make_target

REPO = Path(__file__).resolve().parents[2]
IMAGE = Path(os.environ.get("WIPE_IMAGE_DIR", REPO / "var" / "wipe-image"))
ISO = IMAGE / "greenit-wipe.iso"
SERIAL = "WD-IMG-0001"
TARGET_SIZE = 128 << 20
BOOT_TIMEOUT = int(os.environ.get("WIPE_IMAGE_TIMEOUT", "900"))

# A skip as well as the marker: CI's `-m "not browser"` would replace a default `-m`.
only_when_asked = pytest.mark.skipif(
    not os.environ.get("GREENIT_WIPE_IMAGE_TEST"),
    reason="boots the wipe station under qemu (minutes): make test-wipe-image",
)


def load_station():
    """The station's start script (it lives in the image, not in a package)."""
    path = REPO / "wipe_image" / "rootfs" / "usr" / "lib" / "greenit-station" / "station.py"
    spec = importlib.util.spec_from_file_location("greenit_station", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def station(tmp_path, monkeypatch):
    module = load_station()
    monkeypatch.setattr(module, "SERIAL", str(tmp_path / "serial"))  # not the host's port
    return module


def test_configuration_later_sources_win_key_by_key(station, capsys):
    image = "# baked in\nserver=https://greenit.example.org\ntoken='abc'\nstation=hall\n"
    shared = "TOKEN = def\nsevrer=https://typo.example\nnot a line\n"
    cmdline = 'quiet greenit.station="bench 2" greenit.poweroff console=ttyS0 greenitx.token=no'
    assert station.configure(image, shared, cmdline) == {
        "server": "https://greenit.example.org",
        "token": "def",
        "station": "bench 2",
        "poweroff": "1",
    }
    said = capsys.readouterr().out
    assert "'sevrer=https://typo.example'" in said and "'not a line'" in said


def test_queued_jobs_run_once_and_only_agent_commands(station, tmp_path, monkeypatch):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "greenit-wipe"
    fake.write_text('#!/bin/sh\necho "agent got: $*"\n')
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}:{os.environ['PATH']}")
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "jobs.txt").write_text(
        "# comment\nwipe /dev/sdb --asset-tag 'GI 1' --confirm-serial S1\nrm -rf /\nstatus\n"
    )
    station.run_jobs(str(shared))
    assert not (shared / "jobs.txt").exists()  # a reboot does not wipe again
    [done] = shared.glob("jobs-*.done")
    [log] = (shared / "log").iterdir()
    text = log.read_text()
    assert "agent got: wipe /dev/sdb --asset-tag GI 1 --confirm-serial S1" in text
    assert "agent got: status" in text and "agent got: rm" not in text
    assert "REFUSED jobs.txt line 3: 'rm' is not one of" in text
    station.run_jobs(str(shared))  # nothing queued any more
    assert len(list((shared / "log").iterdir())) == 1 and done.exists()


@pytest.fixture(scope="module")
def image() -> Path:
    missing = [t for t in ("qemu-system-x86_64", "mkfs.vfat", "mcopy") if not shutil.which(t)]
    assert not missing, f"missing {missing}: apt-get install qemu-system-x86 dosfstools mtools"
    assert ISO.exists(), f"{ISO} is missing: build it with `make wipe-image` (as root)"
    return IMAGE


def accelerator() -> str:
    """Software emulation (TCG) by default: it works everywhere, and a nested /dev/kvm (as
    on the project's machines) can hang before the kernel's first message.
    WIPE_IMAGE_ACCEL=kvm uses KVM where it works."""
    return os.environ.get("WIPE_IMAGE_ACCEL", "tcg")


def shared_disk(path: Path, files: dict[str, str]) -> Path:
    """A FAT disk labelled GREENIT (as an operator would prepare a USB stick), filled
    without mounting anything."""
    subprocess.run(["mkfs.vfat", "-n", "GREENIT", "-C", str(path), "32768"], check=True,
                   capture_output=True)  # fmt: skip
    for name, text in files.items():
        src = path.parent / name
        src.write_text(text, encoding="utf-8")
        subprocess.run(["mcopy", "-i", str(path), str(src), f"::{name}"], check=True)
    return path


def boot(tmp_path: Path, target: str, shared: Path) -> tuple[float, str]:
    console = tmp_path / "console.log"
    argv = [
        "qemu-system-x86_64", "-machine", f"q35,accel={accelerator()}", "-m", "1536",
        "-smp", "2", "-display", "none", "-no-reboot", "-nic", "none",
        "-serial", f"file:{console}", "-cdrom", str(ISO), "-boot", "d",
        # The donated drive: SATA (AHCI), with the serial on its label.
        "-drive", f"file={target},if=none,id=target,format=raw,cache=none",
        "-device", f"ide-hd,drive=target,bus=ide.1,serial={SERIAL}",
        # The shared disk: configuration and queued wipes in, spool and logs out.
        "-drive", f"file={shared},if=none,id=shared,format=raw",
        "-device", "virtio-blk-pci,drive=shared",
    ]  # fmt: skip
    started = time.monotonic()
    try:
        subprocess.run(argv, check=True, timeout=BOOT_TIMEOUT, capture_output=True)
    except subprocess.TimeoutExpired:
        pytest.fail(
            f"the station did not power off within {BOOT_TIMEOUT} s; console:\n"
            + console.read_text(errors="replace")[-4000:]
        )
    return time.monotonic() - started, console.read_text(errors="replace")


def copy_out(shared: Path, out: Path) -> None:
    subprocess.run(["mcopy", "-s", "-n", "-i", str(shared), "::spool", "::log", str(out)],
                   check=True)  # fmt: skip


@pytest.mark.wipe_image
@only_when_asked
def test_the_image_holds_the_agent_and_the_drive_tools(image):
    with subprocess.Popen(["zstd", "-dc", str(image / "initrd.img")], stdout=subprocess.PIPE) as z:
        listing = subprocess.run(
            ["cpio", "-t", "--quiet"], stdin=z.stdout, check=True, capture_output=True, text=True
        ).stdout.split()
    for path in (
        "init", "usr/sbin/nwipe", "usr/sbin/smartctl", "usr/sbin/hdparm", "usr/sbin/nvme",
        "usr/bin/python3", "usr/bin/greenit-wipe", "usr/lib/greenit-station/station.py",
        "usr/lib/python3/dist-packages/greenit_wipe/cli.py",
        "etc/systemd/system/multi-user.target.wants/greenit-station.service",
    ):  # fmt: skip
        assert path in listing, f"{path} is not in the image"
    assert not any("/tests/" in p for p in listing if "greenit_wipe" in p)


@pytest.mark.wipe_image
@only_when_asked
@pytest.mark.django_db(transaction=True)
def test_the_station_boots_wipes_a_disk_and_its_record_reaches_the_server(
    image, live_server, make_asset, donation, alice, tmp_path
):
    laptop = make_asset(donation, serial="LP-IMG-1")
    _token, key = ApiToken.issue(user=alice, name="wipe station image")
    target = make_target(tmp_path / "target.img", TARGET_SIZE)
    job = (
        f"wipe /dev/disk/by-id/ata-QEMU_HARDDISK_{SERIAL} --asset-tag {laptop.tag} "
        f"--confirm-serial {SERIAL} --method overwrite --pattern zeros --verify full\n"
    )
    shared = shared_disk(
        tmp_path / "shared.img",
        {
            # The station cannot reach this server (no network): the record must wait.
            "greenit-wipe.conf": f"server={live_server.url}\ntoken={key}\n"
            "station=qemu-station\npoweroff=1\n",
            "jobs.txt": job,
        },
    )

    seconds, console = boot(tmp_path, target, shared)
    print(f"\nboot + wipe + power-off: {seconds:.1f} s ({accelerator()})")

    assert "greenit-station: ready" in console, console[-4000:]
    with open(target, "rb") as f:
        assert f.read() == bytes(TARGET_SIZE), "the disk was not overwritten with zeros"
    out = tmp_path / "out"
    out.mkdir()
    copy_out(shared, out)
    log = next((out / "log").iterdir()).read_text()
    assert "PASSED" in log and "exit status 0" in log, log
    assert "server unreachable" in log, log  # no network: the spool kept it
    assert not SanitizationRecord.objects.exists()

    spool = Spool(str(out / "spool"))
    [waiting] = spool.pending()
    sent = json.loads(Path(waiting).read_text())
    report = spool.flush(Client(live_server.url, key))
    assert report.delivered == [sent["record_id"]] and not report.pending, report

    [stored] = SanitizationRecord.objects.all()
    assert (stored.result, stored.verification_result, stored.technique) == (
        "passed",
        "passed",
        "overwrite",
    )
    assert stored.medium.serial == SERIAL and stored.medium.asset_id == laptop.pk
    assert stored.bytes_written == TARGET_SIZE and stored.operator == alice
    assert sent["station"] == "qemu-station" and sent["medium"]["interface"] == "sata"
    assert SECRET not in Path(target).read_bytes()[:4096]
