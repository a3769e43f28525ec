"""Donation workflows shared by the staff pages, the donor portal and the API."""

import uuid
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from greenit.accounts.models import Role

from .models import Donation, DonationItem

RECORDING_ROLES = (Role.LOGISTICS, Role.TECHNICIAN)


def may_record_donation(user) -> bool:
    """Staff in logistics or the workshop record donations; donor contacts offer them."""
    if user.is_staff_member:
        return user.has_role(*RECORDING_ROLES)
    return bool(user.is_authenticated and user.organisation and user.organisation.is_donor)


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


def donation_create(*, actor, items: list[ItemInput], **fields) -> Donation:
    """Record a donation with its items in one transaction, or raise ValidationError naming
    every bad field (items as ``items[N].field``) and write nothing.

    Staff record donations for anyone; an external contact only for their own organisation."""
    if not may_record_donation(actor):
        raise PermissionDenied(
            _("Only logistics staff, technicians and donor contacts record donations.")
        )
    if not actor.is_staff_member:
        fields["donor_organisation_id"] = actor.organisation_id
        fields["status"] = Donation.Status.OFFERED
        fields.pop("donor_organisation", None)
    donation = Donation(created_by=actor, reference=uuid.uuid4().hex[:20], **fields)
    errors = _validation_errors(donation, exclude=("reference",))
    if not donation.donor_organisation_id and not donation.donor_name.strip():
        errors.setdefault("donor_name", []).append(
            _("Name the donor: choose an organisation or type the name of the person.")
        )
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
    return donation
