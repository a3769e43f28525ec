"""Volunteering: opportunities (a classroom opening, a teaching day…) with shifts, volunteers
(with an account or as guests by e-mail), their sign-ups, attendance and hours."""

import secrets
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import DecimalField, F, Q, Value
from django.db.models.functions import Coalesce, Lower
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from greenit.core.models import ChineseAddress
from greenit.core.personal import NotPersonal, PersonalData


class Skill(models.TextChoices):
    CODING = "coding", _("Coding for kids")
    # A context: "English" alone is also the language switch's own name for English.
    CHINESE = "chinese", pgettext_lazy("skill", "Chinese")
    ENGLISH = "english", pgettext_lazy("skill", "English")
    REPAIR = "repair", _("Computer repair")
    TEACHING = "teaching", _("Teaching")
    PHOTOGRAPHY = "photography", _("Photography")
    DRIVING = "driving", _("Driving")
    LIFTING = "lifting", _("Carrying and sorting")


def _in_language(zh: str, en: str) -> str:
    return ((zh if (get_language() or "").startswith("zh") else en) or en or zh) or ""


class OpportunityQuerySet(models.QuerySet):
    def published(self) -> "OpportunityQuerySet":
        return self.filter(published=True)


class Opportunity(ChineseAddress):
    class Kind(models.TextChoices):
        CLASSROOM_OPENING = "classroom_opening", _("Classroom opening")
        TEACHING_DAY = "teaching_day", _("Teaching day")
        WORKSHOP = "refurbishing_workshop", _("Refurbishing workshop")
        COLLECTION_DRIVE = "collection_drive", _("Collection drive")
        OTHER = "other", _("Other")

    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    title_en = models.CharField(_("title (English)"), max_length=200)
    title_zh = models.CharField(_("title (Chinese)"), max_length=200)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_zh = models.TextField(_("description (Chinese)"), blank=True)
    place = models.CharField(
        _("place"), max_length=200, help_text=_("Where to meet, e.g. the school's name.")
    )
    project = models.ForeignKey(
        "classrooms.ClassroomProject",
        verbose_name=_("classroom project"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="volunteer_opportunities",
    )
    skills = models.JSONField(_("skills wanted"), default=list, blank=True)
    published = models.BooleanField(
        _("published"), default=False, help_text=_("Shown on the public volunteering pages.")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = OpportunityQuerySet.as_manager()

    personal_data = NotPersonal(_("where volunteering takes place"))

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("volunteering opportunity")
        verbose_name_plural = _("volunteering opportunities")

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return _in_language(self.title_zh, self.title_en)

    @property
    def description(self) -> str:
        return _in_language(self.description_zh, self.description_en)

    @property
    def skill_labels(self) -> list[str]:
        labels = dict(Skill.choices)
        return [str(labels[s]) for s in self.skills if s in labels]


class ShiftQuerySet(models.QuerySet):
    def with_places(self) -> "ShiftQuerySet":
        """Annotates `taken` (confirmed + held sign-ups) and `waiting` (the waitlist)."""
        now = timezone.now()
        reserved = (
            Team.objects.active()
            .filter(shift=models.OuterRef("pk"))
            .order_by()
            .values("shift")
            .annotate(n=models.Sum("places"))
            .values("n")
        )
        return self.annotate(
            taken=models.Count(
                "signups",
                filter=Q(signups__team__isnull=True)
                & (
                    Q(signups__status=SignUp.Status.CONFIRMED)
                    | Q(
                        signups__status=SignUp.Status.UNCONFIRMED,
                        signups__hold_expires_at__gt=now,
                    )
                ),
            )
            + Coalesce(models.Subquery(reserved), 0),
            waiting=models.Count("signups", filter=Q(signups__status=SignUp.Status.WAITLISTED)),
        )

    def upcoming(self) -> "ShiftQuerySet":
        return self.filter(ends_at__gt=timezone.now())


class Shift(models.Model):
    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="shifts")
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    capacity = models.PositiveIntegerField(
        _("places"), help_text=_("How many volunteers this shift needs (at least 1).")
    )

    objects = ShiftQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="shift_ends_after_it_starts"
            ),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="shift_has_a_place"),
        ]

    def __str__(self) -> str:
        start = timezone.localtime(self.starts_at)
        end = timezone.localtime(self.ends_at)
        return f"{self.opportunity.title} · {start:%Y-%m-%d %H:%M}–{end:%H:%M}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("The shift must end after it starts: check the end time.")
        if self.capacity is not None and self.capacity < 1:
            errors["capacity"] = _("A shift needs at least 1 place.")
        if errors:
            raise ValidationError(errors)

    @property
    def duration_hours(self) -> Decimal:
        return Decimal(round((self.ends_at - self.starts_at).total_seconds() / 3600, 2)).quantize(
            Decimal("0.01")
        )

    @property
    def places_left(self) -> int:
        return max(0, self.capacity - getattr(self, "taken", 0))

    @property
    def is_past(self) -> bool:
        return self.ends_at <= timezone.now()


