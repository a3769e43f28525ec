"""`greenit-wipe inventory` and `import-nwipe`: what the machine is, read from the machine,
missing tools reported as missing (never faked), sent exactly once through the spool to the
real evidence endpoint."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from greenit.accounts.models import ApiToken, TokenScope
from greenit.evidence import parsers
from greenit.evidence.models import Snapshot
from greenit.sanitization.models import SanitizationRecord
from greenit_wipe import cli, inventory
from greenit_wipe.spool import Spool

FIXTURES = Path(__file__).resolve().parents[2].parent / "shared" / "fixtures"
WB_SCRIPT = FIXTURES / "ereuse" / "workbench-script-snapshot.json"
NWIPE_LOG = FIXTURES / "nwipe" / "nwipe-0.33-two-drives-random-verify-all.log"


def _sample(path: Path) -> bytes:
    if not path.exists():
        pytest.skip(f"shared sample {path} is not here")
    return path.read_bytes()


def _tools_from_workbench_sample(missing=()) -> inventory.Tools:
    """Tools answering with a real machine's outputs (the shared workbench-script sample)."""
    data = json.loads(_sample(WB_SCRIPT))["data"]
    smart = {s["device"]["name"]: s for s in json.loads(data["smartctl"]) if "device" in s}
    lsblk = {
        "blockdevices": [
            {
                "name": "sda",
                "path": "/dev/sda",
                "type": "disk",
                "size": 256060514304,
                "rota": False,
            },
            {
                "name": "sdb",
                "path": "/dev/sdb",
                "type": "disk",
                "size": 500107862016,
                "rota": False,
            },
            {"name": "sr0", "path": "/dev/sr0", "type": "rom", "size": 1024},
        ]
    }

    def runner(argv):
        if argv[0] == "dmidecode":
            return 0, data["dmidecode"], ""
        if argv[0] == "lsblk":
            return 0, json.dumps(lsblk), ""
        if argv[0] == "smartctl":
            return 0, json.dumps(smart.get(argv[-1], {})), ""
        return 1, "", "lshw: something broke"

    return inventory.Tools(
        runner, which=lambda tool: None if tool in missing else f"/usr/bin/{tool}"
    )


def test_the_inventory_says_what_the_machine_is(tmp_path):
    snapshot = inventory.collect(asset_tag="AB12-CD34", tools=_tools_from_workbench_sample())
    assert snapshot["tools"] == {
        "dmidecode": "ok",
        "lsblk": "ok",
        "lshw": "failed: exit 1: lshw: something broke",
        "smartctl": "ok",
    }
    parsed = parsers.parse(json.dumps(snapshot).encode())
    assert (parsed.make, parsed.model, parsed.serial) == ("Dell", "Latitude E7240", "5CQ6VY1")
    assert parsed.asset_tag == "AB12-CD34"
    assert [d.serial for d in parsed.disks] == ["TW0XXM305508539G1361", "S33HNX0J203755R"]
    assert parsed.missing == ["lshw"]


def test_missing_tools_are_reported_missing_not_faked(tmp_path):
    tools = _tools_from_workbench_sample(missing={"dmidecode", "smartctl"})
    snapshot = inventory.collect(tools=tools, power_supply=str(tmp_path))
    assert snapshot["tools"]["dmidecode"] == "missing" and snapshot["dmidecode"] == ""
    assert all(d["smartctl"] is None for d in snapshot["drives"])
    lines = inventory.summary(snapshot)
    assert "dmidecode: missing (install dmidecode)" in lines
    assert "smartctl: missing (install smartmontools)" in lines
    parsed = parsers.parse(json.dumps(snapshot).encode())
    assert parsed.serial == "" and parsed.missing == ["dmidecode", "lshw", "smartctl"]


def test_battery_health_comes_from_sysfs(tmp_path):
    battery = tmp_path / "BAT0"
    battery.mkdir()
    for name, value in {
        "type": "Battery",
        "energy_full": "42000000",
        "energy_full_design": "56000000",
        "cycle_count": "311",
    }.items():
        (battery / name).write_text(value + "\n")
    (tmp_path / "AC").mkdir()
    (tmp_path / "AC" / "type").write_text("Mains\n")
    assert inventory.batteries(str(tmp_path)) == [
        {"name": "BAT0", "health_percent": 75.0, "cycle_count": 311}
    ]


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("losetup"), reason="needs root")
def test_it_runs_on_this_machine_with_a_loop_device_and_a_file(tmp_path):
    backing = tmp_path / "disk.img"
    backing.write_bytes(b"\0" * (4 << 20))
    stand_in = tmp_path / "drive.img"
    stand_in.write_bytes(b"\0" * (1 << 20))
    loop = subprocess.run(
        ["losetup", "-f", "--show", str(backing)], capture_output=True, text=True, check=True
    ).stdout.strip()
    try:
        out: list[str] = []
        code = cli.main(
            ["--spool", str(tmp_path / "spool"), "inventory", "--file", str(stand_in)],
            out=out.append,
        )
    finally:
        subprocess.run(["losetup", "-d", loop], check=False)
    assert code == cli.EXIT_FAILED  # kept in the spool: no server given
    assert any(line.startswith(f"drive {loop}:") for line in out), out
    assert any(line.startswith(f"drive {stand_in}:") for line in out)
    # each tool is reported with what happened, whatever this machine has
    for tool in ("dmidecode", "lsblk", "smartctl", "lshw"):
        assert any(line.startswith(f"{tool}: ") for line in out), (tool, out)
    [waiting] = Spool(str(tmp_path / "spool")).pending()
    snapshot = json.loads(Path(waiting).read_text())["body"]
    assert parsers.parse(json.dumps(snapshot).encode()).format == "greenit"


@pytest.mark.django_db(transaction=True)
def test_inventory_and_nwipe_log_reach_the_server_exactly_once(
    live_server, make_asset, donation, alice, tmp_path, monkeypatch
):
    laptop = make_asset(donation)
    key = ApiToken.issue(user=alice, name="station", scope=TokenScope.WIPE_STATION)[1]
    common = ["--server", live_server.url, "--token", key, "--spool", str(tmp_path / "s")]
    fake = _tools_from_workbench_sample()
    monkeypatch.setattr(inventory, "Tools", lambda: fake)
    assert cli.main([*common, "inventory", "--asset-tag", laptop.tag], out=print) == 0
    laptop.refresh_from_db()
    assert laptop.serial == "5CQ6VY1" and laptop.media.count() == 2
    log = tmp_path / "nwipe.log"
    log.write_bytes(_sample(NWIPE_LOG))
    out: list[str] = []
    assert (
        cli.main([*common, "import-nwipe", str(log), "--asset-tag", laptop.tag], out=out.append)
        == 0
    )
    # sent again (an answer lost): stored once
    assert (
        cli.main([*common, "import-nwipe", str(log), "--asset-tag", laptop.tag], out=out.append)
        == 0
    )
    assert any("already on the server" in line for line in out)
    assert Snapshot.objects.count() == 2
    assert Snapshot.objects.filter(format="nwipe_log").get().unmatched.count() == 2
    assert not SanitizationRecord.objects.exists()  # loop devices: no serial to match
    bad = tmp_path / "not-a-log.txt"
    bad.write_text("hello")
    assert cli.main([*common, "import-nwipe", str(bad)], out=out.append) == cli.EXIT_REFUSED
