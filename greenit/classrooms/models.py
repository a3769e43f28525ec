"""Green IT Classrooms: schools apply, staff approve them, a classroom project gets sponsors,
devices (allocations), a delivery, an opening event, photos and a story."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from greenit.core.models import ChineseAddress
from greenit.core.querysets import VisibleToQuerySet


class SchoolApplication(ChineseAddress):
    """A school asks for a classroom on the public form (no account)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        MORE_INFO = "more_info", _("More information asked for")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")

    class SchoolType(models.TextChoices):
        PRIMARY = "primary", _("Primary school")
        MIDDLE = "middle", _("Middle school")
        NINE_YEAR = "nine_year", _("Nine-year school")
        SPECIAL = "special", _("Special education school")
        OTHER = "other", _("Other")

    class Electricity(models.TextChoices):
        RELIABLE = "reliable", _("Reliable")
        CUTS = "cuts", _("Occasional power cuts")
        UNRELIABLE = "unreliable", _("Unreliable")

    class Internet(models.TextChoices):
        NONE = "none", _("None")
        MOBILE = "mobile", _("Mobile data only")
        BROADBAND = "broadband", _("Broadband")

    school_name = models.CharField(_("school name"), max_length=200)
    school_type = models.CharField(_("type of school"), max_length=20, choices=SchoolType.choices)
    students_total = models.PositiveIntegerField(_("number of students"))
    students_by_grade = models.TextField(
        _("students by grade"),
        blank=True,
        help_text=_("One grade a line, e.g. “Grade 3: 42”."),
    )
    teachers = models.PositiveIntegerField(_("number of teachers"))
    visually_impaired_students = models.PositiveIntegerField(
        _("students with visual impairment"), default=0
    )
    electricity = models.CharField(_("electricity"), max_length=20, choices=Electricity.choices)
    internet = models.CharField(_("internet access"), max_length=20, choices=Internet.choices)
    has_room = models.BooleanField(
        _("a room for the classroom"), default=False, help_text=_("A lockable, dry room.")
    )
    existing_computers = models.PositiveIntegerField(_("computers the school has now"), default=0)
    contact_name = models.CharField(_("contact person"), max_length=100)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    contact_email = models.EmailField(_("contact e-mail"))
    language = models.CharField(_("language"), max_length=10, default="en")
    notes = models.TextField(_("anything else we should know"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    review_notes = models.TextField(
        _("review notes"), blank=True, help_text=_("For staff only; the school never sees them.")
    )
    decision_message = models.TextField(
        _("message to the school"),
        blank=True,
        help_text=_("The reason for declining, or the information we ask for."),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("school organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="school_applications",
    )
    created_at = models.DateTimeField(_("received"), default=timezone.now)

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("school application")
        verbose_name_plural = _("school applications")

    def __str__(self) -> str:
        return self.school_name

    @property
    def reference(self) -> str:
        """What the school quotes when it calls: A- and the number of the application."""
        return f"A-{self.pk:05d}"

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.PENDING, self.Status.MORE_INFO)


def photo_path(photo, filename: str) -> str:
    return f"classrooms/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{filename.rsplit('.', 1)[-1]}"


class SchoolApplicationPhoto(models.Model):
    application = models.ForeignKey(
        SchoolApplication, on_delete=models.CASCADE, related_name="photos"
    )
    image = models.ImageField(_("photo"), upload_to=photo_path)
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("application photo")
        verbose_name_plural = _("application photos")

    def __str__(self) -> str:
        return self.image.name


class ProjectQuerySet(VisibleToQuerySet):
    # A school contact sees its own projects; a sponsor contact also those it funds.
    organisation_path = ("school", "sponsorships__organisation")

    def public(self) -> "ProjectQuerySet":
        return self.filter(status=ClassroomProject.Status.OPENED)


class ClassroomProject(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        EQUIPPING = "equipping", _("Equipping")
        READY = "ready", _("Ready")
        OPENED = "opened", _("Opened")
        CLOSED = "closed", _("Closed")

    name = models.CharField(_("name"), max_length=200)
    school = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("school"),
        on_delete=models.PROTECT,
        related_name="classroom_projects",
        limit_choices_to={"is_school": True},
    )
    application = models.ForeignKey(
        SchoolApplication,
        verbose_name=_("school application"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="projects",
    )
    seats = models.PositiveIntegerField(_("seats"), validators=[MinValueValidator(1)])
    target_opening = models.DateField(_("target opening date"), null=True, blank=True)
    software_kit = models.ForeignKey(
        "refurbishment.SoftwareKit",
        verbose_name=_("software kit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="classroom_projects",
    )
    needs_accessibility_kit = models.BooleanField(
        _("needs an accessibility kit"),
        default=False,
        help_text=_("The school has visually impaired students."),
    )
    kit_screen_reader = models.BooleanField(_("screen reader installed"), default=False)
    kit_large_keys = models.BooleanField(_("large-key keyboards"), default=False)
    kit_headphones = models.BooleanField(_("headphones"), default=False)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    learning_en = models.TextField(_("what the students learn (English)"), blank=True)
    learning_zh = models.TextField(_("what the students learn (Chinese)"), blank=True)
    story_en = models.TextField(_("story (English)"), blank=True)
    story_zh = models.TextField(_("story (Chinese)"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("classroom project")
        verbose_name_plural = _("classroom projects")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        application = self.application
        if (
            application
            and application.visually_impaired_students
            and not (self.needs_accessibility_kit)
        ):
            raise ValidationError(
                {
                    "needs_accessibility_kit": _(
                        "The school has %(n)s visually impaired students: tick the "
                        "accessibility kit."
                    )
                    % {"n": application.visually_impaired_students}
                }
            )

    @property
    def story(self) -> str:
        zh = (get_language() or "").startswith("zh")
        return (self.story_zh if zh else self.story_en) or self.story_en or self.story_zh

    @property
    def learning(self) -> str:
        zh = (get_language() or "").startswith("zh")
        return (
            (self.learning_zh if zh else self.learning_en) or self.learning_en or self.learning_zh
        )

    @property
    def accessibility_kit_complete(self) -> bool:
        return self.kit_screen_reader and self.kit_large_keys and self.kit_headphones


class ClassroomSponsor(models.Model):
    project = models.ForeignKey(
        ClassroomProject, on_delete=models.CASCADE, related_name="sponsorships"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("sponsor"),
        on_delete=models.PROTECT,
        related_name="sponsorships",
        limit_choices_to={"is_sponsor": True},
    )
    amount = models.DecimalField(
        _("amount"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    currency = models.CharField(_("currency"), max_length=3, default="CNY")

    class Meta:
        ordering = ["-amount"]
        verbose_name = _("sponsorship")
        verbose_name_plural = _("sponsorships")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "organisation"], name="classroom_sponsor_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.amount} {self.currency}"


class AllocationQuerySet(models.QuerySet):
    def active(self) -> "AllocationQuerySet":
        return self.filter(released_at__isnull=True)


class Allocation(models.Model):
    """A device given to a project. Unallocating keeps the row (released) as history; the
    database allows one active allocation per device, whatever two managers do at once."""

    project = models.ForeignKey(
        ClassroomProject, on_delete=models.PROTECT, related_name="allocations"
    )
    asset = models.ForeignKey("assets.Asset", on_delete=models.PROTECT, related_name="allocations")
    allocated_at = models.DateTimeField(default=timezone.now)
    allocated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = AllocationQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        constraints = [
            models.UniqueConstraint(
                fields=["asset"],
                condition=Q(released_at__isnull=True),
                name="allocation_one_active_per_device",
            )
        ]

    def __str__(self) -> str:
        return f"{self.asset} → {self.project}"


class Delivery(models.Model):
    project = models.OneToOneField(
        ClassroomProject, on_delete=models.CASCADE, related_name="delivery"
    )
    date = models.DateField(_("delivery date"))
    received_by = models.CharField(_("received at the school by"), max_length=100)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")

    def __str__(self) -> str:
        return f"{self.project} · {self.date}"


class OpeningEvent(models.Model):
    project = models.OneToOneField(
        ClassroomProject, on_delete=models.CASCADE, related_name="opening"
    )
    date = models.DateField(_("opening date"))
    guests = models.TextField(_("guests"), blank=True)
    sponsor_representatives = models.TextField(_("sponsor representatives"), blank=True)
    volunteers = models.TextField(_("volunteers"), blank=True)

    class Meta:
        verbose_name = _("opening event")
        verbose_name_plural = _("opening events")

    def __str__(self) -> str:
        return f"{self.project} · {self.date}"


class PhotoQuerySet(models.QuerySet):
    def consented(self) -> "PhotoQuerySet":
        return self.filter(consent=True)


class ClassroomPhoto(models.Model):
    """A photo of the classroom or its opening. Children appear in them: only photos with
    consent are ever public, and every photo is stored re-encoded without EXIF (no place)."""

    project = models.ForeignKey(ClassroomProject, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("photo"), upload_to=photo_path)
    caption = models.CharField(_("caption"), max_length=200)
    consent = models.BooleanField(
        _("consent to publish"),
        default=False,
        help_text=_("The school and the parents of every child shown agreed to publication."),
    )
    uploaded_at = models.DateTimeField(default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = PhotoQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("classroom photo")
        verbose_name_plural = _("classroom photos")

    def __str__(self) -> str:
        return self.caption