def new_token() -> str:
    return secrets.token_urlsafe(24)


class Volunteer(models.Model):
    """A person who volunteers: with an account (`user`) or as a guest known by e-mail, who
    reaches their own page through the private link in their e-mails (`token`)."""

    name = models.CharField(_("name"), max_length=100)
    email = models.EmailField(_("e-mail"))
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    language = models.CharField(_("language"), max_length=10, default="en")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="volunteer",
    )
    company = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("company"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="volunteers",
    )
    company_name = models.CharField(
        _("company name"),
        max_length=200,
        blank=True,
        help_text=_("When your company is not in the list."),
    )
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    personal_data = PersonalData(
        fields=("name", "email", "phone", "company_name"),
        identifies=("email", "phone", "name"),
        purpose=_("organise shifts, count hours and issue certificates"),
        seen_by=_("programme managers and logistics staff; the sponsor with consent to share"),
        retention="programme_records",
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="volunteer_email_unique_ci"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def company_display(self) -> str:
        return self.company.name if self.company_id else self.company_name


ACTIVE = ("confirmed", "waitlisted", "unconfirmed")


def credited_hours():
    """The hours a sign-up counts for: the adjusted hours where staff adjusted them, else the
    hours from attendance (0 before attendance)."""
    return Coalesce(
        F("hours_adjusted"),
        F("hours"),
        Value(Decimal("0")),
        output_field=DecimalField(max_digits=7, decimal_places=2),
    )


class SignUpQuerySet(models.QuerySet):
    def active(self) -> "SignUpQuerySet":
        return self.filter(status__in=ACTIVE)

    def with_credited(self) -> "SignUpQuerySet":
        return self.annotate(credited=credited_hours())


class SignUp(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        WAITLISTED = "waitlisted", _("On the waitlist")
        UNCONFIRMED = "unconfirmed", _("Waiting for e-mail confirmation")
        CANCELLED = "cancelled", _("Cancelled")

    class Attendance(models.TextChoices):
        PRESENT = "present", _("Present")
        LATE = "late", _("Late")
        ABSENT = "absent", _("Absent")

    shift = models.ForeignKey(Shift, on_delete=models.PROTECT, related_name="signups")
    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="signups")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    created_at = models.DateTimeField(default=timezone.now)
    hold_expires_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="An unconfirmed guest's place is held until then (none: no place held).",
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    attendance = models.CharField(
        _("attendance"), max_length=10, choices=Attendance.choices, blank=True
    )
    arrived_at = models.DateTimeField(_("arrived"), null=True, blank=True)
    hours = models.DecimalField(_("hours"), max_digits=6, decimal_places=2, null=True, blank=True)
    attendance_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    attendance_at = models.DateTimeField(null=True, blank=True)
    hours_adjusted = models.DecimalField(
        _("adjusted hours"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    adjustment_reason = models.CharField(_("reason for the adjustment"), max_length=300, blank=True)
    adjusted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    adjusted_at = models.DateTimeField(null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    # A guest's name, phone and company as typed, applied to the volunteer's record only when
    # they confirm by the e-mailed link (until then anyone could have typed their address).
    pending_details = models.JSONField(
        _("details waiting for confirmation"), default=dict, blank=True
    )
    # Keyed hash of the guest's client address: one unconfirmed hold per address and shift.
    client = models.CharField(_("keyed hash of the address"), max_length=64, blank=True)
    # A member of a company's team: the place is one of the team's, not the shift's free ones.
    team = models.ForeignKey(
        "Team", null=True, blank=True, on_delete=models.PROTECT, related_name="signups"
    )

    objects = SignUpQuerySet.as_manager()

    personal_data = PersonalData(
        fields=("pending_details", "client", "adjustment_reason"),
        via="volunteer",
        purpose=_("hold a place on a shift and count the hours"),
        seen_by=_("programme managers and logistics staff"),
        retention="unconfirmed_signups",
    )

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("sign-up")
        verbose_name_plural = _("sign-ups")
        constraints = [
            models.UniqueConstraint(
                fields=["shift", "volunteer"],
                condition=Q(status__in=ACTIVE),
                name="signup_one_active_per_shift",
            ),
            models.CheckConstraint(
                condition=Q(hours__gte=0) | Q(hours__isnull=True), name="signup_hours_positive"
            ),
        ]
        indexes = [models.Index(fields=["shift", "status"])]

    def __str__(self) -> str:
        return f"{self.volunteer} · {self.shift}"

    @property
    def credited_hours(self) -> Decimal:
        if self.hours_adjusted is not None:
            return self.hours_adjusted
        return self.hours or Decimal("0")

    @property
    def holds_place(self) -> bool:
        if self.status == self.Status.CONFIRMED:
            return True
        return bool(
            self.status == self.Status.UNCONFIRMED
            and self.hold_expires_at
            and self.hold_expires_at > timezone.now()
        )


# Company teams -------------------------------------------------------------------------


class Waiver(models.Model):
    """A company's waiver or code of conduct (no company: ours, for companies without one).
    Its text never changes once published: a new text is a new version, and every acceptance
    names the version the person read."""

    company = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("company"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="waivers",
        help_text=_("Leave empty for our own code of conduct, for companies without one."),
    )
    version = models.PositiveIntegerField(_("version"), editable=False)
    text_en = models.TextField(_("text (English)"))
    text_zh = models.TextField(_("text (Chinese)"))
    published_at = models.DateTimeField(_("published"), default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["company_id", "-version"]
        verbose_name = _("waiver or code of conduct")
        verbose_name_plural = _("waivers and codes of conduct")
        constraints = [
            models.UniqueConstraint(fields=["company", "version"], name="waiver_version_once"),
            models.UniqueConstraint(
                fields=["version"],
                condition=Q(company__isnull=True),
                name="our_waiver_version_once",
            ),
        ]

    def __str__(self) -> str:
        owner = self.company.name if self.company_id else _("our code of conduct")
        return _("%(owner)s, version %(version)s") % {"owner": owner, "version": self.version}

    @property
    def text(self) -> str:
        return _in_language(self.text_zh, self.text_en)


class TeamQuerySet(models.QuerySet):
    def active(self) -> "TeamQuerySet":
        return self.filter(cancelled_at__isnull=True)


class Team(models.Model):
    """A company's team on a shift: its coordinator took `places` at once (the shift row
    locked); the members fill them in through the team's link, each accepting the waiver."""

    shift = models.ForeignKey(Shift, on_delete=models.PROTECT, related_name="teams")
    company = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("company"),
        on_delete=models.PROTECT,
        related_name="volunteer_teams",
    )
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("coordinator"),
        on_delete=models.PROTECT,
        related_name="volunteer_teams",
    )
    places = models.PositiveIntegerField(_("places"))
    waiver = models.ForeignKey(
        Waiver, verbose_name=_("waiver"), on_delete=models.PROTECT, related_name="teams"
    )
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    objects = TeamQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("volunteer team")
        verbose_name_plural = _("volunteer teams")
        constraints = [models.CheckConstraint(condition=Q(places__gte=1), name="team_has_a_place")]

    def __str__(self) -> str:
        return f"{self.company.name} · {self.shift}"


class WaiverAcceptance(models.Model):
    """One person accepted one version of a waiver, by typing their name, at a time."""

    waiver = models.ForeignKey(Waiver, on_delete=models.PROTECT, related_name="acceptances")
    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.PROTECT, related_name="waiver_acceptances"
    )
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="acceptances"
    )
    signed_name = models.CharField(_("name as signed"), max_length=100)
    accepted_at = models.DateTimeField(_("accepted"), default=timezone.now)

    personal_data = PersonalData(
        fields=("signed_name",),
        identifies=("signed_name",),
        via="volunteer",
        purpose=_("show that a volunteer accepted the waiver or code of conduct"),
        seen_by=_("programme managers and logistics staff; the volunteer's company"),
        retention="programme_records",
    )

    class Meta:
        ordering = ["accepted_at", "pk"]
        verbose_name = _("waiver acceptance")
        verbose_name_plural = _("waiver acceptances")

    def __str__(self) -> str:
        return f"{self.signed_name} · {self.waiver}"
