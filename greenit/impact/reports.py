"""CSR reports: a donor's or sponsor's figures for a period, frozen when generated, as a PDF
(WeasyPrint, Noto Sans CJK), CSV and XLSX. Pages, the API and the task call these functions."""

import json
import time
from datetime import date
from decimal import Decimal
from itertools import chain

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Case, Count, Q, Value, When
from django.db.models.functions import TruncDate
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from greenit.accounts import permissions
from greenit.accounts.models import Organisation
from greenit.assets.models import State
from greenit.classrooms.models import ClassroomPhoto, ClassroomSponsor
from greenit.core import branding, categories, spreadsheets
from greenit.donations.models import Donation
from greenit.sanitization.models import Certificate

from . import calculations, charts, disclosure, factors
from .calculations import ImpactFigures, Period, Scope
from .factor_texts import translated
from .models import ImpactReport

CSV_COLUMNS = (
    "asset_tag",
    "category",
    "fate",
    "donation",
    "received",
    "fate_date",
    "weight_kg",
    "weight_measured",
    "co2e_avoided_kg",
)


def may_see_reports(user) -> bool:
    """Staff who report on anyone, and the contacts of donors and sponsors (their own)."""
    if user.is_staff_member:
        return permissions.may(user, "report_on_anyone")
    org = user.organisation
    return bool(org and (org.is_donor or org.is_sponsor))


def figures_for(
    *,
    user,
    scope: str = "organisation",
    organisation_id: int | None = None,
    province: str = "",
    start: date | None = None,
    end: date | None = None,
) -> ImpactFigures:
    """Impact figures for a scope and a period, computed now. Staff may ask for any scope; a
    donor or sponsor contact for their own organisation (scope donor or sponsor) only."""
    own = (
        scope in ("donor", "sponsor")
        and organisation_id is not None
        and organisation_id == user.organisation_id
    )
    if not own:
        permissions.require(user, "see_any_figures")
    if start and end and end < start:
        raise ValidationError({"end": _("The period ends before it starts: swap the dates.")})
    try:
        chosen = Scope(scope, organisation_id, province)
    except ValueError as error:
        raise ValidationError({"scope": str(error)}) from None
    return calculations.calculate(chosen, Period(start, end))


def kinds_for(organisation: Organisation) -> list[str]:
    return [
        kind
        for kind, flag in (
            (ImpactReport.Kind.DONOR, organisation.is_donor),
            (ImpactReport.Kind.SPONSOR, organisation.is_sponsor),
        )
        if flag
    ]


def scope_of(report: ImpactReport) -> Scope:
    return Scope(report.kind, report.organisation_id)


def period_of(report: ImpactReport) -> Period:
    return Period(report.start, report.end)


def report_request(
    *,
    actor,
    organisation: Organisation,
    kind: str,
    start: date | None = None,
    end: date | None = None,
    language: str = "en",
) -> ImpactReport:
    """Ask for a report. Staff (programme managers, administrators) for any donor or sponsor;
    a donor or sponsor contact for their own organisation only."""
    if actor.organisation_id != organisation.pk:
        permissions.require(actor, "report_on_anyone")
    if kind not in kinds_for(organisation):
        label = ImpactReport.Kind(kind).label if kind in ImpactReport.Kind.values else kind
        raise ValidationError(
            {
                "kind": _("%(org)s is not a %(kind)s: choose the kind of report it can have.")
                % {"org": organisation, "kind": str(label).lower()}
            }
        )
    if start and end and end < start:
        raise ValidationError({"end": _("The period ends before it starts: swap the dates.")})
    if language not in ImpactReport.Language.values:
        raise ValidationError({"language": _("Choose English or Chinese.")})
    return ImpactReport.objects.create(
        organisation=organisation,
        kind=kind,
        start=start,
        end=end,
        language=language,
        requested_by=actor,
    )


