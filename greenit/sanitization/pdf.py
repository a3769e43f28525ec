"""The certificate of sanitization as a PDF: A4, English and Chinese side by side, the fields
of NIST SP 800-88 §4.8 for every medium, a QR code to the public verify page, and the signed
content attached as `certificate.json` ({"payload", "signature", "key_fingerprint"}), which
`greenit verify-certificate FILE.pdf` checks offline. The whole file is then signed (PAdES
baseline B-B, a certification signature that allows no change) with the organisation's X.509
key and chain (signing.py), so any PDF reader shows an edit, an added page or a changed byte.

Everything printed comes from the signed payload, so the pages say what the signature covers."""

import io
import json
import unicodedata

from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from greenit.core.qr import qr_svg

from . import signing

ATTACHMENT_NAME = "certificate.json"

# Both languages at once, whatever the reader's language: English / 中文.
MEDIA = {
    "hdd": ("HDD", "机械硬盘"),
    "sata_ssd": ("SATA SSD", "SATA 固态硬盘"),
    "nvme": ("NVMe SSD", "NVMe 固态硬盘"),
    "emmc": ("eMMC", "eMMC 闪存"),
    "usb_flash": ("USB flash", "U 盘"),
    "memory_card": ("memory card", "存储卡"),
    "phone_storage": ("phone", "手机存储"),
}
CATEGORIES = {
    "clear": ("Clear", "清除"),
    "purge": ("Purge", "净化"),
    "destroy": ("Destroy", "销毁"),
}
TECHNIQUES = {
    "overwrite": ("Overwrite", "覆写"),
    "ata_sanitize": ("ATA Sanitize", "ATA 净化"),
    "ata_secure_erase": ("ATA Secure Erase", "ATA 安全擦除"),
    "nvme_sanitize": ("NVMe Sanitize", "NVMe 净化"),
    "nvme_format": ("NVMe Format", "NVMe 格式化擦除"),
    "crypto_erase": ("Crypto erase", "加密擦除"),
    "factory_reset": ("Factory reset", "恢复出厂设置"),
    "shred": ("Shred", "粉碎"),
    "drill": ("Drill", "钻孔"),
    "degauss": ("Degauss", "消磁"),
    "disintegrate": ("Disintegrate", "解体"),
}
VERIFICATION = {
    "full": ("Full", "全盘校验"),
    "sampled": ("Sampled", "抽样校验"),
    "completion": ("Completion confirmed", "已确认完成"),
    "none": ("None", "未校验"),
}
RESULTS = {
    "passed": ("Passed", "通过"),
    "failed": ("Failed", "失败"),
    "not_verified": ("Not verified", "未校验"),
}


def _en(table: dict, key: str) -> str:
    return table.get(key, (key, ""))[0]


def _shown(table: dict, key: str) -> str:
    """The name in the language of the page (the verify page shows one language)."""
    en, zh = table.get(key, (key, ""))
    return zh if zh and (get_language() or "").startswith("zh") else en


def _both(table: dict, key: str) -> str:
    en, zh = table.get(key, (key, ""))
    return f"{en} / {zh}" if zh else en


def _join(*parts: str) -> str:
    return ", ".join(p for p in parts if p)


def _size(n: int | None) -> str:
    if not n:
        return ""
    for unit, factor in (("TB", 10**12), ("GB", 10**9), ("MB", 10**6)):
        if n >= factor:
            return f"{n / factor:.0f} {unit}" if n >= 10 * factor else f"{n / factor:.1f} {unit}"
    return f"{n} B"


def _short(when: str) -> str:
    """2026-03-02T10:15:00+08:00 → 2026-03-02 10:15"""
    return when[:16].replace("T", " ") if when else ""


# From this many media on, the table is set as fixed-width text lines (Noto Sans Mono CJK SC,
# where a Chinese character is exactly two Latin ones wide): one text line per medium instead of
# six table cells, which keeps a 500-medium certificate well under 3 s (bench/certificate_pdf.py).
COMPACT_FROM = 120
COLUMNS = (
    ("#", "", 5),
    ("Asset", "资产", 11),
    ("Medium S/N", "介质序列号", 22),
    ("Medium (type, model, capacity)", "介质（类型、型号、容量）", 44),
    ("Category, method, tool", "类别、方法、工具", 50),
    ("Verification, ended", "校验、完成", 40),
    ("Operator, verifier", "操作员、核验人", 40),
)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _cell(text: str, width: int) -> str:
    """`text` cut or padded to `width` display columns (CJK counts two)."""
    out, used = [], 0
    for ch in text:
        w = 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        if used + w > width - 1:
            if used < _width(text):
                out.append("…")
                used += 1
            break
        out.append(ch)
        used += w
    return "".join(out) + " " * max(0, width - used)


