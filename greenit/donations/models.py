import uuid
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from greenit.core import categories
from greenit.core.models import ChineseAddress
from greenit.core.personal import PersonalData
from greenit.core.querysets import VisibleToQuerySet


class DonationQuerySet(VisibleToQuerySet):
    organisation_path = "donor_organisation"

    def may_receive_devices(self) -> "DonationQuerySet":
        """Donations whose devices may be scanned in: accepted, collected or already receiving.
        An offer nobody accepted is not among them: accepting it tells the donor by e-mail."""
        return self.filter(status__in=Donation.RECEIVING)


class Donation(ChineseAddress):
    class Status(models.TextChoices):
        OFFERED = "offered", _("Offered")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        COLLECTED = "collected", _("Collected")
        RECEIVED = "received", _("Received")
        CLOSED = "closed", _("Closed")

    # The states in which devices may arrive (see DonationQuerySet.may_receive_devices).
    RECEIVING = (Status.ACCEPTED, Status.COLLECTED, Status.RECEIVED)

    class Source(models.TextChoices):
        PUBLIC = "public", _("Public offer form")
        PORTAL = "portal", _("Donor portal")
        STAFF = "staff", _("Recorded by staff")
        COLLECTION_BOX = "collection_box", _("Collection box")

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
    source = models.CharField(
        _("source"), max_length=20, choices=Source.choices, default=Source.STAFF
    )
    language = models.CharField(
        _("language"),
        max_length=10,
        default="en",
        help_text=_("The donor's language: e-mails to them are written in it."),
    )
    preferred_from = models.DateField(_("preferred pickup from"), null=True, blank=True)
    preferred_to = models.DateField(_("preferred pickup until"), null=True, blank=True)
    consent_at = models.DateTimeField(_("consent given"), null=True, blank=True)
    decided_at = models.DateTimeField(_("accepted or declined"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = DonationQuerySet.as_manager()

    personal_data = PersonalData(
        fields=("contact_name", "contact_phone", "contact_email", "street"),
        identifies=("contact_email", "contact_phone", "contact_name", "donor_name"),
        scrub=("donor_name", "notes", "decline_reason"),
        purpose=_("arrange the pickup and tell the donor what became of the donation"),
        seen_by=_("logistics staff, technicians; the donor organisation's contacts"),
        retention="declined_offers",
    )

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

    def clean(self) -> None:
        if self.preferred_from and self.preferred_to and self.preferred_to < self.preferred_from:
            raise ValidationError(
                {"preferred_to": _("The last preferred day comes before the first: swap them.")}
            )

    @property
    def notify_address(self) -> str:
        """Where e-mails about this donation go: its contact, else the portal user who offered."""
        if self.contact_email:
            return self.contact_email
        creator = self.created_by
        if creator is not None and creator.organisation_id == self.donor_organisation_id:
            return creator.email
        return ""


def photo_path(photo: "DonationPhoto", filename: str) -> str:
    return f"donations/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{filename.rsplit('.', 1)[-1]}"


class DonationPhoto(models.Model):
    """A photo sent with an offer; stored re-encoded, without its EXIF data (place, camera)."""

    donation = models.ForeignKey(Donation, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("photo"), upload_to=photo_path)
    uploaded_at = models.DateTimeField(default=timezone.now)

    personal_data = PersonalData(
        fields=("image",),
        via="donation",
        purpose=_("judge an offer from photos of the devices"),
        seen_by=_("logistics staff"),
        retention="declined_offers",
    )

    class Meta:
        verbose_name = _("donation photo")
        verbose_name_plural = _("donation photos")

    def __str__(self) -> str:
        return self.image.name


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


class PickupQuerySet(VisibleToQuerySet):
    organisation_path = "donation__donor_organisation"


class Pickup(ChineseAddress):
    """A trip to fetch an accepted donation; what was really taken is recorded per category."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        COLLECTED = "collected", _("Collected")
        CANCELLED = "cancelled", _("Cancelled")

    donation = models.ForeignKey(Donation, on_delete=models.PROTECT, related_name="pickups")
    date = models.DateField(_("date"))
    window_start = models.TimeField(pgettext_lazy("time", "from"))
    window_end = models.TimeField(_("until"))
    driver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("driver"),
        on_delete=models.PROTECT,
        related_name="pickups",
    )
    vehicle = models.CharField(_("vehicle"), max_length=50, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SCHEDULED
    )
    handed_over_by = models.CharField(_("handed over by"), max_length=100, blank=True)
    weight_kg = models.DecimalField(
        _("weight collected (kg)"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    collected_at = models.DateTimeField(_("collected"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = PickupQuerySet.as_manager()

    personal_data = PersonalData(
        fields=("street", "handed_over_by"),
        identifies=("handed_over_by",),
        via="donation",
        scrub=("notes",),
        purpose=_("collect the devices at the donor's address"),
        seen_by=_("logistics staff and drivers"),
        retention="donor_records",
    )

    class Meta:
        ordering = ["-date", "window_start"]
        verbose_name = _("pickup")
        verbose_name_plural = _("pickups")
        constraints = [
            models.CheckConstraint(
                condition=Q(window_end__gt=models.F("window_start")), name="pickup_window"
            )
        ]

    def __str__(self) -> str:
        return f"{self.donation.reference} · {self.date}"

    @property
    def differences(self) -> list["PickupLine"]:
        """Lines where what was taken is not what was offered (collected pickups only)."""
        if self.status != self.Status.COLLECTED:
            return []
        return [line for line in self.lines.all() if line.difference]


class PickupLine(models.Model):
    pickup = models.ForeignKey(Pickup, on_delete=models.CASCADE, related_name="lines")
    category = models.CharField(_("category"), max_length=30, choices=categories.choices)
    offered_quantity = models.PositiveIntegerField(_("offered"), default=0)
    collected_quantity = models.PositiveIntegerField(_("collected"), null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("pickup line")
        verbose_name_plural = _("pickup lines")
        constraints = [
            models.UniqueConstraint(fields=["pickup", "category"], name="pickup_line_category")
        ]

    def __str__(self) -> str:
        return f"{self.category_label}: {self.offered_quantity} → {self.collected_quantity}"

    @property
    def category_label(self) -> str:
        return categories.category_label(self.category)

    @property
    def difference(self) -> int:
        """Collected minus offered: negative when fewer were taken, positive when more."""
        if self.collected_quantity is None:
            return 0
        return self.collected_quantity - self.offered_quantity

    @property
    def shortfall(self) -> int:
        return max(0, -self.difference)


class ReceiptQuerySet(VisibleToQuerySet):
    organisation_path = "donation__donor_organisation"

    def visible_to(self, user):
        """A donor's contacts see its issued and withdrawn receipts; drafts are the office's."""
        visible = super().visible_to(user)
        if getattr(user, "is_staff_member", False):
            return visible
        return visible.exclude(status=DonationReceipt.Status.DRAFT)

    def update(self, **kwargs):
        # Receipts change one at a time, through the services (the database checks each row).
        raise ValidationError(_("Donation receipts change one at a time, through their page."))

    def delete(self):
        raise ValidationError(_("Donation receipts change one at a time, through their page."))


class DonationReceipt(models.Model):
    """An in-kind donation receipt (捐赠票据-style): drafted, issued with a number that is never
    reused, withdrawn but kept. Once issued nothing on it changes except its withdrawal; the
    model, the admin and the database (triggers, see migrations) all refuse."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ISSUED = "issued", _("Issued")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    # The content that is frozen at issue; the withdrawal fields are written once after it.
    ISSUED_FIELDS = (
        "donation_id",
        "number",
        "issuer",
        "year",
        "sequence",
        "donor",
        "project",
        "lines",
        "issued_at",
        "issued_by_id",
    )
    WITHDRAWAL_FIELDS = ("withdrawn_at", "withdrawn_by_id", "withdrawal_reason")

    donation = models.ForeignKey(
        Donation, verbose_name=_("donation"), on_delete=models.PROTECT, related_name="receipts"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    number = models.CharField(_("number"), max_length=40, null=True, blank=True, unique=True)
    issuer = models.CharField(_("issued by (organisation)"), max_length=200, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    sequence = models.PositiveIntegerField(_("sequence"), null=True, blank=True)
    donor = models.CharField(_("donor"), max_length=200)
    project = models.CharField(
        _("project"),
        max_length=200,
        blank=True,
        help_text=_("The programme the gift supports, e.g. a school's computer classroom."),
    )
    # [{"item", "quantity", "specification", "value"}]: value a string of yuan, or null.
    lines = models.JSONField(_("items"), default=list)
    created_at = models.DateTimeField(_("drafted"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    issued_at = models.DateTimeField(_("issued"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True)

    objects = ReceiptQuerySet.as_manager()

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("donation receipt")
        verbose_name_plural = _("donation receipts")
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "year", "sequence"],
                condition=Q(sequence__isnull=False),
                name="receipt_number_once",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(number__isnull=False, issued_at__isnull=False),
                name="receipt_issued_has_number",
            ),
        ]

    def __str__(self) -> str:
        return self.number or _("Draft receipt for %(ref)s") % {"ref": self.donation.reference}

    def save(self, *args, **kwargs):
        """Refuse to rewrite an issued receipt (the database would too): only its withdrawal,
        once, may be written."""
        if self.pk is not None:
            stored = DonationReceipt.objects.filter(pk=self.pk).values_list("status", flat=True)
            stored = stored.first()
            fields = set(kwargs.get("update_fields") or ())
            withdrawal = {"status", *(f.removesuffix("_id") for f in self.WITHDRAWAL_FIELDS)}
            withdrawing = (
                stored == self.Status.ISSUED
                and self.status == self.Status.WITHDRAWN
                and fields
                and fields <= withdrawal
            )
            if stored in (self.Status.ISSUED, self.Status.WITHDRAWN) and not withdrawing:
                raise ValidationError(
                    _("Receipt %(number)s has been issued: it can be withdrawn, never changed.")
                    % {"number": self.number}
                )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if not self.is_draft:
            raise ValidationError(
                _("Receipt %(number)s has been issued: it is kept, even when withdrawn.")
                % {"number": self.number}
            )
        return super().delete(*args, **kwargs)

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def total_value(self):
        """The sum of the declared values, or None when no line declares one."""
        values = [Decimal(line["value"]) for line in self.lines if line.get("value")]
        return sum(values, Decimal(0)) if values else None


class ReceiptCounter(models.Model):
    """The last receipt number issued per issuing organisation and year; its row is locked
    while a receipt is issued, so numbers have no gaps and no repeats."""

    issuer = models.CharField(max_length=200)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issuer", "year"], name="receipt_counter_once")
        ]

    def __str__(self) -> str:
        return f"{self.issuer} {self.year}: {self.last}"
