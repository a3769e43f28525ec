"""Everything that changes sanitization data goes through here: pages, the API, the demo and
the wipe agent (through the API) call the same functions with the same rules."""

import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from greenit.accounts import permissions
from greenit.assets import lifecycle
from greenit.assets.models import Asset, State

from . import revocation, rules, signing
from .guards import is_sanitized
from .models import Certificate, SanitizationRecord, StorageMedium, Technique, new_verify_code
from .status import sanitization_status


def medium_register(
    *,
    asset: Asset,
    actor,
    media_type: str,
    serial: str = "",
    interface: str = "",
    manufacturer: str = "",
    model: str = "",
    capacity_bytes: int | None = None,
) -> tuple[StorageMedium, bool]:
    """Record a storage medium of `asset`; the same serial again for the same device is the
    same medium (returned, created False)."""
    permissions.require(actor, "sanitize")
    serial = serial.strip()
    if serial and (found := StorageMedium.objects.filter(asset=asset, serial=serial).first()):
        return found, False
    medium = StorageMedium(
        asset=asset,
        media_type=media_type,
        serial=serial,
        interface=interface.strip(),
        manufacturer=manufacturer.strip(),
        model=model.strip(),
        capacity_bytes=capacity_bytes,
    )
    medium.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            medium.save()
    except IntegrityError:
        # the same serial registered at the same moment by another request
        return StorageMedium.objects.get(asset=asset, serial=serial), False
    return medium, True


RECORD_FIELDS = (
    "nist_category",
    "technique",
    "pattern",
    "passes",
    "tool",
    "tool_version",
    "started_at",
    "ended_at",
    "bytes_written",
    "verification",
    "verification_result",
    "result",
    "witness",
    "station",
    "location",
    "errors",
    "hpa_dco",
    "commands",
    "notes",
)


# The wipe agent names the exact variant of a firmware command; records keep the technique
# and carry the variant in `pattern` (shown as "method used" on the certificate).
TECHNIQUE_VARIANTS = {
    "ata_secure_erase_enhanced": (Technique.ATA_SECURE_ERASE, "enhanced"),
    "ata_sanitize_block_erase": (Technique.ATA_SANITIZE, "block erase"),
    "ata_sanitize_crypto_scramble": (Technique.ATA_SANITIZE, "crypto scramble"),
    "ata_sanitize_overwrite": (Technique.ATA_SANITIZE, "overwrite"),
    "nvme_sanitize_block_erase": (Technique.NVME_SANITIZE, "block erase"),
    "nvme_sanitize_overwrite": (Technique.NVME_SANITIZE, "overwrite"),
    "nvme_sanitize_crypto_erase": (Technique.NVME_SANITIZE, "crypto erase"),
    "nvme_format_user_data": (Technique.NVME_FORMAT, "user data erase (SES=1)"),
    "nvme_format_crypto": (Technique.NVME_FORMAT, "crypto erase (SES=2)"),
}


def _technique_and_variant(fields: dict) -> None:
    technique, variant = TECHNIQUE_VARIANTS.get(fields.get("technique", ""), (None, ""))
    if technique is not None:
        fields["technique"] = technique
        fields["pattern"] = fields.get("pattern") or variant


CLOCK_SKEW = timedelta(minutes=5)


def _not_in_the_future(fields: dict) -> None:
    """A record tells what was done: it cannot end (or start) later than now, give or take a
    wipe station's clock running a few minutes fast."""
    latest = timezone.now() + CLOCK_SKEW
    errors = {
        name: [_("This time is in the future: give when the work really started or ended.")]
        for name in ("started_at", "ended_at")
        if isinstance(moment := fields.get(name), datetime)
        and (moment if timezone.is_aware(moment) else timezone.make_aware(moment)) > latest
    }
    if errors:
        raise ValidationError(errors)


