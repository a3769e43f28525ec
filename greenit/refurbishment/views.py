from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from greenit.accounts.permissions import may, permission_required, staff_required
from greenit.assets.models import Asset, State
from greenit.core import categories, tags
from greenit.core.forms import refusals_as_messages, refusals_on

from . import services
from .forms import PartFormSet, RefurbishmentForm, SoftwareKitForm
from .models import CHECKS, Refurbishment, SoftwareKit
from .rules import why_not_ready


def waiting_for_test():
    """Sanitized devices, and received ones that hold no data: they wait for their test."""
    return Asset.objects.filter(
        Q(state=State.SANITIZED)
        | Q(state=State.RECEIVED) & ~Q(category__in=categories.data_bearing_codes())
    )


@permission_required("refurbish")
def queue(request: HttpRequest) -> HttpResponse:
    waiting = waiting_for_test().select_related("donation").order_by("pk")
    tested = (
        Asset.objects.filter(state=State.TESTED)
        .select_related("refurbishment", "refurbishment__software_kit")
        .order_by("pk")
    )
    return render(
        request,
        "refurbishment/queue.html",
        {
            "waiting": list(waiting[:200]),
            "waiting_total": waiting.count(),
            "tested": list(tested[:200]),
            "tested_total": tested.count(),
        },
    )


def _asset(request, tag: str) -> Asset:
    return get_object_or_404(
        Asset.objects.visible_to(request.user).select_related("donation"),
        tag=tags.normalise(tag),
    )


@permission_required("refurbish")
def asset_test(request: HttpRequest, tag: str) -> HttpResponse:
    """The checklist of one device: record (or redo) its test and grade, then mark it ready."""
    asset = _asset(request, tag)
    record = Refurbishment.objects.filter(asset=asset).select_related("software_kit").first()
    if request.method == "POST":
        form = RefurbishmentForm(request.POST)
        parts = PartFormSet(request.POST, prefix="parts")
        if all([form.is_valid(), parts.is_valid()]):
            data = form.cleaned_data
            with refusals_on(form):
                services.refurbishment_record(
                    asset=asset,
                    actor=request.user,
                    checks={name: data[name] for name, _label in CHECKS},
                    check_notes={name: data[f"{name}_note"] for name, _label in CHECKS},
                    battery_health_percent=data["battery_health_percent"],
                    ram_gb=data["ram_gb"],
                    software_kit=data["software_kit"],
                    grade=data["grade"],
                    notes=data["notes"],
                    parts=[
                        {"part": p["part"], "quantity": p["quantity"] or 1, "note": p["note"]}
                        for p in parts.cleaned_data
                        if p.get("part")
                    ],
                )
                messages.success(
                    request,
                    _("Test recorded: %(tag)s is now %(state)s.")
                    % {"tag": asset.display_tag, "state": asset.get_state_display()},
                )
                return redirect("refurbishment:asset", tag=asset.tag)
        status = 400
    else:
        form = RefurbishmentForm(initial=RefurbishmentForm.initial_from(record))
        initial_parts = [
            {"part": p.part, "quantity": p.quantity, "note": p.note}
            for p in (record.parts.all() if record else [])
        ]
        parts = PartFormSet(prefix="parts", initial=initial_parts)
        status = 200
    return render(
        request,
        "refurbishment/asset.html",
        {
            "asset": asset,
            "record": record,
            "form": form,
            "parts": parts,
            "testable": asset.state in services.TESTABLE_STATES,
            "not_ready_because": why_not_ready(asset) if asset.state == State.TESTED else None,
        },
        status=status,
    )


@permission_required("refurbish")
@require_POST
def mark_ready(request: HttpRequest, tag: str) -> HttpResponse:
    asset = _asset(request, tag)
    with refusals_as_messages(request):
        services.refurbishment_mark_ready(asset=asset, actor=request.user)
        messages.success(
            request, _("%(tag)s is ready for a classroom.") % {"tag": asset.display_tag}
        )
    return redirect("refurbishment:asset", tag=asset.tag)


@staff_required
def kit_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "refurbishment/kits.html",
        {"kits": SoftwareKit.objects.all(), "can_edit": may(request.user, "refurbish")},
    )


@permission_required("refurbish")
def kit_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    kit = get_object_or_404(SoftwareKit, pk=pk) if pk else None
    form = SoftwareKitForm(request.POST or None, instance=kit)
    if request.method == "POST" and form.is_valid():
        with refusals_on(form):
            kit = services.software_kit_save(actor=request.user, kit=form.save(commit=False))
            messages.success(request, _("Saved software kit %(kit)s.") % {"kit": kit})
            return redirect("refurbishment:kits")
    return render(
        request,
        "refurbishment/kit_form.html",
        {"form": form, "kit": kit},
        status=400 if form.errors else 200,
    )