def _progress(report: ImpactReport, percent: int, status=ImpactReport.Status.RUNNING) -> None:
    report.progress, report.status = percent, status
    ImpactReport.objects.filter(pk=report.pk).update(progress=percent, status=status)


def generate_report(*, report: ImpactReport, timings: dict | None = None) -> ImpactReport:
    """Freeze the figures (once), then write the PDF, CSV and XLSX. A failure is recorded on the
    report and leaves no half-written files behind."""
    timings = timings if timings is not None else {}
    clock = time.perf_counter()
    _progress(report, 0)  # running from the start: a worker that dies now is noticed (leases)
    try:
        if not report.figures:
            figures = calculations.calculate(scope_of(report), period_of(report))
            waste = disclosure.compute(scope_of(report), period_of(report))
            with transaction.atomic():
                report.figures = (
                    figures.to_json() | {"disclosure": waste.to_json()} | _donated(report)
                )
                report.factor_set_version = figures.factor_set_version
                report.save(update_fields=["figures", "factor_set_version"])
        timings["figures_s"] = time.perf_counter() - clock
        _progress(report, 20)
        clock = time.perf_counter()
        pdf = render_pdf(report)
        timings["pdf_s"] = time.perf_counter() - clock
        _progress(report, 60)
        clock = time.perf_counter()
        rows = list(device_rows(report))  # read once, written twice
        csv_bytes = render_csv(report, rows)
        timings["csv_s"] = time.perf_counter() - clock
        _progress(report, 75)
        clock = time.perf_counter()
        xlsx_bytes = render_xlsx(report, rows)
        timings["xlsx_s"] = time.perf_counter() - clock
        stem = f"impact-{report.kind}-{report.organisation_id}-{report.pk}"
        with transaction.atomic():
            report.pdf.save(f"{stem}.pdf", ContentFile(pdf), save=False)
            report.csv.save(f"{stem}.csv", ContentFile(csv_bytes), save=False)
            report.xlsx.save(f"{stem}.xlsx", ContentFile(xlsx_bytes), save=False)
            report.status, report.progress = ImpactReport.Status.DONE, 100
            report.finished_at = timezone.now()
            report.save(update_fields=["pdf", "csv", "xlsx", "status", "progress", "finished_at"])
    except Exception as error:
        ImpactReport.objects.filter(pk=report.pk).update(
            status=ImpactReport.Status.FAILED, error=str(error)[:2000], finished_at=timezone.now()
        )
        report.status = ImpactReport.Status.FAILED
        raise
    return report


def _donated(report: ImpactReport) -> dict:
    """A sponsor that also gave devices: what became of them (the donor's figures), frozen
    beside what it funded, so that the report keeps the two apart."""
    if report.kind != ImpactReport.Kind.SPONSOR or not report.organisation.is_donor:
        return {}
    gave = Scope(ImpactReport.Kind.DONOR, report.organisation_id)
    return {"donated": calculations.calculate(gave, period_of(report)).to_json()}


# ------------------------------------------------------------------------ contents


def certificates(report: ImpactReport) -> list[dict]:
    if report.kind != ImpactReport.Kind.DONOR:
        return []
    found = Certificate.objects.filter(
        donation__donor_organisation_id=report.organisation_id, revoked_at__isnull=True
    ).filter(period_of(report).q("issued_at"))
    rows = []
    for c in found.select_related("donation").order_by("issued_at", "pk"):
        payload = json.loads(c.payload)
        rows.append(
            {
                "number": c.number,
                "donation": c.donation.reference,
                "issued": timezone.localdate(c.issued_at),
                "media": len(payload.get("media", [])),
                "verify_url": payload.get("verify_url")
                or settings.SITE_URL
                + reverse("sanitization:verify", args=[c.number, c.verify_code]),
            }
        )
    return rows


PHOTOS_SHOWN = 12


