"""Green IT Classrooms: schools apply, staff approve them, a classroom project gets sponsors,
devices (allocations), a delivery, an opening event, photos and a story."""

import secrets
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext_lazy as _

from greenit.core.models import ChineseAddress
from greenit.core.personal import NotPersonal, PersonalData
from greenit.core.querysets import VisibleToQuerySet

# A pseudonymous code a school gives a student or a class (e.g. "3-2-17": grade, class, seat):
# letters, digits and hyphens with at least one digit, so that a child's name never fits.
STUDENT_CODE_RE = r"^(?=.*[0-9])[A-Za-z0-9-]{1,12}$"


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

    personal_data = PersonalData(
        fields=("contact_name", "contact_phone", "contact_email"),
        identifies=("contact_email", "contact_phone", "contact_name"),
        scrub=("notes", "review_notes"),
        purpose=_("decide on a school's application and keep in touch with its contact"),
        seen_by=_("programme managers"),
        retention="declined_applications",
    )

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

    personal_data = PersonalData(
        fields=("image",),
        via="application",
        purpose=_("judge the room a school offers"),
        seen_by=_("programme managers"),
        retention="declined_applications",
    )

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
    tracks_students = models.BooleanField(
        _("record which student uses each device"),
        default=False,
        help_text=_("By a pseudonymous code (e.g. 3-2-17), never a child's name."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    learning_en = models.TextField(_("what the students learn (English)"), blank=True)
    learning_zh = models.TextField(_("what the students learn (Chinese)"), blank=True)
    story_en = models.TextField(_("story (English)"), blank=True)
    story_zh = models.TextField(_("story (Chinese)"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = ProjectQuerySet.as_manager()

    personal_data = NotPersonal(_("the name of a classroom"))

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
                    "needs_accessibility_kit": ngettext(
                        "The school has %(n)s visually impaired student: tick the "
                        "accessibility kit.",
                        "The school has %(n)s visually impaired students: tick the "
                        "accessibility kit.",
                        application.visually_impaired_students,
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
    # Who uses the device at the school, when the classroom records it (from the last check).
    student_code = models.CharField(
        _("student or class code"),
        max_length=12,
        blank=True,
        validators=[RegexValidator(STUDENT_CODE_RE)],
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

    personal_data = PersonalData(
        fields=("received_by",),
        identifies=("received_by",),
        purpose=_("prove who received the devices at the school"),
        seen_by=_("programme managers and logistics staff"),
        retention="programme_records",
    )

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

    personal_data = PersonalData(
        fields=(),
        scrub=("guests", "sponsor_representatives", "volunteers"),
        purpose=_("remember who came to a classroom's opening"),
        seen_by=_("programme managers; the sponsor"),
        retention="programme_records",
    )

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

    personal_data = PersonalData(
        fields=("image", "caption"),
        purpose=_("show sponsors and the public the classroom (children: with guardians' consent)"),
        seen_by=_("staff; the public and sponsors only with consent to publish"),
        retention="programme_records",
        sensitive=True,
        consent_field="consent",
    )

    class Meta:
        ordering = ["pk"]
        verbose_name = _("classroom photo")
        verbose_name_plural = _("classroom photos")

    def __str__(self) -> str:
        return self.caption


# After delivery: inventory checks, photo proof, devices per student -------------------


def new_check_token() -> str:
    return secrets.token_urlsafe(24)


class CheckQuerySet(VisibleToQuerySet):
    organisation_path = "project__school"

    def unanswered(self) -> "CheckQuerySet":
        return self.filter(answered_at__isnull=True)

    def overdue(self, today=None) -> "CheckQuerySet":
        return self.unanswered().filter(due_on__lt=today or timezone.localdate())


class InventoryCheck(models.Model):
    """A school is asked to say, device by device, whether its classroom's devices are still
    in use. The school's contact answers through a private link (`token`) on a phone."""

    project = models.ForeignKey(
        ClassroomProject,
        verbose_name=_("classroom"),
        on_delete=models.PROTECT,
        related_name="inventory_checks",
    )
    contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("school contact"),
        on_delete=models.PROTECT,
        related_name="inventory_checks",
    )
    due_on = models.DateField(_("answer by"))
    token = models.CharField(max_length=64, unique=True, default=new_check_token, editable=False)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("last reminder"), null=True, blank=True)

    objects = CheckQuerySet.as_manager()

    personal_data = PersonalData(
        fields=(),
        via="contact",
        purpose=_("ask a school whether its devices are still there and in use"),
        seen_by=_("programme managers; the school's contact"),
        retention="programme_records",
    )

    class Meta:
        ordering = ["-opened_at", "-pk"]
        verbose_name = _("inventory check")
        verbose_name_plural = _("inventory checks")
        constraints = [
            models.UniqueConstraint(
                fields=["project"],
                condition=Q(answered_at__isnull=True),
                name="inventory_check_one_open_per_classroom",
            )
        ]

    def __str__(self) -> str:
        return _("Inventory check %(n)s") % {"n": self.pk}

    @property
    def is_overdue(self) -> bool:
        return self.answered_at is None and self.due_on < timezone.localdate()


class InventoryCheckLine(models.Model):
    class Answer(models.TextChoices):
        IN_USE = "in_use", _("In use")
        BROKEN = "broken", _("Broken")
        LOST = "lost", _("Lost")
        STOLEN = "stolen", _("Stolen")

    inventory_check = models.ForeignKey(
        InventoryCheck, on_delete=models.CASCADE, related_name="lines"
    )
    asset = models.ForeignKey("assets.Asset", on_delete=models.PROTECT, related_name="+")
    answer = models.CharField(_("answer"), max_length=10, choices=Answer.choices, blank=True)
    student_code = models.CharField(
        _("student or class code"),
        max_length=12,
        blank=True,
        validators=[RegexValidator(STUDENT_CODE_RE)],
        help_text=_("A code such as 3-2-17 (grade, class, seat), never a child's name."),
    )
    note = models.CharField(_("what is wrong, or what happened"), max_length=300, blank=True)

    personal_data = PersonalData(
        fields=(),
        via="inventory_check",
        scrub=("note",),  # free text a school writes may name a pupil or teacher
        purpose=_("record what a school said about each device"),
        seen_by=_("programme managers"),
        retention="programme_records",
    )

    class Meta:
        ordering = ["pk"]
        verbose_name = _("inventory check line")
        verbose_name_plural = _("inventory check lines")
        constraints = [
            models.UniqueConstraint(
                fields=["inventory_check", "asset"], name="inventory_check_asset_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.asset} · {self.answer}"


class InventoryCheckPhoto(models.Model):
    """Photo proof that the classroom is there and in use (re-encoded without EXIF)."""

    inventory_check = models.ForeignKey(
        InventoryCheck, on_delete=models.CASCADE, related_name="photos"
    )
    image = models.ImageField(_("photo"), upload_to=photo_path)
    uploaded_at = models.DateTimeField(default=timezone.now)

    personal_data = PersonalData(
        fields=("image",),
        via="inventory_check",
        purpose=_("see that a school's devices are still there and in use"),
        seen_by=_("programme managers"),
        retention="programme_records",
        sensitive=True,  # children may be in the picture: never published
    )

    class Meta:
        ordering = ["pk"]
        verbose_name = _("inventory check photo")
        verbose_name_plural = _("inventory check photos")

    def __str__(self) -> str:
        return self.image.name


class AllocationOverride(models.Model):
    """A programme manager let a blocked school (no photo proof, or a check overdue) receive
    new devices anyway: who, when and why are kept. It lifts the blocks that began before it."""

    project = models.ForeignKey(
        ClassroomProject, on_delete=models.CASCADE, related_name="allocation_overrides"
    )
    reason = models.TextField(_("why the school may receive devices anyway"))
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    overridden_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-overridden_at", "-pk"]
        verbose_name = _("allocation override")
        verbose_name_plural = _("allocation overrides")

    def __str__(self) -> str:
        return f"{self.project} · {self.overridden_by}"
