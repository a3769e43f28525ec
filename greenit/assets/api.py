from datetime import datetime
from decimal import Decimal

from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status

from greenit.core import tags
from greenit.core.schema_types import Count, Id, of, text
from greenit.donations.models import Donation

from . import lifecycle, services
from .models import Asset, CustodyEvent

router = Router(tags=["assets"])


class AssetOut(Schema):
    id: int
    tag: str
    display_tag: str
    donation_id: int
    category: str
    make: str
    model: str
    serial: str
    specs: str
    weight_kg: Decimal | None
    condition: str
    location: str
    state: str
    state_changed_at: datetime
    created_at: datetime


class EventOut(Schema):
    at: datetime
    actor: str | None
    from_state: str
    to_state: str
    location: str
    note: str

    @staticmethod
    def resolve_actor(obj):
        return obj.actor.get_username() if obj.actor_id else None


class TransitionIn(Schema):
    to: of(CustodyEvent, "to_state")
    note: of(CustodyEvent, "note") = ""
    location: of(Asset, "location", null=True) = None


class IntakeIn(Schema):
    donation_id: Id
    serial: of(Asset, "serial") = ""
    category: of(Asset, "category", enum=False)
    make: of(Asset, "make") = ""
    model: of(Asset, "model") = ""
    location: of(Asset, "location") = ""


class IntakeOut(Schema):
    created: bool
    message: str
    asset: AssetOut


def _asset(request, tag: str) -> Asset:
    return get_object_or_404(Asset.objects.visible_to(request.user), tag=tags.normalise(tag))


@router.get("", response=list[AssetOut])
def list_assets(
    request,
    state: of(Asset, "state") | None = None,
    category: of(Asset, "category", enum=False) | None = None,
    donation_id: Id | None = None,
    q: text(100) | None = None,
    before_id: Id | None = None,
    limit: Count = 50,
):
    """Newest first; `q` finds an asset tag or serial. For the next page pass `before_id` =
    the `id` of the last asset."""
    qs = Asset.objects.visible_to(request.user)
    if state:
        qs = qs.filter(state=state)
    if category:
        qs = qs.filter(category=category)
    if donation_id:
        qs = qs.filter(donation_id=donation_id)
    if q:
        qs = qs.find(q)
    if before_id:
        qs = qs.filter(pk__lt=before_id)
    return list(qs.order_by("-pk")[: max(1, min(limit, 500))])


# Before /{tag}: the first pattern that matches a path wins.
@router.post("/intake", response={200: IntakeOut, 201: IntakeOut})
def intake(request, payload: IntakeIn):
    """Record one scanned device. The same serial again for the same donation creates nothing
    and answers 200 with the existing asset; a new device answers 201."""
    donation = get_object_or_404(Donation.objects.visible_to(request.user), pk=payload.donation_id)
    result = services.intake_scan(
        donation=donation,
        serial=payload.serial,
        category=payload.category,
        make=payload.make,
        model=payload.model,
        location=payload.location,
        actor=request.user,
    )
    return Status(201 if result.created else 200, result)


@router.get("/{tag}", response=AssetOut)
def get_asset(request, tag: str):
    """One device by its asset tag (with or without the hyphen, any case)."""
    return _asset(request, tag)


@router.get("/{tag}/history", response=list[EventOut])
def asset_history(request, tag: str):
    """The full chain of custody of one device, oldest first."""
    return list(_asset(request, tag).events.select_related("actor").order_by("at", "pk"))


@router.post("/{tag}/transitions", response={201: EventOut})
def transition_asset(request, tag: str, payload: TransitionIn):
    """Move a device to another lifecycle state and append its custody event: 409 when the
    lifecycle refuses the move, 403 when the caller's role may not make it."""
    asset = _asset(request, tag)
    event = lifecycle.transition(
        asset, payload.to, actor=request.user, note=payload.note, location=payload.location
    )
    return Status(201, event)
