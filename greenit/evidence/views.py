"""Pages over the evidence services: upload a report, see what a snapshot said, decide
differences and unmatched drives, merge two records of one device."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from greenit.accounts.permissions import find_for, permission_required
from greenit.assets.models import Asset
from greenit.core import tags
from greenit.core.forms import refusals_as_messages, refusals_on

from . import services
from .forms import AssignForm, MergeForm, TagForm, UploadForm
from .models import Difference, Snapshot, UnmatchedDrive


def _asset(request: HttpRequest, tag: str) -> Asset:
    found = Asset.objects.visible_to(request.user).filter(tag=tags.normalise(tag)).first()
    if found is None:
        raise ValidationError({"asset_tag": [_("No device has this tag: scan it again.")]})
    return found


@permission_required("sanitize")
def waiting(request: HttpRequest) -> HttpResponse:
    """Evidence that waits for a person: snapshots without a device, unmatched drives."""
    context = {
        "snapshots": Snapshot.objects.filter(asset__isnull=True).defer("body")[:100],
        "unmatched": UnmatchedDrive.objects.filter(record_id__isnull=True).select_related(
            "snapshot"
        )[:100],
    }
    return render(request, "evidence/waiting.html", context)


@permission_required("sanitize")
def upload(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None, initial=request.GET)
    if request.method == "POST" and form.is_valid():
        upload_file = form.cleaned_data["file"]
        if upload_file.size > settings.UPLOAD_MAX_BYTES:
            form.add_error("file", _("The file is too large to be a wipe report."))
        else:
            with refusals_on(form):
                outcome = services.snapshot_ingest(
                    raw=upload_file.read(),
                    actor=request.user,
                    tag=form.cleaned_data["tag"],
                    filename=upload_file.name or "",
                )
                if not outcome.created:
                    messages.info(request, _("This evidence was already stored."))
                return redirect("evidence:snapshot", pk=outcome.snapshot.pk)
    status = 422 if form.errors else 200
    return render(request, "evidence/upload.html", {"form": form}, status=status)


def _prefix(pk: int) -> str:
    """One form per waiting drive on a page: each its own field ids."""
    return f"drive{pk}"


def _snapshot_page(request: HttpRequest, snapshot: Snapshot, **forms) -> HttpResponse:
    context = {
        "snapshot": snapshot,
        "read": snapshot.parsed,
        "differences": Difference.objects.filter(snapshot=snapshot).select_related("asset"),
        "drives": [
            (
                drive,
                failed
                if (failed := forms.get("assign_form")) and failed.prefix == _prefix(drive.pk)
                else AssignForm(prefix=_prefix(drive.pk)),
            )
            for drive in snapshot.unmatched.all()
        ],
        "device_form": forms.get("device_form") or TagForm(),
    }
    return render(request, "evidence/snapshot.html", context, status=422 if forms else 200)


@permission_required("sanitize")
def snapshot(request: HttpRequest, pk: int) -> HttpResponse:
    found = find_for(request.user, Snapshot.objects.select_related("asset", "received_by"), pk=pk)
    return _snapshot_page(request, found)


@require_POST
@permission_required("sanitize")
def snapshot_device(request: HttpRequest, pk: int) -> HttpResponse:
    found = find_for(request.user, Snapshot.objects, pk=pk)
    form = TagForm(request.POST)
    if form.is_valid():
        with refusals_on(form):
            services.snapshot_assign(
                snapshot=found, actor=request.user, tag=form.cleaned_data["asset_tag"]
            )
            messages.success(request, _("The device is filled in from this snapshot."))
            return redirect("evidence:snapshot", pk=found.pk)
    return _snapshot_page(request, found, device_form=form)


@require_POST
@permission_required("edit_devices")
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    difference = find_for(request.user, Difference.objects, pk=pk)
    with refusals_as_messages(request):
        services.difference_decide(
            difference=difference, actor=request.user, take=request.POST.get("take") == "1"
        )
        messages.success(request, _("Decision recorded."))
    return redirect("assets:detail", tag=difference.asset.tag)


@require_POST
@permission_required("sanitize")
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    unmatched = find_for(request.user, UnmatchedDrive.objects.select_related("snapshot"), pk=pk)
    form = AssignForm(request.POST, prefix=_prefix(unmatched.pk))
    if form.is_valid():
        with refusals_on(form):
            services.unmatched_assign(
                unmatched=unmatched,
                actor=request.user,
                asset=_asset(request, form.cleaned_data["asset_tag"]),
                serial=form.cleaned_data["serial"],
            )
            messages.success(request, _("The drive's result is now a sanitization record."))
            return redirect("evidence:snapshot", pk=unmatched.snapshot_id)
    return _snapshot_page(request, unmatched.snapshot, assign_form=form)


@permission_required("edit_devices")
def merge(request: HttpRequest) -> HttpResponse:
    form = MergeForm(request.POST or None, initial=request.GET)
    if request.method == "POST" and form.is_valid():
        with refusals_on(form):
            alias = services.device_merge(
                kept=_asset(request, form.cleaned_data["kept"]),
                duplicate=_asset(request, form.cleaned_data["duplicate"]),
                actor=request.user,
                reason=form.cleaned_data["reason"],
            )
            messages.success(
                request,
                _("%(dup)s is now an alias of %(kept)s; both histories stay.")
                % {"dup": alias.duplicate.display_tag, "kept": alias.kept.display_tag},
            )
            return redirect("assets:detail", tag=alias.kept.tag)
    status = 422 if form.errors else 200
    return render(request, "evidence/merge.html", {"form": form}, status=status)
