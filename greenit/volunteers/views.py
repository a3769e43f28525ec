import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from greenit.accounts.permissions import may, permission_required, require, staff_required
from greenit.core import personal, spreadsheets
from greenit.core.forms import refusals_as_messages, refusals_on
from greenit.core.limits import client_address, over_limit

from . import certificate, services
from .forms import (
    AdjustForm,
    AttendanceForm,
    OpportunityForm,
    PeriodForm,
    ShiftForm,
    SignUpForm,
    TeamForm,
    TeamJoinForm,
    WaiverForm,
)
from .models import Opportunity, Shift, SignUp, Team, Volunteer, Waiver

# Public pages --------------------------------------------------------------------------


def _upcoming_shifts() -> Prefetch:
    return Prefetch("shifts", queryset=Shift.objects.upcoming().with_places(), to_attr="upcoming")


def public_list(request: HttpRequest) -> HttpResponse:
    opportunities = (
        Opportunity.objects.published()
        .filter(shifts__ends_at__gt=timezone.now())
        .distinct()
        .prefetch_related(_upcoming_shifts())
    )
    return render(request, "volunteers/public_list.html", {"opportunities": opportunities})


def opportunity(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(
        Opportunity.objects.published()
        .select_related("project")
        .prefetch_related(_upcoming_shifts()),
        pk=pk,
    )
    org = getattr(request.user, "organisation", None)
    company_contact = bool(
        org and not request.user.is_staff_member and (org.is_sponsor or org.is_donor)
    )
    return render(
        request,
        "volunteers/opportunity.html",
        {"opportunity": found, "company_contact": company_contact},
    )


def signup(request: HttpRequest, pk: int) -> HttpResponse:
    """Sign up for one shift: as yourself when logged in, else by name and e-mail."""
    shift = get_object_or_404(
        Shift.objects.with_places()
        .select_related("opportunity")
        .filter(opportunity__published=True),
        pk=pk,
    )
    guest = not request.user.is_authenticated
    volunteer = None if guest else Volunteer.objects.filter(user=request.user).first()
    initial = {}
    if volunteer:
        initial = {"company": volunteer.company_id, "company_name": volunteer.company_name}
    form = SignUpForm(request.POST or None, guest=guest, initial=initial)
    status = 200
    if request.method == "POST":
        if guest and request.POST.get("website"):
            return redirect("volunteers:signup_sent")
        if guest and over_limit(request, group="volunteer-signup", rate=settings.OFFER_RATE):
            form.add_error(
                None,
                _(
                    "We received several sign-ups from your address just now. Please try again "
                    "in an hour."
                ),
            )
            status = 429
        elif form.is_valid():
            data = form.cleaned_data
            with refusals_on(form):
                created = services.signup_create(
                    shift=shift,
                    user=request.user,
                    name=data.get("name", ""),
                    email=data.get("email", ""),
                    phone=data["phone"],
                    company=data["company"],
                    company_name=data["company_name"],
                    client=services.client_key(client_address(request)) if guest else "",
                )
                form.record_consents(created.volunteer, email=created.volunteer.email)
                return _signed_up(request, created, guest=guest)
            status = 400
        else:
            status = 400
    return render(
        request,
        "volunteers/signup.html",
        {"shift": shift, "form": form, "guest": guest},
        status=status,
    )


def _signed_up(request: HttpRequest, created: SignUp, *, guest: bool) -> HttpResponse:
    if guest:
        return redirect("volunteers:signup_sent")
    if created.status == SignUp.Status.WAITLISTED:
        messages.success(
            request,
            _("The shift is full: you are on the waitlist; we e-mail you when a place comes free."),
        )
    else:
        messages.success(request, _("You are signed up. Thank you!"))
    return redirect("volunteers:me")


def signup_sent(request: HttpRequest) -> HttpResponse:
    return render(
        request, "volunteers/signup_sent.html", {"hold_hours": settings.VOLUNTEER_HOLD_HOURS}
    )


def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the e-mail shows the sign-up and a button (mail scanners follow links;
    only a person presses the button)."""
    found = None
    with refusals_as_messages(request):
        found = services.signup_for_token(token)
    if found is None:  # the link is wrong or expired: the message says which
        return render(request, "volunteers/confirm.html", status=400)
    if request.method == "POST":
        with refusals_as_messages(request):
            found = services.signup_confirm(token=token)
            if found.status == SignUp.Status.WAITLISTED:
                messages.success(
                    request,
                    _(
                        "The shift filled up in the meantime: you are on the waitlist; we e-mail "
                        "you when a place comes free."
                    ),
                )
            else:
                messages.success(request, _("Your sign-up is confirmed. Thank you!"))
        return redirect("volunteers:private", token=found.volunteer.token)
    return render(request, "volunteers/confirm.html", {"signup": found})


# The volunteer's own page --------------------------------------------------------------


def _own_page(request: HttpRequest, volunteer: Volunteer | None, *, token: str = ""):
    upcoming, past, total = [], [], 0
    if volunteer is not None:
        rows = (
            volunteer.signups.exclude(status=SignUp.Status.CANCELLED)
            .select_related("shift__opportunity")
            .with_credited()
            .order_by("shift__starts_at")
        )
        now = timezone.now()
        for row in rows:
            (past if row.shift.starts_at <= now else upcoming).append(row)
        past = [row for row in past if row.status == SignUp.Status.CONFIRMED]
        total = sum((row.credited for row in past), start=services.TWO_PLACES * 0)
    return render(
        request,
        "volunteers/me.html",
        {
            "volunteer": volunteer,
            "upcoming": upcoming,
            "past": past,
            "total": total,
            "token": token,
        },
    )


@login_required
def me(request: HttpRequest) -> HttpResponse:
    return _own_page(request, Volunteer.objects.filter(user=request.user).first())


def _volunteer_by_token(token: str) -> Volunteer:
    return get_object_or_404(Volunteer, token=token)


def private(request: HttpRequest, token: str) -> HttpResponse:
    return _own_page(request, _volunteer_by_token(token), token=token)


def _cancel_own(request: HttpRequest, volunteer: Volunteer, pk: int) -> None:
    found = get_object_or_404(volunteer.signups.select_related("shift"), pk=pk)
    with refusals_as_messages(request):
        services.signup_cancel(signup=found, actor=request.user)
        messages.success(request, _("Your sign-up is cancelled."))


@require_POST
@login_required
def me_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    volunteer = get_object_or_404(Volunteer, user=request.user)
    _cancel_own(request, volunteer, pk)
    return redirect("volunteers:me")


@require_POST
def private_cancel(request: HttpRequest, token: str, pk: int) -> HttpResponse:
    _cancel_own(request, _volunteer_by_token(token), pk)
    return redirect("volunteers:private", token=token)


def _certificate_response(volunteer: Volunteer) -> HttpResponse:
    pdf = certificate.render_pdf(volunteer)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="volunteering-hours.pdf"'
    return response


@login_required
def me_certificate(request: HttpRequest) -> HttpResponse:
    return _certificate_response(get_object_or_404(Volunteer, user=request.user))


def private_certificate(request: HttpRequest, token: str) -> HttpResponse:
    return _certificate_response(_volunteer_by_token(token))


# A company contact's view ---------------------------------------------------------------


@login_required
def company(request: HttpRequest) -> HttpResponse:
    """A sponsor or donor contact sees their own company's volunteer hours, nobody else's."""
    org = request.user.organisation
    if request.user.is_staff_member or org is None or not (org.is_sponsor or org.is_donor):
        raise Http404
    form = PeriodForm(request.GET or None)
    start = end = None
    if form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    rows = (
        services.credited_signups(start=start, end=end, companies=[org])
        .select_related("shift__opportunity", "volunteer")
        .with_credited()
        .order_by("-shift__starts_at")
    )
    total = services.volunteer_hours(companies=[org], start=start, end=end)
    rows = list(rows[:500])
    # A volunteer's name goes to their company only with their consent (PIPL art. 23).
    shared = personal.consented(Volunteer, {r.volunteer_id for r in rows}, "share_sponsor")
    return render(
        request,
        "volunteers/company.html",
        {
            "organisation": org,
            "rows": rows,
            "shared": shared,
            "total": total,
            "form": form,
            "teams": services.hours_by_team(start=start, end=end, companies=[org]),
            "open_teams": Team.objects.active()
            .filter(company=org, shift__ends_at__gt=timezone.now())
            .select_related("shift__opportunity"),
            "query": request.GET.urlencode(),
        },
    )


@login_required
def company_csv(request: HttpRequest) -> HttpResponse:
    """A company's own volunteers' hours, one row a person and shift (UTF-8 with a BOM)."""
    (org,) = services.hours_companies_for(
        request.user, getattr(request.user, "organisation_id", None)
    )
    form, start, end = _period(request)
    if form.errors:
        return _period_refused(form)
    rows = (
        services.credited_signups(start=start, end=end, companies=[org])
        .select_related("shift__opportunity", "volunteer")
        .order_by("-shift__starts_at", "volunteer__name")
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="our-volunteer-hours.csv"'
    writer = spreadsheets.CsvWriter(response)
    writer.writerow([_("Volunteer"), _("Team"), _("Opportunity"), _("Shift starts"), _("Hours")])
    rows = list(rows)
    shared = personal.consented(Volunteer, {r.volunteer_id for r in rows}, "share_sponsor")
    for row in rows:
        writer.writerow(
            [
                row.volunteer.name
                if row.volunteer_id in shared
                else _("A volunteer (name not shared)"),
                _("yes") if row.team_id else "",
                row.shift.opportunity.title,
                timezone.localtime(row.shift.starts_at).strftime("%Y-%m-%d %H:%M"),
                row.credited_hours,
            ]
        )
    return response


def _period_refused(form: PeriodForm) -> HttpResponse:
    return HttpResponse(
        " ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items()),
        status=400,
        content_type="text/plain; charset=utf-8",
    )


# Company teams -------------------------------------------------------------------------


@login_required
def team_new(request: HttpRequest, pk: int) -> HttpResponse:
    """A sponsor's or donor's contact takes places on a shift for a team of colleagues."""
    services.team_company(request.user)
    shift = get_object_or_404(
        Shift.objects.with_places()
        .select_related("opportunity")
        .filter(opportunity__published=True),
        pk=pk,
    )
    form = TeamForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refusals_on(form):
            team = services.team_signup(
                shift=shift, actor=request.user, places=form.cleaned_data["places"]
            )
            messages.success(
                request, _("Places taken: share the team's link with your colleagues.")
            )
            return redirect("volunteers:team", pk=team.pk)
    return render(
        request,
        "volunteers/team_new.html",
        {
            "shift": shift,
            "form": form,
            "waiver": services.current_waiver(request.user.organisation),
        },
        status=400 if form.errors else 200,
    )


@login_required
def team(request: HttpRequest, pk: int) -> HttpResponse:
    """A team: its link, its members with the waiver each accepted, and their hours. Staff
    and the team's company's contacts only (others get a 404)."""
    found = get_object_or_404(
        Team.objects.select_related("shift__opportunity", "company", "waiver"), pk=pk
    )
    services.hours_companies_for(request.user, found.company_id)
    members = (
        found.signups.active()
        .select_related("volunteer")
        .with_credited()
        .order_by("volunteer__name")
    )
    accepted = {a.volunteer_id: a for a in found.acceptances.all()}
    return render(
        request,
        "volunteers/team.html",
        {
            "team": found,
            "members": [(m, accepted.get(m.volunteer_id)) for m in members],
            "link": request.build_absolute_uri(reverse("volunteers:team_join", args=[found.token])),
        },
    )


def team_join(request: HttpRequest, token: str) -> HttpResponse:
    """A team member fills in one of the team's places and accepts the waiver (no account)."""
    found = services.team_for_token(token)
    form = TeamJoinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with refusals_on(form):
            created = services.team_join(
                team=found,
                name=data["name"],
                email=data["email"],
                phone=data["phone"],
                accepted=data["accepted"],
            )
            messages.success(request, _("You are on the team: see you on the day."))
            return redirect("volunteers:private", token=created.volunteer.token)
    return render(
        request,
        "volunteers/team_join.html",
        {"team": found, "form": form, "filled": found.signups.active().count()},
        status=400 if form.errors else 200,
    )


@permission_required("manage_volunteers")
def waivers(request: HttpRequest) -> HttpResponse:
    form = WaiverForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refusals_on(form):
            waiver = services.waiver_publish(actor=request.user, **form.cleaned_data)
            messages.success(request, _("Published: %(waiver)s.") % {"waiver": waiver})
            return redirect("volunteers:waivers")
    return render(
        request,
        "volunteers/waivers.html",
        {"form": form, "waivers": Waiver.objects.select_related("company")[:200]},
        status=400 if form.errors else 200,
    )


# Staff ---------------------------------------------------------------------------------


@staff_required
def manage_list(request: HttpRequest) -> HttpResponse:
    opportunities = Opportunity.objects.prefetch_related(
        Prefetch("shifts", queryset=Shift.objects.with_places(), to_attr="all_shifts")
    ).select_related("project")
    return render(
        request,
        "volunteers/manage_list.html",
        {"opportunities": opportunities, "can_manage": may(request.user, "manage_volunteers")},
    )


@permission_required("manage_volunteers")
def opportunity_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    instance = get_object_or_404(Opportunity, pk=pk) if pk else None
    form = OpportunityForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        with refusals_on(form):
            saved = services.opportunity_save(
                actor=request.user, opportunity=form.save(commit=False)
            )
            messages.success(request, _("Opportunity saved."))
            return redirect("volunteers:manage", pk=saved.pk)
    return render(
        request,
        "volunteers/opportunity_form.html",
        {"form": form, "opportunity": instance},
        status=400 if form.errors else 200,
    )


@staff_required
def manage(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(
        Opportunity.objects.select_related("project").prefetch_related(
            Prefetch("shifts", queryset=Shift.objects.with_places(), to_attr="all_shifts")
        ),
        pk=pk,
    )
    form = ShiftForm(request.POST or None)
    status = 200
    if request.method == "POST":
        require(request.user, "manage_volunteers")  # refused before the form says anything
        if form.is_valid():
            with refusals_on(form):
                services.shift_add(opportunity=found, actor=request.user, **form.cleaned_data)
                messages.success(request, _("Shift added."))
                return redirect("volunteers:manage", pk=found.pk)
        status = 400
    return render(
        request,
        "volunteers/manage.html",
        {
            "opportunity": found,
            "form": form,
            "can_manage": may(request.user, "manage_volunteers"),
            "can_roster": may(request.user, "see_rosters"),
        },
        status=status,
    )


def _roster_shift(pk: int) -> Shift:
    return get_object_or_404(Shift.objects.with_places().select_related("opportunity"), pk=pk)


def _roster_rows(shift: Shift):
    return (
        shift.signups.active()
        .select_related("volunteer__company", "adjusted_by")
        .with_credited()
        .order_by("status", "created_at", "pk")
    )


@permission_required("see_rosters")
def roster(request: HttpRequest, pk: int) -> HttpResponse:
    shift = _roster_shift(pk)
    return render(
        request,
        "volunteers/roster.html",
        {
            "shift": shift,
            "rows": _roster_rows(shift),
            "can_manage": may(request.user, "manage_volunteers"),
        },
    )


@permission_required("see_rosters")
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    """One form per person, big buttons: works on a phone at the door."""
    shift = _roster_shift(pk)
    errors: dict[int, AttendanceForm] = {}
    if request.method == "POST":
        found = get_object_or_404(shift.signups, pk=request.POST.get("signup"))
        form = AttendanceForm(request.POST, prefix=f"s{found.pk}")
        if form.is_valid():
            data = form.cleaned_data
            arrived = None
            if data["arrived_at"]:
                arrived = timezone.make_aware(
                    datetime.datetime.combine(
                        timezone.localtime(shift.starts_at).date(), data["arrived_at"]
                    )
                )
            with refusals_on(form):
                services.attendance_record(
                    signup=found,
                    actor=request.user,
                    attendance=data["attendance"],
                    arrived_at=arrived,
                    hours=data["hours"],
                )
                messages.success(
                    request, _("%(name)s: attendance saved.") % {"name": found.volunteer.name}
                )
                return redirect(f"{request.path}#signup-{found.pk}")
        errors[found.pk] = form
    rows = [row for row in _roster_rows(shift) if row.status == SignUp.Status.CONFIRMED]
    for row in rows:
        row.form = errors.get(row.pk) or AttendanceForm(
            prefix=f"s{row.pk}",
            initial={
                "attendance": row.attendance or None,
                "arrived_at": row.arrived_at and timezone.localtime(row.arrived_at).time(),
                "hours": row.hours if row.attendance == SignUp.Attendance.LATE else None,
            },
        )
        row.adjust_form = AdjustForm(
            prefix=f"a{row.pk}",
            initial={"hours": row.credited, "reason": row.adjustment_reason},
        )
    return render(
        request,
        "volunteers/attendance.html",
        {"shift": shift, "rows": rows, "can_adjust": may(request.user, "manage_volunteers")},
        status=400 if errors else 200,
    )


@require_POST
@permission_required("manage_volunteers")
def adjust(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(SignUp.objects.select_related("volunteer"), pk=pk)
    form = AdjustForm(request.POST, prefix=f"a{found.pk}")
    if form.is_valid():
        with refusals_as_messages(request):
            services.hours_adjust(
                signup=found,
                actor=request.user,
                hours=form.cleaned_data["hours"],
                reason=form.cleaned_data["reason"],
            )
            messages.success(
                request, _("%(name)s: hours adjusted.") % {"name": found.volunteer.name}
            )
    else:
        problems = [f"{form.fields[f].label}: {' '.join(e)}" for f, e in form.errors.items()]
        messages.error(request, f"{found.volunteer.name}: " + " ".join(problems))
    return redirect(reverse("volunteers:attendance", args=[found.shift_id]) + f"#signup-{found.pk}")


@require_POST
@permission_required("manage_volunteers")
def staff_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(SignUp.objects.select_related("shift"), pk=pk)
    with refusals_as_messages(request):
        services.signup_cancel(signup=found, actor=request.user)
        messages.success(request, _("Sign-up cancelled; the waitlist moved up."))
    return redirect("volunteers:roster", pk=found.shift_id)


def _period(request: HttpRequest) -> tuple[PeriodForm, datetime.date | None, datetime.date | None]:
    form = PeriodForm(request.GET or None)
    if form.is_valid():
        return form, form.cleaned_data["start"], form.cleaned_data["end"]
    return form, None, None


@staff_required
def reports(request: HttpRequest) -> HttpResponse:
    form, start, end = _period(request)
    rows = services.hours_by_company(start=start, end=end) if not form.errors else []
    return render(
        request,
        "volunteers/reports.html",
        {
            "form": form,
            "rows": rows,
            "total": sum((r.hours for r in rows), start=services.TWO_PLACES * 0),
            "teams": services.hours_by_team(start=start, end=end) if not form.errors else [],
            "query": request.GET.urlencode(),
        },
        status=400 if form.errors else 200,
    )


@staff_required
def reports_csv(request: HttpRequest) -> HttpResponse:
    """UTF-8 with a byte-order mark, so that Excel shows Chinese names right."""
    form, start, end = _period(request)
    if form.errors:
        return HttpResponse(
            " ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items()),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="volunteer-hours.csv"'
    writer = spreadsheets.CsvWriter(response)
    with translation.override(translation.get_language()):
        writer.writerow(
            [
                _("Company"),
                _("Organisation id"),
                _("Volunteers"),
                _("Shifts"),
                _("Hours"),
                _("From"),
                _("To"),
            ]
        )
    for row in services.hours_by_company(start=start, end=end):
        writer.writerow(
            [
                row.company or _("(no company)"),
                row.organisation_id or "",
                row.volunteers,
                row.shifts,
                row.hours,
                start or "",
                end or "",
            ]
        )
    return response
