"""Which technique fits which NIST SP 800-88 category on which medium (docs/sanitization.md,
/work/shared/REFERENCE.md), and when a medium counts as done."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import MediaType as M
from .models import NistCategory as C
from .models import Result, Verification, VerificationResult
from .models import Technique as T

DESTROY_TECHNIQUES = {T.SHRED, T.DRILL, T.DEGAUSS, T.DISINTEGRATE}

# (medium, category) → techniques that reach that category on that medium.
ALLOWED: dict[tuple[str, str], set[str]] = {
    (M.HDD, C.CLEAR): {T.OVERWRITE, T.ATA_SECURE_ERASE},
    (M.HDD, C.PURGE): {T.ATA_SANITIZE, T.ATA_SECURE_ERASE, T.CRYPTO_ERASE},
    # ATA Security Erase counts only as Clear on flash.
    (M.SATA_SSD, C.CLEAR): {T.OVERWRITE, T.ATA_SECURE_ERASE},
    (M.SATA_SSD, C.PURGE): {T.ATA_SANITIZE, T.CRYPTO_ERASE},
    (M.NVME, C.CLEAR): {T.OVERWRITE, T.NVME_FORMAT},
    (M.NVME, C.PURGE): {T.NVME_SANITIZE, T.NVME_FORMAT, T.CRYPTO_ERASE},
    (M.EMMC, C.CLEAR): {T.OVERWRITE, T.FACTORY_RESET},
    (M.EMMC, C.PURGE): {T.CRYPTO_ERASE},
    (M.USB_FLASH, C.CLEAR): {T.OVERWRITE},
    (M.MEMORY_CARD, C.CLEAR): {T.OVERWRITE},
    (M.PHONE_STORAGE, C.CLEAR): {T.FACTORY_RESET},
    (M.PHONE_STORAGE, C.PURGE): {T.CRYPTO_ERASE},
}
# Degaussing works on magnetic media only: never on SSD, NVMe or flash.
for _medium in M.values:
    ALLOWED[(_medium, C.DESTROY)] = DESTROY_TECHNIQUES - (
        set() if _medium == M.HDD else {T.DEGAUSS}
    )
# Overwriting flash through its controller needs two passes (NIST SP 800-88 Table A-8).
MIN_PASSES = {M.USB_FLASH: 2, M.MEMORY_CARD: 2}


def validate_record(*, media_type: str, fields: dict) -> None:
    """Raise ValidationError (by field) when a record does not make sense for its medium."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    category, technique = fields["nist_category"], fields["technique"]
    verification, v_result = fields["verification"], fields["verification_result"]
    result = fields["result"]
    if technique in DESTROY_TECHNIQUES and category != C.DESTROY:
        add("technique", _("Shredding, drilling, degaussing and disintegration are Destroy."))
    elif technique not in ALLOWED.get((media_type, category), set()):
        add(
            "technique",
            _("%(technique)s does not reach %(category)s on %(medium)s.")
            % {
                "technique": T(technique).label,
                "category": C(category).label,
                "medium": M(media_type).label,
            },
        )
    if category == C.DESTROY and not fields.get("witness", "").strip():
        add("witness", _("A destruction needs the name of its witness."))
    if technique == T.OVERWRITE and fields.get("passes", 0) < MIN_PASSES.get(media_type, 1):
        add(
            "passes",
            _("Overwriting this medium needs at least %(n)s passes.")
            % {"n": MIN_PASSES.get(media_type, 1)},
        )
    if verification == Verification.NONE and v_result != VerificationResult.NOT_VERIFIED:
        add("verification_result", _("Without verification the result is “not verified”."))
    if verification != Verification.NONE and v_result == VerificationResult.NOT_VERIFIED:
        add("verification_result", _("Say whether the verification passed or failed."))
    if result == Result.PASSED and category in (C.CLEAR, C.PURGE):
        if verification == Verification.NONE:
            add("verification", _("A Clear or Purge passes only when it was verified."))
        elif v_result != VerificationResult.PASSED:
            add("result", _("A wipe whose verification failed has failed."))
    if result == Result.PASSED and v_result == VerificationResult.FAILED:
        add("result", _("A wipe whose verification failed has failed."))
    if fields["ended_at"] < fields["started_at"]:
        add("ended_at", _("The end is before the start."))
    if errors:
        raise ValidationError(errors)


def medium_status(records: Iterable) -> tuple[bool, str]:
    """(done, why not) for one medium from its records (any order).

    Done: the latest record passed and, if any record ever failed, a passed Destroy record
    with a witness came after the last failure."""
    ordered = sorted(records, key=lambda r: (r.ended_at, r.pk or 0))
    if not ordered:
        return False, "no_record"
    failures = [r for r in ordered if r.result == Result.FAILED]
    if failures:
        last_failure = failures[-1]
        after = ordered[ordered.index(last_failure) + 1 :]
        if not any(r.is_witnessed_destroy for r in after):
            return False, "failed"
    if not ordered[-1].passed:
        return False, "failed"
    return True, ""
