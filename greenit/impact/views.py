import json
import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from greenit.accounts.permissions import may, permission_required
from greenit.core import categories, leases, spreadsheets
from greenit.core.files import serve
from greenit.core.forms import refusals_on

from . import charts, dashboard, disclosure, donor_report, factors, mass_balance, reports, tasks
from .calculations import ImpactFigures, Period, assumptions
from .figures_cache import forget_figures
from .forms import DisclosureForm, DonorForm, FactorOverrideForm, PeriodForm, ReportForm
from .models import FactorSet, ImpactReport

logger = logging.getLogger(__name__)


def _month_label(iso: str) -> str:
    year, month = iso[:4], int(iso[5:7])
    return (
        f"{year}年{month}月" if (get_language() or "").startswith("zh") else f"{year}-{month:02d}"
    )


def impact_dashboard(request: HttpRequest) -> HttpResponse:
    """The public dashboard, from cached figures: a cached request makes no database query."""
    data = dashboard.data()
    figures = ImpactFigures.from_json(data["figures"])
    zh = (get_language() or "").startswith("zh")
    months = [m | {"label": _month_label(m["month"])} for m in data["months"]]
    rows = [
        r | {"label": categories.category_label(r["category"])}
        for r in figures.by_category
        if r["received"] or r["reused"] or r["recycled"] or r["kg"] != "0.00"
    ]
    provinces = [p | {"label": p["province"] or _("Not recorded")} for p in data["provinces"]]
    stories = [
        s | {"story": (s["story_zh"] if zh else s["story_en"]) or s["story_en"] or s["story_zh"]}
        for s in data["stories"]
    ]
    context = {
        "figures": figures,
        "co2e_tonnes": figures.co2e_total_tonnes,
        "months": months,
        "rows": rows,
        "provinces": provinces,
        "province_devices": sum(p["devices"] for p in provinces),
        "not_in_classroom": data.get("not_in_classroom", 0),
        "stories": stories,
        "month_chart": charts.bars(
            chart_id="chart-months",
            title=_("Devices reused and recycled per month"),
            desc=_("The last twelve months; the table beside the chart gives the numbers."),
            labels=[m["label"] for m in months],
            series=[
                charts.Series(_("Reused"), [m["reused"] for m in months]),
                charts.Series(_("Recycled"), [m["recycled"] for m in months]),
            ],
        ),
        "province_chart": charts.bars(
            chart_id="chart-provinces",
            title=_("Devices reused in classrooms and classrooms opened, by province"),
            desc=_("Per province of the school; the table beside the chart gives the numbers."),
            labels=[p["label"] for p in provinces],
            series=[
                charts.Series(_("Devices reused in classrooms"), [p["devices"] for p in provinces]),
                charts.Series(_("Classrooms opened"), [p["classrooms"] for p in provinces]),
            ],
        ),
        "category_chart": charts.bars(
            chart_id="chart-categories",
            title=_("Devices by category and fate"),
            desc=_("Devices reused and recycled per category, all time."),
            labels=[str(r["label"]) for r in rows],
            series=[
                charts.Series(_("Reused"), [r["reused"] for r in rows]),
                charts.Series(_("Recycled"), [r["recycled"] for r in rows]),
            ],
        ),
    }
    return render(request, "impact/dashboard.html", context)


def methodology(request: HttpRequest) -> HttpResponse:
    current = factors.current()
    share, refurbishment = assumptions()
    return render(
        request,
        "impact/methodology.html",
        {
            "factor_set": current,
            "factor_rows": reports.factor_rows(current),
            "materials": reports.material_rows(current),
            "sources": reports.source_texts(current),
            "share": share,
            "share_percent": (share * 100).normalize(),
            "refurbishment": refurbishment,
            "history": FactorSet.objects.select_related("created_by")[:50],
            "may_override": may(request.user, "override_factors"),
        },
    )


