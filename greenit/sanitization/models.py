"""Storage media of a device, the sanitization records of each medium (append-only, like the
chain of custody), the sanitization policies an organisation follows, the independent
verification samples of each batch and the signed certificates of sanitization of a donation.

NIST SP 800-88: Clear, Purge or Destroy; see docs/sanitization.md and rules.py for which
technique fits which category and medium."""

import secrets
import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from greenit.core import tags
from greenit.core.append_only import AppendOnlyModel
from greenit.core.personal import NotPersonal
from greenit.core.querysets import VisibleToQuerySet


class MediaType(models.TextChoices):
    HDD = "hdd", _("Hard disk drive (HDD)")
    SATA_SSD = "sata_ssd", _("SATA solid-state drive")
    NVME = "nvme", _("NVMe solid-state drive")
    EMMC = "emmc", _("eMMC (soldered flash)")
    USB_FLASH = "usb_flash", _("USB flash drive")
    MEMORY_CARD = "memory_card", _("Memory card")
    PHONE_STORAGE = "phone_storage", _("Phone or tablet storage")


class NistCategory(models.TextChoices):
    CLEAR = "clear", _("Clear")
    PURGE = "purge", _("Purge")
    DESTROY = "destroy", _("Destroy")


class Technique(models.TextChoices):
    OVERWRITE = "overwrite", _("Overwrite")
    ATA_SANITIZE = "ata_sanitize", _("ATA Sanitize")
    ATA_SECURE_ERASE = "ata_secure_erase", _("ATA Security Erase")
    NVME_SANITIZE = "nvme_sanitize", _("NVMe Sanitize")
    NVME_FORMAT = "nvme_format", _("NVMe Format (user data / crypto erase)")
    CRYPTO_ERASE = "crypto_erase", _("Cryptographic erase")
    FACTORY_RESET = "factory_reset", _("Factory reset")
    SHRED = "shred", _("Shred")
    DRILL = "drill", _("Drill")
    DEGAUSS = "degauss", _("Degauss")
    DISINTEGRATE = "disintegrate", _("Disintegrate")


class Revision(models.TextChoices):
    """The edition of NIST SP 800-88 a record was written under: Rev. 1 records (before
    Rev. 2 of September 2025) keep their names and rules so they stay readable."""

    REV1 = "rev1", _("NIST SP 800-88 Rev. 1")
    REV2 = "rev2", _("NIST SP 800-88 Rev. 2 / IEEE 2883-2022")


class Verification(models.TextChoices):
    COMPLETION = "completion", _("Completion confirmed (command status, tool log)")
    FULL = "full", _("Full read-back")
    SAMPLED = "sampled", _("Sampled (NIST)")
    NONE = "none", _("None")


class VerificationResult(models.TextChoices):
    PASSED = "passed", _("Passed")
    FAILED = "failed", _("Failed")
    NOT_VERIFIED = "not_verified", _("Not verified")


class Validation(models.TextChoices):
    """Rev. 2's validation: is the outcome good enough? The medium is read back."""

    FULL = "full", _("Full read-back")
    SAMPLED = "sampled", _("Sampled read-back")
    NONE = "none", _("None")


class Result(models.TextChoices):
    PASSED = "passed", _("Passed")
    FAILED = "failed", _("Failed")


class StorageMedium(models.Model):
    """One data-bearing medium inside (or being) a device: a drive, soldered flash, a card."""

    asset = models.ForeignKey(
        "assets.Asset", verbose_name=_("device"), on_delete=models.PROTECT, related_name="media"
    )
    media_type = models.CharField(_("media type"), max_length=20, choices=MediaType.choices)
    interface = models.CharField(_("interface"), max_length=40, blank=True)
    manufacturer = models.CharField(_("manufacturer"), max_length=100, blank=True)
    model = models.CharField(_("model"), max_length=100, blank=True)
    serial = models.CharField(_("serial number"), max_length=100, blank=True)
    capacity_bytes = models.PositiveBigIntegerField(_("capacity (bytes)"), null=True, blank=True)
    created_at = models.DateTimeField(_("registered"), default=timezone.now)

    class Meta:
        ordering = ["asset", "pk"]
        verbose_name = _("storage medium")
        verbose_name_plural = _("storage media")
        constraints = [
            models.UniqueConstraint(
                fields=["asset", "serial"], condition=~Q(serial=""), name="medium_serial_once"
            )
        ]

    def __str__(self) -> str:
        return self.serial or f"{self.get_media_type_display()} #{self.pk}"


