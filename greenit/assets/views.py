from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from greenit.accounts.permissions import permission_required, staff_required
from greenit.core import leases, tags
from greenit.core.files import serve
from greenit.core.forms import refusals_as_messages, refusals_on
from greenit.core.pagination import keyset_page
from greenit.donations.models import Donation

from . import catalogue, lifecycle, services, tasks
from . import labels as label_sheets
from .forms import (
    AssetEditForm,
    AssetFilterForm,
    BulkForm,
    IntakeForm,
    LabelForm,
    TransitionForm,
)
from .models import Asset, LabelSheet, State


def _get_asset_for_user(request: HttpRequest, tag: str) -> Asset:
    """The asset if this user may see it; 404 otherwise, so tags reveal nothing."""
    return get_object_or_404(
        Asset.objects.visible_to(request.user).select_related(
            "donation", "donation__donor_organisation"
        ),
        tag=tags.normalise(tag),
    )


def filtered_assets(request: HttpRequest) -> tuple[AssetFilterForm, QuerySet, Donation | None]:
    """The devices this user may see, as the list's filters in the query string narrow them:
    the list page and its exports read the same filters."""
    form = AssetFilterForm(request.GET or None)
    assets = Asset.objects.visible_to(request.user)
    donation = None
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            assets = assets.find(data["q"])
        if data["state"]:
            assets = assets.filter(state=data["state"])
        if data["category"]:
            assets = assets.filter(category=data["category"])
        if data["donation"]:
            donation = get_object_or_404(
                Donation.objects.visible_to(request.user), pk=data["donation"]
            )
            assets = assets.filter(donation=donation)
    return form, assets, donation


@login_required
def asset_list(request: HttpRequest) -> HttpResponse:
    form, assets, donation = filtered_assets(request)
    page = keyset_page(assets, request.GET, size=settings.PAGE_SIZE)
    if form.is_valid() and form.cleaned_data["q"] and len(page.rows) == 1 and not page.next_query:
        return redirect("assets:detail", tag=page.rows[0].tag)
    return _render_list(request, form=form, page=page, donation=donation)


def _render_list(request: HttpRequest, *, form, page, donation, bulk=None) -> HttpResponse:
    """The list; staff get a tick box on each row and the bulk actions under it."""
    staff = request.user.is_staff_member
    if staff and bulk is None:
        bulk = BulkForm(user=request.user)
    context = {
        "form": form,
        "page": page,
        "donation": donation,
        "bulk": bulk if staff else None,
        "ticked": bulk.data.getlist("tag") if staff and bulk.is_bound else [],
    }
    return render(request, "assets/list.html", context)


@staff_required
@require_POST
def asset_bulk(request: HttpRequest) -> HttpResponse:
    """The ticked devices of the list: their labels, or each moved through the lifecycle
    (those that may not move are listed with the reason and left as they were). Posted to
    the list's own query string, so a form with errors shows the same page again."""
    bulk = BulkForm(request.POST, user=request.user)
    if not bulk.is_valid():
        form, assets, donation = filtered_assets(request)
        page = keyset_page(assets, request.GET, size=settings.PAGE_SIZE)
        return _render_list(request, form=form, page=page, donation=donation, bulk=bulk)
    chosen = bulk.cleaned_data["tag"]
    found = Asset.objects.visible_to(request.user).filter(tag__in=chosen).order_by("pk")
    if bulk.target is None:
        pdf = label_sheets.render_pdf(
            list(found.only("tag", "category", "serial")), layout=bulk.cleaned_data["layout"]
        )
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = 'inline; filename="labels.pdf"'
        return response
    assets = list(found)
    outcome = lifecycle.transition_each(
        assets, bulk.target, actor=request.user, note=bulk.cleaned_data["note"]
    )
    missing = sorted(set(chosen) - {asset.tag for asset in assets})
    context = {
        "outcome": outcome,
        "target": State(bulk.target),
        "missing": [tags.display(tag) for tag in missing],
        "not_moved": len(outcome.refused) + len(missing),
        "back": request.GET.urlencode(),
    }
    return render(request, "assets/bulk_result.html", context)


@login_required
def asset_detail(request: HttpRequest, tag: str) -> HttpResponse:
    asset = _get_asset_for_user(request, tag)
    events = asset.events.select_related("actor").order_by("at", "pk")
    return render(
        request,
        "assets/detail.html",
        {
            "asset": asset,
            "events": events,
            "transitions": lifecycle.allowed_transitions(asset, request.user),
            "transition_form": TransitionForm(initial={"location": asset.location}),
        },
    )


