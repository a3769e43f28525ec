from datetime import datetime

from django.shortcuts import get_object_or_404
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from greenit.core import tags
from greenit.core.schema_types import Count, Id, of, text

from . import services
from .models import Ticket

router = Router(tags=["support"])


class TicketOut(Schema):
    id: int
    number: str
    project_id: int
    project: str
    asset_tag: str
    symptom: str
    status: str
    created_at: datetime
    resolution: str
    answer: str
    parts: str
    replacement_tag: str | None
    resolved_at: datetime | None
    photos: int

    @staticmethod
    def resolve_project(obj):
        return str(obj.project)

    @staticmethod
    def resolve_asset_tag(obj):
        return obj.asset.tag

    @staticmethod
    def resolve_replacement_tag(obj):
        return obj.replacement.tag if obj.replacement_id else None

    @staticmethod
    def resolve_photos(obj):
        return obj.photos.count()


class ResolveIn(Schema):
    resolution: of(Ticket, "resolution")
    answer: of(Ticket, "answer") = ""
    parts: of(Ticket, "parts") = ""
    replacement: text(100) = Field("", description="Asset tag of a ready device (swap)")


def _tickets(request):
    return Ticket.objects.visible_to(request.user).select_related("project", "asset", "replacement")


@router.get("/tickets", response=list[TicketOut])
def list_tickets(request, status: of(Ticket, "status") | None = None, limit: Count = 50):
    """Support tickets, newest first: staff see all, a school contact its own classrooms'."""
    qs = _tickets(request)
    if status:
        qs = qs.filter(status=status)
    return list(qs[: max(1, min(limit, 500))])


@router.get("/tickets/{ticket_id}", response=TicketOut)
def get_ticket(request, ticket_id: Id):
    """One support ticket (404 when it is not yours to see)."""
    return get_object_or_404(_tickets(request), pk=ticket_id)


@router.post("/tickets", response={201: TicketOut})
def file_ticket(
    request,
    asset_tag: Form[text(100, required=True)],
    symptom: Form[text(5000, required=True)],
    photos: File[list[UploadedFile]] = None,
):
    """A school contact files a ticket about a deployed device of its classroom, multipart:
    `asset_tag`, `symptom`, optional `photos` (JPEG/PNG/WebP, re-encoded without EXIF)."""
    services.ticket_file_require(request.user)  # refused before a tag says whether it exists
    asset = get_object_or_404(services.school_devices(request.user), tag=tags.normalise(asset_tag))
    ticket = services.ticket_file(
        actor=request.user, asset=asset, symptom=symptom, photos=photos or []
    )
    return Status(201, get_object_or_404(_tickets(request), pk=ticket.pk))


@router.post("/tickets/{ticket_id}/resolve", response=TicketOut)
def resolve_ticket(request, ticket_id: Id, payload: ResolveIn):
    """Resolve an open ticket (staff): `{"resolution": "advice" | "repair" | "swap", "answer":
    "…", "parts": "…", "replacement": "tag of a ready device (swap)"}`. A swap takes the old
    device back and deploys the replacement in one transaction; the school is e-mailed."""
    ticket = get_object_or_404(_tickets(request), pk=ticket_id)
    services.ticket_resolve(
        ticket=ticket,
        actor=request.user,
        resolution=payload.resolution,
        answer=payload.answer,
        parts=payload.parts,
        replacement_code=payload.replacement,
    )
    return get_object_or_404(_tickets(request), pk=ticket_id)