class SanitizationRecord(AppendOnlyModel):
    """What was done to one medium, by whom, with which tool, and how it was verified.
    Written once, never changed: the model refuses, and a database trigger refuses too."""

    medium = models.ForeignKey(
        StorageMedium, verbose_name=_("medium"), on_delete=models.PROTECT, related_name="records"
    )
    record_id = models.UUIDField(_("record id"), unique=True, default=uuid.uuid4)
    nist_category = models.CharField(
        _("NIST category"), max_length=10, choices=NistCategory.choices
    )
    technique = models.CharField(_("technique"), max_length=20, choices=Technique.choices)
    pattern = models.CharField(_("pattern"), max_length=60, blank=True)
    passes = models.PositiveSmallIntegerField(_("passes"), default=0)
    tool = models.CharField(_("tool"), max_length=100, blank=True)
    tool_version = models.CharField(_("tool version"), max_length=40, blank=True)
    started_at = models.DateTimeField(_("started"))
    ended_at = models.DateTimeField(_("ended"))
    bytes_written = models.PositiveBigIntegerField(_("bytes written"), null=True, blank=True)
    revision = models.CharField(
        _("standard"), max_length=4, choices=Revision.choices, default=Revision.REV2
    )
    verification = models.CharField(_("verification"), max_length=10, choices=Verification.choices)
    verification_result = models.CharField(
        _("verification result"), max_length=15, choices=VerificationResult.choices
    )
    validation = models.CharField(
        _("validation"), max_length=10, choices=Validation.choices, default=Validation.NONE
    )
    validation_result = models.CharField(
        _("validation result"),
        max_length=15,
        choices=VerificationResult.choices,
        default=VerificationResult.NOT_VERIFIED,
    )
    result = models.CharField(_("result"), max_length=10, choices=Result.choices)
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("operator"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    verifier = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verifier"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    witness = models.CharField(_("witness"), max_length=100, blank=True)
    station = models.CharField(_("station"), max_length=100, blank=True)
    location = models.CharField(_("location"), max_length=100, blank=True)
    errors = models.TextField(_("errors"), blank=True)
    hpa_dco = models.CharField(_("HPA/DCO"), max_length=200, blank=True)
    commands = models.TextField(_("commands"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("stored"), default=timezone.now)

    class Meta:
        ordering = ["medium", "ended_at", "pk"]
        verbose_name = _("sanitization record")
        verbose_name_plural = _("sanitization records")
        indexes = [models.Index(fields=["medium", "ended_at"], name="record_medium_ended")]

    def __str__(self) -> str:
        return f"{self.medium}: {self.nist_category} {self.technique} {self.result}"

    @property
    def passed(self) -> bool:
        return self.result == Result.PASSED

    @property
    def is_witnessed_destroy(self) -> bool:
        return self.passed and self.nist_category == NistCategory.DESTROY and bool(self.witness)


class CertificateQuerySet(VisibleToQuerySet):
    organisation_path = "donation__donor_organisation"


def new_verify_code() -> str:
    """Twelve unguessable characters (60 bits) for a certificate's public address."""
    return "".join(secrets.choice(tags.ALPHABET) for _ in range(12))


class Certificate(models.Model):
    """A certificate of sanitization of one donation: canonical JSON signed with Ed25519."""

    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    verify_code = models.CharField(
        _("verification code"), max_length=16, default=new_verify_code, editable=False
    )
    donation = models.ForeignKey(
        "donations.Donation",
        verbose_name=_("donation"),
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    issued_at = models.DateTimeField(_("issued"), default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    payload = models.TextField(_("signed content"), editable=False)
    signature = models.CharField(_("signature"), max_length=200, editable=False)
    key_fingerprint = models.CharField(_("key fingerprint"), max_length=100, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    revocation_reason = models.TextField(_("reason for revocation"), blank=True)
    # The revocation is itself signed (canonical JSON and its Ed25519 signature, revocation.py)
    revocation_statement = models.TextField(_("signed revocation"), blank=True, editable=False)
    revocation_signature = models.CharField(
        _("signature of the revocation"), max_length=200, blank=True, editable=False
    )

    objects = CertificateQuerySet.as_manager()

    personal_data = NotPersonal(_("a signature computed by greenit, not a person's"))

    class Meta:
        ordering = ["-issued_at", "-pk"]
        verbose_name = _("certificate of sanitization")
        verbose_name_plural = _("certificates of sanitization")

    def __str__(self) -> str:
        return self.number

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None


# --- policies --------------------------------------------------------------------------------


class SanitizationPolicy(models.Model):
    """Which techniques count on which medium (its rules), how much of each batch is verified
    by a second person, and whether records must state Rev. 2's validation. One is the default;
    a donation or a donor can be given another (PolicyChoice)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    standard = models.CharField(
        _("standard"), max_length=200, help_text=_("The standard and clauses it follows.")
    )
    effective_from = models.DateField(_("in force from"), null=True, blank=True)
    is_default = models.BooleanField(_("default policy"), default=False)
    sample_percent = models.DecimalField(
        _("independent verification sample (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(5),
        validators=[MinValueValidator(Decimal(5)), MaxValueValidator(Decimal(100))],
        help_text=_(
            "Share of each batch of logically sanitized media a second person checks:"
            " at least 5 % (R2v3 Appendix B), at least one medium."
        ),
    )
    require_validation = models.BooleanField(
        _("records must state a validation"),
        default=True,
        help_text=_(
            "NIST SP 800-88 Rev. 2: a Clear or Purge passes only when both its"
            " verification and its validation passed."
        ),
    )
    notes = models.TextField(_("sources and notes"), blank=True)

    personal_data = NotPersonal(_("the name of a sanitization policy"))

    class Meta:
        ordering = ["-is_default", "name"]
        verbose_name = _("sanitization policy")
        verbose_name_plural = _("sanitization policies")
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="one_default_policy"
            )
        ]

    def __str__(self) -> str:
        return self.name


class PolicyRule(models.Model):
    """One technique that counts under a policy on one medium (blank category: any)."""

    policy = models.ForeignKey(
        SanitizationPolicy, verbose_name=_("policy"), on_delete=models.CASCADE, related_name="rules"
    )
    media_type = models.CharField(_("media type"), max_length=20, choices=MediaType.choices)
    nist_category = models.CharField(
        _("NIST category"), max_length=10, choices=NistCategory.choices, blank=True
    )
    technique = models.CharField(_("technique"), max_length=20, choices=Technique.choices)
    variant = models.CharField(
        _("variant"),
        max_length=40,
        blank=True,
        help_text=_("Only this variant of the technique (block erase, overwrite…); blank: any."),
    )
    min_passes = models.PositiveSmallIntegerField(_("at least this many passes"), default=0)
    random_pass = models.BooleanField(_("one pass must be random data"), default=False)

    class Meta:
        ordering = ["policy", "media_type", "technique", "pk"]
        verbose_name = _("policy rule")
        verbose_name_plural = _("policy rules")

    def __str__(self) -> str:
        return f"{self.get_media_type_display()}: {self.get_technique_display()}"


class PolicyChoice(models.Model):
    """The policy a donation (or, for all its donations, a donor organisation) follows."""

    policy = models.ForeignKey(
        SanitizationPolicy, verbose_name=_("policy"), on_delete=models.PROTECT, related_name="+"
    )
    donation = models.OneToOneField(
        "donations.Donation",
        verbose_name=_("donation"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="sanitization_policy",
    )
    organisation = models.OneToOneField(
        "accounts.Organisation",
        verbose_name=_("donor organisation"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="sanitization_policy",
    )

    class Meta:
        verbose_name = _("policy choice")
        verbose_name_plural = _("policy choices")
        constraints = [
            models.CheckConstraint(
                condition=Q(donation__isnull=True) ^ Q(organisation__isnull=True),
                name="policy_choice_for_one",
            )
        ]

    def __str__(self) -> str:
        return f"{self.donation or self.organisation}: {self.policy}"


# --- independent verification (R2v3 Appendix B) ----------------------------------------------


class VerificationSample(models.Model):
    """A random sample of a donation's logically sanitized media (its batch), drawn for a
    person other than the wiper to check. Any failed item blocks the batch until it is wiped
    again and a new sample passes."""

    donation = models.ForeignKey(
        "donations.Donation",
        verbose_name=_("donation"),
        on_delete=models.PROTECT,
        related_name="verification_samples",
    )
    policy = models.ForeignKey(
        SanitizationPolicy, verbose_name=_("policy"), on_delete=models.PROTECT, related_name="+"
    )
    percent = models.DecimalField(_("sample (%)"), max_digits=5, decimal_places=2)
    population = models.PositiveIntegerField(_("media in the batch"))
    drawn_at = models.DateTimeField(_("drawn"), default=timezone.now)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("drawn by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["donation", "-drawn_at", "-pk"]
        verbose_name = _("verification sample")
        verbose_name_plural = _("verification samples")

    def __str__(self) -> str:
        return f"{self.donation}: {self.drawn_at:%Y-%m-%d %H:%M}"


class SampleResult(models.TextChoices):
    PENDING = "pending", _("Waiting for verification")
    PASSED = "passed", _("Passed: no data recovered")
    FAILED = "failed", _("Failed: data recovered")


class SampleItem(models.Model):
    """One sampled medium: the record it checks, who verified it, how, and the result."""

    sample = models.ForeignKey(
        VerificationSample, verbose_name=_("sample"), on_delete=models.PROTECT, related_name="items"
    )
    medium = models.ForeignKey(
        StorageMedium, verbose_name=_("medium"), on_delete=models.PROTECT, related_name="+"
    )
    record = models.ForeignKey(
        SanitizationRecord, verbose_name=_("record"), on_delete=models.PROTECT, related_name="+"
    )
    result = models.CharField(
        _("result"), max_length=10, choices=SampleResult.choices, default=SampleResult.PENDING
    )
    method = models.CharField(_("how it was read"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)

    class Meta:
        ordering = ["sample", "pk"]
        verbose_name = _("sampled medium")
        verbose_name_plural = _("sampled media")
        constraints = [
            models.UniqueConstraint(fields=["sample", "medium"], name="sample_medium_once")
        ]

    def __str__(self) -> str:
        return f"{self.medium}: {self.get_result_display()}"
