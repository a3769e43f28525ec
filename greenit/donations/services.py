"""Donation workflows shared by the staff pages, the donor portal and the API."""

import uuid
from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from greenit.accounts import permissions
from greenit.accounts.models import User
from greenit.core import categories
from greenit.core.images import clean_photo
from greenit.core.mail import send_in_language

from .models import Donation, DonationItem, DonationPhoto, Pickup, PickupLine

MAX_PHOTOS = 5


def may_record_donation(user) -> bool:
    """Staff in logistics or the workshop record donations; donor contacts offer them."""
    if user.is_staff_member:
        return permissions.may(user, "record_donation")
    return bool(user.is_authenticated and user.organisation and user.organisation.is_donor)


def require_may_record_donation(user) -> None:
    if not may_record_donation(user):
        # Donor contacts hold no role: the table's refusal already names them.
        raise PermissionDenied(permissions.refusal("record_donation"))


@dataclass
class ItemInput:
    category: str
    quantity: int
    description: str = ""
    serials: str = ""


def _validation_errors(obj, prefix: str = "", exclude: tuple[str, ...] = ()) -> dict:
    try:
        obj.full_clean(exclude=list(exclude), validate_constraints=False)
    except ValidationError as error:
        return {f"{prefix}{field}": msgs for field, msgs in error.message_dict.items()}
    return {}


def donation_create(
    *,
    actor,
    items: list[ItemInput],
    source: str | None = None,
    photos: list | None = None,
    consent: bool = False,
    **fields,
) -> Donation:
    """Record a donation with its items in one transaction, or raise ValidationError naming
    every bad field (items as ``items[N].field``) and write nothing.

    Staff record donations for anyone; an external contact only offers for their own
    organisation; anyone (``source=PUBLIC``, no account) can only ever make an offer from a
    person or organisation named in the text, never tied to an account's organisation."""
    public = source == Donation.Source.PUBLIC
    if not public:
        require_may_record_donation(actor)
    if public:
        for key in ("donor_organisation", "donor_organisation_id", "status"):
            fields.pop(key, None)
        fields["status"] = Donation.Status.OFFERED
        fields["consent_at"] = timezone.now() if consent else None
        actor = actor if getattr(actor, "is_authenticated", False) else None
    elif not actor.is_staff_member:
        fields["donor_organisation_id"] = actor.organisation_id
        fields["status"] = Donation.Status.OFFERED
        fields.pop("donor_organisation", None)
        source = Donation.Source.PORTAL
    else:
        source = source or Donation.Source.STAFF
    fields.setdefault("language", (translation.get_language() or "en")[:10])
    donation = Donation(created_by=actor, reference=uuid.uuid4().hex[:20], source=source, **fields)
    errors = _validation_errors(donation, exclude=("reference",))
    if not donation.donor_organisation_id and not donation.donor_name.strip():
        errors.setdefault("donor_name", []).append(
            _("Name the donor: choose an organisation or type the name of the person.")
        )
    if public:
        if not consent:
            errors.setdefault("consent", []).append(
                _("Tick the box to agree that we may store these details to arrange the pickup.")
            )
        if not (donation.contact_email or donation.contact_phone):
            errors.setdefault("contact_email", []).append(
                _("Give an e-mail address or a phone number so that we can reach you.")
            )
    images = []
    if len(photos or []) > MAX_PHOTOS:
        errors["photos"] = [_("Send at most %(n)s photos.") % {"n": MAX_PHOTOS}]
    for upload in (photos or [])[:MAX_PHOTOS]:
        try:
            images.append(clean_photo(upload))
        except ValidationError as error:
            errors.setdefault("photos", []).extend(error.messages)
    if not items:
        errors["items"] = [_("List at least one item: a category and how many.")]
    rows = [
        DonationItem(
            category=i.category, quantity=i.quantity, description=i.description, serials=i.serials
        )
        for i in items
    ]
    for n, row in enumerate(rows):
        errors.update(_validation_errors(row, prefix=f"items[{n}].", exclude=("donation",)))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        donation.save()
        year = timezone.localtime(donation.created_at).year
        donation.reference = f"D{year}-{donation.pk:05d}"
        donation.save(update_fields=["reference"])
        for row in rows:
            row.donation = donation
        DonationItem.objects.bulk_create(rows)
        for image in images:
            DonationPhoto.objects.create(donation=donation, image=image)
    if donation.status == Donation.Status.OFFERED:
        notify_donor(donation, "offer_received")
    return donation