def classrooms(report: ImpactReport) -> tuple[list[dict], list[dict]]:
    """The classrooms funded (sponsor) or holding the donor's devices (donor) opened in the
    period, and up to PHOTOS_SHOWN of their photos, consented ones only."""
    projects = (
        calculations.scope_projects(scope_of(report))
        .filter(Q(opening__isnull=False) & period_of(report).date_q("opening__date"))
        .select_related("school", "opening")
        .order_by("opening__date", "pk")
    )
    rows = [
        {
            "name": p.name,
            "school": str(p.school),
            "province": p.school.province,
            "opened": p.opening.date,
            "seats": p.seats,
        }
        for p in projects
    ]
    photos = [
        {"uri": _file_uri(photo.image), "caption": f"{photo.project.name}: {photo.caption}"}
        for photo in ClassroomPhoto.objects.consented()
        .filter(project__in=projects.values("pk"))
        .select_related("project")
        .order_by("-project__opening__date", "pk")[:PHOTOS_SHOWN]
    ]
    return rows, [p for p in photos if p["uri"]]


def funded(report: ImpactReport) -> list[dict]:
    """A sponsor's classrooms, opened or not, with its contribution to each and the devices
    in use there now (deployed, from any donor)."""
    if report.kind != ImpactReport.Kind.SPONSOR:
        return []
    in_use = Q(
        project__allocations__released_at__isnull=True,
        project__allocations__asset__state=State.DEPLOYED,
    )
    sponsorships = (
        ClassroomSponsor.objects.filter(organisation_id=report.organisation_id)
        .select_related("project__school", "project__opening")
        .annotate(devices=Count("project__allocations", filter=in_use))
        .order_by("project__created_at", "project__pk")
    )
    return [
        {
            "name": s.project.name,
            "school": str(s.project.school),
            "province": s.project.school.province,
            "status": s.project.get_status_display(),
            "opened": getattr(s.project, "opening", None) and s.project.opening.date,
            "devices": s.devices,
            "amount": s.amount,
            "currency": s.currency,
            "amount_text": _money(s.amount, s.currency),
        }
        for s in sponsorships
    ]


def _money(amount: Decimal, currency: str) -> str:
    """120,000 CNY: grouped by thousands in both languages, as Chinese reports write money."""
    return f"{amount:,.0f} {currency}"


def contribution(report: ImpactReport, funded_rows: list[dict]) -> dict:
    """What the organisation gave: money per currency to the classrooms it funded (sponsor),
    devices in how many donations (donor: in the report's period)."""
    amounts: dict[str, Decimal] = {}
    for row in funded_rows:
        amounts[row["currency"]] = amounts.get(row["currency"], Decimal(0)) + row["amount"]
    donations = (
        Donation.objects.filter(donor_organisation_id=report.organisation_id)
        .filter(period_of(report).q("created_at"))
        .count()
    )
    amount = " + ".join(_money(total, currency) for currency, total in sorted(amounts.items()))
    return {"amount": amount, "donations": donations}


def _file_uri(field) -> str:
    try:
        return "file://" + field.path
    except (NotImplementedError, ValueError):
        return ""


def factor_rows(factor_set) -> list[dict]:
    table = factors.Table(factor_set)
    data = factor_set.factors
    rows = []
    for code in categories.all_categories():
        entry = data["categories"].get(code, {})
        material = data["warm_materials"].get(entry.get("warm_material") or "", {})
        rows.append(
            {
                "code": code,
                "label": categories.category_label(code),
                "weight": table.weight(code),
                "weight_note": _note(entry.get("weight_kg")),
                "manufacturing": table.manufacturing(code),
                "manufacturing_note": _note(entry.get("manufacturing_kg_co2e")),
                "material": translated(material.get("name", "")),
                "proxy": entry.get("proxy", ""),
                "saving": table.saving_per_short_ton(code),
            }
        )
    return rows


def _note(figure: dict | None) -> str:
    """Where a figure comes from, or why there is none, in the page's language."""
    figure = figure or {}
    return translated(figure.get("note") or figure.get("reason", ""))


