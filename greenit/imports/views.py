from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from greenit.assets.models import Asset, CustodyEvent, State
from greenit.assets.views import filtered_assets
from greenit.core import files, leases
from greenit.core.forms import refusals_as_messages, refusals_on
from greenit.core.pagination import keyset_page
from greenit.donations.models import Donation

from . import exporting, services, tasks
from .forms import ImportUploadForm, MappingForm
from .mapping import EXAMPLE_HEADERS, LABELS
from .models import AssetImport

RECONCILE_SHOWN = 200


def _get_import_for_user(request: HttpRequest, pk: int) -> AssetImport:
    """The import if this user may see it; 404 otherwise."""
    leases.reap(AssetImport, pk=pk)  # its worker died: shown failed, may start again
    return get_object_or_404(
        AssetImport.objects.visible_to(request.user).select_related(
            "donation", "donation__donor_organisation", "created_by"
        ),
        pk=pk,
    )


@login_required
def import_list(request: HttpRequest) -> HttpResponse:
    imports = AssetImport.objects.visible_to(request.user).select_related("donation")
    page = keyset_page(imports, request.GET, size=settings.PAGE_SIZE)
    return render(request, "imports/list.html", {"page": page})


@login_required
def import_new(request: HttpRequest) -> HttpResponse:
    form = ImportUploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "GET" and (pk := request.GET.get("donation", "")).isdigit():
        form.initial["donation"] = form.fields["donation"].queryset.filter(pk=pk).first()
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        with refusals_on(form):
            asset_import = services.import_upload(
                donation=form.cleaned_data["donation"],
                data=upload.read(),
                filename=upload.name,
                actor=request.user,
            )
            return redirect("imports:detail", pk=asset_import.pk)
    return render(
        request,
        "imports/new.html",
        {"form": form, "column_names": EXAMPLE_HEADERS},
    )


def _detail_context(asset_import: AssetImport, mapping_form=None) -> dict:
    mapping = asset_import.mapping
    editable = asset_import.status in (AssetImport.Status.PREVIEWED, AssetImport.Status.FAILED)
    if editable and mapping_form is None and mapping.get("headers") is not None:
        mapping_form = MappingForm(headers=mapping["headers"], fields=mapping["fields"])
    return {
        "asset_import": asset_import,
        "mapping_form": mapping_form if editable else None,
        "sample": mapping.get("sample", []),
        "headers": mapping.get("headers", []),
        "mapped": [LABELS.get(name, "") for name in mapping.get("fields", [])],
        "errors": asset_import.errors,
        "labels": LABELS,
        # An import never changes a device it already has: each row is new or unchanged.
        "would_create": asset_import.total_rows - asset_import.unchanged_count,
    }


@login_required
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    asset_import = _get_import_for_user(request, pk)
    return render(request, "imports/detail.html", _detail_context(asset_import))


@login_required
@require_POST
def import_mapping(request: HttpRequest, pk: int) -> HttpResponse:
    asset_import = _get_import_for_user(request, pk)
    mapping = asset_import.mapping
    form = MappingForm(request.POST, headers=mapping["headers"], fields=mapping["fields"])
    if form.is_valid():
        with refusals_as_messages(request):
            services.import_set_mapping(
                asset_import=asset_import, fields=form.chosen(), actor=request.user
            )
            messages.success(request, _("Saved the columns and checked the rows again."))
            return redirect("imports:detail", pk=asset_import.pk)
    return render(request, "imports/detail.html", _detail_context(asset_import, form))


@login_required
@require_POST
def import_run(request: HttpRequest, pk: int) -> HttpResponse:
    asset_import = _get_import_for_user(request, pk)
    with refusals_as_messages(request):
        ran_now = tasks.import_start(asset_import=asset_import, actor=request.user)
        if not ran_now:
            messages.info(request, _("The import has started; this page shows its progress."))
        elif asset_import.status == AssetImport.Status.DONE:
            messages.success(
                request,
                ngettext(
                    "Imported: %(created)s device created, %(unchanged)s already recorded.",
                    "Imported: %(created)s devices created, %(unchanged)s already recorded.",
                    asset_import.created_count,
                )
                % {
                    "created": asset_import.created_count,
                    "unchanged": asset_import.unchanged_count,
                },
            )
        else:
            messages.error(request, _("Nothing was imported: fix the rows listed below."))
    return redirect("imports:detail", pk=asset_import.pk)


@login_required
def import_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress part of the import page, polled with HTMX until the import finishes."""
    asset_import = _get_import_for_user(request, pk)
    return render(request, "imports/progress.html", {"asset_import": asset_import})


@login_required
def reconcile(request: HttpRequest, donation_pk: int) -> HttpResponse:
    """The donor's list against what arrived: listed and not yet scanned (missing), scanned
    and not on the list (extra), listed and scanned (matched)."""
    donation = get_object_or_404(Donation.objects.visible_to(request.user), pk=donation_pk)
    listed = CustodyEvent.objects.filter(
        asset__donation=donation, from_state="", to_state=State.EXPECTED
    ).values("asset_id")
    assets = Asset.objects.filter(donation=donation)
    groups = {
        "missing": assets.filter(state=State.EXPECTED),
        "extra": assets.exclude(pk__in=listed),
        "matched": assets.filter(pk__in=listed).exclude(state=State.EXPECTED),
    }
    counts = {name: qs.count() for name, qs in groups.items()}
    shown = {name: list(qs.order_by("pk")[:RECONCILE_SHOWN]) for name, qs in groups.items()}
    return render(
        request,
        "imports/reconcile.html",
        {"donation": donation, "counts": counts, "shown": shown, "limit": RECONCILE_SHOWN},
    )


def _export_name(donation: Donation | None, extension: str) -> str:
    day = timezone.localdate().strftime("%Y%m%d")
    return f"devices-{donation.reference if donation else 'all'}-{day}.{extension}"


@login_required
def export_csv(request: HttpRequest) -> StreamingHttpResponse:
    """The device list as filtered, in the importer's format, streamed line by line."""
    _form, assets, donation = filtered_assets(request)
    response = StreamingHttpResponse(
        exporting.csv_lines(assets), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{_export_name(donation, "csv")}"'
    return response


@login_required
def export_xlsx(request: HttpRequest) -> HttpResponse:
    """The device list as filtered, in the importer's format, as an XLSX workbook."""
    _form, assets, donation = filtered_assets(request)
    return files.attachment(
        exporting.xlsx_file(assets), filename=_export_name(donation, "xlsx"), kind=files.XLSX
    )
