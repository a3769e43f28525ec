"""Sanitization methods: overwrite with verification (Clear), and Purge through the drive's
own commands (hdparm for ATA, nvme-cli for NVMe).

Overwrite writes sequentially in large blocks, syncs at the end of each pass, drops the
target's pages from the page cache and reads everything (or a NIST sample) back from the
medium, comparing with the pattern it wrote."""

from __future__ import annotations

import hashlib
import json
import math
import os
import random
import re
import shlex
import subprocess
import time
from dataclasses import dataclass, field

from .drives import Drive

MiB = 1024 * 1024
BLOCK = 16 * MiB
CHUNK = MiB  # unit of the random pattern: any chunk can be regenerated on its own
# Verification reads 1 MiB at a time: the block is still in the CPU cache when it is compared,
# so reading back costs one pass over memory, like `dd of=/dev/null`, not two.
READ_BLOCK = MiB
MAX_MISMATCHES = 100


# --- patterns ---------------------------------------------------------------------------


class ZeroPattern:
    name = "zeros"

    def __init__(self) -> None:
        self._block = bytes(BLOCK)
        self._read = bytes(READ_BLOCK)

    def block(self, offset: int, length: int) -> bytes:
        if length == BLOCK:
            return self._block
        return self._read if length == READ_BLOCK else bytes(length)

    expected = block


class RandomPattern:
    """A pseudorandom stream, reproducible from its seed so verification can regenerate any
    part of it: a 1 MiB SHAKE-128 base, rotated and byte-permuted per 1 MiB chunk with
    values drawn from the seed and the chunk number (fast enough to keep up with disks;
    every chunk differs, so nothing compresses or deduplicates)."""

    name = "random"

    def __init__(self, seed: bytes | None = None) -> None:
        self.seed = seed if seed is not None else os.urandom(16)
        self._base = hashlib.shake_128(b"greenit-wipe:" + self.seed).digest(CHUNK)
        self._cache: tuple[int, bytes] | None = None

    def chunk(self, index: int) -> bytes:
        if self._cache and self._cache[0] == index:
            return self._cache[1]
        rng = random.Random(self.seed + index.to_bytes(8, "little"))
        table = list(range(256))
        rng.shuffle(table)
        r = rng.randrange(CHUNK)
        data = (self._base[r:] + self._base[:r]).translate(bytes(table))
        self._cache = (index, data)
        return data

    def expected(self, offset: int, length: int) -> bytes:
        parts = []
        end = offset + length
        while offset < end:
            index, within = divmod(offset, CHUNK)
            take = min(CHUNK - within, end - offset)
            parts.append(self.chunk(index)[within : within + take])
            offset += take
        return b"".join(parts)

    block = expected


def make_pattern(name: str, seed: bytes | None = None):
    if name == "zeros":
        return ZeroPattern()
    if name == "random":
        return RandomPattern(seed)
    raise ValueError(f"unknown pattern {name!r}")


# --- I/O (a seam for fault injection in tests) ---------------------------------------------


class BlockIO:
    """How the overwrite touches the target. Tests subclass it to simulate a drive that
    silently drops writes."""

    def open_write(self, path: str) -> int:
        return os.open(path, os.O_WRONLY | getattr(os, "O_CLOEXEC", 0))

    def write(self, fd: int, data, offset: int) -> None:
        view = memoryview(data)
        while view:
            n = os.write(fd, view)
            if n <= 0:
                raise OSError(f"short write at offset {offset}")
            view = view[n:]
            offset += n

    def sync(self, fd: int) -> None:
        os.fdatasync(fd)

    def open_read(self, path: str) -> int:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
        try:
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_SEQUENTIAL)
        except (AttributeError, OSError):
            pass
        return fd

    def drop_cache(self, fd: int) -> None:
        """Forget cached pages so verification reads the medium, not memory."""
        try:
            os.fdatasync(fd)  # dirty pages are not dropped
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        except (AttributeError, OSError):
            pass

    def readinto(self, fd: int, buf: bytearray, offset: int) -> int:
        return os.preadv(fd, [buf], offset)

    def pread(self, fd: int, length: int, offset: int) -> bytes:
        return os.pread(fd, length, offset)


# --- overwrite and verification -------------------------------------------------------------


