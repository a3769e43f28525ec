from datetime import date, datetime, time
from decimal import Decimal
from typing import Annotated

from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from greenit.accounts.models import User
from greenit.accounts.permissions import find_for
from greenit.core.schema_types import Count, Day, Id, Limit, RequiredText, decimal, of, text

from . import receipts, services
from .models import Donation, DonationItem, DonationReceipt, Pickup

router = Router(tags=["donations"])


class ItemIn(Schema):
    category: of(DonationItem, "category", enum=False) = Field(
        description="Category code, see GET /api/donations/categories"
    )
    quantity: of(DonationItem, "quantity")
    description: of(DonationItem, "description") = ""
    serials: list[text(100)] = []


class DonationIn(Schema):
    donor_organisation_id: Id | None = Field(
        None, description="Staff only; a donor contact always gives for their own organisation"
    )
    donor_name: of(Donation, "donor_name") = ""
    contact_name: of(Donation, "contact_name")
    contact_phone: of(Donation, "contact_phone") = ""
    contact_email: of(Donation, "contact_email") = ""
    province: of(Donation, "province") = ""
    city: of(Donation, "city") = ""
    district: of(Donation, "district") = ""
    street: of(Donation, "street") = ""
    notes: of(Donation, "notes") = ""
    items: list[ItemIn]


class ItemOut(Schema):
    category: str
    quantity: int
    description: str
    serials: list[str] = Field(alias="serial_list")


class DonationOut(Schema):
    id: int
    reference: str
    donor: str
    donor_organisation_id: int | None
    contact_name: str
    province: str
    city: str
    district: str
    street: str
    status: str
    source: str
    preferred_from: date | None
    preferred_to: date | None
    decline_reason: str
    created_at: datetime
    items: list[ItemOut]

    @staticmethod
    def resolve_items(obj: Donation):
        return list(obj.items.all())


class DeclineIn(Schema):
    reason: RequiredText = Field(description="Why; the donor reads it in the e-mail")


class CategoryOut(Schema):
    code: str
    en: str
    zh: str
    holds_data: bool
    refused: bool


@router.get("/categories", response=list[CategoryOut], auth=None)
def list_categories(request):
    """Device categories with their English and Chinese names; no login needed. Refused
    ones (fluorescent tubes) are listed with `refused: true`."""
    from greenit.core.categories import all_categories

    return list(all_categories().values())


@router.get("", response=list[DonationOut])
def list_donations(
    request,
    status: of(Donation, "status", null=True) = None,
    before_id: Id | None = None,
    limit: Limit = 50,
):
    """Newest first; page with `before_id` = the last id of the previous page."""
    qs = Donation.objects.visible_to(request.user).select_related("donor_organisation")
    if status:
        qs = qs.filter(status=status)
    if before_id:
        qs = qs.filter(pk__lt=before_id)
    return list(qs.prefetch_related("items").order_by("-pk")[: max(1, min(limit, 200))])


class PickupLineOut(Schema):
    category: str
    offered_quantity: int
    collected_quantity: int | None
    difference: int


class PickupOut(Schema):
    id: int
    donation_id: int
    date: date
    window_start: time
    window_end: time
    driver_id: int
    vehicle: str
    province: str
    city: str
    district: str
    street: str
    status: str
    handed_over_by: str
    weight_kg: Decimal | None
    lines: list[PickupLineOut]

    @staticmethod
    def resolve_lines(obj: Pickup):
        return list(obj.lines.all())


class PickupIn(Schema):
    date: Day
    window_start: time
    window_end: time
    driver_id: Id = Field(description="A member of the logistics team")
    vehicle: of(Pickup, "vehicle") = ""
    notes: of(Pickup, "notes") = ""


class CollectionIn(Schema):
    collected: dict[text(30), Count] = Field(
        description="Quantity taken per category code, including categories not offered"
    )
    handed_over_by: of(Pickup, "handed_over_by")
    weight_kg: of(Pickup, "weight_kg", null=False, ge=0) | None = None
    notes: of(Pickup, "notes") = ""


# Before /{donation_id}: "pickups" would otherwise be read as a donation id.
@router.get("/pickups", response=list[PickupOut])
def list_pickups(request, date: Day | None = None, driver_id: Id | None = None):
    """Pickups the caller may see (a donor contact: their organisation's), by date and driver."""
    qs = Pickup.objects.visible_to(request.user).prefetch_related("lines")
    if date:
        qs = qs.filter(date=date)
    if driver_id:
        qs = qs.filter(driver_id=driver_id)
    return list(qs.order_by("date", "window_start")[:500])


@router.get("/pickups/{pickup_id}", response=PickupOut)
def get_pickup(request, pickup_id: Id):
    """One pickup with offered and collected quantities per category; 404 if not yours."""
    return get_object_or_404(Pickup.objects.visible_to(request.user), pk=pickup_id)


class ReceiptLineOut(Schema):
    category: str
    quantity: int
    specification: str
    value: str | None = Field(description="Declared value in yuan; null when none is declared")


class ReceiptOut(Schema):
    id: int
    donation_id: int
    status: str
    number: str | None
    issuer: str
    donor: str
    project: str
    lines: list[ReceiptLineOut]
    issued_at: datetime | None
    withdrawn_at: datetime | None
    withdrawal_reason: str


class ReceiptLineIn(Schema):
    quantity: Annotated[int, Field(ge=1, le=1_000_000)]
    specification: text(200) = ""
    value: decimal(12, 2, ge=Decimal(0)) | None = None


