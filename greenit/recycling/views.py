from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from greenit.accounts import permissions
from greenit.accounts.models import Organisation
from greenit.accounts.permissions import staff_required
from greenit.assets.models import Asset
from greenit.core import files, tags
from greenit.core.forms import refusals_as_messages, refusals_on
from greenit.core.pagination import keyset_page
from greenit.core.spreadsheets import csv_bytes

from . import downstream, services
from .forms import (
    BatchCreateForm,
    CloseForm,
    LicenceForm,
    LooseWeightForm,
    ScanForm,
    ShipForm,
    StreamForm,
    StreamShipmentForm,
    TierForm,
    VendorForm,
    VendorLicenceForm,
)
from .models import RecyclerLicence, RecyclingBatch


def _get_batch_for_user(request: HttpRequest, number: str) -> RecyclingBatch:
    return get_object_or_404(
        RecyclingBatch.objects.visible_to(request.user).select_related("recycler"),
        number=number,
    )


@staff_required
def batch_list(request: HttpRequest) -> HttpResponse:
    form = BatchCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refusals_on(form):
            batch = services.batch_create(
                recycler=form.cleaned_data["recycler"],
                notes=form.cleaned_data["notes"],
                actor=request.user,
            )
            messages.success(request, _("Opened batch %(number)s.") % {"number": batch.number})
            return redirect("recycling:detail", number=batch.number)
    batches = RecyclingBatch.objects.visible_to(request.user).select_related("recycler")
    page = keyset_page(batches, request.GET, size=settings.PAGE_SIZE)
    return render(
        request,
        "recycling/list.html",
        {"page": page, "form": form},
    )


def _detail(request, batch, **forms) -> HttpResponse:
    current = {lw.category: lw.weight_kg for lw in batch.loose.all()}
    context = {
        "batch": batch,
        "items": batch.items.select_related("asset").order_by("-pk"),
        "loose": batch.loose.all(),
        "scan_form": forms.get("scan_form") or ScanForm(),
        "loose_form": forms.get("loose_form") or LooseWeightForm(current=current),
        "ship_form": forms.get("ship_form") or ShipForm(),
        "close_form": forms.get("close_form") or CloseForm(),
    }
    return render(request, "recycling/detail.html", context)


@staff_required
def batch_detail(request: HttpRequest, number: str) -> HttpResponse:
    return _detail(request, _get_batch_for_user(request, number))


@staff_required
@require_POST
def batch_add(request: HttpRequest, number: str) -> HttpResponse:
    """Scan a device into the batch; the page comes back ready for the next scan."""
    batch = _get_batch_for_user(request, number)
    form = ScanForm(request.POST)
    if form.is_valid():
        with refusals_on(form):
            asset = services.batch_add_device(
                batch=batch, code=form.cleaned_data["code"], actor=request.user
            )
            messages.success(
                request,
                _("%(tag)s (%(category)s) added to %(number)s.")
                % {"tag": asset.display_tag, "category": asset.category_label, "number": number},
            )
            return redirect("recycling:detail", number=batch.number)
    return _detail(request, batch, scan_form=form)


@staff_required
@require_POST
def batch_remove(request: HttpRequest, number: str, tag: str) -> HttpResponse:
    batch = _get_batch_for_user(request, number)
    asset = get_object_or_404(Asset, tag=tags.normalise(tag))
    with refusals_as_messages(request):
        services.batch_remove_device(batch=batch, asset=asset, actor=request.user)
        messages.success(
            request, _("%(tag)s taken out of the batch: it is received again.") % {"tag": tag}
        )
    return redirect("recycling:detail", number=batch.number)


@staff_required
@require_POST
def batch_loose(request: HttpRequest, number: str) -> HttpResponse:
    batch = _get_batch_for_user(request, number)
    current = {lw.category: lw.weight_kg for lw in batch.loose.all()}
    form = LooseWeightForm(request.POST, current=current)
    if form.is_valid():
        with refusals_on(form):
            services.batch_set_loose_weights(
                batch=batch, weights=form.weights(), actor=request.user
            )
            messages.success(request, _("Saved the loose weights."))
            return redirect("recycling:detail", number=batch.number)
    return _detail(request, batch, loose_form=form)


@staff_required
@require_POST
def batch_ship(request: HttpRequest, number: str) -> HttpResponse:
    batch = _get_batch_for_user(request, number)
    form = ShipForm(request.POST, request.FILES)
    if form.is_valid():
        with refusals_on(form):
            services.batch_ship(batch=batch, actor=request.user, **form.cleaned_data)
            messages.success(
                request, _("Recorded the shipment of %(number)s.") % {"number": number}
            )
            return redirect("recycling:detail", number=batch.number)
    return _detail(request, batch, ship_form=form)


