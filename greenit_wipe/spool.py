"""The local spool: every result is written to disk before any attempt to send it, and
deleted only after the server answered 2xx. The server recognises a record it already has
by its record_id (200 "duplicate"), so a retry after a lost answer is harmless: never lost,
never recorded twice."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import time
from dataclasses import dataclass, field

from .client import Rejected, Transient


def default_dir() -> str:
    base = os.environ.get("XDG_DATA_HOME") or os.path.expanduser("~/.local/share")
    return os.path.join(base, "greenit-wipe", "spool")


@dataclass
class FlushReport:
    delivered: list[str] = field(default_factory=list)  # record_ids
    duplicates: list[str] = field(default_factory=list)
    rejected: list[tuple[str, str]] = field(default_factory=list)  # (record_id, message)
    pending: int = 0
    error: str = ""


def _fsync_dir(path: str) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class Spool:
    def __init__(self, directory: str | None = None) -> None:
        self.dir = directory or default_dir()
        self.rejected_dir = os.path.join(self.dir, "rejected")
        os.makedirs(self.rejected_dir, exist_ok=True)

    def save(self, record: dict) -> str:
        """Write the record durably (temporary file, fsync, rename, fsync the directory)."""
        name = f"{time.time_ns():020d}-{record['record_id']}.json"
        final = os.path.join(self.dir, name)
        tmp = os.path.join(self.dir, f".{name}.tmp")
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(record, f, ensure_ascii=False, indent=1)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, final)
        _fsync_dir(self.dir)
        return final

    def pending(self) -> list[str]:
        names = sorted(
            n for n in os.listdir(self.dir) if n.endswith(".json") and not n.startswith(".")
        )
        return [os.path.join(self.dir, n) for n in names]

    def rejected(self) -> list[str]:
        return sorted(
            os.path.join(self.rejected_dir, n)
            for n in os.listdir(self.rejected_dir)
            if n.endswith(".json")
        )

    @contextlib.contextmanager
    def locked(self):
        """One sender at a time per station (two agents never send the same file)."""
        with open(os.path.join(self.dir, ".lock"), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def flush(self, client) -> FlushReport:
        """Send the pending records oldest first. Stops at the first transient failure (the
        server is down: the rest would fail too) and keeps everything not acknowledged."""
        report = FlushReport()
        with self.locked():
            for path in self.pending():
                if not os.path.exists(path):  # sent by another agent meanwhile
                    continue
                with open(path, encoding="utf-8") as f:
                    record = json.load(f)
                try:
                    answer = client.send(record)
                except Transient as exc:
                    report.error = str(exc)
                    break
                except Rejected as exc:
                    self._reject(path, record, exc)
                    report.rejected.append((record["record_id"], exc.message))
                    continue
                if answer.body.get("status") == "duplicate":
                    report.duplicates.append(record["record_id"])
                else:
                    report.delivered.append(record["record_id"])
                os.remove(path)
                _fsync_dir(self.dir)
            report.pending = len(self.pending())
        return report

    def _reject(self, path: str, record: dict, exc: Rejected) -> None:
        target = os.path.join(self.rejected_dir, os.path.basename(path))
        reason = {"status": exc.status, "message": exc.message, "at": time.time()}
        with open(target + ".reason", "w", encoding="utf-8") as f:
            json.dump(reason, f, ensure_ascii=False)
            f.flush()
            os.fsync(f.fileno())
        os.replace(path, target)
        _fsync_dir(self.rejected_dir)
        _fsync_dir(self.dir)