# E-mails to the donor ------------------------------------------------------------------

EMAIL_SUBJECTS = {
    "offer_received": lambda: _("We received your donation offer %(ref)s"),
    "accepted": lambda: _("Your donation %(ref)s is accepted"),
    "declined": lambda: _("About your donation offer %(ref)s"),
    "pickup_scheduled": lambda: _("Pickup of donation %(ref)s on %(date)s"),
    "collected": lambda: _("We collected donation %(ref)s: thank you"),
}


def notify_donor(donation: Donation, step: str, *, pickup: Pickup | None = None) -> bool:
    """Tell the donor, in the language they used, what happened; False if there is no address.

    Sent with Django's e-mail framework (console by default, SMTP when EMAIL_BACKEND says)."""
    return send_in_language(
        to=donation.notify_address,
        language=donation.language,
        subject=lambda: (
            EMAIL_SUBJECTS[step]()
            % {"ref": donation.reference, "date": pickup.date.isoformat() if pickup else ""}
        ),
        template=f"donations/email/{step}.txt",
        context={"donation": donation, "pickup": pickup},
    )


# Accepting and declining offers --------------------------------------------------------


def _locked_offer(donation: Donation) -> Donation:
    locked = Donation.objects.select_for_update().get(pk=donation.pk)
    if locked.status != Donation.Status.OFFERED:
        raise ValidationError(
            _("Donation %(ref)s is %(status)s, not an open offer: nothing changed.")
            % {"ref": locked.reference, "status": locked.get_status_display()}
        )
    return locked


def donation_accept(*, donation: Donation, actor) -> Donation:
    """Accept an open offer (logistics staff); the donor is told by e-mail."""
    permissions.require(actor, "handle_offers")
    with transaction.atomic():
        donation = _locked_offer(donation)
        donation.status = Donation.Status.ACCEPTED
        donation.decided_at = timezone.now()
        donation.decided_by = actor
        donation.save(update_fields=["status", "decided_at", "decided_by"])
    notify_donor(donation, "accepted")
    return donation


def donation_decline(*, donation: Donation, actor, reason: str) -> Donation:
    """Decline an open offer with a reason, which the donor reads in the e-mail."""
    permissions.require(actor, "handle_offers")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": [_("Say why the offer is declined: the donor reads this reason.")]}
        )
    with transaction.atomic():
        donation = _locked_offer(donation)
        donation.status = Donation.Status.DECLINED
        donation.decline_reason = reason
        donation.decided_at = timezone.now()
        donation.decided_by = actor
        donation.save(update_fields=["status", "decline_reason", "decided_at", "decided_by"])
    notify_donor(donation, "declined")
    return donation


# Pickups -------------------------------------------------------------------------------


def drivers():
    """People who may drive a pickup: active logistics staff."""
    return permissions.staff_who_may("handle_offers").order_by("first_name", "username")


def drivers_on(day: date):
    """The drivers with a scheduled pickup on `day`: each gets a day sheet."""
    return drivers().filter(pickups__date=day, pickups__status=Pickup.Status.SCHEDULED)


def day_sheet_stops(*, driver: User, day: date):
    """One driver's scheduled stops on one day, in window order."""
    return (
        Pickup.objects.filter(driver=driver, date=day, status=Pickup.Status.SCHEDULED)
        .select_related("donation", "donation__donor_organisation")
        .prefetch_related("lines")
        .order_by("window_start")
    )


def donations_awaiting_pickup():
    """Accepted donations with no pickup scheduled yet, newest first."""
    return (
        Donation.objects.filter(status=Donation.Status.ACCEPTED)
        .exclude(pickups__status=Pickup.Status.SCHEDULED)
        .select_related("donor_organisation")
    )


