from datetime import date, datetime
from decimal import Decimal

from django.shortcuts import get_object_or_404
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from greenit.accounts.models import Organisation
from greenit.accounts.permissions import find_for
from greenit.core.schema_types import Day, Id, Limit, of, text

from . import services
from .models import BatchLooseWeight, RecyclingBatch

router = Router(tags=["recycling"])

# ninja loses the default of `Form[constrained type] = ""`; a Form() default keeps it.
NO_VEHICLE = Form("")


class LooseOut(Schema):
    category: str
    weight_kg: Decimal


class BatchOut(Schema):
    number: str
    recycler_id: int
    recycler: str
    status: str
    created_at: datetime
    shipped_on: date | None
    transporter: str
    vehicle: str
    weight_ticket_kg: Decimal | None
    certificate_number: str
    closed_at: datetime | None
    devices: list[str]
    loose: list[LooseOut]
    notes: str

    @staticmethod
    def resolve_recycler(obj):
        return str(obj.recycler)

    @staticmethod
    def resolve_devices(obj):
        return [item.asset.tag for item in obj.items.select_related("asset")]

    @staticmethod
    def resolve_loose(obj):
        return list(obj.loose.all())


class BatchIn(Schema):
    recycler_id: Id
    notes: of(RecyclingBatch, "notes") = ""


class DeviceIn(Schema):
    code: text(100, required=True)  # an asset tag or a serial (Asset.serial is 100 long)


class LooseIn(Schema):
    category: of(BatchLooseWeight, "category", enum=False)
    weight_kg: of(BatchLooseWeight, "weight_kg", ge=0)


def _batch(request, number: str) -> RecyclingBatch:
    return get_object_or_404(
        RecyclingBatch.objects.visible_to(request.user).select_related("recycler"), number=number
    )


@router.get("/batches", response=list[BatchOut])
def list_batches(request, status: RecyclingBatch.Status | None = None, limit: Limit = 50):
    """Recycling batches, newest first (staff only; others get an empty list)."""
    qs = RecyclingBatch.objects.visible_to(request.user).select_related("recycler")
    if status:
        qs = qs.filter(status=status)
    return list(qs[: max(1, min(limit, 500))])


@router.post("/batches", response={201: BatchOut})
def create_batch(request, payload: BatchIn):
    """Open a batch for a recycler; 422 when none of its licences is valid today."""
    recycler = find_for(
        request.user,
        Organisation.objects.filter(is_recycler=True),
        action="recycle",
        pk=payload.recycler_id,
    )
    batch = services.batch_create(recycler=recycler, notes=payload.notes, actor=request.user)
    return Status(201, batch)


@router.get("/batches/{number}", response=BatchOut)
def get_batch(request, number: str):
    """One batch with its devices (asset tags) and loose weights per category."""
    return _batch(request, number)


@router.post("/batches/{number}/devices", response={201: BatchOut})
def add_device(request, number: str, payload: DeviceIn):
    """Add a device by asset tag or serial: it moves to recycling through the lifecycle."""
    batch = _batch(request, number)
    services.batch_add_device(batch=batch, code=payload.code, actor=request.user)
    return Status(201, batch)


@router.post("/batches/{number}/loose", response=BatchOut)
def set_loose_weight(request, number: str, payload: LooseIn):
    """Set the loose weight of one category (0 removes it); fluorescent tubes are refused."""
    batch = _batch(request, number)
    services.batch_set_loose_weight(
        batch=batch, category=payload.category, weight_kg=payload.weight_kg, actor=request.user
    )
    return batch


@router.post("/batches/{number}/ship", response=BatchOut)
def ship_batch(
    request,
    number: str,
    weight_ticket: File[UploadedFile],
    shipped_on: Form[Day],
    transporter: Form[of(RecyclingBatch, "transporter", required=True)],
    weight_ticket_kg: Form[of(RecyclingBatch, "weight_ticket_kg", null=False, gt=0)],
    vehicle: text(50) = NO_VEHICLE,
):
    """Record the shipment (multipart): date, transporter, vehicle, weight and the weight
    ticket (PDF, JPEG or PNG)."""
    batch = _batch(request, number)
    return services.batch_ship(
        batch=batch,
        shipped_on=shipped_on,
        transporter=transporter,
        vehicle=vehicle,
        weight_ticket=weight_ticket,
        weight_ticket_kg=weight_ticket_kg,
        actor=request.user,
    )


@router.post("/batches/{number}/close", response=BatchOut)
def close_batch(
    request,
    number: str,
    certificate: File[UploadedFile],
    certificate_number: Form[of(RecyclingBatch, "certificate_number", required=True)],
):
    """Close a shipped batch with the recycler's certificate of recycling (multipart): every
    device in it becomes recycled in one transaction, or none does (422 naming the device)."""
    batch = _batch(request, number)
    return services.batch_close(
        batch=batch,
        certificate=certificate,
        certificate_number=certificate_number,
        actor=request.user,
    )
