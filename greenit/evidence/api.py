"""Hardware evidence over the API. A station posts what it read from a device; greenit keeps
it as received and answers what it did with it. `/workbench` answers as eReuse's DeviceHub
does, so a Workbench station needs only this URL and a greenit token."""

import uuid
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from greenit.accounts import permissions
from greenit.assets.models import Asset
from greenit.core import tags
from greenit.core.schema_types import Id, text

from . import services
from .models import Difference, Snapshot, UnmatchedDrive

router = Router(tags=["evidence"])

ANY_JSON = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "description": "A snapshot exactly as the station wrote it: a greenit-wipe"
                    " inventory, an eReuse workbench-script or Workbench 11 snapshot, or"
                    " peracotta's JSON list of components."
                }
            }
        },
    }
}


class DifferenceOut(Schema):
    id: int
    field: str
    entered: str
    read: str
    decision: str


class UnmatchedOut(Schema):
    id: int
    device_name: str
    serial: str
    model: str
    reason: str
    assigned: bool

    @staticmethod
    def resolve_assigned(obj):
        return obj.decided


class IngestOut(Schema):
    id: int
    uuid: uuid.UUID
    status: str
    format: str
    asset_tag: str | None
    filled: list[str]
    differences: list[DifferenceOut]
    media_registered: int
    records: int
    unmatched: list[UnmatchedOut]
    missing_tools: list[str]
    notes: list[str]


class SnapshotOut(Schema):
    id: int
    uuid: uuid.UUID
    sha256: str
    format: str
    software: str
    version: str
    size: int
    received_at: datetime
    asset_tag: str | None
    parsed: dict

    @staticmethod
    def resolve_asset_tag(obj):
        return obj.asset.display_tag if obj.asset_id else None


class WorkbenchOut(Schema):
    status: str
    dhid: str
    url: str
    public_url: str


def _tag(value: str | None) -> str:
    return (value or "").strip()[:20]


def _answer(outcome: services.Outcome) -> dict:
    snapshot = outcome.snapshot
    return {
        "id": snapshot.pk,
        "uuid": snapshot.uuid,
        "status": "stored" if outcome.created else "duplicate",
        "format": snapshot.format,
        "asset_tag": snapshot.asset.display_tag if snapshot.asset_id else None,
        "filled": outcome.filled,
        "differences": outcome.differences,
        "media_registered": outcome.media,
        "records": outcome.records,
        "unmatched": outcome.unmatched,
        "missing_tools": snapshot.parsed.get("missing", []),
        "notes": snapshot.parsed.get("notes", []),
    }


@router.post("/snapshots", response={200: IngestOut, 201: IngestOut}, openapi_extra=ANY_JSON)
def post_snapshot(request, tag: text(20) = ""):
    """Store a hardware snapshot and fill its device in. The device is the one whose tag is
    given (scanned at the station, `?tag=`, or carried in the snapshot), else the one its
    serials and UUIDs identify; none found: stored and listed for a technician to name.
    The same snapshot again answers 200 "duplicate" and stores nothing; 422 names what
    cannot be read, and nothing is stored."""
    outcome = services.snapshot_ingest(raw=request.body, actor=request.user, tag=_tag(tag))
    return Status(201 if outcome.created else 200, _answer(outcome))


@router.post("/workbench", response={200: WorkbenchOut, 201: WorkbenchOut}, openapi_extra=ANY_JSON)
def post_workbench(request):
    """eReuse Workbench's server call (workbench-script and Workbench 11): point the
    station's `url` here and give it a greenit token (scope wipe_station). Answers as
    DeviceHub does: status, the device's id (`dhid`, its asset tag) and its page."""
    outcome = services.snapshot_ingest(raw=request.body, actor=request.user)
    snapshot = outcome.snapshot
    url = settings.SITE_URL + (
        reverse("assets:detail", args=[snapshot.asset.tag])
        if snapshot.asset_id
        else reverse("evidence:snapshot", args=[snapshot.pk])
    )
    dhid = snapshot.asset.display_tag if snapshot.asset_id else str(snapshot.uuid)[:6].upper()
    return {"status": "success", "dhid": dhid, "url": url, "public_url": url}


