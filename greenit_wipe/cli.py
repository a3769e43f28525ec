"""greenit-wipe: list drives, wipe one, send the records (see docs/wipe-agent.md)."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys

from . import __version__, inventory, methods, record, safety
from . import drives as drives_mod
from .client import Client
from .drives import Drive
from .spool import Spool

PURGE_METHODS = [
    "purge-ata",
    "purge-ata-sanitize",
    "purge-nvme-sanitize",
    "purge-nvme-format",
    "crypto-erase",
]
EXIT_OK, EXIT_FAILED, EXIT_REFUSED, EXIT_UNSUPPORTED = 0, 1, 2, 3


def _size(n: int) -> str:
    return f"{n / 1e9:.1f} GB" if n >= 1e9 else f"{n / 1e6:.1f} MB"


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="greenit-wipe", description=__doc__)
    p.add_argument("--version", action="version", version=f"greenit-wipe {__version__}")
    p.add_argument("--server", default=os.environ.get("GREENIT_SERVER", ""))
    p.add_argument("--token", default=os.environ.get("GREENIT_TOKEN", ""))
    p.add_argument("--spool", default=os.environ.get("GREENIT_SPOOL") or None)
    p.add_argument("--station", default=os.environ.get("GREENIT_STATION") or None)
    sub = p.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="the drives of this machine and whether they may be wiped")
    w = sub.add_parser("wipe", help="wipe one drive (or a file standing in for one)")
    w.add_argument("device", help="/dev/sdX, /dev/nvmeXnY, or a plain file")
    w.add_argument("--asset-tag", required=True, help="the asset the drive came out of")
    w.add_argument("--confirm-serial", required=True, help="type or scan the drive's serial")
    w.add_argument("--method", default="overwrite", choices=["overwrite", *PURGE_METHODS])
    w.add_argument("--pattern", default="zeros", choices=["zeros", "random"])
    w.add_argument("--passes", type=int, default=1)
    w.add_argument("--verify", default="full", choices=["full", "sampled", "none"])
    w.add_argument(
        "--action",
        choices=["block", "crypto", "overwrite"],
        help="Sanitize action for purge methods (default: the best the drive supports)",
    )
    w.add_argument("--media-type", choices=sorted(record.MEDIA_TYPES))
    w.add_argument("--dry-run", action="store_true", help="show what would run; write nothing")
    w.add_argument(
        "--no-sleep-wake",
        dest="sleep_wake",
        action="store_false",
        help="purge-ata: do not suspend the station (rtcwake) to unfreeze a frozen drive",
    )
    w.add_argument(
        "--no-inventory", action="store_true", help="do not send the machine's inventory first"
    )
    inv = sub.add_parser("inventory", help="read what this machine is and send it as evidence")
    inv.add_argument("--asset-tag", default="", help="the device's tag (scan it)")
    inv.add_argument(
        "--file", action="append", default=[], help="a plain file standing in for a drive"
    )
    inv.add_argument("--json", action="store_true", help="print the snapshot as JSON")
    imp = sub.add_parser("import-nwipe", help="send an nwipe log as wipe evidence")
    imp.add_argument("log", help="the log nwipe wrote (--logfile)")
    imp.add_argument("--asset-tag", default="", help="the device the drives came out of")
    sub.add_parser("flush", help="send the records waiting in the spool")
    sub.add_parser("status", help="what waits in the spool, and what the server rejected")
    return p


class App:
    """The commands, with the outside world injectable for tests."""

    def __init__(self, args, *, drives=None, context=None, runner=None, io=None, out=None):
        self.args = args
        self._drives = drives
        self._context = context
        self.runner = runner
        self.io = io
        self.out = out or (lambda text="": print(text, flush=True))
        self.spool = Spool(args.spool)

    def drives(self) -> list[Drive]:
        if self._drives is None:
            self._drives = drives_mod.list_drives()
        return self._drives

    def context(self) -> safety.Context:
        if self._context is None:
            self._context = safety.Context.from_system(self.drives())
        return self._context

    # --- list ---

    def list(self) -> int:
        drives = self.drives()
        ctx = self.context()
        self.out(f"{'device':<16}{'size':>10}  {'type':<10}{'model':<28}{'serial':<24}state")
        for d in drives:
            found = safety.reasons(d, confirmed_serial=d.serial, context=ctx)
            state = "can be wiped" if not found else "REFUSED: " + found[0]
            self.out(
                f"{d.path:<16}{_size(d.size):>10}  {d.media_type:<10}{d.model[:27]:<28}"
                f"{d.serial[:23]:<24}{state}"
            )
        return EXIT_OK

    # --- wipe ---

    def target(self) -> Drive | None:
        a = self.args
        if os.path.isfile(a.device):
            return Drive.for_file(a.device, media_type=a.media_type or "hdd")
        return drives_mod.find(a.device, self.drives())

    def wipe(self) -> int:
        a = self.args
        drive = self.target()
        if drive is None:
            self.out(f"REFUSED: {a.device} is neither a disk lsblk reports nor a plain file")
            return EXIT_REFUSED
        self.out(
            f"{drive.path}: {drive.model or '?'}, serial {drive.serial or '?'}, "
            f"{_size(drive.size)}, {drive.media_type}, {drive.transport or '?'}"
        )
        found = safety.reasons(
            drive, confirmed_serial=a.confirm_serial, context=self.context_for(drive)
        )
        if found:
            self.out("REFUSED, nothing was written:")
            for reason in found:
                self.out(f"  - {reason}")
            return EXIT_REFUSED
        self.inventory_first(drive)
        runner = self.runner or methods.Runner(dry_run=a.dry_run)
        runner.dry_run = a.dry_run
        started = record.now()
        if a.method == "overwrite":
            if a.dry_run:
                self.out(
                    f"(dry run) would overwrite {drive.size} bytes of {drive.path} with "
                    f"{a.pattern}, {a.passes} pass(es), verification {a.verify}"
                )
                return EXIT_OK
            hpa = self.hpa(drive, runner)
            if hpa.startswith("HPA present"):
                self.out(f"REFUSED: {hpa}; the hidden area would not be overwritten.")
                self.out(f"  Remove it first (hdparm -N p<native sectors> {drive.path}).")
                return EXIT_REFUSED
            result = methods.overwrite(
                drive,
                pattern=a.pattern,
                passes=a.passes,
                verification=a.verify,
                io=self.io,
                progress=lambda text: self.out(f"  {text}"),
            )
            fields = dict(
                nist_category="clear",
                technique="overwrite",
                pattern=a.pattern,
                passes=a.passes,
                bytes_written=result.bytes_written,
                verification=a.verify,
                verification_result=result.verification_result,
                passed=result.passed,
                errors=result.errors
                + (
                    [
                        f"{result.mismatch_count} byte(s) differ after overwrite, first at "
                        + ", ".join(str(o) for o in result.mismatches[:10])
                    ]
                    if result.mismatch_count
                    else []
                ),
                hpa_dco=hpa,
                commands=runner.log + result.commands,
            )
            self.out(
                f"  wrote {result.bytes_written} bytes at {result.write_mbps:.0f} MB/s; "
                f"verified {result.bytes_verified} bytes ({result.coverage:.0%}) at "
                f"{result.verify_mbps:.0f} MB/s: {result.verification_result}"
            )
        else:
            if drive.is_file:
                self.out(f"REFUSED: {a.method} needs a real drive, not a file")
                return EXIT_UNSUPPORTED
            identify = runner.run(methods.identify_command(drive)).stdout
            if a.method == "purge-ata":  # Security Erase needs the drive unfrozen
                identify = methods.unfreeze(drive, runner, identify, sleep_wake=a.sleep_wake)
            try:
                plan = methods.plan_purge(drive, a.method, identify, a.action)
            except methods.Unsupported as exc:
                self.out(f"NOT POSSIBLE: {exc}. Overwrite it, or destroy it.")
                return EXIT_UNSUPPORTED
            hpa = self.hpa(drive, runner)
            # NIST asks every sanitization to be verified: sample before, compare after.
            samples = [] if a.dry_run else methods.purge_samples(drive.path, drive.size)
            outcome = methods.run_purge(plan, runner)
            for line in outcome.commands:
                self.out(f"  $ {line}")
            if a.dry_run:
                return EXIT_OK
            check = methods.verify_purge(drive.path, samples) if outcome.ok else None
            errors = list(outcome.errors)
            if check is not None:
                errors += check.errors
                if check.survived:
                    errors.append(
                        f"old data still readable at {len(check.survived)} sampled locations, "
                        f"first at offset {check.survived[0]}"
                    )
            fields = dict(
                nist_category=plan.nist_category,
                technique=plan.technique,
                pattern="",
                passes=1,
                bytes_written=drive.size if outcome.ok else 0,
                verification="sampled",
                verification_result=check.result if check else "failed",
                passed=outcome.ok and check is not None and check.result == "passed",
                errors=errors,
                hpa_dco=hpa,
                commands=outcome.commands,
            )
        rec = record.build(
            drive=drive,
            asset_tag=a.asset_tag,
            media_type=a.media_type,
            started_at=started,
            ended_at=record.now(),
            station=self.args.station or record.station_name(),
            **fields,
        )
        self.spool.save(rec)
        verdict = "PASSED" if rec["result"] == "passed" else "FAILED"
        self.out(f"{verdict}: {drive.path} serial {drive.serial}, record {rec['record_id']}")
        if rec["errors"]:
            self.out(f"  errors: {rec['errors']}")
        if verdict == "FAILED":
            self.out("  A failed wipe means this medium must be destroyed (record the Destroy).")
        self.flush()
        return EXIT_OK if rec["result"] == "passed" else EXIT_FAILED

    # --- evidence ---

    def inventory(self) -> int:
        a = self.args
        missing = [f for f in a.file if not os.path.isfile(f)]
        if missing:
            self.out(f"REFUSED: not a plain file: {', '.join(missing)}")
            return EXIT_REFUSED
        snapshot = inventory.collect(asset_tag=a.asset_tag, files=a.file)
        for line in inventory.summary(snapshot):
            self.out(line)
        if a.json:
            self.out(json.dumps(snapshot, indent=1))
        self.spool.save(inventory.envelope(snapshot))
        self.out(f"snapshot {snapshot['uuid']} kept in the spool")
        return self.flush()

    def import_nwipe(self) -> int:
        a = self.args
        try:
            with open(a.log, "rb") as f:
                raw = f.read()
        except OSError as exc:
            self.out(f"REFUSED: cannot read {a.log}: {exc.strerror}")
            return EXIT_REFUSED
        if b"nwipe" not in raw or b"Drive Status" not in raw:
            self.out(f"REFUSED: {a.log} is not a finished nwipe log (no Drive Status table)")
            return EXIT_REFUSED
        self.spool.save(inventory.report_envelope(raw, asset_tag=a.asset_tag))
        self.out(f"{a.log} kept in the spool")
        return self.flush()

    def inventory_first(self, drive: Drive) -> None:
        """Before a wipe, what the machine is goes to the spool too: the device is described
        before its drive is erased. A file stands for no machine."""
        if drive.is_file or self.args.dry_run or self.args.no_inventory:
            return
        if getattr(self.runner, "fake", False):  # a simulated drive is on no machine to read
            return
        try:
            snapshot = inventory.collect(asset_tag=self.args.asset_tag)
        except OSError as exc:  # never stops a wipe: the record matters more
            self.out(f"  inventory not read: {exc}")
            return
        self.spool.save(inventory.envelope(snapshot))

    def context_for(self, drive: Drive) -> safety.Context:
        """A file target needs no lsblk: only the mount and swap tables."""
        if drive.is_file and self._context is None:
            mounts = drives_mod.parse_mounts(drives_mod.read_file("/proc/mounts"))
            swaps = drives_mod.parse_swaps(drives_mod.read_file("/proc/swaps"))
            return safety.Context(mounts=mounts, swaps=swaps)
        return self.context()

    def hpa(self, drive: Drive, runner) -> str:
        if drive.is_file:
            return "not applicable (file target)"
        if drive.transport == "nvme":
            return "not applicable (NVMe)"
        if not shutil.which("hdparm") and not getattr(runner, "fake", False):
            return "not checked (hdparm not installed)"
        return methods.parse_hpa(runner.run(["hdparm", "-N", drive.path]).stdout)

    # --- spool ---

    def client(self) -> Client | None:
        if not self.args.server or not self.args.token:
            return None
        return Client(self.args.server, self.args.token)

    def flush(self) -> int:
        client = self.client()
        if client is None:
            n = len(self.spool.pending())
            self.out(f"  kept in the spool ({n} waiting): set GREENIT_SERVER and GREENIT_TOKEN")
            return EXIT_FAILED
        report = self.spool.flush(client)
        for rid in report.delivered:
            self.out(f"  sent record {rid}")
        for rid in report.duplicates:
            self.out(f"  record {rid} was already on the server")
        for rid, message in report.rejected:
            self.out(f"  REJECTED by the server: record {rid}: {message}")
            self.out(f"    kept in {self.spool.rejected_dir}; fix and resend by hand")
        if report.error:
            self.out(f"  server unreachable ({report.error}): {report.pending} record(s) wait")
        return EXIT_OK if not report.pending and not report.rejected else EXIT_FAILED

    def status(self) -> int:
        pending = self.spool.pending()
        self.out(f"{len(pending)} record(s) waiting in {self.spool.dir}")
        for path in pending:
            with open(path, encoding="utf-8") as f:
                rec = json.load(f)
            if "path" in rec:  # evidence: a snapshot or a report
                self.out(f"  {rec['record_id']} evidence for {rec['path']}")
                continue
            self.out(
                f"  {rec['record_id']} {rec['asset_tag']} {rec['medium']['serial']} "
                f"{rec['result']} {rec['ended_at']}"
            )
        rejected = self.spool.rejected()
        if rejected:
            self.out(f"{len(rejected)} record(s) rejected by the server:")
            for path in rejected:
                reason = drives_mod.read_file(path + ".reason")
                self.out(f"  {os.path.basename(path)}: {reason}")
        return EXIT_OK


def main(argv: list[str] | None = None, **world) -> int:
    args = parser().parse_args(argv)
    if getattr(args, "passes", 1) < 1:
        print("--passes must be at least 1", file=sys.stderr)
        return EXIT_REFUSED
    app = App(args, **world)
    return getattr(app, args.command.replace("-", "_"))()


if __name__ == "__main__":
    sys.exit(main())
