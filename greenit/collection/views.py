from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from greenit.accounts.permissions import permission_required
from greenit.core.forms import refusals_as_messages, refusals_on

from . import services, stickers
from .forms import (
    BoxFilterForm,
    BoxForm,
    EmptyingForm,
    ReportForm,
    ScheduleForm,
    WeightFormSet,
)
from .models import CollectionBox


def public_box(request: HttpRequest, code: str) -> HttpResponse:
    """Where the QR code on a box leads: anyone can say it is full or damaged."""
    box = get_object_or_404(CollectionBox.objects.select_related("host"), code=code)
    form = ReportForm(request.POST or None)
    status = 200
    done = False
    if request.method == "POST" and form.is_valid():
        if services.report_limited(request, box):
            form.add_error(
                None, _("Thank you: we already have several reports about this box. Try later.")
            )
            status = 429
        else:
            with refusals_on(form):
                services.box_report(
                    box=box,
                    kind=form.cleaned_data["kind"],
                    note=form.cleaned_data["note"],
                    client=services.client_hash(request),
                )
                done = True
    return render(
        request,
        "collection/public.html",
        {"box": box, "form": form, "done": done, "kinds": ReportForm.base_fields["kind"].choices},
        status=status,
    )


@permission_required("see_collection_boxes")
def box_list(request: HttpRequest) -> HttpResponse:
    form = BoxFilterForm(request.GET or None)
    boxes = CollectionBox.objects.select_related("host").annotate(
        # Two joins in one query multiply rows: count distinct reports and emptyings.
        open_reports=Count("reports", filter=Q(reports__resolved_at__isnull=True), distinct=True),
        scheduled=Count("emptyings", filter=Q(emptyings__done_at__isnull=True), distinct=True),
    )
    counts = dict(CollectionBox.objects.order_by().values_list("status").annotate(n=Count("pk")))
    counts[BoxFilterForm.REPORTED] = CollectionBox.objects.reported().count()
    return render(
        request,
        "collection/list.html",
        {
            "form": form,
            "boxes": form.filter(boxes),
            "counts": [
                (v, label, counts.get(v, 0)) for v, label in form.fields["status"].choices if v
            ],
        },
    )


def _box(code: str) -> CollectionBox:
    return get_object_or_404(CollectionBox.objects.select_related("host"), code=code)


@permission_required("see_collection_boxes")
def box_detail(request: HttpRequest, code: str) -> HttpResponse:
    box = _box(code)
    return render(
        request,
        "collection/detail.html",
        {
            "box": box,
            "reports": box.reports.all()[:50],
            "emptyings": box.emptyings.select_related("assigned_to", "done_by", "donation")
            .prefetch_related("weights")
            .all()[:50],
            "schedule_form": ScheduleForm(),
        },
    )


@permission_required("empty_boxes")
@require_POST
def box_schedule(request: HttpRequest, code: str) -> HttpResponse:
    box = _box(code)
    form = ScheduleForm(request.POST)
    if form.is_valid():
        with refusals_as_messages(request):
            services.emptying_schedule(box=box, actor=request.user, **form.cleaned_data)
            messages.success(request, _("Emptying scheduled."))
    else:
        messages.error(request, _("Choose the day to empty the box on (for example 2026-12-01)."))
    return redirect("collection:detail", code=box.code)


@permission_required("empty_boxes")
def box_empty(request: HttpRequest, code: str) -> HttpResponse:
    box = _box(code)
    form = EmptyingForm(request.POST or None)
    weights = WeightFormSet(request.POST or None, prefix="weights")
    if request.method == "POST" and all([form.is_valid(), weights.is_valid()]):
        used = weights.used
        rows = [
            services.WeightInput(
                category=f.cleaned_data["category"],
                weight_kg=f.cleaned_data["weight_kg"],
                devices=f.cleaned_data.get("devices") or 0,
            )
            for f in used
        ]
        with refusals_on(form, {"weights": used}):
            emptying = services.emptying_record(
                box=box, actor=request.user, weights=rows, notes=form.cleaned_data["notes"]
            )
            messages.success(request, _("Emptying of box %(code)s recorded.") % {"code": box.code})
            if emptying.donation_id:
                return redirect("donations:detail", pk=emptying.donation_id)
            return redirect("collection:detail", code=box.code)
    return render(request, "collection/empty.html", {"box": box, "form": form, "weights": weights})


@permission_required("see_collection_boxes")
def box_sticker(request: HttpRequest, code: str) -> HttpResponse:
    box = _box(code)
    response = HttpResponse(stickers.render_pdf(box), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="box-{box.code}.pdf"'
    return response


@permission_required("empty_boxes")
def box_new(request: HttpRequest) -> HttpResponse:
    form = BoxForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refusals_on(form):
            box = services.box_place(actor=request.user, **form.cleaned_data)
            messages.success(
                request, _("Box %(code)s placed: print its QR sticker.") % {"code": box.code}
            )
            return redirect("collection:detail", code=box.code)
    return render(request, "collection/edit.html", {"form": form, "box": None})


@permission_required("empty_boxes")
def box_edit(request: HttpRequest, code: str) -> HttpResponse:
    box = _box(code)
    form = BoxForm(request.POST or None, instance=box)
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        status = fields.pop("status") or None
        with refusals_on(form):
            services.box_update(box=_box(code), actor=request.user, status=status, **fields)
            messages.success(request, _("Box %(code)s saved.") % {"code": box.code})
            return redirect("collection:detail", code=box.code)
    return render(request, "collection/edit.html", {"form": form, "box": box})