def pickup_schedule(
    *,
    donation: Donation,
    actor,
    date: date,
    window_start: time,
    window_end: time,
    driver: User,
    vehicle: str = "",
    notes: str = "",
    address: dict[str, str] | None = None,
) -> Pickup:
    """Schedule a pickup of an accepted donation; its lines start from the items offered.
    The address is the donation's unless another is given. The donor is told by e-mail."""
    permissions.require(actor, "handle_offers")
    errors: dict[str, list[str]] = {}
    if window_end <= window_start:
        errors["window_end"] = [_("The window ends before it starts: give a later end time.")]
    if not drivers().filter(pk=driver.pk).exists():
        errors["driver"] = [_("Choose a driver from the logistics team.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        donation = Donation.objects.select_for_update().get(pk=donation.pk)
        if donation.status != Donation.Status.ACCEPTED:
            raise ValidationError(
                _("Only accepted donations get a pickup; %(ref)s is %(status)s.")
                % {"ref": donation.reference, "status": donation.get_status_display()}
            )
        if donation.pickups.filter(status=Pickup.Status.SCHEDULED).exists():
            raise ValidationError(
                _("Donation %(ref)s already has a scheduled pickup: cancel it first.")
                % {"ref": donation.reference}
            )
        where = address or {
            k: getattr(donation, k) for k in ("province", "city", "district", "street")
        }
        pickup = Pickup.objects.create(
            donation=donation,
            date=date,
            window_start=window_start,
            window_end=window_end,
            driver=driver,
            vehicle=vehicle,
            notes=notes,
            created_by=actor,
            **where,
        )
        offered: dict[str, int] = {}
        for item in donation.items.all():
            offered[item.category] = offered.get(item.category, 0) + item.quantity
        PickupLine.objects.bulk_create(
            PickupLine(pickup=pickup, category=c, offered_quantity=q) for c, q in offered.items()
        )
    notify_donor(donation, "pickup_scheduled", pickup=pickup)
    return pickup


def pickup_cancel(*, pickup: Pickup, actor, reason: str = "") -> Pickup:
    permissions.require(actor, "handle_offers")
    with transaction.atomic():
        pickup = Pickup.objects.select_for_update().get(pk=pickup.pk)
        if pickup.status != Pickup.Status.SCHEDULED:
            raise ValidationError(_("Only a scheduled pickup can be cancelled."))
        pickup.status = Pickup.Status.CANCELLED
        pickup.notes = "\n".join(p for p in (pickup.notes, reason.strip()) if p)
        pickup.save(update_fields=["status", "notes"])
    return pickup


def pickup_record_collection(
    *,
    pickup: Pickup,
    actor,
    collected: dict[str, int],
    handed_over_by: str,
    weight_kg: Decimal | None = None,
    notes: str = "",
) -> Pickup:
    """Record what was really taken, per category (categories not offered are added), the
    weight and who handed it over. Differences from the offer are kept on the lines; the
    donation becomes collected; the donor is told by e-mail."""
    permissions.require(actor, "handle_offers")
    errors: dict[str, list[str]] = {}
    if not (handed_over_by or "").strip():
        errors["handed_over_by"] = [_("Write the name of the person who handed the items over.")]
    if weight_kg is not None and weight_kg < 0:
        errors["weight_kg"] = [_("The weight cannot be negative: give it in kilograms.")]
    for code, quantity in collected.items():
        try:
            categories.validate_accepted(code)
        except ValidationError as error:
            errors.setdefault(f"collected[{code}]", []).extend(error.messages)
        if quantity is None or quantity < 0:
            errors.setdefault(f"collected[{code}]", []).append(
                _("Give how many were taken: zero or more.")
            )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        pickup = Pickup.objects.select_for_update().select_related("donation").get(pk=pickup.pk)
        if pickup.status != Pickup.Status.SCHEDULED:
            raise ValidationError(
                _("This pickup is %(status)s: its collection cannot be recorded again.")
                % {"status": pickup.get_status_display()}
            )
        lines = {line.category: line for line in pickup.lines.all()}
        for code, line in lines.items():
            line.collected_quantity = collected.get(code, 0)
        PickupLine.objects.bulk_update(lines.values(), ["collected_quantity"])
        PickupLine.objects.bulk_create(
            PickupLine(pickup=pickup, category=code, offered_quantity=0, collected_quantity=n)
            for code, n in collected.items()
            if code not in lines and n
        )
        pickup.status = Pickup.Status.COLLECTED
        pickup.handed_over_by = handed_over_by.strip()
        pickup.weight_kg = weight_kg
        pickup.collected_at = timezone.now()
        pickup.notes = "\n".join(p for p in (pickup.notes, notes.strip()) if p)
        pickup.save(
            update_fields=["status", "handed_over_by", "weight_kg", "collected_at", "notes"]
        )
        donation = pickup.donation
        if donation.status == Donation.Status.ACCEPTED:
            donation.status = Donation.Status.COLLECTED
            donation.save(update_fields=["status"])
    notify_donor(donation, "collected", pickup=pickup)
    return pickup
