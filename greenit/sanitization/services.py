"""Everything that changes sanitization data goes through here: pages, the API, the demo and
the wipe agent (through the API) call the same functions with the same rules."""

import json
import math
import secrets
import uuid
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from greenit.accounts import permissions
from greenit.assets import lifecycle
from greenit.assets.models import Asset, State
from greenit.assets.notes import SystemNote

from . import revocation, rules, signing
from .guards import is_sanitized
from .models import (
    Certificate,
    NistCategory,
    PolicyChoice,
    Revision,
    SampleItem,
    SampleResult,
    SanitizationPolicy,
    SanitizationRecord,
    StorageMedium,
    Technique,
    VerificationSample,
    new_verify_code,
)
from .shipped_policies import ship_policies
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
    "validation",
    "validation_result",
    "revision",
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
    # A caller that states a validation writes a Rev. 2 record; one that does not (an older
    # wipe station) writes a Rev. 1 record, which its policy may refuse.
    fields.setdefault("revision", Revision.REV2 if "validation" in fields else Revision.REV1)
    fields.setdefault("passes", 0)
    fields.setdefault("witness", "")
    fields.setdefault("location", medium.asset.location)
    if isinstance(fields.get("commands"), list | tuple):
        fields["commands"] = "\n".join(fields["commands"])
    for name in ("nist_category", "technique", "verification", "verification_result", "result"):
        if name not in fields:
            raise ValidationError({name: [_("This field is required.")]})
    _not_in_the_future(fields)
    if verifier is not None and verifier == actor:
        raise ValidationError(
            {"verifier": [_("The verifier must be another person than the one who wiped.")]}
        )
    record = SanitizationRecord(
        medium=medium, record_id=record_id, operator=actor, verifier=verifier, **fields
    )
    record.full_clean(exclude=["medium", "operator", "verifier", "record_id"])
    rules.validate_record(media_type=medium.media_type, fields=fields)
    policy = policy_for(medium.asset.donation)
    if refusals := rules.policy_refusals(policy, media_type=medium.media_type, fields=fields):
        raise ValidationError(refusals)
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
                note=SystemNote.of(
                    gettext_noop("Every storage medium sanitized (record %(id)s)."), id=record_id
                ),
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


# --- policies --------------------------------------------------------------------------------


def default_policy() -> SanitizationPolicy:
    """The default policy (shipped by migration 0005; put back if a test emptied the table)."""
    policy = SanitizationPolicy.objects.filter(is_default=True).first()
    if policy is None:
        from django.apps import apps

        ship_policies(apps, None)
        policy = SanitizationPolicy.objects.get(is_default=True)
    return policy


def policy_for(donation) -> SanitizationPolicy:
    """The donation's own policy, else its donor organisation's, else the default; with its
    rules loaded."""
    choice = None
    if donation is not None:
        choice = (
            PolicyChoice.objects.filter(donation=donation).first()
            or PolicyChoice.objects.filter(
                organisation_id=donation.donor_organisation_id, organisation__isnull=False
            ).first()
        )
    policy = choice.policy if choice else default_policy()
    return SanitizationPolicy.objects.prefetch_related("rules").get(pk=policy.pk)


def policy_choose(
    *, actor, policy: SanitizationPolicy | None, donation=None, organisation=None
) -> None:
    """Give one donation (or every donation of a donor organisation) its policy; None goes
    back to the donor's or the default policy. Refused once the donation has a certificate:
    that certificate names the policy it met."""
    permissions.require(actor, "sanitize")
    if (donation is None) == (organisation is None):
        raise TypeError("give a donation or an organisation")
    target = {"donation": donation} if donation is not None else {"organisation": organisation}
    if donation is not None and donation.certificates.filter(revoked_at__isnull=True).exists():
        raise ValidationError(
            {
                "policy": [
                    _("This donation has a valid certificate: revoke it to change its policy.")
                ]
            }
        )
    with transaction.atomic():
        # two people choosing at once: one after the other, the last choice stands
        owner = donation if donation is not None else organisation
        type(owner).objects.select_for_update().get(pk=owner.pk)
        PolicyChoice.objects.filter(**target).delete()
        if policy is not None:
            PolicyChoice.objects.create(policy=policy, **target)


# --- independent verification (R2v3 Appendix B) ----------------------------------------------


def _latest(records) -> SanitizationRecord | None:
    return max(records, key=lambda r: (r.ended_at, r.pk), default=None)


