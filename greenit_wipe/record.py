"""The record of one wipe, exactly as the server's POST /api/sanitization/records takes it."""

from __future__ import annotations

import datetime as dt
import socket
import uuid

from . import __version__
from .drives import Drive

MEDIA_TYPES = {"hdd", "sata_ssd", "nvme", "emmc", "usb_flash", "memory_card", "phone_storage"}


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def station_name() -> str:
    return socket.gethostname()


def build(
    *,
    drive: Drive,
    asset_tag: str,
    media_type: str | None,
    nist_category: str,
    technique: str,
    pattern: str,
    passes: int,
    started_at: str,
    ended_at: str,
    bytes_written: int,
    verification: str,
    verification_result: str,
    passed: bool,
    errors: list[str],
    hpa_dco: str,
    commands: list[str],
    station: str,
) -> dict:
    media_type = media_type or drive.media_type
    if media_type not in MEDIA_TYPES:
        raise ValueError(f"unknown media type {media_type!r}")
    return {
        "record_id": str(uuid.uuid4()),
        "asset_tag": asset_tag,
        "medium": {
            "serial": drive.serial,
            "model": drive.model,
            "manufacturer": drive.manufacturer,
            "media_type": media_type,
            "interface": drive.transport or "unknown",
            "capacity_bytes": drive.size,
        },
        "nist_category": nist_category,
        "technique": technique,
        "pattern": pattern,
        "passes": passes,
        "tool": "greenit-wipe",
        "tool_version": __version__,
        "started_at": started_at,
        "ended_at": ended_at,
        "bytes_written": bytes_written,
        "verification": verification,
        "verification_result": verification_result,
        "result": "passed" if passed else "failed",
        "errors": "; ".join(errors),
        "hpa_dco": hpa_dco,
        "commands": commands,
        "station": station,
    }
