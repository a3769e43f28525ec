from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from django.shortcuts import get_object_or_404
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from greenit.accounts.permissions import require
from greenit.core.schema_types import Day, Id, of, text

from . import services
from .models import (
    Allocation,
    ClassroomPhoto,
    ClassroomProject,
    Delivery,
    OpeningEvent,
    SchoolApplication,
)

router = Router(tags=["classrooms"])


class SponsorOut(Schema):
    organisation_id: int
    name: str = Field(alias="organisation.name")
    amount: Decimal | None = None
    currency: str


class ChecklistItem(Schema):
    item: str
    done: bool


class ProjectOut(Schema):
    id: int
    name: str
    school_id: int
    school: str = Field(alias="school.name")
    seats: int
    target_opening: date | None
    software_kit_id: int | None
    needs_accessibility_kit: bool
    status: str
    devices: list[str]
    sponsors: list[SponsorOut]
    checklist: list[ChecklistItem]

    @staticmethod
    def resolve_checklist(obj: ClassroomProject):
        return [{"item": str(text), "done": done} for text, done in services.missing(obj)]

    @staticmethod
    def resolve_devices(obj: ClassroomProject):
        return [a.asset.display_tag for a in obj.allocations.active().select_related("asset")]

    @staticmethod
    def resolve_sponsors(obj: ClassroomProject, context):
        rows = list(obj.sponsorships.select_related("organisation"))
        if not context["request"].user.is_staff_member:
            for row in rows:  # amounts are between staff and each sponsor
                row.amount = None
        return rows


class PublicProjectOut(Schema):
    id: int
    name: str
    school: str = Field(alias="school.name")
    province: str = Field(alias="school.province")
    seats: int
    story_en: str
    story_zh: str


class AllocateIn(Schema):
    category: text(30) = ""
    count: Annotated[int, Field(ge=0, le=10_000)] = 0
    min_grade: Literal["A", "B", "C"] = Field(
        "C", description="A, B or C: the worst grade accepted"
    )
    codes: list[text(100)] = Field(
        [], max_length=10_000, description="Scanned asset tags; used instead of category"
    )


class AllocationOut(Schema):
    id: int
    project_id: int
    asset_tag: str = Field(alias="asset.display_tag")


class DeliveryIn(Schema):
    date: Day
    received_by: of(Delivery, "received_by") = Field(
        description="The person at the school who received the devices"
    )


class DeliveryOut(Schema):
    project_id: int
    date: date
    received_by: str


class OpeningIn(Schema):
    date: Day
    guests: of(OpeningEvent, "guests") = ""
    sponsor_representatives: of(OpeningEvent, "sponsor_representatives") = ""
    volunteers: of(OpeningEvent, "volunteers") = ""


class OpeningOut(OpeningIn):
    project_id: int


class StatusIn(Schema):
    status: of(ClassroomProject, "status") = Field(
        description="planned, equipping, ready, opened or closed"
    )


class PhotoOut(Schema):
    id: int
    caption: str
    consent: bool


class ApplicationOut(Schema):
    id: int
    school_name: str
    province: str
    city: str
    students_total: int
    visually_impaired_students: int
    status: str
    decision_message: str
    organisation_id: int | None


class DecisionIn(Schema):
    decision: Literal["approve", "decline", "more_info"] = Field(
        description="approve, decline or more_info"
    )
    message: of(SchoolApplication, "decision_message") = Field(
        "",
        description="The reason for declining, what to send us, or a word with the approval",
    )
    notes: of(SchoolApplication, "review_notes") = ""


def _project(request, pk: Id) -> ClassroomProject:
    return get_object_or_404(
        ClassroomProject.objects.visible_to(request.user).select_related("school"), pk=pk
    )


@router.get("/public", response=list[PublicProjectOut], auth=None)
def public_classrooms(request):
    """Opened classrooms, as on the public page (no account needed)."""
    return list(ClassroomProject.objects.public().select_related("school"))


