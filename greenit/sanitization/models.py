"""Storage media of a device, the sanitization records of each medium (append-only, like the
chain of custody) and the signed certificates of sanitization of a donation.

NIST SP 800-88: Clear, Purge or Destroy; see docs/sanitization.md and rules.py for which
technique fits which category and medium."""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from greenit.core import tags
from greenit.core.append_only import AppendOnlyModel
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


class Verification(models.TextChoices):
    FULL = "full", _("Full read-back")
    SAMPLED = "sampled", _("Sampled (NIST)")
    NONE = "none", _("None")


class VerificationResult(models.TextChoices):
    PASSED = "passed", _("Passed")
    FAILED = "failed", _("Failed")
    NOT_VERIFIED = "not_verified", _("Not verified")


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
    verification = models.CharField(_("verification"), max_length=10, choices=Verification.choices)
    verification_result = models.CharField(
        _("verification result"), max_length=15, choices=VerificationResult.choices
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

    class Meta:
        ordering = ["-issued_at", "-pk"]
        verbose_name = _("certificate of sanitization")
        verbose_name_plural = _("certificates of sanitization")

    def __str__(self) -> str:
        return self.number

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None
