"""Impact: versioned factor sets (append-only) and CSR reports with frozen figures."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from greenit.core.append_only import AppendOnlyModel
from greenit.core.leases import LeasedWork
from greenit.core.querysets import VisibleToQuerySet


class FactorSet(AppendOnlyModel):
    """One version of the impact factors. Version 1 is data/factors.json; an administrator's
    override writes version n+1 with the changed number and the reason. Never changed."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    factors = models.JSONField(_("factors"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.TextField(_("reason for the change"), blank=True)

    class Meta:
        ordering = ["-version"]
        verbose_name = _("factor set")
        verbose_name_plural = _("factor sets")

    def __str__(self) -> str:
        return f"v{self.version}"


class ReportQuerySet(VisibleToQuerySet):
    organisation_path = "organisation"


def report_path(report: "ImpactReport", filename: str) -> str:
    return f"impact/reports/{timezone.now():%Y/%m}/{report.pk}-{filename}"


class ImpactReport(LeasedWork, models.Model):
    """A CSR report for one donor or sponsor and one period. Its figures and factor version are
    frozen when it is generated: a later factor override changes new reports only."""

    class Kind(models.TextChoices):
        DONOR = "donor", _("Donor")
        SPONSOR = "sponsor", _("Sponsor")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Being generated")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    class Language(models.TextChoices):
        EN = "en", "English"
        ZH = "zh-hans", "简体中文"

    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="impact_reports",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    start = models.DateField(pgettext_lazy("date", "from"), null=True, blank=True)
    end = models.DateField(_("until"), null=True, blank=True)
    language = models.CharField(
        _("language"), max_length=10, choices=Language.choices, default=Language.EN
    )
    factor_set_version = models.PositiveIntegerField(_("factor set version"), null=True)
    figures = models.JSONField(_("figures"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    error = models.TextField(_("error"), blank=True)
    pdf = models.FileField(_("PDF"), upload_to=report_path, blank=True)
    csv = models.FileField(_("CSV"), upload_to=report_path, blank=True)
    xlsx = models.FileField(_("XLSX"), upload_to=report_path, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("requested"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("impact report")
        verbose_name_plural = _("impact reports")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(start__isnull=True)
                | models.Q(end__isnull=True)
                | models.Q(end__gte=models.F("start")),
                name="impact_report_period",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.period_label}"

    @property
    def period_label(self) -> str:
        if not self.start and not self.end:
            return str(_("all time"))
        return f"{self.start or '…'} – {self.end or '…'}"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


class DeviceTally(models.Model):
    """How many devices are in each state, per category, with their weighed kilograms: kept
    by database triggers on the asset table (PostgreSQL; migration 0004), so the
    organisation's all-time figures read a few dozen rows instead of a million. Every write
    to a device, whatever path it takes (lifecycle, import COPY, admin), passes the trigger.
    `greenit impact_tally --check` compares it with the asset table; `--rebuild` recounts."""

    state = models.CharField(max_length=20)
    category = models.CharField(max_length=40)
    devices = models.BigIntegerField(default=0)
    weighed = models.BigIntegerField(default=0)
    weight_kg = models.DecimalField(max_digits=18, decimal_places=3, default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["state", "category"], name="device_tally_once")
        ]

    def __str__(self) -> str:
        return f"{self.state}/{self.category}: {self.devices}"
