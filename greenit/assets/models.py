from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from greenit.core import categories, tags
from greenit.core.append_only import AppendOnlyModel
from greenit.core.leases import LeasedWork
from greenit.core.personal import NotPersonal
from greenit.core.querysets import VisibleToQuerySet


class State(models.TextChoices):
    """Where a device is in its life. The allowed moves between states are in lifecycle.py."""

    EXPECTED = "expected", _("Expected")
    RECEIVED = "received", _("Received")
    SANITIZED = "sanitized", _("Sanitized")
    TESTED = "tested", _("Tested")
    READY = "ready", _("Ready")
    ALLOCATED = "allocated", _("Allocated")
    DEPLOYED = "deployed", _("Deployed")
    RECYCLING = "recycling", _("In recycling")
    RECYCLED = "recycled", _("Recycled")
    # Reported by the school (an inventory check) or by staff; either may be found again.
    LOST = "lost", _("Lost")
    STOLEN = "stolen", _("Stolen")


class AssetQuerySet(VisibleToQuerySet):
    organisation_path = "donation__donor_organisation"

    def find(self, text: str) -> "AssetQuerySet":
        """Assets whose tag or serial is `text` (a scanned or typed code)."""
        text = text.strip()
        tag = tags.normalise(text)
        return (
            self.filter(Q(tag=tag) | Q(serial=text))
            if tags.is_valid(tag)
            else self.filter(serial=text)
        )


class Asset(models.Model):
    # Unique and searched by exact value only: a constraint and a plain index, without the
    # extra LIKE index PostgreSQL gets for `unique=True` / `db_index=True` on a CharField
    # (each costs a B-tree insert per device; see docs/benchmarks.md).
    tag = models.CharField(_("asset tag"), max_length=8, editable=False)
    donation = models.ForeignKey(
        "donations.Donation",
        verbose_name=_("donation"),
        on_delete=models.PROTECT,
        related_name="assets",
    )
    category = models.CharField(
        _("category"),
        max_length=30,
        choices=categories.choices,
        validators=[categories.validate_accepted],
    )
    make = models.CharField(_("make"), max_length=100, blank=True)
    model = models.CharField(_("model"), max_length=100, blank=True)
    serial = models.CharField(_("serial number"), max_length=100, blank=True)
    donor_asset_number = models.CharField(
        _("donor's asset number"),
        max_length=100,
        blank=True,
        help_text=_("The number in the donor's own asset register (from their asset list)."),
    )
    specs = models.TextField(_("specifications"), blank=True, help_text=_("CPU, RAM, storage…"))
    weight_kg = models.DecimalField(
        _("weight (kg)"), max_digits=8, decimal_places=3, null=True, blank=True
    )
    condition = models.CharField(_("condition"), max_length=200, blank=True)
    location = models.CharField(_("location"), max_length=100, blank=True)
    # The donor's register columns we have no field for (purchase date, cost, department,
    # status…), as {header: cell}: kept so nothing the donor told us is lost.
    register_details = models.JSONField(
        _("details from the donor's register"), default=dict, blank=True, editable=False
    )
    state = models.CharField(_("state"), max_length=20, choices=State.choices, editable=False)
    state_changed_at = models.DateTimeField(_("state changed"), default=timezone.now)
    created_at = models.DateTimeField(_("received"), default=timezone.now)

    objects = AssetQuerySet.as_manager()

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("asset")
        verbose_name_plural = _("assets")
        constraints = [
            models.UniqueConstraint(fields=["tag"], name="assets_asset_tag_unique"),
            # A serial scanned twice for one donation is one device, even when two scans race.
            models.UniqueConstraint(
                fields=["donation", "serial"], condition=~Q(serial=""), name="asset_serial_once"
            ),
        ]
        indexes = [
            models.Index(fields=["serial"], name="asset_serial"),
            models.Index(fields=["state", "-id"], name="asset_state_id"),
            models.Index(fields=["category", "-id"], name="asset_category_id"),
            models.Index(fields=["state", "category", "-id"], name="asset_state_category_id"),
        ]

    def __str__(self) -> str:
        return self.display_tag

    @property
    def display_tag(self) -> str:
        return tags.display(self.tag)

    @property
    def category_label(self) -> str:
        return categories.category_label(self.category)

    @property
    def state_label(self) -> str:
        return State(self.state).label

    @property
    def holds_data(self) -> bool:
        return categories.get(self.category).holds_data