class ReceiptIn(Schema):
    donor: of(DonationReceipt, "donor")
    project: of(DonationReceipt, "project") = ""
    lines: list[ReceiptLineIn] = Field(description="One per line of the draft, in its order")


class WithdrawIn(Schema):
    reason: RequiredText


def _receipt(request, receipt_id: int) -> DonationReceipt:
    return get_object_or_404(DonationReceipt.objects.visible_to(request.user), pk=receipt_id)


@router.get("/receipts", response=list[ReceiptOut])
def list_receipts(request, year: Annotated[int, Field(ge=1, le=9999)] | None = None):
    """Donation receipts, newest first: staff see all, a donor's contacts its issued and
    withdrawn ones."""
    qs = DonationReceipt.objects.visible_to(request.user)
    if year:
        qs = qs.filter(year=year)
    return list(qs[:500])


@router.get("/receipts/{receipt_id}", response=ReceiptOut)
def get_receipt(request, receipt_id: Id):
    """One receipt; 404 for one the caller may not see."""
    return _receipt(request, receipt_id)


@router.post("/{donation_id}/receipts", response={201: ReceiptOut})
def draft_receipt(request, donation_id: Id):
    """Draft a receipt for a received donation (logistics), its lines the donation's items."""
    donation = find_for(request.user, Donation.objects, action="issue_receipts", pk=donation_id)
    return Status(201, receipts.receipt_draft(donation=donation, actor=request.user))


@router.put("/receipts/{receipt_id}", response=ReceiptOut)
def update_receipt(request, receipt_id: Id, payload: ReceiptIn):
    """Change a draft (donor as printed, project, each line's quantity, specification and
    declared value); 422 once issued."""
    receipt = find_for(
        request.user, DonationReceipt.objects, action="issue_receipts", pk=receipt_id
    )
    lines = [receipts.LineInput(**line) for line in payload.dict()["lines"]]
    return receipts.receipt_update(
        receipt=receipt,
        actor=request.user,
        donor=payload.donor,
        project=payload.project,
        lines=lines,
    )


@router.post("/receipts/{receipt_id}/issue", response=ReceiptOut)
def issue_receipt(request, receipt_id: Id):
    """Issue a draft: it gets the next number of the year and can no longer change."""
    receipt = find_for(
        request.user, DonationReceipt.objects, action="issue_receipts", pk=receipt_id
    )
    return receipts.receipt_issue(receipt=receipt, actor=request.user)


@router.post("/receipts/{receipt_id}/withdraw", response=ReceiptOut)
def withdraw_receipt(request, receipt_id: Id, payload: WithdrawIn):
    """Withdraw an issued receipt with a reason: it is kept, its number never reused."""
    receipt = find_for(
        request.user, DonationReceipt.objects, action="issue_receipts", pk=receipt_id
    )
    return receipts.receipt_withdraw(receipt=receipt, actor=request.user, reason=payload.reason)


@router.get("/{donation_id}", response=DonationOut)
def get_donation(request, donation_id: Id):
    """One donation with its items; 404 for a donation the caller may not see."""
    return get_object_or_404(Donation.objects.visible_to(request.user), pk=donation_id)


@router.post("", response={201: DonationOut})
def create_donation(request, payload: DonationIn):
    """Record a donation with its items, all or nothing. A donor contact always offers for
    their own organisation; a refused category answers 422 with the reason."""
    data = payload.dict()
    items = [
        services.ItemInput(
            category=i["category"],
            quantity=i["quantity"],
            description=i["description"],
            serials="\n".join(i["serials"]),
        )
        for i in data.pop("items")
    ]
    donation = services.donation_create(actor=request.user, items=items, **data)
    return Status(201, donation)


@router.post("/{donation_id}/accept", response=DonationOut)
def accept_offer(request, donation_id: Id):
    """Accept an open offer (logistics staff); the donor is told by e-mail. 422 when the
    donation is not an open offer."""
    donation = get_object_or_404(Donation.objects.visible_to(request.user), pk=donation_id)
    return services.donation_accept(donation=donation, actor=request.user)


@router.post("/{donation_id}/decline", response=DonationOut)
def decline_offer(request, donation_id: Id, payload: DeclineIn):
    """Decline an open offer with a reason (required; logistics staff); the donor is told
    by e-mail."""
    donation = get_object_or_404(Donation.objects.visible_to(request.user), pk=donation_id)
    return services.donation_decline(donation=donation, actor=request.user, reason=payload.reason)


@router.post("/{donation_id}/pickups", response={201: PickupOut})
def schedule_pickup(request, donation_id: Id, payload: PickupIn):
    """Schedule a pickup of an accepted donation (logistics); the donor is told by e-mail."""
    donation = get_object_or_404(Donation.objects.visible_to(request.user), pk=donation_id)
    data = payload.dict()
    driver = find_for(request.user, User.objects, action="handle_offers", pk=data.pop("driver_id"))
    pickup = services.pickup_schedule(donation=donation, actor=request.user, driver=driver, **data)
    return Status(201, pickup)


@router.post("/pickups/{pickup_id}/collection", response=PickupOut)
def record_collection(request, pickup_id: Id, payload: CollectionIn):
    """Record what was really taken, the weight and who handed it over (logistics); the
    differences from the offer stay on the lines."""
    pickup = get_object_or_404(Pickup.objects.visible_to(request.user), pk=pickup_id)
    return services.pickup_record_collection(pickup=pickup, actor=request.user, **payload.dict())
