from datetime import datetime
from decimal import Decimal

from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status

from greenit.accounts.permissions import may
from greenit.assets.models import Asset
from greenit.core import tags
from greenit.core.schema_types import Id, enum_of, of, text

from . import services
from .models import CHECKS, Grade, PartUsed, Refurbishment, SoftwareKit, text_lines

router = Router(tags=["refurbishment"])


class KitOut(Schema):
    id: int
    name: str
    name_zh: str
    version: str
    contents: list[str]
    contents_zh: list[str]
    is_active: bool

    @staticmethod
    def resolve_contents(obj):
        return text_lines(obj.contents)

    @staticmethod
    def resolve_contents_zh(obj):
        return text_lines(obj.contents_zh)


class PartIn(Schema):
    part: of(PartUsed, "part")
    quantity: of(PartUsed, "quantity") = 1
    note: of(PartUsed, "note") = ""


class PartOut(Schema):
    part: str
    quantity: int
    note: str


class RefurbishmentOut(Schema):
    asset_tag: str
    asset_state: str
    checks: dict[str, str]
    check_notes: dict[str, str]
    battery_health_percent: int | None
    ram_gb: Decimal | None
    software_kit_id: int | None
    software_kit: str | None
    grade: str
    parts: list[PartOut]
    notes: str
    technician: str
    tested_at: datetime

    @staticmethod
    def resolve_asset_tag(obj):
        return obj.asset.tag

    @staticmethod
    def resolve_asset_state(obj):
        return obj.asset.state

    @staticmethod
    def resolve_checks(obj):
        return {name: getattr(obj, name) for name, _label in CHECKS}

    @staticmethod
    def resolve_check_notes(obj):
        return {name: getattr(obj, f"{name}_note") for name, _label in CHECKS}

    @staticmethod
    def resolve_software_kit(obj):
        return str(obj.software_kit) if obj.software_kit_id else None

    @staticmethod
    def resolve_parts(obj):
        return list(obj.parts.all())

    @staticmethod
    def resolve_technician(obj):
        return obj.technician.get_username()


class RefurbishmentIn(Schema):
    checks: dict[text(30), text(30)]
    check_notes: dict[text(30), text(500)] = {}
    grade: enum_of(Grade)
    battery_health_percent: of(Refurbishment, "battery_health_percent") = None
    ram_gb: of(Refurbishment, "ram_gb") = None
    software_kit_id: Id | None = None
    parts: list[PartIn] = []
    notes: of(Refurbishment, "notes") = ""
    mark_ready: bool = False


class ReadyIn(Schema):
    note: text(1000) = ""


def _asset(request, tag: str) -> Asset:
    return get_object_or_404(Asset.objects.visible_to(request.user), tag=tags.normalise(tag))


def _record(asset: Asset) -> Refurbishment:
    return Refurbishment.objects.select_related("asset", "software_kit", "technician").get(
        asset=asset
    )


@router.get("/kits", response=list[KitOut])
def list_kits(request):
    """Software kits (images installed on refurbished computers), in use first (staff only)."""
    if not may(request.user, "use_back_office"):
        return []
    return list(SoftwareKit.objects.order_by("-is_active", "name", "-version"))


@router.get("/{tag}", response=RefurbishmentOut)
def get_refurbishment(request, tag: str):
    """A device's refurbishment record: checklist, parts used, software kit, grade (staff)."""
    asset = _asset(request, tag)
    return get_object_or_404(
        Refurbishment.objects.visible_to(request.user).select_related(
            "asset", "software_kit", "technician"
        ),
        asset=asset,
    )


@router.post("/{tag}", response={201: RefurbishmentOut})
def record_refurbishment(request, tag: str, payload: RefurbishmentIn):
    """Record a device's test (technicians). `checks` maps each of powers_on, display,
    keyboard, touchpad, battery, ram, storage, ports, wifi to pass, fail or na; `grade` is A, B,
    C or fail. The device moves to tested (a fail goes on to recycling); with `mark_ready` a
    passing device then moves to ready (409 when a computer has no software kit)."""
    asset = _asset(request, tag)
    record = (
        services.refurbishment_record_and_mark_ready
        if payload.mark_ready
        else services.refurbishment_record
    )
    record(
        asset=asset,
        actor=request.user,
        checks=payload.checks,
        check_notes=payload.check_notes,
        grade=payload.grade,
        battery_health_percent=payload.battery_health_percent,
        ram_gb=payload.ram_gb,
        software_kit=services.software_kit_by_id(payload.software_kit_id, actor=request.user),
        parts=[p.dict() for p in payload.parts],
        notes=payload.notes,
    )
    return Status(201, _record(asset))


@router.post("/{tag}/ready", response=RefurbishmentOut)
def mark_ready(request, tag: str, payload: ReadyIn):
    """Tested → ready for a classroom (technicians); 409 without a passing grade, or for a
    computer without a software kit."""
    asset = _asset(request, tag)
    services.refurbishment_mark_ready(asset=asset, actor=request.user, note=payload.note)
    return _record(asset)
