from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from greenit.core import categories
from greenit.core.models import ChineseAddress


class DonationQuerySet(models.QuerySet):
    def visible_to(self, user) -> "DonationQuerySet":
        if user.is_staff_member:
            return self
        if user.is_authenticated and user.organisation_id:
            return self.filter(donor_organisation_id=user.organisation_id)
        return self.none()


class Donation(ChineseAddress):
    class Status(models.TextChoices):
        OFFERED = "offered", _("Offered")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        COLLECTED = "collected", _("Collected")
        RECEIVED = "received", _("Received")
        CLOSED = "closed", _("Closed")

    reference = models.CharField(_("reference"), max_length=20, unique=True, editable=False)
    donor_organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("donor organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="donations",
    )
    donor_name = models.CharField(
        _("donor name"),
        max_length=200,
        blank=True,
        help_text=_("For a donation from a person rather than an organisation."),
    )
    contact_name = models.CharField(_("contact person"), max_length=100)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ACCEPTED
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = DonationQuerySet.as_manager()

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("donation")
        verbose_name_plural = _("donations")
        constraints = [
            models.CheckConstraint(
                condition=Q(donor_organisation__isnull=False) | ~Q(donor_name=""),
                name="donation_has_donor",
            )
        ]

    def __str__(self) -> str:
        return f"{self.reference} · {self.donor}"

    @property
    def donor(self) -> str:
        return str(self.donor_organisation) if self.donor_organisation_id else self.donor_name


class DonationItem(models.Model):
    """What the donor said they give, per category; the assets are what actually arrived."""

    donation = models.ForeignKey(Donation, on_delete=models.CASCADE, related_name="items")
    category = models.CharField(
        _("category"),
        max_length=30,
        choices=categories.choices,
        validators=[categories.validate_accepted],
    )
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    description = models.CharField(_("description"), max_length=200, blank=True)
    serials = models.TextField(_("serial numbers"), blank=True, help_text=_("One per line."))

    class Meta:
        verbose_name = _("donation item")
        verbose_name_plural = _("donation items")
        constraints = [models.CheckConstraint(condition=Q(quantity__gte=1), name="item_quantity")]

    def __str__(self) -> str:
        return f"{self.quantity} × {categories.category_label(self.category)}"

    @property
    def category_label(self) -> str:
        return categories.category_label(self.category)

    @property
    def serial_list(self) -> list[str]:
        return [s.strip() for s in self.serials.splitlines() if s.strip()]