@dataclass
class OverwriteResult:
    pattern: str
    passes: int
    verification: str
    size: int
    bytes_written: int = 0
    write_seconds: float = 0.0
    verify_seconds: float = 0.0
    bytes_verified: int = 0
    coverage: float = 0.0
    mismatch_count: int = 0
    mismatches: list[int] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    commands: list[str] = field(default_factory=list)
    seeds: list[str] = field(default_factory=list)

    @property
    def verification_result(self) -> str:
        if self.verification == "none":
            return "not_verified"
        if self.errors and not self.bytes_verified:
            return "failed"
        return "failed" if self.mismatch_count or self.errors else "passed"

    @property
    def passed(self) -> bool:
        complete = self.bytes_written == self.size * self.passes
        return complete and not self.errors and self.verification_result != "failed"

    @property
    def write_mbps(self) -> float:
        return self.bytes_written / self.write_seconds / 1e6 if self.write_seconds else 0.0

    @property
    def verify_mbps(self) -> float:
        return self.bytes_verified / self.verify_seconds / 1e6 if self.verify_seconds else 0.0


def sample_plan(
    size: int,
    rng: random.Random,
    *,
    subsections: int = 1000,
    fraction: float = 0.10,
    max_location: int = MiB,
) -> list[tuple[int, int]]:
    """NIST SP 800-88 sampling: the medium cut into `subsections` equal parts (fewer only
    when it is too small), at least two pseudorandom locations in each, together at least
    `fraction` of each part (so at least 5 % of each and 10 % of the whole)."""
    if size < 20:
        return [(0, size)] if size > 0 else []  # too small to sample: read it all
    count = min(subsections, size // 20)
    plan = []
    for k in range(count):
        start, end = k * size // count, (k + 1) * size // count
        length = end - start
        want = max(2, math.ceil(length * fraction))
        locations = max(2, math.ceil(want / max_location))
        each = math.ceil(want / locations)
        slot = length // locations
        for j in range(locations):
            slot_start = start + j * slot
            plan.append((slot_start + rng.randrange(max(1, slot - each + 1)), each))
    return plan


def _mismatch_offsets(got: bytes, want: bytes, base: int, limit: int) -> tuple[int, list[int]]:
    """Count differing bytes and list the first `limit` offsets (absolute)."""
    count, offsets = 0, []
    step = 4096
    for i in range(0, len(want), step):
        a, b = got[i : i + step], want[i : i + step]
        if a == b:
            continue
        for j in range(len(b)):
            if j >= len(a) or a[j] != b[j]:
                count += 1
                if len(offsets) < limit:
                    offsets.append(base + i + j)
    return count, offsets


def _write_pass(drive_path, size, pattern, io: BlockIO, result: OverwriteResult) -> None:
    fd = io.open_write(drive_path)
    try:
        offset = 0
        while offset < size:
            length = min(BLOCK, size - offset)
            io.write(fd, pattern.block(offset, length), offset)
            offset += length
            result.bytes_written += length
        io.sync(fd)
    finally:
        os.close(fd)


def _check(result: OverwriteResult, got, want: bytes, offset: int) -> None:
    if got == want:
        return
    count, offsets = _mismatch_offsets(
        bytes(got), want, offset, MAX_MISMATCHES - len(result.mismatches)
    )
    result.mismatch_count += count
    result.mismatches.extend(offsets)


def verify_full(path: str, size: int, pattern, io: BlockIO, result: OverwriteResult) -> None:
    fd = io.open_read(path)
    buf = bytearray(READ_BLOCK)
    try:
        io.drop_cache(fd)
        offset = 0
        while offset < size:
            length = min(READ_BLOCK, size - offset)
            n = io.readinto(fd, buf, offset)
            if n < length:
                result.errors.append(f"short read at offset {offset + n}")
                break
            got = buf if length == READ_BLOCK else buf[:length]
            _check(result, got, pattern.expected(offset, length), offset)
            offset += length
            result.bytes_verified += length
    finally:
        os.close(fd)
    result.coverage = result.bytes_verified / size if size else 0.0


def verify_sampled(
    path: str, size: int, pattern, io: BlockIO, result: OverwriteResult, rng=None
) -> None:
    rng = rng or random.Random(os.urandom(16))
    plan = sample_plan(size, rng)
    fd = io.open_read(path)
    try:
        io.drop_cache(fd)
        for offset, length in plan:
            got = io.pread(fd, length, offset)
            if len(got) != length:
                result.errors.append(f"short read at offset {offset + len(got)}")
                break
            _check(result, got, pattern.expected(offset, length), offset)
            result.bytes_verified += length
    finally:
        os.close(fd)
    result.coverage = result.bytes_verified / size if size else 0.0


def overwrite(
    drive: Drive,
    *,
    pattern: str = "zeros",
    passes: int = 1,
    verification: str = "full",
    io: BlockIO | None = None,
    rng: random.Random | None = None,
    progress=None,
) -> OverwriteResult:
    """Overwrite every byte of the drive `passes` times, then verify the last pass."""
    if passes < 1:
        raise ValueError("at least one pass")
    if verification not in {"full", "sampled", "none"}:
        raise ValueError(f"unknown verification {verification!r}")
    io = io or BlockIO()
    result = OverwriteResult(
        pattern=pattern, passes=passes, verification=verification, size=drive.size
    )
    current = None
    for number in range(1, passes + 1):
        current = make_pattern(pattern)
        if isinstance(current, RandomPattern):
            result.seeds.append(current.seed.hex())
        result.commands.append(
            f"overwrite {shlex.quote(drive.path)} pass {number}/{passes} pattern={pattern} "
            f"bytes={drive.size} block={BLOCK} fdatasync"
        )
        if progress:
            progress(f"pass {number}/{passes}: writing {pattern}")
        started = time.perf_counter()
        try:
            _write_pass(drive.path, drive.size, current, io, result)
        except OSError as exc:
            result.errors.append(f"write failed in pass {number}: {exc}")
            result.write_seconds += time.perf_counter() - started
            return result
        result.write_seconds += time.perf_counter() - started
    if verification != "none":
        result.commands.append(
            f"verify {shlex.quote(drive.path)} {verification} against pass {passes} ({pattern})"
        )
        if progress:
            progress(f"verifying ({verification})")
        started = time.perf_counter()
        try:
            if verification == "full":
                verify_full(drive.path, drive.size, current, io, result)
            else:
                verify_sampled(drive.path, drive.size, current, io, result, rng)
        except OSError as exc:
            result.errors.append(f"read failed during verification: {exc}")
        result.verify_seconds = time.perf_counter() - started
    return result


# --- Purge through the drive's firmware --------------------------------------------------------


@dataclass
class Completed:
    argv: list[str]
    returncode: int
    stdout: str = ""
    stderr: str = ""


ANSWER_LIMIT = 4000  # characters of a command's answer kept in the record


def answer_line(done: Completed) -> str:
    """A command's answer as the record keeps it: exit code, then what it printed."""
    text = "\n".join(part.strip() for part in (done.stdout, done.stderr) if part.strip())
    if len(text) > ANSWER_LIMIT:
        text = text[:ANSWER_LIMIT] + f" … ({len(text) - ANSWER_LIMIT} more characters)"
    body = "".join(f"\n    {line}" for line in text.splitlines())
    return f"  -> exit {done.returncode}{body}"


class Runner:
    """Runs external commands and logs each one with its answer (exit code and output), so
    the record shows what the drive was asked and what it said. Tests replace `execute` with
    canned answers; `dry_run` logs destructive commands without running them."""

    fake = False

    def __init__(self, *, dry_run: bool = False) -> None:
        self.dry_run = dry_run
        self.log: list[str] = []
        self._last: tuple[str, str] | None = None
        self._repeats = 0

    def run(self, argv: list[str], *, destructive: bool = False, timeout=None) -> Completed:
        line = shlex.join(argv)
        if destructive and self.dry_run:
            self.log.append(f"(dry run) {line}")
            return Completed(argv, 0)
        done = self.execute(argv, timeout=timeout)
        self._record(line, answer_line(done))
        return done

    def _record(self, line: str, answer: str) -> None:
        """A poll that gets the same answer again is counted, not written out again."""
        if self._last == (line, answer):
            self._repeats += 1
            self.log[-1] = f"{answer} (same answer {self._repeats + 1} times)"
            return
        self._last, self._repeats = (line, answer), 0
        self.log += [line, answer]

    def execute(self, argv: list[str], *, timeout=None) -> Completed:
        # argv lists built from fixed words and a device path; never a shell.
        try:
            proc = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)  # noqa: S603
        except FileNotFoundError as exc:
            return Completed(argv, 127, "", f"{argv[0]}: not installed ({exc})")
        except subprocess.TimeoutExpired:
            return Completed(argv, 124, "", f"no answer within {timeout} s")
        return Completed(argv, proc.returncode, proc.stdout, proc.stderr)

    @property
    def commands(self) -> list[str]:
        """The command lines alone (the answers left out)."""
        return [entry for entry in self.log if not entry.startswith("  -> ")]


