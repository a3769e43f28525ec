"""Sanitization over the API: the wipe station posts one record per medium; anyone with
access reads a device's media and a certificate."""

import json
import uuid
from datetime import datetime
from typing import Literal

from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from greenit.assets.models import Asset
from greenit.core import tags
from greenit.core.schema_types import of, text

from . import services
from .models import Certificate, SanitizationRecord, StorageMedium, Technique

# A technique, or the wipe agent's exact variant of a firmware command (kept in `pattern`).
TechniqueIn = Literal[(*Technique.values, *services.TECHNIQUE_VARIANTS)]  # type: ignore[valid-type]

router = Router(tags=["sanitization"])


class MediumIn(Schema):
    serial: of(StorageMedium, "serial") = ""
    model: of(StorageMedium, "model") = ""
    manufacturer: of(StorageMedium, "manufacturer") = ""
    media_type: of(StorageMedium, "media_type")
    interface: of(StorageMedium, "interface") = ""
    capacity_bytes: of(StorageMedium, "capacity_bytes") = None


def _record(name: str):
    return of(SanitizationRecord, name)


class RecordIn(Schema):
    record_id: uuid.UUID
    asset_tag: text(100, required=True)
    medium: MediumIn
    nist_category: _record("nist_category")
    technique: TechniqueIn = Field(
        description="A technique (overwrite, ata_sanitize, nvme_format, shred, …) or the wipe"
        " agent's exact variant (ata_sanitize_block_erase, nvme_format_crypto, …)"
    )
    pattern: _record("pattern") = ""
    passes: _record("passes") = 0
    tool: _record("tool") = ""
    tool_version: _record("tool_version") = ""
    started_at: datetime
    ended_at: datetime
    bytes_written: _record("bytes_written") = None
    verification: _record("verification")
    verification_result: _record("verification_result")
    validation: _record("validation") | None = Field(
        None,
        description="NIST SP 800-88 Rev. 2 validation (read-back: full or sampled). Given, the"
        " record is a Rev. 2 record and needs it passed; left out, a Rev. 1 record, which a"
        " policy that requires validation refuses.",
    )
    validation_result: _record("validation_result") | None = None
    result: _record("result")
    errors: _record("errors") = ""
    hpa_dco: _record("hpa_dco") = ""
    commands: list[_record("commands")] = []
    station: _record("station") = ""
    location: _record("location") = ""
    witness: _record("witness") = ""
    notes: _record("notes") = ""


class StoredOut(Schema):
    record_id: uuid.UUID
    status: str


class RecordOut(Schema):
    record_id: uuid.UUID
    nist_category: str
    technique: str
    pattern: str
    passes: int
    tool: str
    tool_version: str
    started_at: datetime
    ended_at: datetime
    bytes_written: int | None
    revision: str
    verification: str
    verification_result: str
    validation: str
    validation_result: str
    result: str
    operator: str
    verifier: str | None
    witness: str
    station: str
    location: str

    @staticmethod
    def resolve_operator(obj):
        return obj.operator.get_username()

    @staticmethod
    def resolve_verifier(obj):
        return obj.verifier.get_username() if obj.verifier_id else None


class MediumOut(Schema):
    id: int
    media_type: str
    interface: str
    manufacturer: str
    model: str
    serial: str
    capacity_bytes: int | None
    done: bool
    records: list[RecordOut]

    @staticmethod
    def resolve_done(obj):
        from .rules import medium_status

        return medium_status(obj.records.all())[0]

    @staticmethod
    def resolve_records(obj):
        return sorted(obj.records.all(), key=lambda r: (r.ended_at, r.pk))


class CertificateOut(Schema):
    number: str
    payload: dict
    signature: str
    key_fingerprint: str
    signature_valid: bool
    revoked: bool
    revoked_at: datetime | None
    revocation_reason: str


def _asset(request, tag: str) -> Asset:
    return get_object_or_404(Asset.objects.visible_to(request.user), tag=tags.normalise(tag))


@router.post("/records", response={200: StoredOut, 201: StoredOut})
def post_record(request, payload: RecordIn):
    """Store one sanitization record for one medium of a device (the wipe station's call).

    The medium is registered on first sight (by device and serial). `record_id` is the
    idempotency key: the same id again stores nothing and answers 200 with status
    "duplicate"; a new record answers 201 "stored". The token's user is the operator.
    422 when the technique does not fit the category or the medium."""
    asset = _asset(request, payload.asset_tag)
    record, created = services.medium_register_and_record(
        asset=asset,
        actor=request.user,
        medium=payload.medium.dict(),
        record_id=payload.record_id,
        **payload.dict(exclude={"record_id", "asset_tag", "medium"}, exclude_none=True),
    )
    status = "stored" if created else "duplicate"
    return Status(201 if created else 200, {"record_id": record.record_id, "status": status})


@router.get("/assets/{tag}/media", response=list[MediumOut])
def asset_media(request, tag: str):
    """The storage media of one device, each with its sanitization records (oldest first)
    and whether it is done."""
    asset = _asset(request, tag)
    return list(asset.media.prefetch_related("records__operator", "records__verifier"))


@router.get("/certificates/{number}", response=CertificateOut)
def get_certificate(request, number: str):
    """One certificate of sanitization: the signed payload, its Ed25519 signature (base64
    over the canonical JSON), whether the signature holds, and revocation."""
    certificate = get_object_or_404(
        Certificate.objects.visible_to(request.user), number=number.upper()
    )
    return {
        "number": certificate.number,
        "payload": json.loads(certificate.payload),
        "signature": certificate.signature,
        "key_fingerprint": certificate.key_fingerprint,
        "signature_valid": services.check_certificate(certificate).valid,
        "revoked": certificate.revoked,
        "revoked_at": certificate.revoked_at,
        "revocation_reason": certificate.revocation_reason,
    }