def _line(cells: list[str]) -> str:
    return "".join(
        _cell(text, width) for text, (_en, _zh, width) in zip(cells, COLUMNS, strict=True)
    )


def _destruct(record: dict) -> bool:
    return record.get("revision") == "rev2" and record["nist_category"] == "destroy"


def _validation(record: dict) -> str:
    """Rev. 2 records state their validation beside the verification; Rev. 1 ones have none."""
    if record.get("validation", "none") == "none":
        return ""
    return (
        f"validation {_en(VERIFICATION, record['validation'])} "
        f"{_en(RESULTS, record['validation_result'])}"
    )


def _shown_fields(record: dict, medium: dict) -> dict:
    """The row's names in the page's language, for the verify page; the IEEE 2883-2022
    command stays as the standard writes it."""
    shown = {
        "type_shown": _shown(MEDIA, medium["media_type"]),
        "category_shown": _shown(CATEGORIES, record["nist_category"]),
        "technique_shown": _shown(TECHNIQUES, record["technique"])
        + (f" {record['passes']}×" if record["passes"] else ""),
        "pattern": record["pattern"],
        "command": record.get("ieee2883_technique") or "",
        "verification_shown": f"{_shown(VERIFICATION, record['verification'])}"
        f" · {_shown(RESULTS, record['verification_result'])}",
        "validation_shown": "",
    }
    if record.get("validation", "none") != "none":
        shown["validation_shown"] = _("validation: %(how)s, %(result)s") % {
            "how": _shown(VERIFICATION, record["validation"]),
            "result": _shown(RESULTS, record["validation_result"]),
        }
    return shown


def _sample(sample: dict | None) -> dict | None:
    """The independent verification (R2v3 Appendix B) as the certificate states it."""
    if not sample:
        return None
    listed = "; ".join(
        f"{i['asset_tag']} {i['medium_serial']}: {i['verified_by']}, {i['method']}"
        for i in sample["items"][:50]
    )
    return {
        **sample,
        "result_zh": "通过" if sample["result"] == "passed" else "失败",
        "list": listed,
    }


def compact_lines(rows: list[dict]) -> tuple[list[str], list[str]]:
    header = [_line([en for en, _zh, _w in COLUMNS]), _line([zh for _en, zh, _w in COLUMNS])]
    lines = [
        _line(
            [
                str(r["n"]),
                r["tag"],
                r["serial"],
                r["medium_cell"],
                r["how_cell"],
                f"{r['verification']} {r['verification_result']}, {r['end']}"
                + (f"; {r['validation']}" if r["validation"] else ""),
                _join(r["operator"], r["verifier"]),
            ]
        ).rstrip()
        for r in rows
    ]
    return header, lines


def context(payload: dict) -> dict:
    rows = []
    people: dict[tuple[str, str], set[str]] = {}
    locations: set[str] = set()
    dates: list[str] = []
    for n, item in enumerate(payload["media"], start=1):
        record, medium, device = item["record"], item["medium"], item["device"]
        # Rev. 2 certificates name the technique as IEEE 2883-2022 does for the interface.
        method = record.get("ieee2883_technique") or _en(TECHNIQUES, record["technique"])
        if record["passes"]:
            method += f" {record['passes']}×"
        if record["pattern"]:
            method += f" {record['pattern']}"
        rows.append(
            {
                "n": n,
                "tag": item["asset_tag"],
                "device": " ".join(filter(None, (device["make"], device["model"]))),
                "device_serial": device["serial"],
                "type": _en(MEDIA, medium["media_type"]),
                "medium": " ".join(filter(None, (medium["manufacturer"], medium["model"]))),
                "serial": medium["serial"],
                "capacity": _size(medium["capacity_bytes"]),
                "category": _en(CATEGORIES, record["nist_category"])
                + (" (Destruct)" if _destruct(record) else ""),
                "method": method,
                "tool": " ".join(filter(None, (record["tool"], record["tool_version"]))),
                "verification": _en(VERIFICATION, record["verification"]),
                "verification_result": _en(RESULTS, record["verification_result"]),
                "validation": _validation(record),
                "start": _short(record["started_at"]),
                "end": _short(record["ended_at"]),
                "operator": record["operator"],
                "verifier": record["verifier"],
                "witness": record["witness"],
                "result": _en(RESULTS, record["result"]),
                "failures": record.get("earlier_failures", 0),
                **_shown_fields(record, medium),
            }
        )
        row = rows[-1]
        extra = []
        if row["witness"]:
            extra.append(f"witness 见证人 {row['witness']}")
        if row["failures"]:
            extra.append("after failed wipe")
        row["medium_cell"] = _join(row["type"], row["medium"], row["capacity"])
        row["how_cell"] = _join(row["category"], row["method"], row["tool"], *extra)
        if record["operator"]:
            people.setdefault(("operator", record["operator"]), set())
        if record["verifier"]:
            people.setdefault(("verifier", record["verifier"]), set())
        if record["location"]:
            locations.add(record["location"])
        dates.append(record["ended_at"][:10])
    compact = len(rows) >= COMPACT_FROM
    header, lines = compact_lines(rows) if compact else ([], [])
    return {
        "c": payload,
        "rows": rows,
        "compact": compact,
        "compact_header": "\n".join(header),
        "compact_lines": "\n".join(lines),
        "operators": sorted(name for role, name in people if role == "operator"),
        "verifiers": sorted(name for role, name in people if role == "verifier"),
        "locations": sorted(locations),
        "first_date": min(dates) if dates else "",
        "last_date": max(dates) if dates else "",
        "sample": _sample(payload.get("sample")),
        "qr": qr_svg(payload["verify_url"]),
        "issued_at": _short(payload["issued_at"]),
    }