@dataclass
class AtaCapabilities:
    security_supported: bool = False
    security_enabled: bool = False
    locked: bool = False
    frozen: bool = False
    enhanced_erase: bool = False
    sanitize: bool = False
    block_erase: bool = False
    crypto_scramble: bool = False
    overwrite: bool = False


def parse_hdparm_identify(text: str) -> AtaCapabilities:
    """What `hdparm -I DEV` says about the Security and Sanitize feature sets."""
    caps = AtaCapabilities()
    security = text.split("Security:", 1)[1] if "Security:" in text else ""
    security = re.split(r"\n\S", security, maxsplit=1)[0]
    for raw in security.splitlines():
        line = " ".join(raw.split())
        if line == "supported":
            caps.security_supported = True
        elif line == "enabled":
            caps.security_enabled = True
        elif line == "locked":
            caps.locked = True
        elif line == "frozen":
            caps.frozen = True
        elif line == "supported: enhanced erase":
            caps.enhanced_erase = True
    features = {" ".join(line.replace("*", " ").split()) for line in text.splitlines()}
    caps.sanitize = "SANITIZE feature set" in features
    caps.block_erase = "BLOCK_ERASE_EXT command" in features
    caps.crypto_scramble = "CRYPTO_SCRAMBLE_EXT command" in features
    caps.overwrite = "OVERWRITE_EXT command" in features
    return caps