def source_texts(factor_set) -> dict[str, str]:
    return {key: translated(text) for key, text in factor_set.factors.get("sources", {}).items()}


def material_rows(factor_set) -> list[dict]:
    return [
        {
            "key": key,
            "name": translated(m["name"]),
            "recycling": factors.value(m.get("recycling")),
            "landfill": factors.value(m.get("landfill")),
            "combustion": factors.value(m.get("combustion")),
        }
        for key, m in factor_set.factors["warm_materials"].items()
    ]


def fate_chart(figures: ImpactFigures, chart_id: str = "fates"):
    rows = [r for r in figures.by_category if r["reused"] or r["recycled"]]
    labels = [str(categories.category_label(r["category"])) for r in rows]
    return charts.bars(
        chart_id=chart_id,
        title=_("Devices by fate and category"),
        desc=_("Devices reused in classrooms and devices recycled, per category."),
        labels=labels,
        series=[
            charts.Series(_("Reused"), [r["reused"] for r in rows]),
            charts.Series(_("Recycled"), [r["recycled"] for r in rows]),
        ],
    )


def _category_rows(figures: ImpactFigures) -> list[dict]:
    return [
        r
        | {
            "label": categories.category_label(r["category"]),
            "co2e": Decimal(r["co2e_reuse_kg"]) + Decimal(r["co2e_recycling_kg"]),
        }
        for r in figures.by_category
        if r["received"] or r["reused"] or r["recycled"] or Decimal(r["kg"])
    ]


def pdf_context(report: ImpactReport) -> dict:
    figures = ImpactFigures.from_json(report.figures)
    factor_set = factors.get(report.factor_set_version)
    rooms, photos = classrooms(report)
    funded_rows = funded(report)
    # The devices a sponsor gave as a donor (frozen); a donor report's own figures are those.
    donated = report.figures.get("donated")
    gave = ImpactFigures.from_json(donated) if donated else None
    if report.kind == ImpactReport.Kind.DONOR:
        gave = figures
    return {
        "report": report,
        "issuer": branding.name(),
        "logo": branding.logo_uri(),
        "figures": figures,
        "gave": gave,
        "gave_rows": _category_rows(gave) if gave else [],
        "funded": funded_rows,
        "contribution": contribution(report, funded_rows),
        "rows": _category_rows(figures),
        "chart": fate_chart(gave) if gave else None,
        "certificates": certificates(report),
        "classrooms": rooms,
        "photos": photos,
        "factor_rows": factor_rows(factor_set),
        "materials": material_rows(factor_set),
        "factor_set": factor_set,
        "sources": source_texts(factor_set),
        "generated": timezone.localtime(report.finished_at or timezone.now()),
        "waste": _waste_annex(report),
        "devices_url": settings.SITE_URL + reverse("impact:donor_devices")
        if report.kind == ImpactReport.Kind.DONOR
        else "",
    }


def _waste_annex(report: ImpactReport) -> dict | None:
    """The frozen disclosure datapoints, labelled in the report's language."""
    data = report.figures.get("disclosure")
    if not data:
        return None
    lang = "zh" if report.language.startswith("zh") else "en"
    return {
        "datapoints": [d | {"label": d[f"label_{lang}"]} for d in data["datapoints"]],
        "composition": [
            c | {"label": c[f"label_{lang}"], "weee": c[f"weee_{lang}"]}
            for c in data["composition"]
        ],
    }