def render_pdf(certificate) -> bytes:
    """The PDF of a stored certificate (its payload and signature as stored)."""
    return render_signed(certificate.payload, certificate.signature, certificate.key_fingerprint)


def attachment_bytes(payload_text: str, signature: str, key_fingerprint: str) -> bytes:
    bundle = {"payload": payload_text, "signature": signature, "key_fingerprint": key_fingerprint}
    return json.dumps(bundle, ensure_ascii=False, indent=1).encode("utf-8")


def render_signed(payload_text: str, signature: str, key_fingerprint: str) -> bytes:
    """The certificate PDF with `payload_text` attached, signed as a whole (PAdES)."""
    return sign_pdf(render_unsigned(payload_text, signature, key_fingerprint), payload_text)


def render_unsigned(payload_text: str, signature: str, key_fingerprint: str) -> bytes:
    from weasyprint import HTML, Attachment  # heavy: loaded on first use

    payload = json.loads(payload_text)
    html = render_to_string(
        "sanitization/certificate.pdf.html",
        {**context(payload), "signature": signature, "key_fingerprint": key_fingerprint},
    )
    attachment = Attachment(
        file_obj=io.BytesIO(attachment_bytes(payload_text, signature, key_fingerprint)),
        name=ATTACHMENT_NAME,
        description="Signed certificate content (Ed25519 over payload) / 已签名的证书内容",
    )
    return HTML(string=html).write_pdf(attachments=[attachment])


SIGNATURE_FIELD = "GreenitCertificateSignature"


def _signer():
    """pyHanko's signer with the organisation's X.509 key and chain (signing.py)."""
    from pyhanko.keys import load_certs_from_pemder_data, load_private_key_from_pemder_data
    from pyhanko.sign.signers import SimpleSigner
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    key_pem, cert_pem, chain_pem = signing.pdf_signing_files()
    cert = next(iter(load_certs_from_pemder_data(cert_pem)))
    chain = list(load_certs_from_pemder_data(chain_pem))
    return SimpleSigner(
        signing_cert=cert,
        signing_key=load_private_key_from_pemder_data(key_pem, passphrase=None),
        cert_registry=SimpleCertificateStore.from_certs([cert, *chain]),
    )


def sign_pdf(data: bytes, payload_text: str) -> bytes:
    """Sign the whole PDF: PAdES (ETSI.CAdES.detached), SHA-256, as a certification signature
    with DocMDP "no changes allowed", so readers flag any later edit, even an incremental one."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign.fields import MDPPerm, SigSeedSubFilter
    from pyhanko.sign.signers import PdfSignatureMetadata, PdfSigner

    payload = json.loads(payload_text)
    meta = PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        md_algorithm="sha256",
        subfilter=SigSeedSubFilter.PADES,
        certify=True,
        docmdp_permissions=MDPPerm.NO_CHANGES,
        reason=f"Certificate of sanitization {payload.get('number', '')}",
        location=payload.get("verify_url", ""),
        name=payload.get("organisation", {}).get("name", ""),
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    return PdfSigner(meta, signer=_signer()).sign_pdf(writer).getvalue()