def _hex_field(text: str, name: str) -> int:
    match = re.search(rf"^\s*{name}\s*:\s*(0x[0-9a-fA-F]+|\d+)", text, re.MULTILINE)
    return int(match.group(1), 0) if match else 0


@dataclass
class NvmeCapabilities:
    format_supported: bool = False
    crypto_erase_format: bool = False
    sanitize_crypto: bool = False
    sanitize_block: bool = False
    sanitize_overwrite: bool = False


def parse_nvme_id_ctrl(text: str) -> NvmeCapabilities:
    """From `nvme id-ctrl DEV`: OACS bit 1 (Format NVM), FNA bit 2 (crypto erase in
    Format), SANICAP bits 0-2 (crypto erase, block erase, overwrite)."""
    oacs, fna, sanicap = (_hex_field(text, f) for f in ("oacs", "fna", "sanicap"))
    return NvmeCapabilities(
        format_supported=bool(oacs & 0x2),
        crypto_erase_format=bool(fna & 0x4),
        sanitize_crypto=bool(sanicap & 0x1),
        sanitize_block=bool(sanicap & 0x2),
        sanitize_overwrite=bool(sanicap & 0x4),
    )


# Not a secret: ATA Security Erase needs a user password set first, and the erase clears it.
ATA_PASSWORD = "greenit"  # noqa: S105
YES = "--yes-i-know-what-i-am-doing"


@dataclass
class PurgePlan:
    technique: str
    nist_category: str
    commands: list[list[str]]  # run in order; each must succeed
    status: list[str] | None = None  # polled until the (background) operation ends
    status_kind: str = ""
    notes: list[str] = field(default_factory=list)


class Unsupported(Exception):
    pass


USB_BRIDGE = (
    "{path} is behind a USB bridge: ATA {what} is refused there. Many bridges do not pass "
    "the command through, or cut it off after their own timeout and leave the drive half-"
    "erased (and, for Security Erase, locked with our password). Connect the drive to a SATA "
    "port of the wipe station, or overwrite it"
)
FROZEN = (
    "{path}: ATA security is frozen (the firmware froze it at boot), and a sleep/wake cycle did "
    "not unfreeze it. Suspend and resume the station (`rtcwake -m mem -s 10`), or unplug and "
    "replug the drive's power while the station runs (hot-plug SATA only), then try again"
)