@router.get("/projects", response=list[ProjectOut])
def list_projects(request):
    """Classroom projects: all for staff; a school contact its own, a sponsor contact the
    projects it funds."""
    return list(ClassroomProject.objects.visible_to(request.user).select_related("school"))


@router.get("/projects/{pk}", response=ProjectOut)
def get_project(request, pk: Id):
    """One classroom project (404 when the caller may not see it)."""
    return _project(request, pk)


@router.post("/projects/{pk}/allocations", response={201: list[AllocationOut]})
def allocate(request, pk: Id, payload: AllocateIn):
    """Allocate ready devices: by scanned `codes`, or the `count` oldest of `category` graded
    `min_grade` or better. All or nothing; 422 says why (e.g. too few free devices)."""
    project = _project(request, pk)
    if payload.codes:
        made = services.allocate_by_tags(project=project, actor=request.user, codes=payload.codes)
    else:
        made = services.allocate_by_category(
            project=project,
            actor=request.user,
            category=payload.category,
            count=payload.count,
            min_grade=payload.min_grade,
        )
    return Status(201, made)


@router.post("/allocations/{pk}/unallocate", response=AllocationOut)
def unallocate(request, pk: Id):
    """Take a device out of its project before delivery: it is ready again."""
    require(request.user, "manage_classrooms")  # refused before an id says whether it exists
    allocation = get_object_or_404(Allocation.objects.select_related("asset"), pk=pk)
    return services.unallocate(allocation=allocation, actor=request.user)


@router.post("/projects/{pk}/delivery", response={201: DeliveryOut})
def deliver(request, pk: Id, payload: DeliveryIn):
    """Record the delivery, once done (a date after today is refused): every allocated device
    becomes deployed, all or nothing; with the opening event recorded, the project opens."""
    project = _project(request, pk)
    delivery = services.deliver(
        project=project, actor=request.user, on=payload.date, received_by=payload.received_by
    )
    return Status(201, delivery)


@router.put("/projects/{pk}/opening", response=OpeningOut)
def record_opening(request, pk: Id, payload: OpeningIn):
    """Record or correct the opening event once it has taken place (programme managers; a date
    after today is refused); with the delivery recorded, the project opens."""
    return services.opening_record(
        project=_project(request, pk), actor=request.user, **payload.dict()
    )


@router.post("/projects/{pk}/status", response=ProjectOut)
def set_status(request, pk: Id, payload: StatusIn):
    """Move a project on (programme managers): ready needs a device for every seat, opened
    needs the delivery and the opening event (422 says what is missing)."""
    return services.project_status(
        project=_project(request, pk), actor=request.user, status=payload.status
    )


@router.post("/projects/{pk}/photos", response={201: PhotoOut})
def add_photo(
    request,
    pk: Id,
    image: File[UploadedFile],
    caption: Form[of(ClassroomPhoto, "caption")],
):
    """Add a photo (multipart: `image`, `caption`): JPEG, PNG or WebP up to PHOTO_MAX_MB,
    stored re-encoded without EXIF (no GPS position); 422 otherwise. A new photo is internal:
    it appears on the public page once a consent to publish is recorded for it (a guardian's
    where children can be recognised) at /privacy/photos/<id>/."""
    photo = services.photo_add(
        project=_project(request, pk),
        actor=request.user,
        upload=image,
        caption=caption,
    )
    return Status(201, photo)


@router.get("/applications", response=list[ApplicationOut])
def list_applications(request, status: of(SchoolApplication, "status", null=True) = None):
    """School applications (staff only), newest first; filter by `status`."""
    require(request.user, "use_back_office")
    rows = SchoolApplication.objects.all()
    if status:
        rows = rows.filter(status=status)
    return list(rows[:500])


@router.post("/applications/{pk}/decision", response=ApplicationOut)
def decide(request, pk: Id, payload: DecisionIn):
    """Approve (creates the school and its contact account), decline with a reason, or ask
    for more information; the school is e-mailed."""
    require(request.user, "use_back_office")  # refused before an id says whether it exists
    application = get_object_or_404(SchoolApplication, pk=pk)
    return services.application_decide(
        application=application, actor=request.user, **payload.dict()
    )
