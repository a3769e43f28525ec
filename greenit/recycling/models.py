from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from greenit.core import categories
from greenit.core.personal import NotPersonal
from greenit.core.querysets import VisibleToQuerySet


class LicenceQuerySet(models.QuerySet):
    def valid_on(self, day) -> "LicenceQuerySet":
        return self.filter(valid_from__lte=day, expires_on__gte=day)


class RecyclerLicence(models.Model):
    """A recycler's licence or certification; a recycler with none valid today cannot be
    chosen for a batch."""

    class Kind(models.TextChoices):
        HAZARDOUS_WASTE = "hw_permit", _("Hazardous waste operating permit (危险废物经营许可证)")
        WEEE = "weee", _("WEEE treatment qualification (废弃电器电子产品处理资格)")
        R2V3 = "r2v3", _("R2v3 certification")
        E_STEWARDS = "e_stewards", _("e-Stewards certification")
        ISO14001 = "iso14001", _("ISO 14001 certification")
        OTHER = "other", _("Other licence")

    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("recycler"),
        on_delete=models.PROTECT,
        related_name="licences",
        limit_choices_to={"is_recycler": True},
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    number = models.CharField(_("number"), max_length=100)
    issuer = models.CharField(_("issued by"), max_length=200)
    valid_from = models.DateField(_("valid from"))
    expires_on = models.DateField(_("expires on"))
    document = models.FileField(_("document"), upload_to="recycling/licences/%Y/", blank=True)

    objects = LicenceQuerySet.as_manager()

    class Meta:
        ordering = ["organisation", "-expires_on"]
        verbose_name = _("recycler licence")
        verbose_name_plural = _("recycler licences")
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__gte=models.F("valid_from")), name="licence_dates"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"

    @property
    def is_valid_today(self) -> bool:
        return self.valid_from <= timezone.localdate() <= self.expires_on


class BatchQuerySet(VisibleToQuerySet):
    organisation_path = None  # recycling is the workshop's business: staff only