def ata_secure_erase(drive: Drive, caps: AtaCapabilities) -> PurgePlan:
    if drive.transport == "usb":
        raise Unsupported(USB_BRIDGE.format(path=drive.path, what="Security Erase"))
    if not caps.security_supported:
        raise Unsupported(f"{drive.path}: ATA Security feature set not supported")
    if caps.frozen:
        raise Unsupported(FROZEN.format(path=drive.path))
    if caps.locked:
        raise Unsupported(f"{drive.path}: drive is locked with an unknown password")
    enhanced = caps.enhanced_erase
    erase = "--security-erase-enhanced" if enhanced else "--security-erase"
    dev = drive.path
    return PurgePlan(
        technique="ata_secure_erase_enhanced" if enhanced else "ata_secure_erase",
        # NIST SP 800-88: Purge on hard disks; on flash it only counts as Clear.
        nist_category="purge" if drive.rotational else "clear",
        commands=[
            ["hdparm", "--user-master", "u", "--security-set-pass", ATA_PASSWORD, dev],
            ["hdparm", "--user-master", "u", erase, ATA_PASSWORD, dev],
        ],
        # the erase clears the password: identify again to see that it did
        status=["hdparm", "-I", dev],
        status_kind="ata-security",
    )


def ata_sanitize(drive: Drive, caps: AtaCapabilities, action: str | None = None) -> PurgePlan:
    if drive.transport == "usb":
        raise Unsupported(USB_BRIDGE.format(path=drive.path, what="SANITIZE"))
    if not caps.sanitize:
        raise Unsupported(f"{drive.path}: ATA SANITIZE feature set not supported")
    available = {
        "block": caps.block_erase,
        "crypto": caps.crypto_scramble,
        "overwrite": caps.overwrite,
    }
    if action is None:
        order = ["overwrite", "crypto"] if drive.rotational else ["block", "crypto", "overwrite"]
        action = next((a for a in order if available[a]), None)
        if action is None:
            raise Unsupported(f"{drive.path}: no SANITIZE action supported")
    elif not available.get(action):
        raise Unsupported(f"{drive.path}: SANITIZE {action} not supported")
    dev = drive.path
    if action == "block":
        command, technique = ["hdparm", YES, "--sanitize-block-erase", dev], "block_erase"
    elif action == "crypto":
        command = ["hdparm", YES, "--sanitize-crypto-scramble", dev]
        technique = "crypto_scramble"
    else:
        command = ["hdparm", YES, "--sanitize-overwrite-passes", "1"]
        command += ["--sanitize-overwrite", "hex:00000000", dev]
        technique = "overwrite"
    return PurgePlan(
        technique=f"ata_sanitize_{technique}",
        nist_category="purge",
        commands=[command],
        status=["hdparm", "--sanitize-status", dev],
        status_kind="ata",
    )


NVME_SANACT = {"block": 2, "overwrite": 3, "crypto": 4}


def nvme_sanitize(drive: Drive, caps: NvmeCapabilities, action: str | None = None) -> PurgePlan:
    available = {
        "block": caps.sanitize_block,
        "crypto": caps.sanitize_crypto,
        "overwrite": caps.sanitize_overwrite,
    }
    if action is None:
        action = next((a for a in ("block", "crypto", "overwrite") if available[a]), None)
        if action is None:
            raise Unsupported(f"{drive.path}: the controller supports no Sanitize action")
    elif not available.get(action):
        raise Unsupported(f"{drive.path}: Sanitize {action} not supported")
    ctrl = drive.nvme_controller
    technique = {"block": "block_erase", "overwrite": "overwrite", "crypto": "crypto_erase"}
    return PurgePlan(
        technique=f"nvme_sanitize_{technique[action]}",
        nist_category="purge",
        commands=[["nvme", "sanitize", ctrl, "-a", str(NVME_SANACT[action])]],
        status=["nvme", "sanitize-log", ctrl, "-o", "json"],
        status_kind="nvme",
    )


