from datetime import datetime
from decimal import Decimal

from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from greenit.accounts import permissions
from greenit.core.schema_types import Count, of

from . import services
from .models import BoxEmptying, BoxEmptyingWeight, BoxReport, CollectionBox

router = Router(tags=["collection boxes"])


class BoxOut(Schema):
    code: str
    host: str
    site: str
    status: str
    last_emptied_at: datetime | None
    days_since_emptied: int | None
    public_url: str

    @staticmethod
    def resolve_host(obj: CollectionBox) -> str:
        return str(obj.host)


class BoxReportIn(Schema):
    kind: of(BoxReport, "kind") = Field(description="`full` or `damaged`")
    note: of(BoxReport, "note") = ""


class BoxReportOut(Schema):
    id: int
    kind: str
    reported_at: datetime


class WeightIn(Schema):
    category: of(BoxEmptyingWeight, "category", enum=False) = Field(
        description="Category code, see GET /api/donations/categories"
    )
    weight_kg: of(BoxEmptyingWeight, "weight_kg", gt=0)
    devices: Count = Field(0, description="Whole devices found, brought in for intake")


class EmptyingIn(Schema):
    weights: list[WeightIn]
    notes: of(BoxEmptying, "notes") = ""


class EmptyingOut(Schema):
    id: int
    done_at: datetime
    donation_id: int | None
    weights: dict[str, Decimal]

    @staticmethod
    def resolve_weights(obj) -> dict[str, Decimal]:
        return {w.category: w.weight_kg for w in obj.weights.all()}


@router.get("", response=list[BoxOut])
def list_boxes(
    request, status: of(CollectionBox, "status", null=True) = None, reported: bool = False
):
    """Every collection box with its state and days since it was last emptied (staff only);
    `reported=true`: only the boxes in place with a report nobody has seen to, those the staff
    home counts."""
    permissions.require(request.user, "see_collection_boxes")
    boxes = CollectionBox.objects.select_related("host")
    if status:
        boxes = boxes.filter(status=status)
    if reported:
        boxes = boxes.reported()
    return list(boxes)


@router.post("/{code}/reports", response={201: BoxReportOut, 429: dict}, auth=None)
def report_box(request, code: str, payload: BoxReportIn):
    """Say a box is full or damaged; no login needed, limited per client address and per box
    (BOX_REPORT_RATE): over the limit answers 429."""
    box = get_object_or_404(CollectionBox, code=code)
    if services.report_limited(request, box):
        return Status(429, {"detail": "Too many reports; try again later."})
    report = services.box_report(
        box=box, kind=payload.kind, note=payload.note, client=services.client_hash(request)
    )
    return Status(201, report)


@router.post("/{code}/emptyings", response={201: EmptyingOut})
def record_emptying(request, code: str, payload: EmptyingIn):
    """Record an emptying (logistics staff): loose weight per category, and devices found,
    which become a donation from the host organisation ready for intake. All or nothing."""
    box = permissions.find_for(request.user, CollectionBox.objects, action="empty_boxes", code=code)
    emptying = services.emptying_record(
        box=box,
        actor=request.user,
        weights=[services.WeightInput(**w.dict()) for w in payload.weights],
        notes=payload.notes,
    )
    return Status(201, emptying)
