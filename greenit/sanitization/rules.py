"""Which technique fits which NIST SP 800-88 category on which medium (docs/sanitization.md,
/work/shared/REFERENCE.md), what a policy adds, how IEEE 2883-2022 names each technique per
interface, and when a medium counts as done."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import MediaType as M
from .models import NistCategory as C
from .models import Result, Revision, Validation, Verification, VerificationResult
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
            ngettext(
                "Overwriting this medium needs at least %(n)s pass.",
                "Overwriting this medium needs at least %(n)s passes.",
                MIN_PASSES.get(media_type, 1),
            )
            % {"n": MIN_PASSES.get(media_type, 1)},
        )
    if verification == Verification.NONE and v_result != VerificationResult.NOT_VERIFIED:
        add("verification_result", _("Without verification the result is “not verified”."))
    if verification != Verification.NONE and v_result == VerificationResult.NOT_VERIFIED:
        add("verification_result", _("Say whether the verification passed or failed."))
    if fields.get("revision") == Revision.REV2:
        _rev2(fields, add)
    elif verification == Verification.COMPLETION:
        # Rev. 1 has one check, the read-back; a completion status alone is Rev. 2's half.
        add("verification", _("A Rev. 1 record is verified by reading the medium back."))
    if result == Result.PASSED and category in (C.CLEAR, C.PURGE):
        if verification == Verification.NONE:
            add("verification", _("A Clear or Purge passes only when it was verified."))
        elif v_result != VerificationResult.PASSED:
            add("result", _("A wipe whose verification failed has failed."))
    if result == Result.PASSED and v_result == VerificationResult.FAILED:
        add("result", _("A wipe whose verification failed has failed."))
    if fields["ended_at"] < fields["started_at"]:
        add("ended_at", _("The end is before the start: give when the work ended, after it began."))
    if errors:
        raise ValidationError(errors)


def _rev2(fields: dict, add) -> None:
    """NIST SP 800-88 Rev. 2 §4.6: verification (the technique ran as intended) and validation
    (the outcome is good enough) are two checks, both recorded."""
    validation = fields.get("validation", Validation.NONE)
    v_result = fields.get("validation_result", VerificationResult.NOT_VERIFIED)
    if validation == Validation.NONE and v_result != VerificationResult.NOT_VERIFIED:
        add("validation_result", _("Without validation the result is “not verified”."))
    if validation != Validation.NONE and v_result == VerificationResult.NOT_VERIFIED:
        add("validation_result", _("Say whether the validation passed or failed."))
    if fields["result"] != Result.PASSED or fields["nist_category"] == C.DESTROY:
        return
    if validation == Validation.NONE:
        add(
            "validation",
            _(
                "Under NIST SP 800-88 Rev. 2 a Clear or Purge also needs a validation:"
                " read the medium back (full or sampled)."
            ),
        )
    elif v_result != VerificationResult.PASSED:
        add("result", _("A wipe whose validation failed has failed."))


# Overwrite patterns that include at least one pass of random data (nwipe's method names
# among them: DoD short and DoD 5220.22-M, Gutmann, RCMP OPS-II and the PRNG stream do).
RANDOM_PATTERNS = ("random", "prng", "dodshort", "dod522022m", "gutmann", "ops2", "随机")


def has_random_pass(pattern: str) -> bool:
    pattern = pattern.lower().replace(" ", "").replace("-", "").replace(".", "")
    return any(word in pattern for word in RANDOM_PATTERNS)


def policy_refusals(policy, *, media_type: str, fields: dict) -> dict[str, list[str]]:
    """What `policy` (a SanitizationPolicy with its rules prefetched) has against a passed
    record on a medium of `media_type`; empty when a rule of the policy allows it. A failed
    record is a fact and always stored."""
    if fields["result"] != Result.PASSED:
        return {}
    if policy.require_validation and fields.get("revision") != Revision.REV2:
        if fields["nist_category"] != C.DESTROY:
            return {
                "validation": [
                    _(
                        "Policy %(policy)s needs a NIST SP 800-88 Rev. 2 record: state its"
                        " validation."
                    )
                    % {"policy": policy.name}
                ]
            }
    category, technique = fields["nist_category"], fields["technique"]
    pattern, passes = fields.get("pattern", ""), fields.get("passes", 0)
    candidates = [
        rule
        for rule in policy.rules.all()
        if rule.media_type == media_type
        and rule.technique == technique
        and rule.nist_category in ("", category)
        and (not rule.variant or rule.variant.lower() in pattern.lower())
    ]
    if not candidates:
        return {
            "technique": [
                _("Policy %(policy)s does not accept %(technique)s on %(medium)s.")
                % {
                    "policy": policy.name,
                    "technique": T(technique).label,
                    "medium": M(media_type).label,
                }
            ]
        }
    if any(
        passes >= rule.min_passes and (not rule.random_pass or has_random_pass(pattern))
        for rule in candidates
    ):
        return {}
    rule = min(candidates, key=lambda r: (r.min_passes, r.random_pass))
    message = ngettext(
        "Policy %(policy)s needs at least %(n)s overwrite pass on %(medium)s.",
        "Policy %(policy)s needs at least %(n)s overwrite passes on %(medium)s.",
        rule.min_passes,
    )
    if rule.random_pass:
        message = ngettext(
            "Policy %(policy)s needs at least %(n)s overwrite pass on %(medium)s, of random"
            " data (say so in the pattern, e.g. “random”).",
            "Policy %(policy)s needs at least %(n)s overwrite passes on %(medium)s, one of"
            " them random data (say so in the pattern, e.g. “zeros, ones, random”).",
            rule.min_passes,
        )
    return {
        "passes": [
            message % {"policy": policy.name, "n": rule.min_passes, "medium": M(media_type).label}
        ]
    }


# --- names -----------------------------------------------------------------------------------

# IEEE 2883-2022 names a technique by the interface's own command set.
SATA, SAS, NVME_IF, OTHER = "SATA", "SAS", "NVMe", ""


def interface_of(media_type: str, interface: str) -> str:
    """SATA, SAS or NVMe (IEEE 2883-2022's three interfaces), or "" for anything else."""
    text = interface.lower()
    if "sas" in text or "scsi" in text:
        return SAS
    if "nvme" in text or media_type == M.NVME:
        return NVME_IF
    if "sata" in text or "ata" in text or media_type in (M.HDD, M.SATA_SSD):
        return SATA
    return OTHER


# (technique, variant in the pattern or "") → name per interface.
IEEE_2883 = {
    ("overwrite", ""): {SATA: "WRITE (overwrite)", SAS: "WRITE (overwrite)", NVME_IF: "Write"},
    ("ata_sanitize", "block erase"): {SATA: "SANITIZE DEVICE – BLOCK ERASE EXT"},
    ("ata_sanitize", "crypto scramble"): {SATA: "SANITIZE DEVICE – CRYPTO SCRAMBLE EXT"},
    ("ata_sanitize", "overwrite"): {SATA: "SANITIZE DEVICE – OVERWRITE EXT"},
    ("ata_sanitize", ""): {SATA: "SANITIZE DEVICE", SAS: "SANITIZE (SCSI)"},
    ("ata_secure_erase", ""): {SATA: "SECURITY ERASE UNIT"},
    ("nvme_sanitize", "block erase"): {NVME_IF: "Sanitize – Block Erase"},
    ("nvme_sanitize", "overwrite"): {NVME_IF: "Sanitize – Overwrite"},
    ("nvme_sanitize", "crypto erase"): {NVME_IF: "Sanitize – Crypto Erase"},
    ("nvme_sanitize", ""): {NVME_IF: "Sanitize"},
    ("nvme_format", "crypto"): {NVME_IF: "Format NVM – Cryptographic Erase (SES=2)"},
    ("nvme_format", "user data"): {NVME_IF: "Format NVM – User Data Erase (SES=1)"},
    ("nvme_format", ""): {NVME_IF: "Format NVM"},
    ("crypto_erase", ""): {
        SATA: "Cryptographic Erase (TCG Opal/Enterprise)",
        SAS: "SANITIZE – CRYPTOGRAPHIC ERASE",
        NVME_IF: "Sanitize – Crypto Erase",
    },
}


def technique_name(record, medium) -> str:
    """How pages and certificates name a record's technique: a Rev. 2 record in IEEE 2883-2022's
    words for the medium's interface, a Rev. 1 record under the name it was written with."""
    if record.revision != Revision.REV2:
        return str(T(record.technique).label) if record.technique in T.values else record.technique
    return ieee2883_name(
        technique=record.technique,
        pattern=record.pattern,
        media_type=medium.media_type,
        interface=medium.interface,
    )


def ieee2883_name(*, technique: str, pattern: str, media_type: str, interface: str) -> str:
    """The technique in IEEE 2883-2022's words for this interface; the plain technique name
    where the standard has no interface-specific command (phones, flash cards, destruction)."""
    where = interface_of(media_type, interface)
    for (name, variant), by_interface in IEEE_2883.items():
        if name == technique and variant in pattern.lower() and where in by_interface:
            return f"{where}: {by_interface[where]}"
    return str(T(technique).label) if technique in T.values else technique


def category_name(category: str, revision: str) -> str:
    """Rev. 1 and Rev. 2 say Clear, Purge, Destroy; IEEE 2883-2022 calls the last Destruct."""
    label = str(C(category).label) if category in C.values else category
    if revision == Revision.REV2 and category == C.DESTROY:
        return _("%(label)s (IEEE 2883: Destruct)") % {"label": label}
    return label


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
