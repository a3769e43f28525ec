"""Volunteer workflows shared by the pages, the API and the reminder command. Each one checks
the rule, writes in one transaction (the shift row locked while places are counted), and
e-mails after it (a mail server that is down never undoes a sign-up)."""

import datetime
import hashlib
import hmac
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Max, Q, Sum
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from greenit.accounts import permissions
from greenit.accounts.models import Organisation
from greenit.core.mail import send_in_language
from greenit.core.periods import day_bounds

from .models import (
    Opportunity,
    Shift,
    SignUp,
    Team,
    Volunteer,
    Waiver,
    WaiverAcceptance,
    credited_hours,
)

if TYPE_CHECKING:
    from greenit.classrooms.models import ClassroomProject

CONFIRM_SALT = "greenit.volunteers.confirm"
# How long the confirmation link in the e-mail works (the place itself is held for
# VOLUNTEER_HOLD_HOURS).
CONFIRM_LINK_DAYS = 7
TWO_PLACES = Decimal("0.01")


def opportunity_save(*, actor, opportunity: Opportunity) -> Opportunity:
    """Add or change a volunteering opportunity (programme managers)."""
    permissions.require(actor, "manage_volunteers")
    opportunity.full_clean()
    with transaction.atomic():
        opportunity.save()
    return opportunity


def shift_add(
    *,
    opportunity: Opportunity,
    actor,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    capacity: int,
) -> Shift:
    """A new shift of an opportunity (programme managers)."""
    permissions.require(actor, "manage_volunteers")
    shift = Shift(opportunity=opportunity, starts_at=starts_at, ends_at=ends_at, capacity=capacity)
    shift.full_clean()
    with transaction.atomic():
        shift.save()
    return shift


def company_choices():
    """Organisations a volunteer may name as their company: our sponsors and donors."""
    return Organisation.objects.filter(Q(is_sponsor=True) | Q(is_donor=True)).order_by("name")


# Signing up ----------------------------------------------------------------------------


def _locked_shift(shift: Shift) -> Shift:
    return Shift.objects.select_for_update().select_related("opportunity").get(pk=shift.pk)


def _taken(shift: Shift) -> int:
    """Places taken: confirmed and held sign-ups of people on their own, and every place a
    team reserved (filled by its members or not)."""
    now = timezone.now()
    alone = shift.signups.filter(team__isnull=True).filter(
        Q(status=SignUp.Status.CONFIRMED)
        | Q(status=SignUp.Status.UNCONFIRMED, hold_expires_at__gt=now)
    )
    reserved = shift.teams.active().aggregate(n=Sum("places"))["n"] or 0
    return alone.count() + reserved


def _fill_from_waitlist(shift: Shift) -> list[SignUp]:
    """Moves the first on the waitlist up while places are free (shift row locked by the
    caller, who e-mails them after the commit)."""
    free = shift.capacity - _taken(shift)
    if free <= 0:
        return []
    promoted = list(
        shift.signups.select_related("volunteer")
        .filter(status=SignUp.Status.WAITLISTED)
        .order_by("created_at", "pk")[:free]
    )
    now = timezone.now()
    for signup in promoted:
        signup.status = SignUp.Status.CONFIRMED
        signup.confirmed_at = now
        signup.save(update_fields=["status", "confirmed_at"])
    return promoted


def _tell_promoted(promoted: list[SignUp]) -> None:
    for signup in promoted:
        _mail(signup, "promoted")


def _overlapping(volunteer: Volunteer, shift: Shift, *, confirmed_only: bool = False):
    """Another live sign-up of this volunteer on a shift that overlaps `shift` in time:
    confirmed or waitlisted, or (unless `confirmed_only`) unconfirmed with a link that still
    works (after that it can never be confirmed, so it blocks nothing)."""
    live = Q(status__in=[SignUp.Status.CONFIRMED, SignUp.Status.WAITLISTED])
    if not confirmed_only:
        link_valid_since = timezone.now() - timedelta(days=CONFIRM_LINK_DAYS)
        live |= Q(status=SignUp.Status.UNCONFIRMED, created_at__gt=link_valid_since)
    return (
        volunteer.signups.filter(live)
        .exclude(shift=shift)
        .filter(shift__starts_at__lt=shift.ends_at, shift__ends_at__gt=shift.starts_at)
        .select_related("shift__opportunity")
        .first()
    )


