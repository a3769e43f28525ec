"""Benchmark: the wipe agent's overwrite and full verification against dd, in one run.

    .venv/bin/python bench/wipe.py [--size 2G] [--dir /tmp] [--runs 3]

Makes a file target (default 2 GiB) and, for each run (dd first in odd runs, the agent
first in even runs):
  1. dd if=/dev/zero of=F bs=16M count=N conv=notrunc,fdatasync   (dd write)
  2. dd if=F of=/dev/null bs=16M                                   (dd read)
  3. greenit-wipe overwrite, zeros, 1 pass (write + fdatasync)     (agent write)
  4. greenit-wipe full verification (read back + compare)          (agent verify)
with the file's pages dropped from the page cache before every step (posix_fadvise
DONTNEED; --drop global uses echo 3 > /proc/sys/vm/drop_caches as root).
Target: agent / dd >= 0.9 for both, as the median of the per-run ratios.
Then, if bench/certificate_pdf.py exists, the certificate PDF time for 500 media (< 3 s)."""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from greenit_wipe import methods  # noqa: E402
from greenit_wipe.drives import Drive  # noqa: E402

MiB = 1024 * 1024
GiB = 1024 * MiB
BS = 16 * MiB


def parse_size(text: str) -> int:
    units = {"K": 1024, "M": MiB, "G": 1024 * MiB, "T": 1024**4}
    text = text.strip().upper().removesuffix("IB").removesuffix("B")
    if text and text[-1] in units:
        return int(float(text[:-1]) * units[text[-1]])
    return int(text)


def drop_caches(path: str, how: str) -> str:
    """Drop the target's pages from the page cache. "fadvise" (default) evicts only this
    file's pages (exact, and leaves other programs' caches alone on a shared machine);
    "global" writes 3 to /proc/sys/vm/drop_caches (root only), falling back to fadvise."""
    if how == "global":
        os.sync()
        try:
            with open("/proc/sys/vm/drop_caches", "w") as f:
                f.write("3\n")
            return "global"
        except OSError:
            pass
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fdatasync(fd)
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)
    return "fadvise"


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(argv: list[str]) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + system) of one command."""
    cpu, started = _children_cpu(), time.perf_counter()
    subprocess.run(argv, check=True, capture_output=True)  # noqa: S603 (fixed argv)
    return time.perf_counter() - started, _children_cpu() - cpu


def make_target(path: str, size: int) -> None:
    block = b"\xa5" * BS
    with open(path, "wb") as f:
        left = size
        while left:
            n = min(BS, left)
            f.write(block[:n])
            left -= n
        f.flush()
        os.fsync(f.fileno())


# Each step returns (MB/s, CPU seconds per GiB): CPU time barely depends on what else the
# machine is doing, so it shows whether the agent does more work than dd even when the
# throughput figures are noisy.


def dd_write(path: str, size: int) -> tuple[float, float]:
    count = size // BS
    argv = ["dd", "if=/dev/zero", f"of={path}", "bs=16M", f"count={count}"]
    wall, cpu = timed(argv + ["conv=notrunc,fdatasync", "status=none"])
    return size / 1e6 / wall, cpu * GiB / size


def dd_read(path: str, size: int) -> tuple[float, float]:
    wall, cpu = timed(["dd", f"if={path}", "of=/dev/null", "bs=16M", "status=none"])
    return size / 1e6 / wall, cpu * GiB / size


def agent_write(path: str, size: int) -> tuple[float, float]:
    cpu = time.process_time()
    result = methods.overwrite(Drive.for_file(path), pattern="zeros", verification="none")
    cpu = time.process_time() - cpu
    assert result.passed, result.errors
    return result.write_mbps, cpu * GiB / size


def agent_verify(path: str, size: int) -> tuple[float, float]:
    check = methods.OverwriteResult(pattern="zeros", passes=1, verification="full", size=size)
    cpu, started = time.process_time(), time.perf_counter()
    methods.verify_full(path, size, methods.ZeroPattern(), methods.BlockIO(), check)
    check.verify_seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu
    assert check.mismatch_count == 0 and not check.errors, check.mismatches
    return check.verify_mbps, cpu * GiB / size


def run_once(path: str, size: int, agent_first: bool, how: str) -> dict[str, tuple]:
    """dd and the agent write one after the other, then read one after the other (adjacent
    in time, so a busy machine slows both alike); who goes first alternates between runs.
    The file's cached pages are dropped before each step."""
    assert size % BS == 0, "--size must be a multiple of 16 MiB"
    pairs = [
        [("dd write", dd_write), ("agent write", agent_write)],
        [("dd read", dd_read), ("agent verify", agent_verify)],
    ]
    speeds = {}
    for pair in pairs:
        for name, step in reversed(pair) if agent_first else pair:
            drop_caches(path, how)
            speeds[name] = step(path, size)
    return speeds


