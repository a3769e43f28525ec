"""Collection-box workflows shared by the public page, the staff pages and the API."""

import hashlib
import hmac
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_ratelimit.core import get_usage

from greenit.accounts import permissions
from greenit.accounts.models import User
from greenit.core import categories
from greenit.core.limits import client_address
from greenit.donations import services as donation_services
from greenit.donations.models import Donation

from .models import BoxEmptying, BoxEmptyingWeight, BoxReport, CollectionBox


def client_hash(request) -> str:
    """A keyed hash of the client's address: enough to count reports, useless to trace anyone."""
    address = client_address(request)
    return hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()


def report_limited(request, box: CollectionBox) -> bool:
    """Counts one report per call, per client address and per box; True once either is over
    BOX_REPORT_RATE (django-ratelimit counts > limit, so this stops at the limit itself)."""
    usages = [
        get_usage(
            request,
            group="box-report-ip",
            key=lambda _group, req: client_hash(req),
            rate=settings.BOX_REPORT_RATE,
            increment=True,
        ),
        get_usage(
            request,
            group="box-report-box",
            key=lambda _group, _req: box.code,
            rate=settings.BOX_REPORT_RATE,
            increment=True,
        ),
    ]
    return any(usage is not None and usage["count"] > usage["limit"] for usage in usages)


def box_report(*, box: CollectionBox, kind: str, note: str = "", client: str = "") -> BoxReport:
    """Anyone says the box is full or damaged. A damaged box stays damaged until it is seen
    to; a removed box takes no reports."""
    if kind not in BoxReport.Kind.values:
        raise ValidationError({"kind": [_("Say whether the box is full or damaged.")]})
    if box.status == CollectionBox.Status.REMOVED:
        raise ValidationError(_("This box has been removed: there is nothing to report."))
    with transaction.atomic():
        box = CollectionBox.objects.select_for_update().get(pk=box.pk)
        report = BoxReport.objects.create(
            box=box, kind=kind, note=(note or "").strip()[:500], client_hash=client
        )
        if box.status != CollectionBox.Status.DAMAGED:
            box.status = kind
            box.save(update_fields=["status"])
    return report


def emptying_schedule(
    *, box: CollectionBox, actor, scheduled_for: date, assigned_to: User | None = None
) -> BoxEmptying:
    permissions.require(actor, "empty_boxes")
    if scheduled_for < timezone.localdate():
        raise ValidationError(
            {"scheduled_for": [_("That day has passed: choose today or a later day.")]}
        )
    if box.status == CollectionBox.Status.REMOVED:
        raise ValidationError(_("This box has been removed: it needs no emptying."))
    return BoxEmptying.objects.create(box=box, scheduled_for=scheduled_for, assigned_to=assigned_to)


@dataclass
class WeightInput:
    category: str
    weight_kg: Decimal
    devices: int = 0


def emptying_record(
    *,
    box: CollectionBox,
    actor,
    weights: list[WeightInput],
    notes: str = "",
    done_at=None,
) -> BoxEmptying:
    """Record an emptying: the loose weight per category (for impact), and, when devices were
    found, a donation from the host organisation (source: collection box) ready for intake.
    Completes the box's scheduled emptying if there is one; resets the box to in service and
    closes its open reports. All or nothing."""
    permissions.require(actor, "empty_boxes")
    errors: dict[str, list[str]] = {}
    if not weights:
        errors["weights"] = [_("Give the weight of at least one category.")]
    seen: set[str] = set()
    for n, row in enumerate(weights):
        try:
            categories.validate_accepted(row.category)
        except ValidationError as error:
            errors.setdefault(f"weights[{n}].category", []).extend(error.messages)
        if row.category in seen:
            errors.setdefault(f"weights[{n}].category", []).append(
                _("This category is listed twice: put its weight on one line.")
            )
        seen.add(row.category)
        if row.weight_kg is None or row.weight_kg <= 0:
            errors.setdefault(f"weights[{n}].weight_kg", []).append(
                _("Give the weight in kilograms, more than zero.")
            )
        if row.devices < 0:
            errors.setdefault(f"weights[{n}].devices", []).append(
                _("Give how many devices were found: zero or more.")
            )
    if errors:
        raise ValidationError(errors)
    now = done_at or timezone.now()
    with transaction.atomic():
        box = CollectionBox.objects.select_for_update().select_related("host").get(pk=box.pk)
        emptying = (
            box.emptyings.select_for_update()
            .filter(done_at__isnull=True)
            .order_by("scheduled_for", "pk")
            .first()
        ) or BoxEmptying(box=box)
        emptying.done_at = now
        emptying.done_by = actor
        emptying.notes = (notes or "").strip()
        found = [row for row in weights if row.devices]
        if found:
            emptying.donation = donation_services.donation_create(
                actor=actor,
                items=[
                    donation_services.ItemInput(category=row.category, quantity=row.devices)
                    for row in found
                ],
                source=Donation.Source.COLLECTION_BOX,
                donor_organisation=box.host,
                contact_name=actor.get_full_name() or actor.get_username(),
                status=Donation.Status.COLLECTED,
                notes=_("Found in collection box %(code)s at %(site)s.")
                % {"code": box.code, "site": box.site},
                **{k: getattr(box, k) for k in ("province", "city", "district", "street")},
            )
        emptying.save()
        BoxEmptyingWeight.objects.bulk_create(
            BoxEmptyingWeight(emptying=emptying, category=row.category, weight_kg=row.weight_kg)
            for row in weights
        )
        box.open_reports().update(resolved_at=now)
        box.status = CollectionBox.Status.OK
        box.last_emptied_at = now
        box.save(update_fields=["status", "last_emptied_at"])
    return emptying


BOX_FIELDS = ("code", "host", "site", "province", "city", "district", "street", "placed_on")


def box_place(*, actor, **fields) -> CollectionBox:
    """A new box at a host site; its sticker can be printed at once."""
    permissions.require(actor, "empty_boxes")
    if extra := set(fields) - set(BOX_FIELDS):
        raise TypeError(f"box_place() does not set {sorted(extra)}")
    box = CollectionBox(**fields)
    box.full_clean()
    box.save()
    return box


def box_update(*, box: CollectionBox, actor, status: str | None = None, **fields) -> CollectionBox:
    """Move, rename or take a box out of service. Putting a full or damaged box back in
    service, or removing it, closes its open reports: someone has seen to it."""
    permissions.require(actor, "empty_boxes")
    if extra := set(fields) - (set(BOX_FIELDS) - {"code"}):
        raise TypeError(f"box_update() does not set {sorted(extra)}")
    with transaction.atomic():
        box = CollectionBox.objects.select_for_update().get(pk=box.pk)
        for name, value in fields.items():
            setattr(box, name, value)
        if status is not None and status != box.status:
            if status not in (CollectionBox.Status.OK, CollectionBox.Status.REMOVED):
                raise ValidationError(
                    {"status": [_("A box is put in service or removed; reports say it is full.")]}
                )
            box.open_reports().update(resolved_at=timezone.now())
            box.status = status
        box.full_clean()
        box.save()
    return box
