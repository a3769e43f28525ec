from datetime import date
from typing import Literal

from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status

from greenit.accounts.models import Organisation
from greenit.accounts.permissions import find_for
from greenit.core import leases
from greenit.core.schema_types import Day, Id, of, text

from . import dashboard, disclosure, reports, tasks
from .models import ImpactReport

router = Router(tags=["impact"])


class ReportIn(Schema):
    organisation_id: Id
    kind: of(ImpactReport, "kind")
    start: Day | None = None
    end: Day | None = None
    language: of(ImpactReport, "language") = "en"


class ReportOut(Schema):
    id: int
    organisation_id: int
    kind: str
    start: date | None
    end: date | None
    language: str
    status: str
    progress: int
    factor_set_version: int | None
    figures: dict


@router.get("/dashboard", auth=None)
def dashboard_figures(request):
    """The public dashboard's figures (no login): the organisation's figures for all time,
    devices reused and recycled per month, by province, and classroom stories; cached for
    IMPACT_CACHE_SECONDS."""
    return dashboard.data()


@router.get("/figures")
def figures(
    request,
    scope: Literal["organisation", "donor", "sponsor", "province", "school"] = "organisation",
    organisation_id: Id | None = None,
    province: text(50) = "",
    start: Day | None = None,
    end: Day | None = None,
):
    """Impact figures for a scope (organisation, donor, sponsor, province, school) and a period
    (both days included), computed now. Staff may ask for any scope; a donor or sponsor
    contact for their own organisation (scope donor or sponsor) only."""
    return reports.figures_for(
        user=request.user,
        scope=scope,
        organisation_id=organisation_id,
        province=province,
        start=start,
        end=end,
    ).to_json()


@router.get("/disclosure")
def waste_disclosure(
    request,
    scope: Literal["organisation", "donor", "sponsor"] = "organisation",
    organisation_id: Id | None = None,
    start: Day | None = None,
    end: Day | None = None,
):
    """The GRI 306 / ESRS E5-5 waste datapoints (docs/disclosure.md) for the organisation, a
    donor or a sponsor and a period (both days included), with their identifiers, kilograms
    weighed and weighed share, and the composition by category. Staff who see any figures may
    ask for any; a donor or sponsor contact for their own organisation only."""
    organisation = None
    if scope != "organisation":
        organisation = disclosure.organisation_for(request.user, organisation_id, scope)
    return disclosure.disclosure_for(
        user=request.user, organisation=organisation, kind=scope, start=start, end=end
    ).to_json()


@router.post("/reports", response={200: ReportOut, 202: ReportOut})
def report_create(request, payload: ReportIn):
    """Ask for a CSR report (staff for any donor or sponsor, a contact for their own): 200 with
    the finished report when it was small enough to generate at once, 202 when it is queued
    (poll GET /api/impact/reports/{id})."""
    organisation = find_for(request.user, Organisation.objects, pk=payload.organisation_id)
    report = reports.report_request(
        actor=request.user, organisation=organisation, **payload.dict(exclude={"organisation_id"})
    )
    ran_now = tasks.report_start(report=report)
    return Status(200 if ran_now else 202, report)


@router.get("/reports/{report_id}", response=ReportOut)
def report_get(request, report_id: Id):
    """One report: status, progress, factor set version and frozen figures. The files are at
    /impact/reports/{id}/pdf/ (csv/, xlsx/)."""
    leases.reap(ImpactReport, pk=report_id)
    return get_object_or_404(ImpactReport.objects.visible_to(request.user), pk=report_id)
