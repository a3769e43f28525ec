"""Hardware evidence: snapshots as received (compressed, with their sha256 and uuid), the
identities read from them, differences waiting for a person's decision, drive results that
matched no medium, and aliases between two records of one device."""

import zlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from greenit.core.personal import NotPersonal
from greenit.core.querysets import VisibleToQuerySet


class Format(models.TextChoices):
    GREENIT = "greenit", _("greenit-wipe inventory")
    WORKBENCH_SCRIPT = "workbench_script", _("eReuse workbench-script")
    WORKBENCH_11 = "workbench_11", _("eReuse Workbench 11")
    NWIPE_LOG = "nwipe_log", _("nwipe log")
    NWIPE_PDF = "nwipe_pdf", _("nwipe PDF certificate")
    PERACOTTA = "peracotta", _("peracotta JSON")


class SnapshotQuerySet(VisibleToQuerySet):
    organisation_path = "organisation"


class Snapshot(models.Model):
    """One piece of evidence exactly as a station sent it. The body is kept compressed and
    never changed; what was read from it is in `parsed`. A snapshot whose device is not known
    yet has no asset until a technician names the device."""

    uuid = models.UUIDField(_("uuid"))
    sha256 = models.CharField(_("sha256"), max_length=64)
    format = models.CharField(_("format"), max_length=20, choices=Format.choices)
    software = models.CharField(_("software"), max_length=100, blank=True)
    version = models.CharField(_("version"), max_length=40, blank=True)
    body = models.BinaryField(_("body (zlib)"), editable=False)
    size = models.PositiveIntegerField(_("size (bytes)"))
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    parsed = models.JSONField(_("what was read"), default=dict)
    asset = models.ForeignKey(
        "assets.Asset",
        verbose_name=_("device"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="snapshots",
    )
    # The device's organisation (its donor) once the device is known: duplicates are refused
    # within one organisation, so another organisation's copy of a sample is not refused.
    organisation = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("received from"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = SnapshotQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("hardware snapshot")
        verbose_name_plural = _("hardware snapshots")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "uuid"],
                condition=Q(organisation__isnull=False),
                name="snapshot_uuid_once_per_org",
            ),
            models.UniqueConstraint(
                fields=["uuid"], condition=Q(organisation__isnull=True), name="snapshot_uuid_once"
            ),
        ]
        indexes = [models.Index(fields=["asset", "-received_at"], name="snapshot_asset_at")]

    def __str__(self) -> str:
        return f"{self.get_format_display()} {self.uuid}"

    @property
    def content(self) -> bytes:
        return zlib.decompress(bytes(self.body))


class Identity(models.Model):
    """A normalised identifier read from evidence (system serial, DMI UUID, board serial,
    disk serial, MAC address) and the device it identifies: one indexed lookup per upload,
    however long the device's history."""

    class Kind(models.TextChoices):
        SYSTEM_SERIAL = "system_serial", _("System serial number")
        DMI_UUID = "dmi_uuid", _("DMI UUID")
        BOARD_SERIAL = "board_serial", _("Board serial number")
        DISK_SERIAL = "disk_serial", _("Disk serial number")
        MAC = "mac", _("MAC address (weak hint)")

    asset = models.ForeignKey("assets.Asset", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    value = models.CharField(max_length=100)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "value", "asset"], name="identity_once")
        ]

    def __str__(self) -> str:
        return f"{self.kind}={self.value}"


class DifferenceQuerySet(VisibleToQuerySet):
    organisation_path = "asset__donation__donor_organisation"


class Difference(models.Model):
    """A value read from evidence that differs from what a person entered: shown until
    somebody decides which one stands."""

    class Decision(models.TextChoices):
        OPEN = "open", _("Waiting for a decision")
        TAKEN = "taken", _("Value from the evidence taken")
        KEPT = "kept", _("Entered value kept")

    snapshot = models.ForeignKey(Snapshot, on_delete=models.CASCADE, related_name="differences")
    asset = models.ForeignKey("assets.Asset", on_delete=models.CASCADE, related_name="+")
    field = models.CharField(_("field"), max_length=30)
    entered = models.TextField(_("entered"), blank=True)
    read = models.TextField(_("read from the evidence"))
    decision = models.CharField(
        _("decision"), max_length=10, choices=Decision.choices, default=Decision.OPEN
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = DifferenceQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("difference")
        verbose_name_plural = _("differences")
        indexes = [models.Index(fields=["asset", "decision"], name="difference_asset_open")]

    def __str__(self) -> str:
        return f"{self.field}: {self.entered!r} / {self.read!r}"


class UnmatchedDriveQuerySet(VisibleToQuerySet):
    organisation_path = "snapshot__organisation"


class UnmatchedDrive(models.Model):
    """A drive's erasure result whose serial matched no storage medium: kept for a decision,
    never dropped. Assigning it to a medium writes its sanitization record."""

    snapshot = models.ForeignKey(Snapshot, on_delete=models.CASCADE, related_name="unmatched")
    device_name = models.CharField(_("drive"), max_length=100)
    serial = models.CharField(_("serial number"), max_length=100, blank=True)
    model = models.CharField(_("model"), max_length=100, blank=True)
    result = models.JSONField(_("erasure"))
    reason = models.CharField(_("why it waits"), max_length=200)
    record_id = models.UUIDField(_("record id"), null=True, blank=True)

    objects = UnmatchedDriveQuerySet.as_manager()

    personal_data = NotPersonal(_("a drive's name as the wipe tool reports it"))

    class Meta:
        ordering = ["pk"]
        verbose_name = _("unmatched drive")
        verbose_name_plural = _("unmatched drives")

    def __str__(self) -> str:
        return f"{self.device_name} {self.serial}"

    @property
    def decided(self) -> bool:
        return self.record_id is not None


class Alias(models.Model):
    """Two records that turned out to be one device: `duplicate` is read as `kept`. Nothing is
    moved or deleted, so both chains of custody stay as they were written."""

    duplicate = models.OneToOneField(
        "assets.Asset", on_delete=models.PROTECT, related_name="alias_of"
    )
    kept = models.ForeignKey("assets.Asset", on_delete=models.PROTECT, related_name="aliases")
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    merged_at = models.DateTimeField(default=timezone.now)
    reason = models.TextField(_("why"), blank=True)

    class Meta:
        verbose_name = _("device alias")
        verbose_name_plural = _("device aliases")

    def __str__(self) -> str:
        return f"{self.duplicate_id} → {self.kept_id}"
