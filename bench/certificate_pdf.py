"""Benchmark: the certificate of sanitization PDF of a donation with many media.

Target (issue #15): 500 media, signed, in under 1.5 s. The payload is built in memory as
services.build_payload makes it (no database), signed with a throw-away Ed25519 key, rendered
by the same code as the pages (greenit.sanitization.pdf.render_signed), QR code, CJK font and
attachment included, and the PDF itself signed (PAdES) with a throw-away self-made CA in a
temporary SIGNING_PDF_DIR.

    .venv/bin/python bench/certificate_pdf.py [--media 500] [--out certificate.pdf]

`measure(media=500) -> float` returns the CPU seconds of one rendering (after one warm-up
rendering of a small certificate, so fonts are loaded as in a running server); CPU time,
because on a shared machine the wall-clock time says more about the neighbours."""

import argparse
import base64
import os
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "greenit.settings")
os.environ.setdefault("SECRET_KEY", "bench-only")  # DEBUG is off: production settings
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.dummy.EmailBackend")
os.environ["SIGNING_PDF_DIR"] = tempfile.mkdtemp(prefix="greenit-bench-")  # throw-away CA

import django  # noqa: E402

django.setup()

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey  # noqa: E402

from greenit.sanitization import pdf, signing  # noqa: E402

MEDIA_TYPES = ["sata_ssd", "nvme", "hdd", "emmc"]


def payload(media: int) -> dict:
    start = datetime.fromisoformat("2026-03-02T09:00:00+08:00")
    rows = []
    for i in range(media):
        began = start + timedelta(minutes=7 * i)
        rows.append(
            {
                "asset_tag": f"K7{i:02d}-Q{i % 97:03d}"[:9],
                "device": {
                    "category": "laptop",
                    "make": "Lenovo",
                    "model": "ThinkPad T480",
                    "serial": f"PF1{i:06d}",
                },
                "medium": {
                    "media_type": MEDIA_TYPES[i % 4],
                    "interface": "SATA",
                    "manufacturer": "Samsung",
                    "model": "MZ7LN256HAJQ",
                    "serial": f"S3TANX0K{i:06d}",
                    "capacity_bytes": 256_060_514_304,
                },
                "record": {
                    "record_id": f"00000000-0000-4000-8000-{i:012d}",
                    "nist_category": "clear",
                    "technique": "overwrite",
                    "pattern": "zeros",
                    "passes": 1,
                    "tool": "greenit-wipe",
                    "tool_version": "1.0.0",
                    "started_at": began.isoformat(),
                    "ended_at": (began + timedelta(minutes=6)).isoformat(),
                    "bytes_written": 256_060_514_304,
                    "verification": "full",
                    "verification_result": "passed",
                    "result": "passed",
                    "operator": "Fang Wang 王",
                    "verifier": "Hui Zhang 张",
                    "witness": "",
                    "location": "上海仓库 A 区",
                    "station": "wipe-01",
                    "hpa_dco": "none",
                    "errors": "",
                    "earlier_failures": 0,
                },
            }
        )
    return {
        "type": "greenit-certificate-of-sanitization",
        "version": 1,
        "number": "GC-2026-00001",
        "standard": "NIST SP 800-88",
        "organisation": {"name": "Green IT", "site": "https://greenit.example.org"},
        "donation": {
            "reference": "D-2026-0001",
            "donor": "华东汽车零部件有限公司",
            "contact": "赵磊",
        },
        "issued_at": "2026-03-10T10:00:00+08:00",
        "issued_by": "Hui Zhang 张",
        "verify_url": "https://greenit.example.org/sanitization/verify/GC-2026-00001/",
        "media_count": media,
        "media": rows,
    }


def render(media: int) -> bytes:
    key = Ed25519PrivateKey.generate()
    data = payload(media)
    data["key_fingerprint"] = signing.fingerprint(key.public_key())
    content = signing.canonical(data)
    signature = base64.b64encode(key.sign(content)).decode()
    return pdf.render_signed(content.decode(), signature, data["key_fingerprint"])


def measure(media: int = 500) -> float:
    """CPU seconds to render and sign the certificate PDF of `media` media."""
    if not (signing.pdf_dir() / signing.PDF_KEY).exists():
        signing.create_chain()
    render(2)  # warm-up: fonts and templates loaded once per process, as in a server
    began = time.process_time()
    render(media)
    return time.process_time() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--media", type=int, default=500)
    parser.add_argument("--out", type=Path, help="also write the PDF here")
    args = parser.parse_args()
    seconds = measure(args.media)
    began = time.perf_counter()
    data = render(args.media)
    print(
        f"certificate PDF, {args.media} media, signed: {seconds:.2f} s CPU "
        f"(target < 1.5 s); again: {time.perf_counter() - began:.2f} s wall, "
        f"{len(data) / 1e6:.2f} MB"
    )
    if args.out:
        args.out.write_bytes(data)


if __name__ == "__main__":
    main()