def render_pdf(report: ImpactReport) -> bytes:
    from weasyprint import HTML  # heavy: loaded on first use

    with translation.override(report.language):
        html = render_to_string("impact/report.pdf.html", pdf_context(report))
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def device_rows(report: ImpactReport):
    """One row per device of the report's scope that was received, reused or recycled in the
    period: the figures' underlying rows, with the weight used and the CO2e share."""
    figures = ImpactFigures.from_json(report.figures)
    table = factors.Table(factors.get(report.factor_set_version))
    share, refurbishment = figures.replacement_share, figures.refurbishment_kg_co2e
    period = period_of(report)
    fate_assets, reuse_assets = calculations.scope_assets(scope_of(report))
    assets = fate_assets if fate_assets is reuse_assets else (fate_assets | reuse_assets)
    fate = Q(state__in=[State.DEPLOYED, State.RECYCLED]) & period.q("state_changed_at")
    received = ~Q(state=State.EXPECTED) & period.q("created_at")
    per_device, per_kg, typical = {}, {}, {}
    for code in categories.all_categories():
        manufacturing = table.manufacturing(code)
        per_device[code] = (
            max(Decimal(0), manufacturing * share - refurbishment) if manufacturing else None
        )
        per_kg[code] = table.recycling_kg_co2e_per_kg(code)
        typical[code] = table.weight(code)
    # Local dates and "fated in the period" come from the database: converting 100,000
    # timestamps in Python (timezone.localdate) took longer than the query.
    tz = timezone.get_current_timezone()
    rows = (
        assets.filter(fate | received)
        .order_by("pk")
        .annotate(
            received_on=TruncDate("created_at", tzinfo=tz),
            fate_on=TruncDate("state_changed_at", tzinfo=tz),
            fated=Case(When(fate, then=Value(True)), default=Value(False)),
        )
        .values_list(
            "tag",
            "category",
            "state",
            "donation__reference",
            "received_on",
            "fate_on",
            "fated",
            "weight_kg",
        )
    )
    labels = {State.DEPLOYED: "reused", State.RECYCLED: "recycled"}
    # One plain fetch, not a server-side cursor: PostgreSQL plans a cursor for its first rows
    # (a walk of the primary key over every device) and took 1 s more for a 50,000-device donor.
    for tag, category, state, donation, received_on, fate_on, fated, weight in rows:
        fate_label = labels[state] if fated else ""
        used = weight if weight is not None else typical.get(category)
        co2e = None
        if fate_label == "reused":
            co2e = per_device.get(category)
        elif fate_label == "recycled" and used is not None and per_kg.get(category):
            co2e = used * per_kg[category]
        yield (
            tag[:4] + "-" + tag[4:],
            category,
            fate_label or "in progress",
            donation,
            received_on.isoformat(),
            fate_on.isoformat() if fate_label else "",
            "" if used is None or not fate_label else f"{used:.3f}",
            "" if not fate_label else ("yes" if weight is not None else "no"),
            "" if co2e is None else f"{co2e:.2f}",
        )


def render_csv(report: ImpactReport, rows: list | None = None) -> bytes:
    rows = device_rows(report) if rows is None else rows
    return spreadsheets.csv_bytes(chain([CSV_COLUMNS], rows))


def render_xlsx(report: ImpactReport, rows: list | None = None) -> bytes:
    rows = device_rows(report) if rows is None else rows
    figures = [
        [key, str(value)]
        for key, value in report.figures.items()
        if key not in ("by_category", "disclosure")
    ]
    sheets = {"devices": chain([CSV_COLUMNS], rows), "figures": figures}
    if "disclosure" in report.figures:  # reports generated before the disclosures have none
        sheets["disclosure"] = disclosure.rows(report.figures["disclosure"])
        sheets["composition"] = disclosure.composition_rows(report.figures["disclosure"])
    return spreadsheets.xlsx_bytes(sheets)


def bench_generate(*, organisation: Organisation, kind: str) -> tuple[ImpactReport, dict]:
    """For bench/impact.py: generate a report inline and return its stage timings."""
    from django.contrib.auth import get_user_model

    actor = get_user_model().objects.filter(is_superuser=True).first()
    report = ImpactReport.objects.create(organisation=organisation, kind=kind, requested_by=actor)
    timings: dict = {}
    generate_report(report=report, timings=timings)
    return report, timings