class RecyclingBatch(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        SHIPPED = "shipped", _("Shipped")
        CLOSED = "closed", _("Closed")

    number = models.CharField(_("batch number"), max_length=20, unique=True, editable=False)
    recycler = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("recycler"),
        on_delete=models.PROTECT,
        related_name="recycling_batches",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("opened"), default=timezone.now)
    shipped_on = models.DateField(_("shipped on"), null=True, blank=True)
    transporter = models.CharField(_("transporter"), max_length=200, blank=True)
    vehicle = models.CharField(_("vehicle"), max_length=50, blank=True)
    weight_ticket = models.FileField(
        _("weight ticket"), upload_to="recycling/tickets/%Y/", blank=True
    )
    weight_ticket_kg = models.DecimalField(
        _("weight on the ticket (kg)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    bill_of_lading = models.CharField(_("bill of lading"), max_length=100, blank=True)
    certificate = models.FileField(
        _("certificate of recycling"), upload_to="recycling/certificates/%Y/", blank=True
    )
    certificate_number = models.CharField(_("certificate number"), max_length=100, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    notes = models.TextField(_("notes"), blank=True)

    objects = BatchQuerySet.as_manager()

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("recycling batch")
        verbose_name_plural = _("recycling batches")

    def __str__(self) -> str:
        return self.number


class RecyclingBatchItem(models.Model):
    """A device in a batch; a device is in one batch at most."""

    batch = models.ForeignKey(RecyclingBatch, on_delete=models.PROTECT, related_name="items")
    asset = models.OneToOneField(
        "assets.Asset", on_delete=models.PROTECT, related_name="recycling_item"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("device in a batch")
        verbose_name_plural = _("devices in batches")

    def __str__(self) -> str:
        return f"{self.batch_id}: {self.asset_id}"


class BatchLooseWeight(models.Model):
    """Weight that goes with a batch without being counted as devices (cables, boxes' contents),
    per category."""

    batch = models.ForeignKey(RecyclingBatch, on_delete=models.CASCADE, related_name="loose")
    category = models.CharField(
        _("category"),
        max_length=30,
        choices=categories.choices,
        validators=[categories.validate_accepted],
    )
    weight_kg = models.DecimalField(_("weight (kg)"), max_digits=10, decimal_places=2)

    class Meta:
        ordering = ["category"]
        verbose_name = _("loose weight")
        verbose_name_plural = _("loose weights")
        constraints = [
            models.UniqueConstraint(fields=["batch", "category"], name="loose_weight_once"),
            models.CheckConstraint(condition=Q(weight_kg__gt=0), name="loose_weight_positive"),
            # Mercury lamps never enter a batch (HW29: a licensed hazardous-waste handler's).
            models.CheckConstraint(
                condition=~Q(category="fluorescent_tube"), name="loose_weight_no_mercury"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category}: {self.weight_kg} kg"

    @property
    def category_label(self) -> str:
        return categories.category_label(self.category)


# Downstream due diligence (R2v3 Appendix A, e-Stewards): where each material stream goes
# after the recycler (tier 1), vendor by vendor, to its final disposition.


class FocusMaterial(models.TextChoices):
    """R2v3's focus materials (its definitions); other streams are tracked the same way."""

    BATTERIES = "batteries", _("Batteries")
    CRT = "crt", _("Cathode ray tubes (CRTs) and CRT glass")
    CIRCUIT_BOARDS = "circuit_boards", _("Circuit boards")
    MERCURY = "mercury", _("Mercury-containing items")
    PCB = "pcb", _("Items containing PCBs (polychlorinated biphenyls)")
    NONE = "", _("Not a focus material")


class Disposition(models.TextChoices):
    """How a stream ends: the last vendor's final disposition (R2v3 and e-Stewards speak of
    the point where the material stops being e-waste: a new product, energy or disposal)."""

    MATERIAL_RECOVERY = "material_recovery", _("Material recovery (smelting, refining)")
    REUSE = "reuse", _("Reuse as a product or component")
    ENERGY_RECOVERY = "energy_recovery", _("Energy recovery")
    INCINERATION = "incineration", _("Incineration without energy recovery")
    LANDFILL = "landfill", _("Landfill")


class VendorQuerySet(VisibleToQuerySet):
    organisation_path = None  # the workshop's due diligence: staff only


class DownstreamVendor(models.Model):
    """A company that receives a stream after the recycler (tier 2) or after another vendor."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    country = models.CharField(_("country"), max_length=100, default="中国")
    address = models.CharField(_("address"), max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = VendorQuerySet.as_manager()

    personal_data = NotPersonal(_("a downstream vendor: a company, its business address"))

    class Meta:
        ordering = ["name"]
        verbose_name = _("downstream vendor")
        verbose_name_plural = _("downstream vendors")

    def __str__(self) -> str:
        return self.name


class VendorLicence(models.Model):
    vendor = models.ForeignKey(
        DownstreamVendor,
        verbose_name=_("vendor"),
        on_delete=models.CASCADE,
        related_name="licences",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=RecyclerLicence.Kind.choices)
    number = models.CharField(_("number"), max_length=100)
    issuer = models.CharField(_("issued by"), max_length=200)
    valid_until = models.DateField(_("valid until"))

    class Meta:
        ordering = ["vendor", "-valid_until"]
        verbose_name = _("vendor licence")
        verbose_name_plural = _("vendor licences")
        constraints = [
            models.UniqueConstraint(fields=["vendor", "kind", "number"], name="vendor_licence_once")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"

    @property
    def expired(self) -> bool:
        return self.valid_until < timezone.localdate()


class StreamQuerySet(VisibleToQuerySet):
    organisation_path = "recycler"  # a recycler's contacts see their own streams


class MaterialStream(models.Model):
    """One output stream of a recycler (e.g. "CRT glass", "lithium batteries")."""

    recycler = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("recycler"),
        on_delete=models.PROTECT,
        related_name="material_streams",
        limit_choices_to={"is_recycler": True},
    )
    name = models.CharField(_("stream"), max_length=100)
    focus_material = models.CharField(
        _("focus material"), max_length=20, choices=FocusMaterial.choices, blank=True
    )

    objects = StreamQuerySet.as_manager()

    personal_data = NotPersonal(_("the name of a material stream"))

    class Meta:
        ordering = ["recycler", "name"]
        verbose_name = _("material stream")
        verbose_name_plural = _("material streams")
        constraints = [
            models.UniqueConstraint(fields=["recycler", "name"], name="stream_name_once")
        ]

    def __str__(self) -> str:
        return f"{self.recycler} · {self.name}"


class StreamTier(models.Model):
    """The vendor at one tier of a stream's chain (2 = the recycler's own vendor); the last
    tier names the final disposition."""

    stream = models.ForeignKey(
        MaterialStream, verbose_name=_("stream"), on_delete=models.CASCADE, related_name="tiers"
    )
    tier = models.PositiveSmallIntegerField(_("tier"))
    vendor = models.ForeignKey(
        DownstreamVendor, verbose_name=_("vendor"), on_delete=models.PROTECT, related_name="tiers"
    )
    process = models.CharField(_("what they do"), max_length=200)
    final_disposition = models.CharField(
        _("final disposition"), max_length=20, choices=Disposition.choices, blank=True
    )

    class Meta:
        ordering = ["stream", "tier"]
        verbose_name = _("tier of a stream")
        verbose_name_plural = _("tiers of streams")
        constraints = [
            models.UniqueConstraint(fields=["stream", "tier"], name="stream_tier_once"),
            models.CheckConstraint(condition=Q(tier__gte=2), name="stream_tier_from_two"),
        ]

    def __str__(self) -> str:
        return f"{self.stream} · {self.tier}: {self.vendor}"


class StreamShipment(models.Model):
    """A load of a stream shipped from the recycler to its tier-2 vendor, with its bill of
    lading (for hazardous waste in China, the transfer manifest 危险废物转移联单 number)."""

    stream = models.ForeignKey(
        MaterialStream,
        verbose_name=_("stream"),
        on_delete=models.PROTECT,
        related_name="shipments",
    )
    shipped_on = models.DateField(_("shipped on"))
    weight_kg = models.DecimalField(_("weight (kg)"), max_digits=10, decimal_places=2)
    bill_of_lading = models.CharField(_("bill of lading"), max_length=100)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-shipped_on", "-pk"]
        verbose_name = _("stream shipment")
        verbose_name_plural = _("stream shipments")
        constraints = [
            models.CheckConstraint(condition=Q(weight_kg__gt=0), name="stream_shipment_weight"),
        ]

    def __str__(self) -> str:
        return f"{self.stream} · {self.bill_of_lading}"
