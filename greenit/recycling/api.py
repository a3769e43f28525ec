from datetime import date, datetime
from decimal import Decimal

from django.shortcuts import get_object_or_404
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from greenit.accounts.models import Organisation
from greenit.accounts.permissions import find_for
from greenit.core.schema_types import Day, Id, Limit, of, text

from . import downstream, services
from .models import (
    BatchLooseWeight,
    DownstreamVendor,
    MaterialStream,
    RecyclingBatch,
    StreamShipment,
    StreamTier,
    VendorLicence,
)

router = Router(tags=["recycling"])

# ninja loses the default of `Form[constrained type] = ""`; a Form() default keeps it.
NO_VEHICLE = Form("")
NO_BILL = Form("")


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
    bill_of_lading: str
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
    bill_of_lading: text(100) = NO_BILL,
):
    """Record the shipment (multipart): date, transporter, vehicle, weight, the weight
    ticket (PDF, JPEG or PNG) and the bill of lading number."""
    batch = _batch(request, number)
    return services.batch_ship(
        batch=batch,
        shipped_on=shipped_on,
        transporter=transporter,
        vehicle=vehicle,
        weight_ticket=weight_ticket,
        weight_ticket_kg=weight_ticket_kg,
        bill_of_lading=bill_of_lading,
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


# Downstream due diligence


class VendorLicenceOut(Schema):
    kind: str
    number: str
    issuer: str
    valid_until: date
    expired: bool


class VendorOut(Schema):
    id: int
    name: str
    country: str
    address: str
    licences: list[VendorLicenceOut]

    @staticmethod
    def resolve_licences(obj):
        return list(obj.licences.all())


class VendorIn(Schema):
    name: of(DownstreamVendor, "name")
    country: of(DownstreamVendor, "country") = "中国"
    address: of(DownstreamVendor, "address") = ""


class VendorLicenceIn(Schema):
    kind: of(VendorLicence, "kind")
    number: of(VendorLicence, "number")
    issuer: of(VendorLicence, "issuer")
    valid_until: Day


class TierOut(Schema):
    tier: int
    vendor_id: int
    vendor: str
    process: str
    final_disposition: str

    @staticmethod
    def resolve_vendor(obj):
        return obj.vendor.name


class StreamOut(Schema):
    id: int
    recycler_id: int
    name: str
    focus_material: str


class StreamIn(Schema):
    recycler_id: Id
    name: of(MaterialStream, "name")
    focus_material: of(MaterialStream, "focus_material") = ""


class TierIn(Schema):
    tier: of(StreamTier, "tier", ge=2)
    vendor_id: Id
    process: of(StreamTier, "process")
    final_disposition: of(StreamTier, "final_disposition") = ""


class ShipmentIn(Schema):
    shipped_on: Day
    weight_kg: of(StreamShipment, "weight_kg", gt=0)
    bill_of_lading: of(StreamShipment, "bill_of_lading")


class ShipmentOut(Schema):
    id: int
    stream_id: int
    shipped_on: date
    weight_kg: Decimal
    bill_of_lading: str


class FlowOut(Schema):
    stream: StreamOut
    tiers: list[TierOut]
    final_disposition: str
    shipped_kg: Decimal
    shipments: int
    problems: list[str]

    @staticmethod
    def resolve_final_disposition(obj):
        return obj.final.final_disposition if obj.final else ""


def _stream(request, stream_id: int) -> MaterialStream:
    return find_for(request.user, MaterialStream.objects, action="recycle", pk=stream_id)


@router.get("/vendors", response=list[VendorOut])
def list_vendors(request):
    """Downstream vendors with their licences (staff only; others get an empty list)."""
    return list(DownstreamVendor.objects.visible_to(request.user).prefetch_related("licences"))


@router.post("/vendors", response={201: VendorOut})
def create_vendor(request, payload: VendorIn):
    """Record a downstream vendor (technicians); 422 when the name is taken."""
    return Status(201, downstream.vendor_record(actor=request.user, **payload.dict()))


@router.post("/vendors/{vendor_id}/licences", response={201: VendorOut})
def add_vendor_licence(request, vendor_id: Id, payload: VendorLicenceIn):
    """Record a vendor's licence (an expired one is kept and flagged in the report)."""
    vendor = find_for(request.user, DownstreamVendor.objects, action="recycle", pk=vendor_id)
    downstream.vendor_licence_record(actor=request.user, vendor=vendor, **payload.dict())
    return Status(201, vendor)


@router.get("/streams", response=list[FlowOut])
def stream_flows(request, start: Day | None = None, end: Day | None = None):
    """Every material stream's flow to its final disposition, the kilograms and loads
    shipped between `start` and `end`, and its problems (expired licences, missing tiers).
    A recycler's contacts see their own streams."""
    return downstream.flow_report(user=request.user, start=start, end=end)


@router.post("/streams", response={201: StreamOut})
def create_stream(request, payload: StreamIn):
    """Record a recycler's output stream and its focus material, if any (technicians)."""
    recycler = find_for(
        request.user,
        Organisation.objects.filter(is_recycler=True),
        action="recycle",
        pk=payload.recycler_id,
    )
    stream = downstream.stream_record(
        actor=request.user,
        recycler=recycler,
        name=payload.name,
        focus_material=payload.focus_material,
    )
    return Status(201, stream)


@router.post("/streams/{stream_id}/tiers", response={201: TierOut})
def add_tier(request, stream_id: Id, payload: TierIn):
    """Name the vendor at a tier of a stream (2 receives from the recycler)."""
    stream = _stream(request, stream_id)
    data = payload.dict()
    vendor = find_for(request.user, DownstreamVendor.objects, pk=data.pop("vendor_id"))
    return Status(
        201, downstream.tier_record(actor=request.user, stream=stream, vendor=vendor, **data)
    )


@router.post("/streams/{stream_id}/shipments", response={201: ShipmentOut})
def add_shipment(request, stream_id: Id, payload: ShipmentIn):
    """Record a load of a stream leaving the recycler, with its bill of lading."""
    stream = _stream(request, stream_id)
    return Status(
        201, downstream.shipment_record(actor=request.user, stream=stream, **payload.dict())
    )