def certificate_bench() -> str | None:
    path = Path(__file__).resolve().parent / "certificate_pdf.py"
    if not path.exists():
        return None
    spec = importlib.util.spec_from_file_location("certificate_pdf", path)
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
        seconds = module.measure(media=500)
    except Exception as exc:  # report, don't hide the wipe figures
        return f"certificate PDF, 500 media: error {exc!r}"
    verdict = "OK" if seconds < 3 else "TOO SLOW"
    return f"certificate PDF, 500 media: {seconds:.2f} s (target < 3 s) {verdict}"


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--size", default="2G", help="file target size (multiple of 16 MiB)")
    p.add_argument("--dir", default=tempfile.gettempdir(), help="where to put the file target")
    p.add_argument("--runs", type=int, default=7)
    p.add_argument("--drop", choices=["fadvise", "global"], default="fadvise")
    args = p.parse_args()
    size = parse_size(args.size)
    with tempfile.TemporaryDirectory(dir=args.dir, prefix="greenit-wipe-bench-") as tmp:
        path = os.path.join(tmp, "target.img")
        make_target(path, size)
        how = drop_caches(path, args.drop)
        fs = subprocess.run(
            ["df", "--output=source,fstype", path], capture_output=True, text=True
        ).stdout.split("\n")[1]  # fmt: skip
        print(f"file target: {size / MiB:.0f} MiB in {args.dir} ({' '.join(fs.split())})")
        print(f"cache dropped before each step with: {how}; {os.cpu_count()} CPUs, "
              f"Python {platform.python_version()}, {platform.platform()}")  # fmt: skip
        runs, cpus = [], []
        for n in range(1, args.runs + 1):
            measured = run_once(path, size, n % 2 == 0, how)
            runs.append({k: v[0] for k, v in measured.items()})
            cpus.append({k: v[1] for k, v in measured.items()})
            print(f"run {n}: " + ", ".join(f"{k} {v[0]:.0f} MB/s" for k, v in measured.items()))
    names = ["dd write", "agent write", "dd read", "agent verify"]
    med = {k: statistics.median(r[k] for r in runs) for k in names}
    best = {k: max(r[k] for r in runs) for k in names}
    cpu = {k: statistics.median(c[k] for c in cpus) for k in names}
    # Median of the per-run ratios: each compares two measurements taken back to back.
    write_ratio = statistics.median(r["agent write"] / r["dd write"] for r in runs)
    verify_ratio = statistics.median(r["agent verify"] / r["dd read"] for r in runs)
    print(f"over {len(runs)} runs:    median MB/s  best MB/s  median CPU s/GiB")
    for k in names:
        print(f"  {k:<13} {med[k]:9.0f} {best[k]:10.0f} {cpu[k]:12.3f}")
    ok = write_ratio >= 0.9 and verify_ratio >= 0.9
    print(f"  write  agent/dd = {write_ratio:.2f}  (median of per-run ratios; target >= 0.90)")
    print(f"  verify agent/dd = {verify_ratio:.2f}  (median of per-run ratios; target >= 0.90)")
    print("  " + ("OK" if ok else "BELOW TARGET"))
    cert = certificate_bench()
    if cert:
        print(cert)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
