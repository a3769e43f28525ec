"""Collection boxes ("3R boxes") at host sites: public reports, emptyings, loose weights.

The loose weight of every emptying, per category, is one row of BoxEmptyingWeight, so impact
figures can add it up by category and period:

    BoxEmptyingWeight.objects.in_period(start, end).totals_by_category()
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from greenit.core import categories
from greenit.core.models import ChineseAddress
from greenit.core.personal import NotPersonal, PersonalData


class CollectionBoxQuerySet(models.QuerySet):
    def reported(self) -> "CollectionBoxQuerySet":
        """Boxes in place with a report nobody has seen to yet: the staff home counts these and
        the box list shows these, from this one query. A subquery rather than a join, so each
        box counts once however many reports it has."""
        open_reports = BoxReport.objects.filter(resolved_at__isnull=True).values("box")
        return self.filter(pk__in=open_reports).exclude(status=CollectionBox.Status.REMOVED)


class CollectionBox(ChineseAddress):
    class Status(models.TextChoices):
        OK = "ok", _("In service")
        FULL = "full", _("Full")
        DAMAGED = "damaged", _("Damaged")
        REMOVED = "removed", _("Removed")

    code = models.SlugField(
        _("code"),
        max_length=12,
        unique=True,
        help_text=_("Short code printed on the box and in its QR code, e.g. SH-014."),
    )
    host = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("host organisation"),
        on_delete=models.PROTECT,
        related_name="collection_boxes",
    )
    site = models.CharField(_("site"), max_length=200, help_text=_("Where the box stands."))
    placed_on = models.DateField(_("placed on"), default=timezone.localdate)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OK)
    last_emptied_at = models.DateTimeField(_("last emptied"), null=True, blank=True)

    personal_data = NotPersonal(_("where a public collection box stands"))

    objects = CollectionBoxQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("collection box")
        verbose_name_plural = _("collection boxes")

    def __str__(self) -> str:
        return f"{self.code} · {self.site}"

    @property
    def days_since_emptied(self) -> int | None:
        since = self.last_emptied_at
        if since is None:
            return None
        return (timezone.localdate() - timezone.localdate(since)).days

    @property
    def public_url(self) -> str:
        from django.urls import reverse

        return settings.SITE_URL + reverse("collection:public", args=[self.code])

    def open_reports(self):
        return self.reports.filter(resolved_at__isnull=True)


class BoxReport(models.Model):
    """Someone scanned the box and said it is full or damaged. Only a keyed hash of their
    address is kept (for rate limits and spotting floods), never the address itself."""

    class Kind(models.TextChoices):
        FULL = "full", _("Full")
        DAMAGED = "damaged", _("Damaged")

    box = models.ForeignKey(CollectionBox, on_delete=models.CASCADE, related_name="reports")
    kind = models.CharField(_("report"), max_length=10, choices=Kind.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    reported_at = models.DateTimeField(_("reported"), default=timezone.now)
    client_hash = models.CharField(
        _("keyed hash of the address"), max_length=64, blank=True, editable=False
    )
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)

    personal_data = PersonalData(
        fields=("note", "client_hash"),
        purpose=_("empty full or damaged boxes, and limit floods of reports"),
        seen_by=_("staff"),
        retention="resolved_box_reports",
    )

    class Meta:
        ordering = ["-reported_at"]
        verbose_name = _("box report")
        verbose_name_plural = _("box reports")

    def __str__(self) -> str:
        return f"{self.box.code} {self.kind} {self.reported_at:%Y-%m-%d}"


class BoxEmptying(models.Model):
    """One emptying of a box: scheduled (for someone), then done, with weights per category."""

    box = models.ForeignKey(CollectionBox, on_delete=models.PROTECT, related_name="emptyings")
    scheduled_for = models.DateField(_("scheduled for"), null=True, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    done_at = models.DateTimeField(_("emptied"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    notes = models.TextField(_("notes"), blank=True)
    donation = models.ForeignKey(
        "donations.Donation",
        verbose_name=_("devices brought in"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="box_emptyings",
    )

    class Meta:
        ordering = ["-done_at", "-scheduled_for", "-pk"]
        verbose_name = _("box emptying")
        verbose_name_plural = _("box emptyings")

    def __str__(self) -> str:
        return f"{self.box.code} {self.done_at or self.scheduled_for}"

    @property
    def total_kg(self):
        return sum((w.weight_kg for w in self.weights.all()), start=0)


class WeightQuerySet(models.QuerySet):
    def in_period(self, start, end) -> "WeightQuerySet":
        """Weights of emptyings done from `start` (inclusive) to `end` (exclusive)."""
        return self.filter(emptying__done_at__gte=start, emptying__done_at__lt=end)

    def totals_by_category(self) -> dict[str, object]:
        rows = self.order_by().values_list("category").annotate(kg=Sum("weight_kg"))
        return dict(rows)


class BoxEmptyingWeight(models.Model):
    emptying = models.ForeignKey(BoxEmptying, on_delete=models.CASCADE, related_name="weights")
    category = models.CharField(
        _("category"),
        max_length=30,
        choices=categories.choices,
        validators=[categories.validate_accepted],
    )
    weight_kg = models.DecimalField(
        _("weight (kg)"),
        max_digits=9,
        decimal_places=2,
        validators=[MinValueValidator(0)],
    )

    objects = WeightQuerySet.as_manager()

    class Meta:
        verbose_name = _("loose weight")
        verbose_name_plural = _("loose weights")
        constraints = [
            models.CheckConstraint(condition=Q(weight_kg__gt=0), name="box_weight_positive"),
            models.UniqueConstraint(
                fields=["emptying", "category"], name="box_weight_one_per_category"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category_label}: {self.weight_kg} kg"

    @property
    def category_label(self) -> str:
        return categories.category_label(self.category)