def batch_media(donation) -> list[tuple[StorageMedium, SanitizationRecord]]:
    """The donation's batch of logically sanitized media: each arrived data-bearing medium
    whose latest record is a passed Clear or Purge, with that record."""
    assets = data_bearing_assets(donation)
    batch = []
    media = StorageMedium.objects.filter(asset__in=assets).prefetch_related("records__operator")
    for medium in media.order_by("pk"):
        record = _latest(medium.records.all())
        if record and record.passed and record.nist_category != NistCategory.DESTROY:
            batch.append((medium, record))
    return batch


@dataclass
class BatchState:
    """Where a donation's independent verification stands. status: "none" (nothing to
    sample), "to_draw" (no sample, or the batch changed since), "open" (items wait),
    "failed" (wipe `rewipe` again, then draw anew) or "passed"."""

    status: str
    sample: VerificationSample | None = None
    rewipe: list[StorageMedium] = dataclass_field(default_factory=list)


def batch_state(donation) -> BatchState:
    batch = batch_media(donation)
    sample = (
        VerificationSample.objects.filter(donation=donation)
        .prefetch_related("items__medium__asset", "items__verified_by", "items__record__operator")
        .order_by("-drawn_at", "-pk")
        .first()
    )
    if not batch:
        return BatchState("none", sample)
    if sample is None:
        return BatchState("to_draw")
    items = list(sample.items.all())
    failed_at = max((i.verified_at for i in items if i.result == SampleResult.FAILED), default=None)
    if failed_at is not None:
        rewipe = [medium for medium, record in batch if record.ended_at <= failed_at]
        return BatchState("failed" if rewipe else "to_draw", sample, rewipe)
    if any(i.result == SampleResult.PENDING for i in items):
        return BatchState("open", sample)
    sampled = {i.record_id for i in items}
    changed = len(batch) != sample.population or any(
        record.ended_at > sample.drawn_at and record.pk not in sampled for _m, record in batch
    )
    return BatchState("to_draw" if changed else "passed", sample)


def sample_size(population: int, percent) -> int:
    """At least `percent` of the batch, rounded up, and at least one medium."""
    return min(population, max(1, math.ceil(population * percent / 100)))


def sample_draw(donation, actor) -> VerificationSample:
    """Draw the random sample of the donation's batch for a second person to verify. Refused
    while a device of the donation is not done, while a sample waits, or after a failed sample
    until every medium of the batch was wiped again."""
    permissions.require(actor, "sanitize")
    with transaction.atomic():
        # one draw at a time per donation: two people pressing the button draw once
        type(donation).objects.select_for_update().get(pk=donation.pk)
        if missing := certificate_missing(donation):
            raise ValidationError(
                [_("Finish the batch first: %(what)s.") % {"what": _missing_text(missing)}]
            )
        state = batch_state(donation)
        if state.status == "none":
            raise ValidationError(
                _("No medium of this donation was wiped (Clear or Purge): nothing to sample.")
            )
        if state.status == "open":
            raise ValidationError(_("A sample of this batch is waiting for verification."))
        if state.status == "failed":
            raise ValidationError(_rewipe_text(state))
        if state.status == "passed":
            raise ValidationError(_("The sample of this batch has passed: nothing to draw."))
        policy = policy_for(donation)
        batch = batch_media(donation)
        chosen = secrets.SystemRandom().sample(
            batch, sample_size(len(batch), policy.sample_percent)
        )
        sample = VerificationSample.objects.create(
            donation=donation,
            policy=policy,
            percent=policy.sample_percent,
            population=len(batch),
            drawn_by=actor,
        )
        SampleItem.objects.bulk_create(
            SampleItem(sample=sample, medium=medium, record=record) for medium, record in chosen
        )
    return sample