@permission_required("override_factors")
def factor_edit(request: HttpRequest) -> HttpResponse:
    """An administrator overrides one factor with a reason: a new factor set version."""
    current = factors.current()
    keys = [
        (code, f"{categories.category_label(code)} ({code})")
        for code in current.factors["categories"]
    ] + [(m["key"], f"WARM: {m['name']}") for m in reports.material_rows(current)]
    form = FactorOverrideForm(request.POST or None, keys=keys)
    if request.method == "POST" and form.is_valid():
        with refusals_on(form):
            created = factors.factor_override(
                actor=request.user,
                key=form.cleaned_data["key"],
                field=form.cleaned_data["field"],
                new_value=form.cleaned_data["value"],
                reason=form.cleaned_data["reason"],
                source=form.cleaned_data["source"],
            )
            messages.success(
                request,
                _(
                    "Saved as factor set version %(v)s. New reports use it; issued reports keep "
                    "theirs."
                )
                % {"v": created.version},
            )
            return redirect("impact:factors")
    return render(
        request,
        "impact/factors.html",
        {
            "form": form,
            "factor_set": current,
            "factor_rows": reports.factor_rows(current),
            "materials": reports.material_rows(current),
        },
    )


# Reports ------------------------------------------------------------------------------------


def _get_report_for_user(request: HttpRequest, pk: int) -> ImpactReport:
    if not reports.may_see_reports(request.user):
        raise Http404
    leases.reap(ImpactReport, pk=pk)  # its worker died: shown failed
    return get_object_or_404(
        ImpactReport.objects.visible_to(request.user).select_related("organisation"), pk=pk
    )


@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not reports.may_see_reports(user):
        raise Http404
    form = ReportForm(request.POST or None, user=user)
    if not user.is_staff_member:
        kinds = reports.kinds_for(user.organisation)
        form.fields["kind"].choices = [c for c in ImpactReport.Kind.choices if c[0] in kinds]
    form.fields["language"].initial = get_language()
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with refusals_on(form):
            report = reports.report_request(
                actor=user,
                organisation=data["organisation"],
                kind=data["kind"],
                start=data["start"],
                end=data["end"],
                language=data["language"],
            )
            try:
                ran_now = tasks.report_start(report=report)
            except Exception:  # recorded on the report as failed; the page says so
                logger.exception("impact report %s failed", report.pk)
                ran_now = True
            if ran_now and report.status == ImpactReport.Status.DONE:
                messages.success(request, _("The report is ready."))
            elif not ran_now:
                messages.info(
                    request, _("The report is being generated; this page shows its progress.")
                )
            return redirect("impact:report", pk=report.pk)
    listed = ImpactReport.objects.visible_to(user).select_related("organisation")[:100]
    org = user.organisation
    return render(
        request,
        "impact/report_list.html",
        {
            "form": form,
            "reports": listed,
            "may_balance": user.is_staff_member and may(user, "see_any_figures"),
            "may_devices": may(user, "report_on_anyone") if user.is_staff_member else org.is_donor,
        },
    )


@login_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = _get_report_for_user(request, pk)
    figures = ImpactFigures.from_json(report.figures) if report.figures else None
    rows = [
        r | {"label": categories.category_label(r["category"])}
        for r in (figures.by_category if figures else [])
    ]
    donated = (report.figures or {}).get("donated")
    context = {
        "report": report,
        "figures": figures,
        "rows": rows,
        "donated": ImpactFigures.from_json(donated) if donated else None,
    }
    return render(request, "impact/report_detail.html", context)