@staff_required
@require_POST
def batch_close(request: HttpRequest, number: str) -> HttpResponse:
    batch = _get_batch_for_user(request, number)
    form = CloseForm(request.POST, request.FILES)
    if form.is_valid():
        with refusals_on(form):
            services.batch_close(batch=batch, actor=request.user, **form.cleaned_data)
            messages.success(
                request,
                _("Closed %(number)s: every device in it is recycled.") % {"number": number},
            )
            return redirect("recycling:detail", number=batch.number)
    return _detail(request, batch, close_form=form)


@staff_required
def recyclers(request: HttpRequest) -> HttpResponse:
    """Recyclers and their licences; technicians record a new or renewed licence."""
    form = LicenceForm(request.POST or None, request.FILES or None)
    form.fields["organisation"].queryset = Organisation.objects.filter(is_recycler=True)
    if request.method == "POST":
        # Refused before the upload is even looked at.
        permissions.require(request.user, "recycle")
        if form.is_valid():
            with refusals_on(form):
                licence = services.licence_record(actor=request.user, **form.cleaned_data)
                messages.success(request, _("Recorded %(licence)s.") % {"licence": licence})
                return redirect("recycling:recyclers")
    orgs = Organisation.objects.filter(is_recycler=True).prefetch_related("licences")
    valid = set(services.valid_recyclers().values_list("pk", flat=True))
    return render(
        request,
        "recycling/recyclers.html",
        {
            "recyclers": [(org, org.pk in valid) for org in orgs],
            "form": form,
        },
    )


@staff_required
def batch_document(request: HttpRequest, number: str, which: str) -> HttpResponse:
    """The batch's weight ticket or the recycler's certificate of recycling."""
    if which not in ("weight-ticket", "certificate"):
        raise Http404
    batch = _get_batch_for_user(request, number)
    return files.serve(batch.weight_ticket if which == "weight-ticket" else batch.certificate)


@staff_required
def licence_document(request: HttpRequest, pk: int) -> HttpResponse:
    return files.serve(get_object_or_404(RecyclerLicence, pk=pk).document)


# Downstream due diligence --------------------------------------------------------------

DOWNSTREAM_FORMS = {
    "vendor": (VendorForm, downstream.vendor_record, gettext_lazy("Recorded the vendor.")),
    "licence": (
        VendorLicenceForm,
        downstream.vendor_licence_record,
        gettext_lazy("Recorded the licence."),
    ),
    "stream": (StreamForm, downstream.stream_record, gettext_lazy("Recorded the stream.")),
    "tier": (TierForm, downstream.tier_record, gettext_lazy("Recorded the tier.")),
    "shipment": (
        StreamShipmentForm,
        downstream.shipment_record,
        gettext_lazy("Recorded the shipment."),
    ),
}


def _period(request: HttpRequest) -> tuple:
    return parse_date(request.GET.get("from") or ""), parse_date(request.GET.get("to") or "")


@staff_required
def downstream_report(request: HttpRequest) -> HttpResponse:
    """Every stream's flow to its final disposition, with its problems; technicians record
    vendors, licences, streams, tiers and shipments below it (one form per POST)."""
    which = request.POST.get("form") if request.method == "POST" else None
    forms = {
        name: form_class(request.POST if name == which else None)
        for name, (form_class, _service, _done) in DOWNSTREAM_FORMS.items()
    }
    forms["stream"].fields["recycler"].queryset = Organisation.objects.filter(is_recycler=True)
    if which in forms:
        permissions.require(request.user, "recycle")
        form = forms[which]
        _form_class, service, done = DOWNSTREAM_FORMS[which]
        if form.is_valid():
            with refusals_on(form):
                service(actor=request.user, **form.cleaned_data)
                messages.success(request, done)
                return redirect("recycling:downstream")
    start, end = _period(request)
    flows = downstream.flow_report(user=request.user, start=start, end=end)
    return render(
        request,
        "recycling/downstream.html",
        {
            "flows": flows,
            "focus": downstream.focus_summary(flows),
            "forms": forms,
            "start": start,
            "end": end,
        },
    )


@staff_required
def downstream_csv(request: HttpRequest) -> HttpResponse:
    start, end = _period(request)
    rows = downstream.flow_rows(downstream.flow_report(user=request.user, start=start, end=end))
    response = HttpResponse(csv_bytes(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="downstream-flow.csv"'
    return response