class CustodyEvent(AppendOnlyModel):
    """One link in a device's chain of custody. Written once by lifecycle.transition(), never
    changed: the model refuses, and a database trigger refuses too (see migrations)."""

    # No index of its own: custody_asset_at (asset, at) serves every lookup by asset.
    asset = models.ForeignKey(
        Asset, on_delete=models.PROTECT, related_name="events", db_index=False
    )
    at = models.DateTimeField(_("when"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    from_state = models.CharField(_("from"), max_length=20, choices=State.choices, blank=True)
    to_state = models.CharField(_("to"), max_length=20, choices=State.choices)
    location = models.CharField(_("where"), max_length=100, blank=True)
    note = models.TextField(_("why"), blank=True)
    # A note the system wrote (assets/notes.py): its English words and parameters, so that
    # pages show it in the reader's language. Empty for a note a person typed.
    system_note = models.JSONField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["asset", "at", "pk"]
        verbose_name = _("custody event")
        verbose_name_plural = _("custody events")
        indexes = [models.Index(fields=["asset", "at"], name="custody_asset_at")]

    def __str__(self) -> str:
        return f"{self.asset_id}: {self.from_state or '∅'} → {self.to_state}"

    @property
    def shown_note(self) -> str:
        """The note in the active language: a system note translated, a typed one as typed."""
        if not self.system_note:
            return self.note
        text = gettext(self.system_note.get("text", ""))
        params = self.system_note.get("params") or {}
        try:
            return text % params if params else text
        except (KeyError, TypeError, ValueError):  # a translation that lost a parameter
            return self.note


class LabelSheet(LeasedWork, models.Model):
    """A label PDF too big to make in a request (thousands of devices): the task worker makes
    it and the page shows how far it has got."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting for the worker")
        RUNNING = "running", _("Being made")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    donation = models.ForeignKey(
        "donations.Donation", on_delete=models.CASCADE, related_name="label_sheets"
    )
    layout = models.CharField(_("label sheet"), max_length=10)
    start = models.PositiveSmallIntegerField(_("start at label"), default=1)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    labels = models.PositiveIntegerField(_("labels"), default=0)
    labels_done = models.PositiveIntegerField(_("labels made"), default=0)
    file = models.FileField(_("PDF"), upload_to="labels/%Y/%m/", blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("label sheet")
        verbose_name_plural = _("label sheets")

    def __str__(self) -> str:
        return f"{self.donation_id}: {self.layout} × {self.labels}"

    @property
    def percent(self) -> int:
        return round(100 * self.labels_done / self.labels) if self.labels else 0

    @property
    def in_progress(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)


class Make(models.Model):
    """A maker in the catalogue (catalogue.py): one name, whatever the spelling, so reports
    group by it. Grows as devices are recorded."""

    name = models.CharField(_("make"), max_length=100)
    key = models.CharField(max_length=100, unique=True, editable=False)

    personal_data = NotPersonal(_("the name of a manufacturer"))

    class Meta:
        ordering = ["name"]
        verbose_name = _("make")
        verbose_name_plural = _("makes")

    def __str__(self) -> str:
        return self.name


class DeviceModel(models.Model):
    """A model of a make in the catalogue, under the first spelling met."""

    make = models.ForeignKey(Make, on_delete=models.CASCADE, related_name="models")
    name = models.CharField(_("model"), max_length=100)
    key = models.CharField(max_length=100, editable=False)

    personal_data = NotPersonal(_("the name of a device model"))

    class Meta:
        ordering = ["make__name", "name"]
        verbose_name = _("device model")
        verbose_name_plural = _("device models")
        constraints = [
            models.UniqueConstraint(fields=["make", "key"], name="device_model_once_per_make")
        ]

    def __str__(self) -> str:
        return f"{self.make.name} {self.name}"
