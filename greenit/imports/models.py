from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from greenit.core import categories
from greenit.core.leases import LeasedWork
from greenit.core.personal import NotPersonal
from greenit.core.querysets import VisibleToQuerySet

# What an import's column may go to: one of our fields (mapping.FIELDS labels them, in this
# order), kept with the device as a detail, or left out.
FIELD_NAMES = (
    "tag",
    "donor_asset_number",
    "serial",
    "make",
    "model",
    "category",
    "weight_kg",
    "specs",
    "condition",
    "status",
)
KEEP = ""  # a column kept with the device as a detail
SKIP = "-"  # a column left out


class AssetImportQuerySet(VisibleToQuerySet):
    organisation_path = "donation__donor_organisation"


class AssetImport(LeasedWork, models.Model):
    """One upload of a donor's retired-asset list (CSV or XLSX) for one donation: the file,
    how its columns map to ours, what checking it found and what importing it did."""

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded")
        PREVIEWED = "previewed", _("Checked, waiting to import")
        RUNNING = "running", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Not imported: fix the rows listed")

    donation = models.ForeignKey(
        "donations.Donation",
        verbose_name=_("donation"),
        on_delete=models.PROTECT,
        related_name="imports",
    )
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.UPLOADED
    )
    # {"headers": [...], "fields": [...]}: the field each column goes to ("" = ignored).
    mapping = models.JSONField(_("column mapping"), default=dict, blank=True)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    rows_done = models.PositiveIntegerField(_("rows checked"), default=0)
    created_count = models.PositiveIntegerField(_("devices created"), default=0)
    unchanged_count = models.PositiveIntegerField(_("rows already recorded"), default=0)
    # [{"line": 7, "field": "category", "message": "…", "fix": "…"}, …]
    errors = models.JSONField(_("errors"), default=list, blank=True)

    objects = AssetImportQuerySet.as_manager()

    personal_data = NotPersonal(_("the name of an uploaded file"))

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("asset-list import")
        verbose_name_plural = _("asset-list imports")

    def __str__(self) -> str:
        return f"{self.original_name} → {self.donation_id}"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def percent(self) -> int:
        return int(100 * self.rows_done / self.total_rows) if self.total_rows else 0


class VocabularyEntry(models.Model):
    """A spelling an administrator teaches the import, beside the shipped
    data/vocabulary.json: a column header, a category name or code, or a status value, with
    where it was seen. Read by vocabulary.load() on every upload, so it counts at once."""

    class Kind(models.TextChoices):
        HEADER = "header", _("Column header")
        CATEGORY = "category", _("Category name or code")
        STATUS = "status", _("Status value")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    alias = models.CharField(
        _("spelling"),
        max_length=100,
        help_text=_("As the donor's file writes it; case, spaces and punctuation do not matter."),
    )
    meaning = models.CharField(
        _("means"),
        max_length=30,
        blank=True,
        help_text=_(
            "For a header: one of our fields (serial, donor_asset_number, make, model, "
            "category, weight_kg, specs, condition, status), empty to keep the column as a "
            "detail of the device, or “-” to leave it out. For a category: a category code "
            "(laptop, desktop…). For a status: “condition” if it describes the device's "
            "condition, “status” if it only says where the device stood in the donor's books."
        ),
    )
    source = models.CharField(
        _("source"),
        max_length=200,
        help_text=_("Where this spelling was seen: the asset system, standard or donor."),
    )

    personal_data = NotPersonal(_("spellings of column headers, categories and statuses"))

    class Meta:
        ordering = ["kind", "alias"]
        verbose_name = _("import vocabulary entry")
        verbose_name_plural = _("import vocabulary")
        constraints = [
            models.UniqueConstraint(fields=["kind", "alias"], name="vocabulary_alias_once")
        ]

    def __str__(self) -> str:
        return f"{self.alias} → {self.meaning or '…'}"

    def clean(self) -> None:
        """Refuse a meaning that is not one for the entry's kind."""
        Kind = VocabularyEntry.Kind
        if self.kind == Kind.HEADER and self.meaning not in (*FIELD_NAMES, KEEP, SKIP):
            message = gettext(
                "For a header, write one of: %(names)s, nothing (keep as a detail) or “-”."
            )
            raise ValidationError({"meaning": message % {"names": ", ".join(FIELD_NAMES)}})
        if self.kind == Kind.CATEGORY and self.meaning not in categories.all_categories():
            message = gettext("For a category, write one of the category codes: %(codes)s.")
            codes = ", ".join(categories.all_categories())
            raise ValidationError({"meaning": message % {"codes": codes}})
        if self.kind == Kind.STATUS and self.meaning not in ("condition", "status"):
            raise ValidationError(
                {"meaning": gettext("For a status, write “condition” or “status”.")}
            )