def nvme_format(drive: Drive, caps: NvmeCapabilities, crypto: bool = False) -> PurgePlan:
    if not caps.format_supported:
        raise Unsupported(f"{drive.path}: the controller does not support Format NVM")
    if crypto and not caps.crypto_erase_format:
        raise Unsupported(f"{drive.path}: Format with Crypto Erase not supported")
    return PurgePlan(
        technique="nvme_format_crypto" if crypto else "nvme_format_user_data",
        nist_category="purge",
        commands=[["nvme", "format", drive.path, f"--ses={2 if crypto else 1}"]],
    )


def identify_command(drive: Drive) -> list[str]:
    if drive.transport == "nvme":
        return ["nvme", "id-ctrl", drive.nvme_controller]
    return ["hdparm", "-I", drive.path]


def plan_purge(drive: Drive, method: str, identify_text: str, action: str | None = None):
    """The commands for a Purge method, checked against what the drive says it supports."""
    nvme = drive.transport == "nvme"
    if method in {"purge-nvme-sanitize", "purge-nvme-format"} and not nvme:
        raise Unsupported(f"{drive.path} is not an NVMe drive")
    if method in {"purge-ata", "purge-ata-sanitize"} and nvme:
        raise Unsupported(f"{drive.path} is an NVMe drive: use purge-nvme-sanitize")
    if method == "purge-ata":
        return ata_secure_erase(drive, parse_hdparm_identify(identify_text))
    if method == "purge-ata-sanitize":
        return ata_sanitize(drive, parse_hdparm_identify(identify_text), action)
    if method == "purge-nvme-sanitize":
        return nvme_sanitize(drive, parse_nvme_id_ctrl(identify_text), action)
    if method == "purge-nvme-format":
        return nvme_format(drive, parse_nvme_id_ctrl(identify_text), crypto=action == "crypto")
    if method == "crypto-erase":
        if nvme:
            caps = parse_nvme_id_ctrl(identify_text)
            if caps.sanitize_crypto:
                return nvme_sanitize(drive, caps, "crypto")
            return nvme_format(drive, caps, crypto=True)
        return ata_sanitize(drive, parse_hdparm_identify(identify_text), "crypto")
    raise ValueError(f"unknown purge method {method!r}")


SLEEP_WAKE = ["rtcwake", "-m", "mem", "-s", "10"]


def unfreeze(drive: Drive, runner: Runner, identify_text: str, *, sleep_wake: bool = True) -> str:
    """ATA security is frozen by most BIOSes at boot; a sleep/wake cycle resets the drive
    unfrozen. When `identify_text` says frozen, suspend the station for ten seconds
    (`rtcwake`) and identify again; returns the identify text to plan with."""
    if (
        not parse_hdparm_identify(identify_text).frozen
        or not sleep_wake
        or drive.transport == "usb"
    ):
        return identify_text
    if runner.run(SLEEP_WAKE, destructive=True).returncode != 0 or runner.dry_run:
        return identify_text
    return runner.run(identify_command(drive)).stdout


# NVMe Sanitize Status log page (Log Identifier 81h), NVMe Base Specification §5.16.1.25:
# SSTAT bits 2:0 are the status of the most recent sanitize operation.
SSTAT_NEVER, SSTAT_DONE, SSTAT_RUNNING, SSTAT_FAILED, SSTAT_DONE_NO_DEALLOC = range(5)
NO_ESTIMATE = 0xFFFFFFFF
ESTIMATE_FIELD = {2: "time_block_erase", 3: "time_over_write", 4: "time_crypto_erase"}


@dataclass
class SanitizeLog:
    status: int  # SSTAT bits 2:0
    progress: int  # SPROG: fraction done, numerator of 65536
    sanact: int  # SANACT of the command it reports on (SCDW10 bits 2:0)
    global_erased: bool  # SSTAT bit 8
    estimates: dict[int, int]  # seconds by SANACT, when the controller gives one

    @property
    def percent(self) -> float:
        return 100.0 * self.progress / 65536


