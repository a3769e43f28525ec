"""Support after a classroom opens: the school contact files a ticket about a deployed device;
staff resolve it by advice, by repair, or by swapping the device for a ready one."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from greenit.core.personal import PersonalData
from greenit.core.querysets import VisibleToQuerySet


class TicketQuerySet(VisibleToQuerySet):
    organisation_path = "project__school"  # a school contact sees its own classrooms' tickets

    def open(self) -> "TicketQuerySet":
        return self.filter(status=Ticket.Status.OPEN)


class Ticket(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        RESOLVED = "resolved", _("Resolved")

    class Resolution(models.TextChoices):
        ADVICE = "advice", _("Advice")
        REPAIR = "repair", _("Repair")
        SWAP = "swap", _("Swap for another device")

    project = models.ForeignKey(
        "classrooms.ClassroomProject",
        verbose_name=_("classroom"),
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    asset = models.ForeignKey(
        "assets.Asset",
        verbose_name=_("device"),
        on_delete=models.PROTECT,
        related_name="support_tickets",
    )
    symptom = models.TextField(_("what is wrong"))
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("filed"), default=timezone.now)
    language = models.CharField(
        _("language"), max_length=10, default="en", help_text=_("E-mails go out in it.")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    resolution = models.CharField(
        _("resolution"), max_length=10, choices=Resolution.choices, blank=True
    )
    answer = models.TextField(_("advice or repair notes"), blank=True)
    parts = models.CharField(_("parts used"), max_length=300, blank=True)
    replacement = models.ForeignKey(
        "assets.Asset",
        verbose_name=_("replacement device"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaced_tickets",
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)

    objects = TicketQuerySet.as_manager()

    personal_data = PersonalData(
        fields=(),
        via="reported_by",
        scrub=("symptom", "answer"),
        purpose=_("repair a device at a school and tell its staff what was done"),
        seen_by=_("staff; the school's contacts"),
        retention="programme_records",
    )

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("support ticket")
        verbose_name_plural = _("support tickets")
        indexes = [models.Index(fields=["status", "-id"], name="ticket_status_id")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open", resolved_at__isnull=True, resolution="")
                | Q(status="resolved", resolved_at__isnull=False) & ~Q(resolution=""),
                name="ticket_resolution_matches_status",
            ),
            models.CheckConstraint(
                condition=Q(replacement__isnull=True) | Q(resolution="swap"),
                name="ticket_replacement_only_for_swap",
            ),
        ]

    def __str__(self) -> str:
        return _("Ticket %(n)s") % {"n": self.number}

    @property
    def number(self) -> str:
        return f"T{self.pk:05d}" if self.pk else ""


def photo_path(photo, filename: str) -> str:
    return f"support/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{filename.rsplit('.', 1)[-1]}"


class TicketPhoto(models.Model):
    """A photo of the fault, stored re-encoded without EXIF (greenit.core.images)."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("photo"), upload_to=photo_path)
    uploaded_at = models.DateTimeField(default=timezone.now)

    personal_data = PersonalData(
        fields=("image",),
        via="ticket",
        purpose=_("see what is wrong with a device at a school"),
        seen_by=_("staff; the school's contacts"),
        retention="programme_records",
    )

    class Meta:
        ordering = ["pk"]
        verbose_name = _("ticket photo")
        verbose_name_plural = _("ticket photos")

    def __str__(self) -> str:
        return self.image.name