@permission_required("edit_devices")
def asset_edit(request: HttpRequest, tag: str) -> HttpResponse:
    asset = _get_asset_for_user(request, tag)
    form = AssetEditForm(request.POST or None, instance=asset)
    if request.method == "POST" and form.is_valid():
        with refusals_on(form):
            services.asset_update(asset=asset, actor=request.user, **form.cleaned_data)
            messages.success(request, _("Saved %(tag)s.") % {"tag": asset.display_tag})
            return redirect("assets:detail", tag=asset.tag)
    return render(request, "assets/edit.html", {"asset": asset, "form": form, **_suggestions()})


def _suggestions() -> dict:
    """The catalogue's makes and models, suggested by the make and model fields."""
    return {"known_makes": catalogue.known_makes(), "known_models": catalogue.known_models()}


@staff_required
@require_POST
def asset_transition(request: HttpRequest, tag: str) -> HttpResponse:
    asset = _get_asset_for_user(request, tag)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the state to move the device to."))
        return redirect("assets:detail", tag=asset.tag)
    with refusals_as_messages(request):
        lifecycle.transition(
            asset,
            form.cleaned_data["target"],
            actor=request.user,
            note=form.cleaned_data["note"],
            location=form.cleaned_data["location"] or None,
        )
        messages.success(
            request,
            _("%(tag)s is now %(state)s.")
            % {"tag": asset.display_tag, "state": asset.get_state_display()},
        )
    return redirect("assets:detail", tag=asset.tag)


@permission_required("record_intake")
def intake(request: HttpRequest) -> HttpResponse:
    """The scanning screen: every Enter records one device and the page stays ready for the
    next scan. With HTMX only the result region is replaced; without it the page reloads."""
    recent: list[Asset] = []
    result = None
    if request.method == "POST":
        form = IntakeForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            with refusals_on(form):
                result = services.intake_scan(
                    donation=data["donation"],
                    serial=data["serial"],
                    category=data["category"],
                    make=data["make"],
                    model=data["model"],
                    location=data["location"],
                    actor=request.user,
                )
        donation = form.cleaned_data.get("donation")
        if result is not None:
            # The next scan starts from an empty serial, same donation, category and place.
            sticky = ("donation", "category", "make", "model", "location")
            form = IntakeForm(initial={k: request.POST.get(k, "") for k in sticky})
    else:
        donation_pk = request.GET.get("donation")
        donation = (
            Donation.objects.filter(pk=donation_pk).first()
            if donation_pk and donation_pk.isdigit()
            else None
        )
        form = IntakeForm(initial={"donation": donation, "category": "laptop"})
    if donation is not None:
        recent = list(donation.assets.order_by("-pk")[:10])
    context = {"form": form, "result": result, "recent": recent, "donation": donation}
    if request.headers.get("HX-Request"):
        return render(request, "assets/intake_result.html", context)
    return render(request, "assets/intake.html", {**context, **_suggestions()})


@login_required
def labels(request: HttpRequest, donation_pk: int) -> HttpResponse:
    donation = get_object_or_404(Donation.objects.visible_to(request.user), pk=donation_pk)
    form = LabelForm(request.POST or request.GET or None)
    count = donation.assets.count()
    big = not label_sheets.made_in_request(count)
    # A big PDF is made by the worker: asking for one changes something, so it takes a POST.
    if not form.is_valid() or (big and request.method != "POST"):
        context = {
            "donation": donation,
            "form": form,
            "count": count,
            "big": big,
            "sheets": donation.label_sheets.all()[:5],
        }
        return render(request, "assets/labels.html", context)
    layout, start = form.cleaned_data["layout"], form.cleaned_data["start"]
    if not count:
        raise Http404(_("This donation has no devices yet."))
    if big:
        sheet = tasks.label_sheet_request(
            donation=donation, layout=layout, start=start, actor=request.user
        )
        return redirect("assets:label_sheet", sheet.pk)
    pdf = label_sheets.render_pdf(
        label_sheets.assets_for_labels(donation), layout=layout, start=start
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="labels-{donation.reference}.pdf"'
    return response


def _get_label_sheet_for_user(request: HttpRequest, pk: int) -> LabelSheet:
    leases.reap(LabelSheet, pk=pk)  # its worker died: shown failed, may be asked again
    return get_object_or_404(
        LabelSheet.objects.select_related("donation").filter(
            donation__in=Donation.objects.visible_to(request.user)
        ),
        pk=pk,
    )


@login_required
def label_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    sheet = _get_label_sheet_for_user(request, pk)
    template = (
        "assets/label_sheet_progress.html"
        if request.headers.get("HX-Request")
        else "assets/label_sheet.html"
    )
    return render(request, template, {"sheet": sheet, "donation": sheet.donation})


@login_required
def label_sheet_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    sheet = _get_label_sheet_for_user(request, pk)
    if sheet.status != LabelSheet.Status.DONE:
        raise Http404
    return serve(sheet.file)
