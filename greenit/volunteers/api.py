from datetime import datetime
from decimal import Decimal

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Router, Schema

from greenit.accounts.permissions import require
from greenit.core.schema_types import Id, enum_of, of

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