def _overlap_error(other: SignUp) -> ValidationError:
    return ValidationError(
        _("You are already signed up for “%(shift)s”, which overlaps this shift.")
        % {"shift": other.shift}
    )


def _volunteer_for(
    *, user, name: str, email: str, phone: str, language: str, company, company_name: str
) -> tuple[Volunteer, dict]:
    """The volunteer record of this account or e-mail address, and the details typed in.

    With an account the details are applied at once (made on the first sign-up, refreshed on
    later ones). A guest proves nothing until they follow the e-mailed link, so a guest's
    details never change an existing record here: they are kept on the sign-up and applied
    by `signup_confirm` (a new address gets a new record with them). A guest cannot take
    over an account's record."""
    errors: dict[str, list[str]] = {}
    name, email, company_name = name.strip(), email.strip(), company_name.strip()
    if user is not None and user.is_authenticated:
        volunteer = Volunteer.objects.filter(user=user).first()
        email = email or user.email
        name = name or user.get_full_name() or user.get_username()
    else:
        user = None
        volunteer = None
    if not name:
        errors["name"] = [_("Give your name: the staff call the roster with it.")]
    if not email:
        errors["email"] = [_("Give your e-mail address: the confirmation link goes there.")]
    if company is not None and not company_choices().filter(pk=company.pk).exists():
        errors["company"] = [_("Choose a company from the list, or type its name.")]
    if errors:
        raise ValidationError(errors)
    if company is None and company_name:
        company = (
            company_choices()
            .filter(Q(name__iexact=company_name) | Q(name_en__iexact=company_name))
            .first()
        )
        if company is not None:
            company_name = ""
    details = {
        "name": name,
        "phone": phone.strip(),
        "language": (language or "en")[:10],
        "company_id": company.pk if company is not None else None,
        "company_name": company_name,
    }
    if volunteer is None:
        volunteer = Volunteer.objects.select_for_update().filter(email__iexact=email).first()
        if volunteer is not None and volunteer.user_id and user is None:
            raise ValidationError(
                {"email": [_("This e-mail address belongs to an account: log in to sign up.")]}
            )
        if volunteer is not None and user is not None and volunteer.user_id not in (None, user.pk):
            raise ValidationError({"email": [_("This e-mail address is used by another account.")]})
    if volunteer is not None and user is None:
        # Someone typed a known guest's address: check what they typed, change nothing yet.
        Volunteer(email=email, **_fields(details)).full_clean(
            exclude=["token", "user", "company"], validate_unique=False, validate_constraints=False
        )
        return volunteer, details
    if volunteer is None:
        volunteer = Volunteer(email=email)
    if user is not None:
        volunteer.user = user
    _apply_details(volunteer, details)
    return volunteer, {}


def _fields(details: dict) -> dict:
    return {
        "name": details["name"],
        "phone": details["phone"],
        "language": details["language"],
        "company_name": details["company_name"],
    }


def _apply_details(volunteer: Volunteer, details: dict) -> None:
    """What a volunteer typed, onto their record (blank phone or company: kept as they were)."""
    volunteer.name = details["name"]
    volunteer.phone = details["phone"] or volunteer.phone
    volunteer.language = details["language"]
    company = (
        company_choices().filter(pk=details["company_id"]).first()
        if details.get("company_id")
        else None
    )
    if company is not None or details["company_name"]:
        volunteer.company, volunteer.company_name = company, details["company_name"]
    volunteer.full_clean(exclude=["token", "user", "company"], validate_unique=False)
    volunteer.save()


def client_key(address: str) -> str:
    """A keyed hash of a client's address: enough to count holds, useless to trace anyone."""
    return hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()


def _may_hold(shift: Shift, client: str, now) -> bool:
    """May one more unconfirmed guest sign-up hold a place on this shift? At most
    VOLUNTEER_HOLDS_PER_SHIFT unconfirmed holds at once, and one per client address, so bots
    from one address (or a few) cannot hold a whole shift; the others confirm onto a place
    if one is free then, or the waitlist."""
    holds = shift.signups.filter(status=SignUp.Status.UNCONFIRMED, hold_expires_at__gt=now)
    if holds.count() >= settings.VOLUNTEER_HOLDS_PER_SHIFT:
        return False
    return not (client and holds.filter(client=client).exists())


