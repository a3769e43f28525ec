"""What this machine is, read from the machine: dmidecode (system, baseboard, chassis,
memory), every drive's lsblk row and `smartctl --json -x`, `lshw -json` where present and
battery health from /sys/class/power_supply. A tool that is not installed or fails is named
in `tools` as missing or failed, and what it would have said is left out, never guessed.

The result is the "greenit-inventory" snapshot (docs/evidence.md) the server reads."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import uuid
from collections.abc import Callable, Iterable
from datetime import UTC, datetime

from . import __version__

TYPE = "greenit-inventory"
POWER_SUPPLY = "/sys/class/power_supply"
# Block devices that can stand for a drive: disks, and loop devices where a test machine has
# no real drive (a loop device over a file).
DRIVE_TYPES = {"disk", "loop"}
HINTS = {
    "dmidecode": "dmidecode",
    "smartctl": "smartmontools",
    "lshw": "lshw",
    "lsblk": "util-linux",
}

Run = Callable[[list[str]], tuple[int, str, str]]


def run(argv: list[str]) -> tuple[int, str, str]:
    done = subprocess.run(argv, capture_output=True, text=True, timeout=120, check=False)  # noqa: S603
    return done.returncode, done.stdout, done.stderr


class Tools:
    """Runs the tools and keeps, per tool, "ok", "missing" or "failed: why"."""

    def __init__(self, runner: Run = run, which: Callable[[str], str | None] = shutil.which):
        self.runner = runner
        self.which = which
        self.state: dict[str, str] = {}

    def output(self, tool: str, argv: list[str], *, ok_codes: Iterable[int] = (0,)) -> str | None:
        if self.which(tool) is None:
            self.state[tool] = "missing"
            return None
        try:
            code, out, err = self.runner([tool, *argv])
        except (OSError, subprocess.SubprocessError) as exc:
            self.state[tool] = f"failed: {exc}"
            return None
        if code not in ok_codes and not out.strip():
            self.state[tool] = f"failed: exit {code}: {err.strip()[:200]}"
            return None
        self.state.setdefault(tool, "ok")
        return out


def _json(text: str | None) -> object:
    try:
        return json.loads(text) if text else None
    except ValueError:
        return None


def _drive_rows(tools: Tools) -> list[dict]:
    listing = _json(tools.output("lsblk", ["--json", "-b", "-O"])) or {}
    rows = listing.get("blockdevices", []) if isinstance(listing, dict) else []
    keep = ("name", "path", "type", "size", "model", "serial", "vendor", "rota", "tran", "wwn")
    return [
        {k: row.get(k) for k in keep}
        for row in rows
        if row.get("type") in DRIVE_TYPES and (row.get("size") or 0) > 0
    ]


def _file_row(path: str) -> dict:
    """A plain file standing in for a drive: its size and name, no serial (it has none)."""
    return {
        "name": os.path.basename(path),
        "path": os.path.abspath(path),
        "type": "file",
        "size": os.path.getsize(path),
        "model": "file target",
        "serial": "",
        "tran": "file",
        "rota": False,
    }


def _smart(tools: Tools, path: str) -> tuple[dict | None, str]:
    """(smartctl's JSON, "") or (None, why it read nothing)."""
    # smartctl's exit status is a bit mask (1: bad arguments or no device; 2: cannot open;
    # 4+: SMART said something): its JSON is worth keeping whenever it wrote one.
    answer = _json(tools.output("smartctl", ["--json", "-x", path], ok_codes=range(256)))
    if not isinstance(answer, dict):
        return None, tools.state.get("smartctl", "no answer")
    if answer.get("serial_number") or answer.get("model_name"):
        return answer, ""
    said = [m.get("string", "") for m in answer.get("smartctl", {}).get("messages", [])]
    return None, "; ".join(said) or "no SMART data"


def _read(path: str) -> str:
    try:
        with open(path, encoding="utf-8") as f:
            return f.read().strip()
    except OSError:
        return ""


def batteries(root: str = POWER_SUPPLY) -> list[dict]:
    """Each battery's health: full charge now against full charge as designed."""
    found = []
    for name in sorted(os.listdir(root)) if os.path.isdir(root) else []:
        base = os.path.join(root, name)
        if _read(os.path.join(base, "type")) != "Battery":
            continue
        battery: dict = {"name": name}
        for prefix in ("energy", "charge"):
            full, design = (_read(os.path.join(base, f"{prefix}_full{s}")) for s in ("", "_design"))
            if full.isdigit() and design.isdigit() and int(design) > 0:
                battery["health_percent"] = round(100 * int(full) / int(design), 1)
                break
        if (cycles := _read(os.path.join(base, "cycle_count"))).isdigit():
            battery["cycle_count"] = int(cycles)
        found.append(battery)
    return found


def collect(
    *,
    asset_tag: str = "",
    files: Iterable[str] = (),
    tools: Tools | None = None,
    power_supply: str = POWER_SUPPLY,
) -> dict:
    """Read this machine. `files` are plain files standing in for drives."""
    tools = tools or Tools()
    dmidecode = tools.output("dmidecode", [])
    if dmidecode is not None and "\nHandle 0x" not in dmidecode:
        # a virtual machine or a board without SMBIOS: dmidecode runs and finds nothing
        tools.state["dmidecode"] = "failed: no SMBIOS/DMI table on this machine"
        dmidecode = None
    drives = []
    for row in _drive_rows(tools) + [_file_row(p) for p in files]:
        smart, why = (
            (None, "a file has no SMART") if row["type"] == "file" else _smart(tools, row["path"])
        )
        drives.append({"name": row["name"], "lsblk": row, "smartctl": smart, "smartctl_said": why})
    lshw = _json(tools.output("lshw", ["-json", "-quiet"]))
    return {
        "type": TYPE,
        "version": 1,
        "uuid": str(uuid.uuid4()),
        "agent_version": __version__,
        "collected_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "station": socket.gethostname(),
        "asset_tag": asset_tag,
        "tools": dict(sorted(tools.state.items())),
        "dmidecode": dmidecode or "",
        "drives": drives,
        "lshw": lshw if isinstance(lshw, dict | list) else None,
        "batteries": batteries(power_supply),
    }


def summary(snapshot: dict) -> list[str]:
    """What the operator sees: what was read, and each tool that could not run."""
    lines = []
    for tool, state in snapshot["tools"].items():
        hint = f" (install {HINTS[tool]})" if state == "missing" and tool in HINTS else ""
        lines.append(f"{tool}: {state}{hint}")
    for drive in snapshot["drives"]:
        row = drive["lsblk"]
        smart = "smartctl read it" if drive["smartctl"] else f"smartctl: {drive['smartctl_said']}"
        lines.append(
            f"drive {row.get('path')}: {row.get('model') or '?'}, serial "
            f"{row.get('serial') or '(none)'}, {row.get('size')} bytes, {smart}"
        )
    for battery in snapshot["batteries"]:
        lines.append(f"battery {battery['name']}: {battery.get('health_percent', '?')}% of design")
    if not snapshot["batteries"]:
        lines.append("battery: none found in /sys/class/power_supply")
    return lines


def envelope(snapshot: dict) -> dict:
    """The spool's item for a snapshot: sent to the evidence endpoint, exactly once."""
    return {"record_id": snapshot["uuid"], "path": "/api/evidence/snapshots", "body": snapshot}


def report_envelope(raw: bytes, *, asset_tag: str = "") -> dict:
    """The spool's item for a wipe report file (an nwipe log): its text, as written."""
    import hashlib

    digest = hashlib.sha256(raw).hexdigest()
    query = f"?tag={asset_tag}" if asset_tag else ""
    return {
        "record_id": str(uuid.uuid5(uuid.NAMESPACE_URL, digest)),
        "path": "/api/evidence/snapshots" + query,
        "raw": raw.decode("utf-8", errors="replace"),
    }
