"""Consents (what a person agreed to, when, to which version of the text) and requests from
people exercising their rights under PIPL arts. 44–47 and 50."""

import secrets

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from greenit.core.personal import PersonalData


class Purpose(models.TextChoices):
    OFFER = "offer", _("Keep an offer's contact details")
    CONTACT = "contact", _("Keep an enquiry's contact details")
    APPLICATION = "application", _("Keep a school application's contact details")
    VOLUNTEER = "volunteer", _("Keep a volunteer's details")
    SHARE_WITH_SPONSOR = "share_sponsor", _("Share a volunteer's name with a sponsor (art. 23)")
    PUBLISH_PHOTO = "publish_photo", _("Publish a photo (art. 25)")


class ConsentText(models.Model):
    """One version of the text a person agrees to, in both languages. A changed text is a new
    version; old versions stay, so every consent shows exactly what the person read."""

    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    version = models.PositiveIntegerField(_("version"))
    text_en = models.TextField(_("text in English"))
    text_zh_hans = models.TextField(_("text in Chinese"))
    published_at = models.DateTimeField(_("published"), default=timezone.now)

    class Meta:
        ordering = ["purpose", "-version"]
        verbose_name = _("consent text")
        verbose_name_plural = _("consent texts")
        constraints = [
            models.UniqueConstraint(fields=["purpose", "version"], name="consent_text_version")
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} v{self.version}"

    def text(self, language: str | None = None) -> str:
        language = (language or get_language() or "en").lower()
        return self.text_zh_hans if language.startswith("zh") else self.text_en


def new_token() -> str:
    return secrets.token_urlsafe(24)


class ConsentQuerySet(models.QuerySet):
    def in_force(self) -> "ConsentQuerySet":
        return self.filter(withdrawn_at__isnull=True)

    def about(self, record: models.Model) -> "ConsentQuerySet":
        return self.filter(
            content_type=ContentType.objects.get_for_model(record), object_id=record.pk
        )


class Consent(models.Model):
    """A person agreed to `text` about `record` (an offer, an enquiry, a photo …). Withdrawn
    consents stay, with the time of withdrawal, as the proof of what happened."""

    text = models.ForeignKey(ConsentText, verbose_name=_("text"), on_delete=models.PROTECT)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    email = models.EmailField(_("e-mail"), blank=True)
    by_guardian = models.BooleanField(
        _("given by a guardian"),
        default=False,
        help_text=_("For a child under 14 (PIPL art. 31), the parent or guardian consented."),
    )
    given_at = models.DateTimeField(_("given"), default=timezone.now)
    withdrawn_at = models.DateTimeField(
        pgettext_lazy("consent", "withdrawn"), null=True, blank=True
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The private link with which the person withdraws without an account.
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)

    objects = ConsentQuerySet.as_manager()

    personal_data = PersonalData(
        fields=("email",),
        identifies=("email",),
        purpose=_("prove what a person agreed to, and let them withdraw it"),
        seen_by=_("administrators"),
        retention="",
    )

    class Meta:
        ordering = ["-given_at", "-pk"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        indexes = [models.Index(fields=["content_type", "object_id"], name="consent_record")]

    def __str__(self) -> str:
        return f"{self.text} · {self.given_at:%Y-%m-%d}"


class PrivacyRequest(models.Model):
    """A person asks to see, copy, correct or erase what greenit holds about them."""

    class Kind(models.TextChoices):
        ACCESS = "access", _("See or copy my information")
        CORRECT = "correct", _("Correct my information")
        ERASE = "erase", _("Erase my information")
        WITHDRAW = "withdraw", _("Withdraw a consent")

    kind = models.CharField(_("what you ask for"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("your name"), max_length=100)
    email = models.EmailField(_("e-mail"))
    phone = models.CharField(_("phone (optional)"), max_length=40, blank=True)
    details = models.TextField(_("details"), max_length=5000, blank=True)
    language = models.CharField(max_length=10, default="en")
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    due_on = models.DateField(_("answer due"))
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome = models.CharField(_("what was done"), max_length=300, blank=True)

    personal_data = PersonalData(
        fields=("name", "email", "phone"),
        identifies=("email", "phone", "name"),
        scrub=("details",),
        purpose=_("answer a request about personal information and prove it was answered"),
        seen_by=_("administrators"),
        retention="privacy_requests",
    )

    class Meta:
        ordering = ["done_at", "due_on", "pk"]
        verbose_name = _("privacy request")
        verbose_name_plural = _("privacy requests")

    def __str__(self) -> str:
        return f"P-{self.pk:05d} · {self.get_kind_display()}"

    @property
    def reference(self) -> str:
        return f"P-{self.pk:05d}"

    @property
    def overdue(self) -> bool:
        return self.done_at is None and self.due_on < timezone.localdate()