def _sstat_code(sstat) -> tuple[int, bool]:
    """SSTAT as nvme-cli prints it: an object {"status": "(1) The most recent sanitize
    operation completed successfully.", "global_erased": 1, ...} (nvme-cli 2.x) or a number."""
    if isinstance(sstat, dict):
        match = re.match(r"\s*\((\d+)\)", str(sstat.get("status", "")))
        if not match:
            raise ValueError("no status in sstat")
        return int(match.group(1)), bool(sstat.get("global_erased"))
    value = int(sstat)
    return value & 0x7, bool(value & 0x100)


def parse_sanitize_log(text: str) -> SanitizeLog:
    """`nvme sanitize-log DEV -o json`: {"nvme0": {"sprog": …, "sstat": {…}, "cdw10_info": …,
    "time_block_erase": …}}. ValueError when it is not that."""
    data = json.loads(text)
    if not isinstance(data, dict):
        raise ValueError("not a JSON object")
    entry = data if "sstat" in data else next(iter(data.values()), None)
    if not isinstance(entry, dict) or "sstat" not in entry:
        raise ValueError("no sstat in the sanitize log")
    status, global_erased = _sstat_code(entry["sstat"])
    estimates = {}
    for sanact, name in ESTIMATE_FIELD.items():
        value = int(entry.get(name, NO_ESTIMATE))
        if value != NO_ESTIMATE:
            estimates[sanact] = value
    return SanitizeLog(
        status=status,
        progress=int(entry.get("sprog", 0)),
        sanact=int(entry.get("cdw10_info", 0)) & 0x7,
        global_erased=global_erased,
        estimates=estimates,
    )


def nvme_state(text: str, sanact: int) -> tuple[str, str]:
    """('running' | 'done' | 'failed', why) from one read of the sanitize log, for the
    sanitize we started with `sanact`."""
    try:
        log = parse_sanitize_log(text)
    except (ValueError, TypeError, StopIteration) as exc:
        return "failed", f"the sanitize log cannot be read ({exc})"
    if log.status == SSTAT_RUNNING:
        return "running", f"{log.percent:.0f} % done"
    if log.status in (SSTAT_DONE, SSTAT_DONE_NO_DEALLOC):
        if log.sanact != sanact:
            return "failed", (
                f"the log reports a sanitize with action {log.sanact}, not the {sanact} we "
                "started: ours did not run"
            )
        return "done", "completed successfully" + (", global data erased" * log.global_erased)
    if log.status == SSTAT_FAILED:
        return "failed", "the drive reports that the sanitize failed"
    return "failed", "the drive reports that it was never sanitized: the command did not start"


def sanitize_state(kind: str, text: str) -> str:
    """'running', 'done' or 'failed' from `hdparm --sanitize-status`."""
    lowered = text.lower()
    if "in progress" in lowered or "in process" in lowered or "sd2" in lowered:
        return "running"
    if "completed without error" in lowered:
        return "done"
    return "failed"


def security_cleared(text: str) -> bool:
    """After ATA Security Erase, `hdparm -I`: the erase clears the password, so security is
    no longer enabled and the drive not locked."""
    caps = parse_hdparm_identify(text)
    return caps.security_supported and not (caps.security_enabled or caps.locked)


@dataclass
class PurgeResult:
    plan: PurgePlan
    ok: bool
    errors: list[str]
    commands: list[str]


MAX_WAIT = 24 * 3600.0  # no firmware sanitize of a single drive takes longer


def _poll(plan: PurgePlan, runner: Runner, sanact: int, *, poll_seconds, sleep, clock) -> str:
    """Ask the drive until its sanitize is done; '' when it completed, else why not."""
    limit = MAX_WAIT
    began = clock()
    while True:
        done = runner.run(plan.status)
        if plan.status_kind == "nvme":
            state, why = nvme_state(done.stdout, sanact)
            with_estimate = _estimate(done.stdout, sanact)
            if with_estimate:  # the controller's own estimate, with room to spare
                limit = min(MAX_WAIT, 2 * with_estimate + 600)
        else:
            state = sanitize_state(plan.status_kind, done.stdout)
            why = done.stdout.strip()[:300]
        if state == "done":
            return ""
        if state == "failed":
            return f"sanitize did not complete: {why}"
        if clock() - began > limit:
            return f"sanitize still running after {clock() - began:.0f} s: given up ({why})"
        sleep(poll_seconds)


def _estimate(text: str, sanact: int) -> int:
    try:
        return parse_sanitize_log(text).estimates.get(sanact, 0)
    except (ValueError, TypeError, StopIteration):
        return 0


