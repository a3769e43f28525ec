import json
from datetime import datetime

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from greenit.core import leases
from greenit.core.schema_types import Id, Refusal, text
from greenit.donations.models import Donation

from . import services, tasks
from .models import AssetImport

router = Router(tags=["imports"])

# The `mapping` JSON: a header, letter or number to a field name, for each column of a list.
MAPPING_MAX = 10_000


class RowError(Schema):
    line: int
    field: str
    message: str
    fix: str


class CheckOut(Schema):
    """A dry run: what importing the file would do."""

    rows: int
    would_create: int
    unchanged: int
    errors: list[RowError]


class ImportOut(Schema):
    id: int
    donation_id: int
    original_name: str
    status: str
    mapping: dict
    total_rows: int
    rows_done: int
    created_count: int
    unchanged_count: int
    errors: list[RowError]
    created_at: datetime
    finished_at: datetime | None


def _overrides(mapping: str | None) -> dict[str, str] | None:
    if not mapping:
        return None
    try:
        value = json.loads(mapping)
    except json.JSONDecodeError:
        value = None
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise ValidationError(
            {"mapping": _('Give the mapping as JSON: {"column header": "field", …}.')}
        )
    return value


@router.post("", response={200: CheckOut, 201: ImportOut, 202: ImportOut, 422: ImportOut | Refusal})
def create_import(
    request,
    file: File[UploadedFile],
    donation_id: Form[Id],
    mapping: Form[text(MAPPING_MAX) | None] = None,
    dry_run: Form[bool] = False,
):
    """Import a donor's asset list (multipart: `file` CSV or XLSX, `donation_id`, optional
    `mapping` JSON `{"column header": "field"}` to correct the automatic matching, optional
    `dry_run`). A dry run answers 200 with what would happen and stores nothing; a dry run
    of a long list answers 202: the task worker checks it, `GET /api/imports/{id}` shows the
    rows and errors found (nothing is imported). Otherwise:
    201 imported (devices created as expected; the same file again creates nothing), 422
    nothing imported and every bad row listed with its line, 202 a long list queued (poll
    `GET /api/imports/{id}`)."""
    donation = get_object_or_404(Donation.objects.visible_to(request.user), pk=donation_id)
    data = file.read()
    overrides = _overrides(mapping)
    if dry_run:
        queued, result = services.import_dry_run(
            donation=donation,
            data=data,
            filename=file.name,
            actor=request.user,
            overrides=overrides,
        )
        if queued is not None:
            tasks.check_start(asset_import=queued, actor=request.user)
            return Status(202, queued)
        return Status(
            200,
            {
                "rows": result.total,
                "would_create": len(result.new_rows),
                "unchanged": result.unchanged,
                "errors": result.errors,
            },
        )
    asset_import = services.import_upload(
        donation=donation, data=data, filename=file.name, actor=request.user, overrides=overrides
    )
    ran_now = tasks.import_start(asset_import=asset_import, actor=request.user)
    if not ran_now:
        return Status(202, asset_import)
    return Status(201 if asset_import.status == AssetImport.Status.DONE else 422, asset_import)


@router.get("/{import_id}", response=ImportOut)
def get_import(request, import_id: Id):
    """One import: its status, progress (`rows_done` of `total_rows`), counts and errors;
    `interrupted_at` when its worker stopped (then `failed`: start it again)."""
    leases.reap(AssetImport, pk=import_id)
    return get_object_or_404(AssetImport.objects.visible_to(request.user), pk=import_id)