def sample_verify(
    item: SampleItem, actor, *, result: str, method: str, notes: str = ""
) -> SampleItem:
    """Record the verification of one sampled medium by `actor`, who read it back. Refused for
    the person who wiped it (R2v3 Appendix B: verification is independent of the wipe)."""
    permissions.require(actor, "verify_sanitization")
    errors: dict[str, list[str]] = {}
    if result not in (SampleResult.PASSED, SampleResult.FAILED):
        errors["result"] = [_("Say whether data could be recovered (failed) or not (passed).")]
    if not method.strip():
        errors["method"] = [_("Say how you read the medium: the tool and what you looked for.")]
    if result == SampleResult.FAILED and not notes.strip():
        errors["notes"] = [_("Say what was found on the medium.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = SampleItem.objects.select_for_update().select_related("record").get(pk=item.pk)
        if locked.record.operator_id == actor.pk:
            raise ValidationError(_("You wiped this medium: another person must verify it."))
        if locked.result != SampleResult.PENDING:
            raise ValidationError(_("This sampled medium has already been verified."))
        locked.result = result
        locked.method = method.strip()
        locked.notes = notes.strip()
        locked.verified_by = actor
        locked.verified_at = timezone.now()
        locked.save()
    return locked


def _missing_text(missing) -> str:
    return "; ".join(f"{a.display_tag}: {why}" if a else why for a, why in missing)


def _rewipe_text(state: BatchState) -> str:
    return _(
        "The verification sample failed: wipe every medium of the batch again (still to do:"
        " %(n)s), then draw a new sample."
    ) % {"n": len(state.rewipe)}


def sample_blockers(donation) -> list[str]:
    """Why the independent verification keeps this donation from a certificate (empty: it
    does not)."""
    state = batch_state(donation)
    if state.status == "to_draw":
        return [_("Draw the independent verification sample of this batch.")]
    if state.status == "open":
        waiting = sum(1 for i in state.sample.items.all() if i.result == SampleResult.PENDING)
        return [
            ngettext(
                "%(n)s sampled medium waits for verification by a person other than the wiper.",
                "%(n)s sampled media wait for verification by a person other than the wiper.",
                waiting,
            )
            % {"n": waiting}
        ]
    if state.status == "failed":
        return [_rewipe_text(state)]
    return []


def policy_blockers(donation, policy: SanitizationPolicy) -> list[str]:
    """The deciding records of the donation that its policy does not accept (a policy chosen
    after the wipe)."""
    problems = []
    media = StorageMedium.objects.filter(asset__in=data_bearing_assets(donation))
    for medium in media.select_related("asset").prefetch_related("records"):
        record = _latest(medium.records.all())
        if record is None:
            continue
        fields = {name: getattr(record, name) for name in RECORD_FIELDS}
        for messages in rules.policy_refusals(
            policy, media_type=medium.media_type, fields=fields
        ).values():
            problems += [f"{medium.asset.display_tag} {medium}: {m}" for m in messages]
    return problems


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


def certificate_todo(donation) -> list[tuple[Asset | None, str]]:
    """Everything still between the donation and its certificate, as (device, why): first the
    devices, then the policy and the independent verification."""
    if missing := certificate_missing(donation):
        return missing
    problems = policy_blockers(donation, policy_for(donation)) + sample_blockers(donation)
    return [(None, problem) for problem in problems]


def certificate_blockers(donation) -> list[str]:
    """Why no certificate can be issued for this donation yet (empty when it can)."""
    problems = [
        f"{asset.display_tag}: {reason}" if asset else reason
        for asset, reason in certificate_todo(donation)
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
                    "revision": record.revision,
                    # Rev. 2 records only: a Rev. 1 record keeps the name it was written with
                    "ieee2883_technique": rules.technique_name(record, medium)
                    if record.revision == Revision.REV2
                    else "",
                    "verification": record.verification,
                    "verification_result": record.verification_result,
                    "validation": record.validation,
                    "validation_result": record.validation_result,
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
    policy = policy_for(donation)
    return {
        "type": "greenit-certificate-of-sanitization",
        "version": 2,
        "number": number,
        "standard": "NIST SP 800-88",
        "policy": {"code": policy.code, "name": policy.name, "standard": policy.standard},
        "sample": _sample_payload(donation),
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


def _sample_payload(donation) -> dict | None:
    """The independent verification the certificate states: how many of how many, by whom,
    and the result (None when no medium was logically sanitized)."""
    state = batch_state(donation)
    if state.status != "passed":
        return None
    items = list(state.sample.items.all())
    return {
        "drawn_at": _when(state.sample.drawn_at),
        "percent": str(state.sample.percent.normalize()),
        "population": state.sample.population,
        "size": len(items),
        "result": "passed",
        "items": [
            {
                "asset_tag": item.medium.asset.display_tag,
                "medium_serial": item.medium.serial,
                "wiped_by": _person(item.record.operator),
                "verified_by": _person(item.verified_by),
                "verified_at": _when(item.verified_at),
                "method": item.method,
                "result": item.result,
            }
            for item in items
        ],
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