def signup_create(
    *,
    shift: Shift,
    user=None,
    name: str = "",
    email: str = "",
    phone: str = "",
    language: str = "",
    company: Organisation | None = None,
    company_name: str = "",
    client: str = "",
) -> SignUp:
    """Signs a volunteer up for a shift. With an account: confirmed at once (or waitlisted
    when the shift is full). As a guest: unconfirmed until the link in the e-mail is
    followed; the place is held for VOLUNTEER_HOLD_HOURS (none is held when the shift is full,
    when VOLUNTEER_HOLDS_PER_SHIFT guests already hold one, or when `client` — a keyed hash of
    the guest's address — already holds one on this shift: confirming then gives a free place
    or the waitlist). A guest's details change nothing before they confirm. The shift row is
    locked while places are counted, so two people can never take the last place together."""
    language = language or translation.get_language() or "en"
    guest = user is None or not user.is_authenticated
    with transaction.atomic():
        shift = _locked_shift(shift)
        if shift.starts_at <= timezone.now():
            raise ValidationError(_("This shift has already started: choose another one."))
        if not shift.opportunity.published:
            raise ValidationError(_("This opportunity is not open for sign-up."))
        volunteer, pending = _volunteer_for(
            user=user,
            name=name,
            email=email,
            phone=phone,
            language=language,
            company=company,
            company_name=company_name,
        )
        existing = volunteer.signups.active().filter(shift=shift).first()
        if existing is not None and existing.status != SignUp.Status.UNCONFIRMED:
            raise ValidationError(_("You are already signed up for this shift."))
        if existing is not None:
            # Signing up again before confirming (a lost e-mail, an expired link): the new
            # sign-up replaces the old one and a new link goes out.
            existing.status, existing.cancelled_at = SignUp.Status.CANCELLED, timezone.now()
            existing.hold_expires_at = None
            existing.save(update_fields=["status", "cancelled_at", "hold_expires_at"])
        other = _overlapping(volunteer, shift)
        if other is not None:
            raise _overlap_error(other)
        promoted = _fill_from_waitlist(shift)
        room = _taken(shift) < shift.capacity
        now = timezone.now()
        signup = SignUp(
            shift=shift,
            volunteer=volunteer,
            created_at=now,
            pending_details=pending,
            client=client[:64] if guest else "",
        )
        if guest:
            signup.status = SignUp.Status.UNCONFIRMED
            if room and _may_hold(shift, client, now):
                signup.hold_expires_at = now + timedelta(hours=settings.VOLUNTEER_HOLD_HOURS)
        elif room:
            signup.status, signup.confirmed_at = SignUp.Status.CONFIRMED, now
        else:
            signup.status = SignUp.Status.WAITLISTED
        signup.save()
    _tell_promoted(promoted)
    _mail(signup, "confirm" if guest else signup.status)
    return signup


def confirm_token(signup: SignUp) -> str:
    return signing.dumps({"s": signup.pk, "v": signup.volunteer.token[:8]}, salt=CONFIRM_SALT)


def signup_for_token(token: str) -> SignUp:
    """The sign-up a confirmation link is for; ValidationError when it is wrong or expired."""
    try:
        data = signing.loads(token, salt=CONFIRM_SALT, max_age=timedelta(days=CONFIRM_LINK_DAYS))
    except signing.SignatureExpired:
        raise ValidationError(
            _("This confirmation link has expired: please sign up again.")
        ) from None
    except signing.BadSignature:
        raise ValidationError(
            _("This confirmation link is not valid: copy the whole link.")
        ) from None
    signup = (
        SignUp.objects.select_related("volunteer", "shift__opportunity")
        .filter(pk=data.get("s"))
        .first()
    )
    if signup is None or not signup.volunteer.token.startswith(data.get("v", "-")):
        raise ValidationError(_("This confirmation link is not valid: copy the whole link."))
    return signup