def run_purge(plan: PurgePlan, runner: Runner, *, poll_seconds=10.0, sleep=None, clock=None):
    """Run the plan's commands, then confirm from the drive that the operation completed:
    poll the sanitize log (NVMe log page 81h, ATA SANITIZE STATUS) until it reports our
    sanitize done, or read the security state back after an ATA Security Erase. Nothing is
    assumed from a command's exit code alone."""
    sleep = sleep or time.sleep
    clock = clock or time.monotonic
    errors: list[str] = []
    sanact = _sanact(plan)
    if plan.status_kind == "nvme" and not runner.dry_run:
        before = runner.run(plan.status)  # the log before: a sanitize already running?
        if nvme_state(before.stdout, sanact)[0] == "running":
            errors.append("a sanitize is already running on this controller: wait for it")
    for argv in [] if errors else plan.commands:
        done = runner.run(argv, destructive=True)
        if done.returncode != 0:
            errors.append(f"{shlex.join(argv)} exited {done.returncode}: {done.stderr.strip()}")
            break
    if not errors and plan.status and not runner.dry_run:
        if plan.status_kind == "ata-security":
            if not security_cleared(runner.run(plan.status).stdout):
                errors.append(
                    "after the erase the drive still reports security enabled or locked: "
                    "the erase did not complete"
                )
        elif problem := _poll(
            plan, runner, sanact, poll_seconds=poll_seconds, sleep=sleep, clock=clock
        ):
            errors.append(problem)
    return PurgeResult(plan=plan, ok=not errors, errors=errors, commands=list(runner.log))


def _sanact(plan: PurgePlan) -> int:
    """The SANACT of an NVMe sanitize plan (`nvme sanitize CTRL -a N`), 0 for others."""
    for argv in plan.commands:
        if argv[:2] == ["nvme", "sanitize"] and "-a" in argv:
            return int(argv[argv.index("-a") + 1])
    return 0


# --- verification of a firmware Purge --------------------------------------------------------


def purge_samples(
    path: str, size: int, io: BlockIO | None = None, rng: random.Random | None = None
) -> list[tuple[int, int, bytes]]:
    """Before a firmware Purge: the NIST sample locations (see sample_plan) and a digest of
    what each holds now, so that afterwards we can tell whether the old data is gone."""
    io = io or BlockIO()
    rng = rng or random.Random(os.urandom(16))
    samples = []
    fd = io.open_read(path)
    try:
        io.drop_cache(fd)
        for offset, length in sample_plan(size, rng):
            samples.append((offset, length, hashlib.sha256(io.pread(fd, length, offset)).digest()))
    finally:
        os.close(fd)
    return samples


@dataclass
class PurgeVerification:
    bytes_verified: int = 0
    survived: list[int] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def result(self) -> str:
        return "failed" if self.survived or self.errors else "passed"


def verify_purge(
    path: str, samples: list[tuple[int, int, bytes]], io: BlockIO | None = None
) -> PurgeVerification:
    """After a firmware Purge, read every sample again: each must have changed, or read back
    blank (one byte value throughout, as a block erase leaves it). A sample that still holds
    its old, non-blank content means data survived: the verification fails there."""
    io = io or BlockIO()
    check = PurgeVerification()
    fd = io.open_read(path)
    try:
        io.drop_cache(fd)
        for offset, length, before in samples:
            got = io.pread(fd, length, offset)
            if len(got) != length:
                check.errors.append(f"short read at offset {offset + len(got)}")
                break
            check.bytes_verified += length
            blank = got.count(got[:1]) == len(got)
            if not blank and hashlib.sha256(got).digest() == before:
                check.survived.append(offset)
    finally:
        os.close(fd)
    return check


def parse_hpa(text: str) -> str:
    """`hdparm -N DEV`: ' max sectors = 976773168/976773168, HPA is disabled'."""
    match = re.search(r"max sectors\s*=\s*(\d+)/(\d+),\s*HPA is (\w+)", text)
    if not match:
        return "not checked"
    visible, native, state = match.groups()
    if state == "enabled" or visible != native:
        return f"HPA present: {visible} of {native} sectors visible"
    return "no HPA"