@router.post("/reports", response={200: IngestOut, 201: IngestOut})
def post_report(request, file: File[UploadedFile], tag: Form[text(20) | None] = None):
    """Upload a report file: an nwipe log or (nwipe ≥ 0.34) PDF certificate, or any snapshot
    the JSON endpoint takes. Each drive's result becomes a sanitization record on the
    medium with its serial; a drive matching no medium is listed for a decision."""
    if file.size > settings.UPLOAD_MAX_BYTES:
        raise ValidationError({"file": [_("The file is too large to be a wipe report.")]})
    outcome = services.snapshot_ingest(
        raw=file.read(), actor=request.user, tag=_tag(tag), filename=file.name or ""
    )
    return Status(201 if outcome.created else 200, _answer(outcome))


@router.get("/snapshots/{snapshot_id}", response=SnapshotOut)
def get_snapshot(request, snapshot_id: Id):
    """One snapshot: its sha256, what was read from it and its device."""
    return permissions.find_for(
        request.user, Snapshot.objects.select_related("asset").defer("body"), pk=snapshot_id
    )


@router.get("/assets/{tag}/snapshots", response=list[SnapshotOut])
def asset_snapshots(request, tag: str):
    """The evidence of one device (its aliases' too), newest first."""
    asset = permissions.find_for(request.user, Asset.objects, tag=tags.normalise(tag))
    return services.evidence_of(asset)["snapshots"]


class DecisionIn(Schema):
    take: bool


@router.post("/differences/{difference_id}/decision", response=DifferenceOut)
def decide_difference(request, difference_id: Id, payload: DecisionIn):
    """Take the value read from the evidence (`take: true`) or keep the entered one."""
    difference = permissions.find_for(request.user, Difference.objects, pk=difference_id)
    return services.difference_decide(difference=difference, actor=request.user, take=payload.take)


class AssignIn(Schema):
    asset_tag: text(20, required=True)
    serial: text(100) = ""


def _asset(request, tag: str) -> Asset:
    return permissions.find_for(request.user, Asset.objects, tag=tags.normalise(tag))


@router.post("/unmatched/{unmatched_id}/assign", response=UnmatchedOut)
def assign_unmatched(request, unmatched_id: Id, payload: AssignIn):
    """Say which medium a drive that matched none was: its result becomes the medium's
    sanitization record (`serial` may be left out when the device has one medium)."""
    unmatched = permissions.find_for(request.user, UnmatchedDrive.objects, pk=unmatched_id)
    return services.unmatched_assign(
        unmatched=unmatched,
        actor=request.user,
        asset=_asset(request, payload.asset_tag),
        serial=payload.serial,
    )


class DeviceIn(Schema):
    asset_tag: text(20, required=True)


@router.post("/snapshots/{snapshot_id}/device", response=IngestOut)
def assign_snapshot(request, snapshot_id: Id, payload: DeviceIn):
    """Name the device of a snapshot that matched none; the device is filled in from it."""
    snapshot = permissions.find_for(request.user, Snapshot.objects, pk=snapshot_id)
    outcome = services.snapshot_assign(snapshot=snapshot, actor=request.user, tag=payload.asset_tag)
    return _answer(outcome)


class MergeIn(Schema):
    kept: text(20, required=True)
    duplicate: text(20, required=True)
    reason: text(1000) = ""


class MergeOut(Schema):
    kept: str
    duplicate: str


@router.post("/merge", response=MergeOut)
def merge(request, payload: MergeIn):
    """Two device records that are one device: the duplicate becomes an alias of the kept
    one; both histories stay."""
    alias = services.device_merge(
        kept=_asset(request, payload.kept),
        duplicate=_asset(request, payload.duplicate),
        actor=request.user,
        reason=payload.reason,
    )
    return {"kept": alias.kept.display_tag, "duplicate": alias.duplicate.display_tag}