def signup_confirm(*, token: str) -> SignUp:
    """The guest followed the link: confirmed if their place is still held or one is free,
    else on the waitlist (the shift row locked as for a sign-up). Following it twice is fine."""
    signup = signup_for_token(token)
    with transaction.atomic():
        shift = _locked_shift(signup.shift)
        signup = SignUp.objects.select_for_update().get(pk=signup.pk)
        if signup.status != SignUp.Status.UNCONFIRMED:
            if signup.status == SignUp.Status.CANCELLED:
                raise ValidationError(_("This sign-up was cancelled: please sign up again."))
            return signup
        if shift.starts_at <= timezone.now():
            raise ValidationError(_("This shift has already started: choose another one."))
        other = _overlapping(signup.volunteer, shift, confirmed_only=True)
        if other is not None:
            raise _overlap_error(other)
        now = timezone.now()
        held = signup.holds_place
        signup.hold_expires_at = None
        promoted = _fill_from_waitlist(shift)
        if held or _taken(shift) < shift.capacity:
            signup.status, signup.confirmed_at = SignUp.Status.CONFIRMED, now
        else:
            signup.status = SignUp.Status.WAITLISTED
        if signup.pending_details:
            # The link proves the address: now what they typed may change their record.
            volunteer = Volunteer.objects.select_for_update().get(pk=signup.volunteer_id)
            _apply_details(volunteer, signup.pending_details)
            signup.pending_details = {}
        signup.save(update_fields=["status", "confirmed_at", "hold_expires_at", "pending_details"])
    _tell_promoted(promoted)
    return signup


def signup_cancel(*, signup: SignUp, actor=None) -> SignUp:
    """Cancels a sign-up (by the volunteer on their page, or by staff); the first on the
    waitlist takes the place in the same transaction and is e-mailed."""
    with transaction.atomic():
        shift = _locked_shift(signup.shift)
        signup = SignUp.objects.select_for_update().get(pk=signup.pk)
        if signup.status == SignUp.Status.CANCELLED:
            return signup
        if shift.starts_at <= timezone.now():
            raise ValidationError(
                _("This shift has already started: staff record attendance instead.")
            )
        signup.status = SignUp.Status.CANCELLED
        signup.cancelled_at = timezone.now()
        signup.cancelled_by = actor if actor is not None and actor.is_authenticated else None
        signup.hold_expires_at = None
        signup.save(update_fields=["status", "cancelled_at", "cancelled_by", "hold_expires_at"])
        promoted = _fill_from_waitlist(shift)
    _tell_promoted(promoted)
    return signup


# E-mail --------------------------------------------------------------------------------

SUBJECTS = {
    "confirm": lambda: _("Please confirm your volunteering sign-up"),
    "confirmed": lambda: _("You are signed up to volunteer"),
    "waitlisted": lambda: _("You are on the waitlist"),
    "promoted": lambda: _("A place came free: you are signed up to volunteer"),
    "reminder": lambda: _("Reminder: you volunteer tomorrow"),
}


def own_page_url(volunteer: Volunteer) -> str:
    return settings.SITE_URL + reverse("volunteers:private", args=[volunteer.token])


def _mail(signup: SignUp, kind: str) -> bool:
    volunteer = signup.volunteer
    context = {"signup": signup, "shift": signup.shift, "volunteer": volunteer}
    context["own_page"] = own_page_url(volunteer)
    if kind == "confirm":
        context["link"] = settings.SITE_URL + reverse(
            "volunteers:confirm", args=[confirm_token(signup)]
        )
        context["hold_hours"] = settings.VOLUNTEER_HOLD_HOURS
    with translation.override(volunteer.language or "en"):
        context["title"] = signup.shift.opportunity.title
        context["when"] = _shift_when(signup.shift)
    return send_in_language(
        to=volunteer.email,
        language=volunteer.language,
        subject=SUBJECTS[kind],
        template=f"volunteers/email/{kind}.txt",
        context=context,
    )


def _shift_when(shift: Shift) -> str:
    start, end = timezone.localtime(shift.starts_at), timezone.localtime(shift.ends_at)
    return f"{start:%Y-%m-%d %H:%M}–{end:%H:%M}"


# On the day ----------------------------------------------------------------------------


def _hours(value: Decimal) -> Decimal:
    return max(Decimal("0"), value).quantize(TWO_PLACES)


