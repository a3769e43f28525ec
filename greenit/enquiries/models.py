"""Enquiries from the public contact form, and the staff inbox that answers them."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from greenit.core.personal import PersonalData


class Enquiry(models.Model):
    class Topic(models.TextChoices):
        DONATE = "donate", _("Donating computers or electronics")
        VOLUNTEER = "volunteer", _("Volunteering")
        SUPPORT = "support", _("Help with a classroom or a device")
        PRESS = "press", _("Press and media")
        OTHER = "other", _("Something else")

    class Status(models.TextChoices):
        NEW = "new", _("New")
        ANSWERED = "answered", _("Answered")
        CLOSED = "closed", _("Closed")

    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices)
    name = models.CharField(_("your name"), max_length=100)
    email = models.EmailField(_("e-mail"))
    phone = models.CharField(_("phone (optional)"), max_length=40, blank=True)
    organisation_name = models.CharField(
        _("company, school or organisation (optional)"), max_length=200, blank=True
    )
    message = models.TextField(_("your message"), max_length=5000)
    language = models.CharField(_("language"), max_length=10, default="en")
    created_at = models.DateTimeField(_("received"), default=timezone.now)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.NEW
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    close_reason = models.CharField(_("why it was closed"), max_length=300, blank=True)

    personal_data = PersonalData(
        fields=("name", "email", "phone", "organisation_name", "message"),
        identifies=("email", "phone", "name"),
        purpose=_("answer the message"),
        seen_by=_("staff"),
        retention="closed_enquiries",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("enquiry")
        verbose_name_plural = _("enquiries")
        indexes = [models.Index(fields=["status", "id"], name="enquiry_status_id")]

    def __str__(self) -> str:
        return f"{self.reference} · {self.name}"

    @property
    def reference(self) -> str:
        return f"Q-{self.pk:05d}"


class EnquiryReply(models.Model):
    """What staff wrote back, kept so that the next person sees the whole conversation."""

    enquiry = models.ForeignKey(Enquiry, on_delete=models.CASCADE, related_name="replies")
    body = models.TextField(_("reply"), max_length=10000)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)
    delivered = models.BooleanField(_("delivered to the mail server"), default=False)

    personal_data = PersonalData(
        fields=(),
        via="enquiry",
        scrub=("body",),
        purpose=_("keep the whole conversation for the next person who answers"),
        seen_by=_("staff"),
        retention="closed_enquiries",
    )

    class Meta:
        ordering = ["sent_at", "pk"]
        verbose_name = _("reply")
        verbose_name_plural = _("replies")

    def __str__(self) -> str:
        return f"{self.enquiry.reference} ← {self.sent_at:%Y-%m-%d %H:%M}"