@login_required
def report_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress part of the report page, polled with HTMX until the report is finished."""
    return render(request, "impact/progress.html", {"report": _get_report_for_user(request, pk)})


@login_required
def report_file(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    report = _get_report_for_user(request, pk)
    if fmt not in ("pdf", "csv", "xlsx") or report.status != ImpactReport.Status.DONE:
        raise Http404
    return serve(getattr(report, fmt))


@require_POST
@permission_required("refresh_dashboard")
def refresh(request: HttpRequest) -> HttpResponse:
    forget_figures()
    messages.success(request, _("The dashboard figures will be computed again on the next visit."))
    return redirect("impact:dashboard")


# ------------------------------------------------------------------------ disclosures


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"


@login_required
def disclosure_page(request: HttpRequest) -> HttpResponse:
    """GRI 306 / ESRS E5-5 datapoints for the organisation, a donor or a sponsor, any period;
    ?format=csv|xlsx|json downloads them with their identifiers."""
    user = request.user
    if not disclosure.may_see(user):
        raise Http404
    data = request.GET.copy()
    if not user.is_staff_member:
        org = user.organisation
        data.setdefault("organisation", str(org.pk))
        data.setdefault("kind", "donor" if org.is_donor else "sponsor")
    data.setdefault("kind", "donor")
    form = DisclosureForm(data, user=user)
    result = None
    if form.is_valid():
        d = form.cleaned_data
        result = disclosure.disclosure_for(
            user=user,
            organisation=d["organisation"],
            kind=d["kind"],
            start=d["start"],
            end=d["end"],
        ).to_json()
        fmt = request.GET.get("format", "")
        stem = "disclosure-" + (
            f"{d['kind']}-{d['organisation'].pk}" if d["organisation"] else "organisation"
        )
        if fmt == "json":
            body = json.dumps(result, ensure_ascii=False, indent=2).encode()
            return _download(body, f"{stem}.json", "application/json")
        if fmt == "csv":
            return _download(spreadsheets.csv_bytes(disclosure.rows(result)), f"{stem}.csv", CSV)
        if fmt == "xlsx":
            sheets = {
                "datapoints": disclosure.rows(result),
                "composition": disclosure.composition_rows(result),
            }
            return _download(spreadsheets.xlsx_bytes(sheets), f"{stem}.xlsx", XLSX)
    query = request.GET.copy()
    query.pop("format", None)
    zh = (get_language() or "").startswith("zh")
    lang = "zh" if zh else "en"
    return render(
        request,
        "impact/disclosure.html",
        {
            "form": form,
            "result": result,
            "query": query.urlencode(),
            "datapoints": [
                d | {"label": d[f"label_{lang}"]} for d in (result or {}).get("datapoints", [])
            ],
            "composition": [
                c | {"label": c[f"label_{lang}"], "weee": c[f"weee_{lang}"]}
                for c in (result or {}).get("composition", [])
            ],
        },
    )


@permission_required("see_any_figures")
def mass_balance_page(request: HttpRequest) -> HttpResponse:
    form = PeriodForm(request.GET)
    balance = None
    if form.is_valid():
        d = form.cleaned_data
        balance = mass_balance.compute(Period(d["start"], d["end"]))
    rows = [
        {"row": r, "label": categories.category_label(r.category)}
        for r in (balance.categories if balance else [])
    ]
    loose = [
        (categories.category_label(c), kg)
        for c, kg in (balance.loose_shipped_not_collected.items() if balance else [])
    ]
    return render(
        request,
        "impact/mass_balance.html",
        {"form": form, "balance": balance, "rows": rows, "loose": loose},
    )


@login_required
def donor_devices(request: HttpRequest) -> HttpResponse:
    """Per device a donor gave: its own asset number and what became of it (CSV/XLSX too).
    A donor's contacts see their own; staff who report on anyone choose the donor."""
    user = request.user
    form = None
    if user.is_staff_member:
        if not may(user, "report_on_anyone"):
            raise Http404
        form = DonorForm(request.GET or None)
        donor = form.cleaned_data["organisation"] if form.is_valid() else None
    else:
        donor = user.organisation if user.organisation and user.organisation.is_donor else None
        if donor is None:
            raise Http404
    fmt = request.GET.get("format", "")
    if donor and fmt in ("csv", "xlsx"):
        stem = f"devices-{donor.pk}"
        if fmt == "csv":
            return _download(
                spreadsheets.csv_bytes(donor_report.table(donor.pk)), f"{stem}.csv", CSV
            )
        sheets = {"devices": donor_report.table(donor.pk)}
        return _download(spreadsheets.xlsx_bytes(sheets), f"{stem}.xlsx", XLSX)
    shown = donor_report.page_rows(donor.pk) if donor else []
    return render(
        request,
        "impact/donor_devices.html",
        {
            "form": form,
            "donor": donor,
            "devices": shown,
            "limit": donor_report.SHOWN,
            "query": f"organisation={donor.pk}&" if donor and form else "",
        },
    )