def attendance_record(
    *,
    signup: SignUp,
    actor,
    attendance: str,
    arrived_at: datetime.datetime | None = None,
    hours: Decimal | None = None,
) -> SignUp:
    """Staff mark a confirmed volunteer present, late or absent. Hours follow: the shift's
    length when present, from the arrival time to the end when late (or the hours staff
    give), none when absent."""
    permissions.require(actor, "see_rosters")
    if attendance not in SignUp.Attendance.values:
        raise ValidationError({"attendance": [_("Choose present, late or absent.")]})
    if arrived_at and timezone.is_naive(arrived_at):
        raise ValidationError({"arrived_at": [_("Give a time zone, e.g. 2026-11-25T09:30+08:00.")]})
    with transaction.atomic():
        signup = SignUp.objects.select_for_update().select_related("shift").get(pk=signup.pk)
        shift = signup.shift
        if signup.status != SignUp.Status.CONFIRMED:
            raise ValidationError(
                _("Only confirmed volunteers have attendance; this one is %(status)s.")
                % {"status": signup.get_status_display()}
            )
        if shift.starts_at > timezone.now() + timedelta(hours=12):
            raise ValidationError(_("Attendance is recorded on the day of the shift."))
        duration = shift.duration_hours
        if attendance == SignUp.Attendance.PRESENT:
            computed, arrived_at = duration, None
        elif attendance == SignUp.Attendance.ABSENT:
            computed, arrived_at = Decimal("0"), None
        elif hours is not None:
            if hours < 0 or hours > duration:
                raise ValidationError(
                    {
                        "hours": [
                            ngettext(
                                "Give hours between 0 and the shift's %(n)s hour.",
                                "Give hours between 0 and the shift's %(n)s hours.",
                                1 if duration == 1 else 2,  # a whole number: 1.5 reads plural
                            )
                            % {"n": duration}
                        ]
                    }
                )
            computed = hours
        elif arrived_at is not None:
            if not shift.starts_at <= arrived_at <= shift.ends_at:
                raise ValidationError(
                    {"arrived_at": [_("The arrival time must be within the shift.")]}
                )
            computed = Decimal((shift.ends_at - arrived_at).total_seconds() / 3600)
        else:
            raise ValidationError(
                {"arrived_at": [_("For a late volunteer, give the arrival time or the hours.")]}
            )
        signup.attendance = attendance
        signup.arrived_at = arrived_at
        signup.hours = _hours(computed)
        signup.attendance_by = actor
        signup.attendance_at = timezone.now()
        signup.save(
            update_fields=["attendance", "arrived_at", "hours", "attendance_by", "attendance_at"]
        )
    return signup


