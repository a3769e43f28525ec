from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from greenit.accounts.permissions import require
from greenit.core.schema_types import Day, Id, enum_of, of

from . import services
from .models import Opportunity, Shift, SignUp

router = Router(tags=["volunteers"])


class ShiftOut(Schema):
    id: int
    starts_at: datetime
    ends_at: datetime
    capacity: int
    places_left: int
    waitlist: int = Field(alias="waiting")


class OpportunityOut(Schema):
    id: int
    kind: str
    title_en: str
    title_zh: str
    description_en: str
    description_zh: str
    place: str
    province: str
    city: str
    classroom_project_id: int | None = Field(alias="project_id")
    skills: list[str]
    shifts: list[ShiftOut] = Field(alias="upcoming")


class RosterRow(Schema):
    id: int
    name: str = Field(alias="volunteer.name")
    company: str = Field(alias="volunteer.company_display")
    phone: str = Field(alias="volunteer.phone")
    status: str
    attendance: str
    hours: Decimal | None
    hours_adjusted: Decimal | None
    credited_hours: Decimal


class AttendanceIn(Schema):
    attendance: enum_of(SignUp.Attendance) = Field(description="present, late or absent")
    arrived_at: datetime | None = Field(None, description="for late: the arrival time")
    hours: of(SignUp, "hours", null=False, ge=0) | None = Field(
        None, description="for late: the hours, instead of arrived_at"
    )


@router.get("/opportunities", response=list[OpportunityOut], auth=None)
def list_opportunities(request):
    """Published opportunities with their upcoming shifts and the places left (no account
    needed)."""
    return list(
        Opportunity.objects.published()
        .filter(shifts__ends_at__gt=timezone.now())
        .distinct()
        .prefetch_related(
            Prefetch("shifts", queryset=Shift.objects.upcoming().with_places(), to_attr="upcoming")
        )
    )


def _shift(request, pk: Id) -> Shift:
    require(request.user, "see_rosters")
    return get_object_or_404(Shift, pk=pk)


@router.get("/shifts/{pk}/roster", response=list[RosterRow])
def shift_roster(request, pk: Id):
    """The people signed up for a shift (confirmed, waitlisted, unconfirmed) with attendance
    and hours: programme managers and logistics staff."""
    shift = _shift(request, pk)
    return list(shift.signups.active().select_related("volunteer__company"))


@router.post("/signups/{pk}/attendance", response=RosterRow)
def record_attendance(request, pk: Id, payload: AttendanceIn):
    """Mark a confirmed volunteer present, late (with `arrived_at` or `hours`) or absent; the
    hours follow. 422 names the field when something is missing."""
    require(request.user, "see_rosters")
    signup = get_object_or_404(SignUp, pk=pk)
    return services.attendance_record(
        signup=signup,
        actor=request.user,
        attendance=payload.attendance,
        arrived_at=payload.arrived_at,
        hours=payload.hours,
    )


# Volunteer hours: the same scoping as the pages ----------------------------------------


class CompanyHoursOut(Schema):
    company: str
    organisation_id: int | None
    volunteers: int
    shifts: int
    hours: Decimal


class PersonHoursOut(Schema):
    volunteer_id: int
    name: str
    company: str
    organisation_id: int | None
    shifts: int
    hours: Decimal


class TeamHoursOut(Schema):
    team_id: int
    company: str
    organisation_id: int
    shift: str
    places: int
    members: int
    hours: Decimal


class CompanyDetailOut(Schema):
    organisation_id: int
    company: str
    hours: Decimal
    people: list[PersonHoursOut]
    teams: list[TeamHoursOut]


def _period(start, end) -> None:
    if start and end and end < start:
        raise ValidationError({"end": [_("The end date must be on or after the start date.")]})


@router.get("/hours/companies", response=list[CompanyHoursOut])
def hours_companies(request, start: Day | None = None, end: Day | None = None):
    """Credited volunteer hours per company for a period (the local date a shift starts, both
    ends included): staff see every company; a sponsor's or donor's contact their own only."""
    _period(start, end)
    companies = services.hours_companies_for(request.user)
    return services.hours_by_company(start=start, end=end, companies=companies)


@router.get("/hours/companies/{organisation_id}", response=CompanyDetailOut)
def hours_company(request, organisation_id: Id, start: Day | None = None, end: Day | None = None):
    """One company's hours, per person and per team; another company's id is a 404 for a
    company's contact."""
    _period(start, end)
    (company,) = services.hours_companies_for(request.user, organisation_id)
    return {
        "organisation_id": company.pk,
        "company": company.name,
        "hours": services.volunteer_hours(companies=[company], start=start, end=end),
        "people": services.hours_by_person(start=start, end=end, companies=[company]),
        "teams": services.hours_by_team(start=start, end=end, companies=[company]),
    }


@router.get("/hours/people", response=list[PersonHoursOut])
def hours_people(request, start: Day | None = None, end: Day | None = None):
    """Credited hours per volunteer for a period: staff see everyone; a sponsor's or donor's
    contact the people of their own company."""
    _period(start, end)
    companies = services.hours_companies_for(request.user)
    return services.hours_by_person(start=start, end=end, companies=companies)