def record_sanitization(
    *,
    medium: StorageMedium,
    actor,
    record_id: uuid.UUID | str | None = None,
    verifier=None,
    advance: bool = True,
    **fields,
) -> tuple[SanitizationRecord, bool]:
    """Append a sanitization record to `medium` (the operator is `actor`).

    Idempotent on `record_id`: the same id again returns the stored record and creates
    nothing (created False). When this record makes every medium of a received device done,
    the device moves to sanitized (unless `advance` is False)."""
    permissions.require(actor, "sanitize")
    record_id = uuid.UUID(str(record_id)) if record_id else uuid.uuid4()
    if stored := SanitizationRecord.objects.filter(record_id=record_id).first():
        return stored, False
    unknown = set(fields) - set(RECORD_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {', '.join(sorted(unknown))}")
    _technique_and_variant(fields)
    fields.setdefault("passes", 0)
    fields.setdefault("witness", "")
    fields.setdefault("location", medium.asset.location)
    if isinstance(fields.get("commands"), list | tuple):
        fields["commands"] = "\n".join(fields["commands"])
    for name in ("nist_category", "technique", "verification", "verification_result", "result"):
        if name not in fields:
            raise ValidationError({name: [_("This field is required.")]})
    _not_in_the_future(fields)
    record = SanitizationRecord(
        medium=medium, record_id=record_id, operator=actor, verifier=verifier, **fields
    )
    record.full_clean(exclude=["medium", "operator", "verifier", "record_id"])
    rules.validate_record(media_type=medium.media_type, fields=fields)
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError:
        stored = SanitizationRecord.objects.filter(record_id=record_id).first()
        if stored is None:
            raise
        return stored, False
    asset = medium.asset
    if advance and asset.state == State.RECEIVED and asset.holds_data and is_sanitized(asset):
        try:
            lifecycle.transition(
                asset,
                State.SANITIZED,
                actor=actor,
                note=_("Every storage medium sanitized (record %(id)s).") % {"id": record_id},
            )
        except (lifecycle.TransitionRefused, PermissionDenied):
            pass  # the record stands; staff move the device on by hand
    return record, True


def medium_register_and_record(
    *, asset: Asset, actor, medium: dict, record_id: uuid.UUID, **fields
) -> tuple[SanitizationRecord, bool]:
    """The wipe station's one call: register the medium on first sight (by device and serial)
    and append its record, all or nothing: a refused record leaves no new medium behind.

    The same `record_id` again stores nothing, registers nothing and returns the stored record
    (created False). A blank location means where the device is."""
    permissions.require(actor, "sanitize")
    if stored := SanitizationRecord.objects.filter(record_id=record_id).first():
        return stored, False
    if not fields.get("location"):
        fields.pop("location", None)
    with transaction.atomic():
        registered, _created = medium_register(asset=asset, actor=actor, **medium)
        return record_sanitization(medium=registered, actor=actor, record_id=record_id, **fields)


# --- certificates ----------------------------------------------------------------------------


def _when(value: datetime | None) -> str:
    if value is None:
        return ""
    return value.astimezone(ZoneInfo(settings.TIME_ZONE)).isoformat(timespec="seconds")


def _person(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def data_bearing_assets(donation) -> list[Asset]:
    """The donation's devices that arrived and can hold data."""
    return [a for a in donation.assets.exclude(state=State.EXPECTED) if a.holds_data]


def certificate_missing(donation) -> list[tuple[Asset | None, str]]:
    """What each device of the donation still lacks before a certificate: (device, why);
    the device is None when the problem is the donation's own."""
    assets = data_bearing_assets(donation)
    if not assets:
        return [(None, _("No device of this donation that can hold data has arrived."))]
    status = sanitization_status(assets)
    return [(asset, reason) for asset in assets for reason in status[asset.pk]]


def certificate_blockers(donation) -> list[str]:
    """Why no certificate can be issued for this donation yet (empty when it can)."""
    problems = [
        f"{asset.display_tag}: {reason}" if asset else reason
        for asset, reason in certificate_missing(donation)
    ]
    if donation.certificates.filter(revoked_at__isnull=True).exists():
        problems.append(_("This donation already has a valid certificate."))
    return problems


def build_payload(
    donation, *, number: str, verify_code: str, issued_at: datetime, issued_by
) -> dict:
    media = (
        StorageMedium.objects.filter(asset__donation=donation)
        .exclude(asset__state=State.EXPECTED)
        .select_related("asset")
        .prefetch_related("records__operator", "records__verifier")
        .order_by("asset__tag", "pk")
    )
    rows = []
    for medium in media:
        if not medium.asset.holds_data:
            continue
        records = sorted(medium.records.all(), key=lambda r: (r.ended_at, r.pk))
        record = records[-1]
        asset = medium.asset
        rows.append(
            {
                "asset_tag": asset.display_tag,
                "device": {
                    "category": asset.category,
                    "make": asset.make,
                    "model": asset.model,
                    "serial": asset.serial,
                },
                "medium": {
                    "media_type": medium.media_type,
                    "interface": medium.interface,
                    "manufacturer": medium.manufacturer,
                    "model": medium.model,
                    "serial": medium.serial,
                    "capacity_bytes": medium.capacity_bytes,
                },
                "record": {
                    "record_id": str(record.record_id),
                    "nist_category": record.nist_category,
                    "technique": record.technique,
                    "pattern": record.pattern,
                    "passes": record.passes,
                    "tool": record.tool,
                    "tool_version": record.tool_version,
                    "started_at": _when(record.started_at),
                    "ended_at": _when(record.ended_at),
                    "bytes_written": record.bytes_written,
                    "verification": record.verification,
                    "verification_result": record.verification_result,
                    "result": record.result,
                    "operator": _person(record.operator),
                    "verifier": _person(record.verifier),
                    "witness": record.witness,
                    "location": record.location,
                    "station": record.station,
                    "hpa_dco": record.hpa_dco,
                    "errors": record.errors,
                    "earlier_failures": sum(1 for r in records if not r.passed),
                },
            }
        )
    return {
        "type": "greenit-certificate-of-sanitization",
        "version": 1,
        "number": number,
        "standard": "NIST SP 800-88",
        "organisation": {"name": settings.ORGANISATION_NAME, "site": settings.SITE_URL},
        "donation": {
            "reference": donation.reference,
            "donor": donation.donor,
            "contact": donation.contact_name,
        },
        "issued_at": _when(issued_at),
        "issued_by": _person(issued_by),
        "verify_url": verify_url(number, verify_code),
        "media_count": len(rows),
        "media": rows,
    }


def verify_url(number: str, verify_code: str) -> str:
    """The public page of a certificate. The code is part of the address because numbers
    run in order: without it anyone could step through every donor's certificate."""
    return settings.SITE_URL + reverse("sanitization:verify", args=[number, verify_code])


def _next_number(year: int) -> str:
    prefix = f"GC-{year}-"
    last = (
        Certificate.objects.filter(number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    n = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{n:05d}"


def certificate_issue(donation, actor) -> Certificate:
    """Sign and store the certificate of sanitization of `donation`: refused (ValidationError)
    while any arrived data-bearing device has no media or a medium that is not done."""
    permissions.require(actor, "sanitize")
    if problems := certificate_blockers(donation):
        raise ValidationError(problems)
    fingerprint = signing.fingerprint(signing.current_public_key())
    for _attempt in range(5):
        issued_at = timezone.now()
        number = _next_number(timezone.localtime(issued_at).year)
        verify_code = new_verify_code()
        payload = build_payload(
            donation, number=number, verify_code=verify_code, issued_at=issued_at, issued_by=actor
        )
        payload["key_fingerprint"] = fingerprint
        content = signing.canonical(payload)
        signature, fingerprint = signing.sign(content)
        try:
            with transaction.atomic():
                return Certificate.objects.create(
                    number=number,
                    verify_code=verify_code,
                    donation=donation,
                    issued_at=issued_at,
                    issued_by=actor,
                    payload=content.decode("utf-8"),
                    signature=signature,
                    key_fingerprint=fingerprint,
                )
        except IntegrityError:
            continue  # another certificate took this number: draw the next
    raise RuntimeError("could not number the certificate")


REVOCATION_FIELDS = [
    "revoked_at",
    "revoked_by",
    "revocation_reason",
    "revocation_statement",
    "revocation_signature",
]


def certificate_revoke(certificate: Certificate, reason: str, actor) -> Certificate:
    """Revoke a certificate, with a reason; it stays published and shows as revoked."""
    permissions.require(actor, "sanitize")
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why the certificate is revoked.")]})
    with transaction.atomic():
        locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if locked.revoked:
            raise ValidationError(_("This certificate is already revoked."))
        locked.revoked_at = timezone.now()
        locked.revoked_by = actor
        locked.revocation_reason = reason
        locked.revocation_statement, locked.revocation_signature = revocation.sign_revocation(
            locked
        )
        locked.save(update_fields=REVOCATION_FIELDS)
    for field in REVOCATION_FIELDS:
        setattr(certificate, field, getattr(locked, field))
    return certificate


@dataclass
class Check:
    valid: bool
    payload: dict | None
    message: str


def check_signed(payload: bytes, signature: str, *, public_key=None) -> Check:
    """Does `signature` hold over exactly these `payload` bytes? With no key given, the key the
    payload names (if kept) or the current key is used."""
    try:
        data = json.loads(payload.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        data = None
    if public_key is None:
        fingerprint = data.get("key_fingerprint", "") if isinstance(data, dict) else ""
        public_key = signing.public_key_for(fingerprint)
    if not signing.verify(payload, signature, public_key):
        return Check(False, data, _("The signature does not hold: this content was changed."))
    if not isinstance(data, dict):
        return Check(False, None, _("The signed content is not a certificate."))
    return Check(True, data, _("The signature holds: this is the content greenit signed."))


def check_certificate(certificate: Certificate) -> Check:
    return check_signed(certificate.payload.encode("utf-8"), certificate.signature)