def hours_adjust(*, signup: SignUp, actor, hours: Decimal, reason: str) -> SignUp:
    """Staff correct the hours a sign-up counts for; the reason, who and when are kept."""
    permissions.require(actor, "manage_volunteers")
    errors = {}
    if not (reason or "").strip():
        errors["reason"] = [_("Say why the hours change: the reason is kept with them.")]
    if hours is None or hours < 0 or hours > 24:
        errors["hours"] = [_("Give hours between 0 and 24.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        signup = SignUp.objects.select_for_update().get(pk=signup.pk)
        if signup.status != SignUp.Status.CONFIRMED:
            raise ValidationError(_("Only a confirmed sign-up has hours to adjust."))
        signup.hours_adjusted = _hours(hours)
        signup.adjustment_reason = reason.strip()
        signup.adjusted_by = actor
        signup.adjusted_at = timezone.now()
        signup.save(
            update_fields=["hours_adjusted", "adjustment_reason", "adjusted_by", "adjusted_at"]
        )
    return signup


# Hours for reports (the impact app calls these) -----------------------------------------


def _local_day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def credited_signups(*, start, end, companies=None, projects=None):
    """Confirmed sign-ups that count: the volunteer came (present or late) or staff credited
    hours by an adjustment. Absent people and shifts still ahead count for nothing."""
    came = (SignUp.Attendance.PRESENT, SignUp.Attendance.LATE)
    rows = SignUp.objects.filter(status=SignUp.Status.CONFIRMED).filter(
        Q(attendance__in=came) | Q(hours_adjusted__isnull=False)
    )
    low, high = day_bounds(start, end)
    if low is not None:
        rows = rows.filter(shift__starts_at__gte=low)
    if high is not None:
        rows = rows.filter(shift__starts_at__lt=high)
    if companies is not None:
        rows = rows.filter(volunteer__company__in=[getattr(c, "pk", c) for c in companies])
    if projects is not None:
        rows = rows.filter(shift__opportunity__project__in=[getattr(p, "pk", p) for p in projects])
    return rows


def volunteer_hours(
    *,
    companies: "Iterable[Organisation] | None" = None,
    projects: "Iterable[ClassroomProject] | None" = None,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
) -> Decimal:
    """Total credited hours (adjusted hours where adjusted, else from attendance) of sign-ups
    whose shift starts on a local date in [start, end] (None: open), optionally only of
    volunteers whose company is in `companies` and of opportunities linked to one of
    `projects`. One aggregate query."""
    rows = credited_signups(start=start, end=end, companies=companies, projects=projects)
    total = rows.aggregate(total=Sum(credited_hours()))["total"]
    return (total or Decimal("0")).quantize(TWO_PLACES)


@dataclass(frozen=True)
class CompanyHours:
    company: str
    organisation_id: int | None
    volunteers: int
    shifts: int
    hours: Decimal


def hours_by_company(
    *,
    start: datetime.date | None,
    end: datetime.date | None,
    companies: "Iterable[Organisation] | None" = None,
) -> list[CompanyHours]:
    """Credited hours per company (our organisations by id, typed names by name; people
    without a company under an empty name), most hours first. One grouped query."""
    rows = (
        credited_signups(start=start, end=end, companies=companies)
        .values("volunteer__company_id", "volunteer__company__name", "volunteer__company_name")
        .annotate(
            volunteers=Count("volunteer", distinct=True),
            shifts=Count("shift", distinct=True),
            hours=Sum(credited_hours()),
        )
        .order_by()
    )
    result = [
        CompanyHours(
            company=row["volunteer__company__name"] or row["volunteer__company_name"] or "",
            organisation_id=row["volunteer__company_id"],
            volunteers=row["volunteers"],
            shifts=row["shifts"],
            hours=(row["hours"] or Decimal("0")).quantize(TWO_PLACES),
        )
        for row in rows
    ]
    return sorted(result, key=lambda r: (-r.hours, r.company))


# Reminders -----------------------------------------------------------------------------


def reminders_send(*, now: datetime.datetime | None = None) -> list[SignUp]:
    """E-mails every confirmed volunteer whose shift starts tomorrow (local date), once: the
    sign-up row is locked and marked in the same transaction as the e-mail, so a second run,
    even at the same moment, finds it marked and skips it. A failed e-mail is not marked
    (the next run tries again)."""
    now = now or timezone.now()
    tomorrow = timezone.localdate(now) + timedelta(days=1)
    candidates = SignUp.objects.filter(
        status=SignUp.Status.CONFIRMED,
        reminder_sent_at__isnull=True,
        shift__starts_at__gte=_local_day_start(tomorrow),
        shift__starts_at__lt=_local_day_start(tomorrow + timedelta(days=1)),
    ).values_list("pk", flat=True)
    sent = []
    for pk in list(candidates):
        with transaction.atomic():
            signup = (
                SignUp.objects.select_for_update(of=("self",))
                .select_related("volunteer", "shift__opportunity")
                .filter(pk=pk, reminder_sent_at__isnull=True, status=SignUp.Status.CONFIRMED)
                .first()
            )
            if signup is None:
                continue
            if not _mail(signup, "reminder"):
                continue
            signup.reminder_sent_at = timezone.now()
            signup.save(update_fields=["reminder_sent_at"])
            sent.append(signup)
    return sent


# Company teams -------------------------------------------------------------------------


def waiver_publish(*, actor, company: Organisation | None, text_en: str, text_zh: str) -> Waiver:
    """A new version of a company's waiver (or of our code of conduct): texts never change
    once published, so those who accepted an older one keep what they read."""
    permissions.require(actor, "manage_volunteers")
    errors = {}
    if not text_en.strip():
        errors["text_en"] = [_("Write the text in English.")]
    if not text_zh.strip():
        errors["text_zh"] = [_("Write the text in Chinese.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if company is not None:  # serialises two publications for one company
            Organisation.objects.select_for_update().get(pk=company.pk)
        last = Waiver.objects.filter(company=company).aggregate(v=Max("version"))["v"] or 0
        return Waiver.objects.create(
            company=company,
            version=last + 1,
            text_en=text_en.strip(),
            text_zh=text_zh.strip(),
            published_by=actor,
        )


def current_waiver(company: Organisation) -> Waiver | None:
    """The company's latest waiver, else our latest code of conduct."""
    return (
        Waiver.objects.filter(company=company).order_by("-version").first()
        or Waiver.objects.filter(company__isnull=True).order_by("-version").first()
    )


def team_company(user) -> Organisation:
    """The company a contact coordinates teams for: a sponsor's or donor's contact only."""
    org = getattr(user, "organisation", None) if user.is_authenticated else None
    if user.is_staff_member or org is None or not company_choices().filter(pk=org.pk).exists():
        raise PermissionDenied(_("Only the contact of a sponsor or donor signs up a team."))
    return org


def team_signup(*, shift: Shift, actor, places: int) -> Team:
    """A company's coordinator takes `places` on a shift for a team whose members fill them
    in later by the team's link. The shift row is locked while the places are counted, so two
    teams (or a team and a person) can never take the same places."""
    company = team_company(actor)
    if places < 1:
        raise ValidationError({"places": [_("A team needs at least 1 place.")]})
    waiver = current_waiver(company)
    if waiver is None:
        raise ValidationError(
            _("No code of conduct is published yet: ask the programme managers to publish one.")
        )
    with transaction.atomic():
        shift = _locked_shift(shift)
        if shift.starts_at <= timezone.now():
            raise ValidationError(_("This shift has already started: choose another one."))
        if not shift.opportunity.published:
            raise ValidationError(_("This opportunity is not open for sign-up."))
        free = max(0, shift.capacity - _taken(shift))
        if places > free:
            raise ValidationError(
                {
                    "places": [
                        ngettext(
                            "Only %(free)s place is left on this shift: ask for %(free)s, "
                            "or choose another shift.",
                            "Only %(free)s places are left on this shift: ask for %(free)s or "
                            "fewer, or choose another shift.",
                            free,
                        )
                        % {"free": free}
                    ]
                }
            )
        return Team.objects.create(
            shift=shift, company=company, coordinator=actor, places=places, waiver=waiver
        )


def team_for_token(token: str) -> Team:
    team = (
        Team.objects.active()
        .select_related("shift__opportunity", "company", "waiver")
        .filter(token=token[:64])
        .first()
    )
    if team is None:
        raise Http404
    return team


def team_join(
    *, team: Team, name: str, email: str, phone: str = "", accepted: bool, language: str = ""
) -> SignUp:
    """A team member takes one of the team's places, accepting the team's waiver (the
    version shown to them) by their typed name. Under the shift's row lock, so the team's
    places are never overfilled by members joining at the same moment."""
    name, email = name.strip(), email.strip()
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [_("Give your name: the staff call the roster with it.")]
    if not email:
        errors["email"] = [_("Give your e-mail address: your volunteer page link goes there.")]
    if not accepted:
        errors["accepted"] = [
            _("Read the code of conduct and tick the box: every member of the team accepts it.")
        ]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        shift = _locked_shift(team.shift)
        team = Team.objects.select_for_update().get(pk=team.pk)
        if team.cancelled_at is not None:
            raise Http404
        if team.signups.active().count() >= team.places:
            raise ValidationError(
                _("All %(n)s places of this team are filled: ask your coordinator.")
                % {"n": team.places}
            )
        volunteer = _team_member(team, name=name, email=email, phone=phone, language=language)
        if volunteer.signups.active().filter(shift=shift).exists():
            raise ValidationError({"email": [_("You are already signed up for this shift.")]})
        if other := _overlapping(volunteer, shift):
            raise _overlap_error(other)
        now = timezone.now()
        signup = SignUp.objects.create(
            shift=shift,
            volunteer=volunteer,
            team=team,
            status=SignUp.Status.CONFIRMED,
            confirmed_at=now,
            created_at=now,
        )
        WaiverAcceptance.objects.create(
            waiver=team.waiver, volunteer=volunteer, team=team, signed_name=name, accepted_at=now
        )
    _mail(signup, "confirmed")
    return signup


def _team_member(team: Team, *, name: str, email: str, phone: str, language: str) -> Volunteer:
    """The volunteer record for this address: a new one with the company, or the existing
    guest record unchanged (anyone with the link could type anyone's address)."""
    volunteer = Volunteer.objects.select_for_update().filter(email__iexact=email).first()
    if volunteer is not None and volunteer.user_id:
        raise ValidationError(
            {"email": [_("This e-mail address belongs to an account: log in to sign up.")]}
        )
    if volunteer is not None:
        return volunteer
    volunteer = Volunteer(
        name=name,
        email=email,
        phone=phone.strip(),
        language=(language or translation.get_language() or "en")[:10],
        company=team.company,
    )
    try:
        volunteer.full_clean(exclude=["token", "user", "company"], validate_unique=False)
    except ValidationError as error:
        raise ValidationError(error.message_dict) from None
    volunteer.save()
    return volunteer


@dataclass(frozen=True)
class TeamHours:
    team_id: int
    company: str
    organisation_id: int
    shift: str
    places: int
    members: int
    hours: Decimal


def hours_by_team(
    *, start=None, end=None, companies: "Iterable[Organisation] | None" = None
) -> list[TeamHours]:
    """Credited hours per team (one grouped query), most recent shift first."""
    rows = (
        credited_signups(start=start, end=end, companies=companies)
        .filter(team__isnull=False)
        .values("team_id")
        .annotate(members=Count("volunteer", distinct=True), hours=Sum(credited_hours()))
        .order_by()
    )
    totals = {row["team_id"]: row for row in rows}
    teams = Team.objects.filter(pk__in=totals).select_related("company", "shift__opportunity")
    return [
        TeamHours(
            team_id=team.pk,
            company=team.company.name,
            organisation_id=team.company_id,
            shift=str(team.shift),
            places=team.places,
            members=totals[team.pk]["members"],
            hours=(totals[team.pk]["hours"] or Decimal("0")).quantize(TWO_PLACES),
        )
        for team in sorted(teams, key=lambda t: (t.shift.starts_at, t.pk), reverse=True)
    ]


@dataclass(frozen=True)
class PersonHours:
    volunteer_id: int
    name: str
    company: str
    organisation_id: int | None
    shifts: int
    hours: Decimal


def hours_by_person(
    *, start=None, end=None, companies: "Iterable[Organisation] | None" = None
) -> list[PersonHours]:
    """Credited hours per volunteer (one grouped query), most hours first."""
    rows = (
        credited_signups(start=start, end=end, companies=companies)
        .values(
            "volunteer_id",
            "volunteer__name",
            "volunteer__company_id",
            "volunteer__company__name",
            "volunteer__company_name",
        )
        .annotate(shifts=Count("shift", distinct=True), hours=Sum(credited_hours()))
        .order_by()
    )
    result = [
        PersonHours(
            volunteer_id=row["volunteer_id"],
            name=row["volunteer__name"],
            company=row["volunteer__company__name"] or row["volunteer__company_name"] or "",
            organisation_id=row["volunteer__company_id"],
            shifts=row["shifts"],
            hours=(row["hours"] or Decimal("0")).quantize(TWO_PLACES),
        )
        for row in rows
    ]
    return sorted(result, key=lambda r: (-r.hours, r.name))


def hours_companies_for(user, organisation_id: int | None = None) -> list[Organisation] | None:
    """Whose hours this user may see, as the pages decide: staff everyone's (None), unless
    they name one company; a sponsor's or donor's contact only their own company, and another
    company's id is a 404; anyone else nothing (404)."""
    if user.is_authenticated and user.is_staff_member:
        if organisation_id is None:
            return None
        return [permissions.find_for(user, company_choices(), pk=organisation_id)]
    try:
        own = team_company(user)
    except PermissionDenied:
        raise Http404 from None
    if organisation_id is not None and organisation_id != own.pk:
        raise Http404
    return [own]
