"""Recycling batches: devices and loose weight by category go to one licensed recycler.
Pages and the API call these functions; every device moves through the lifecycle."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from greenit.accounts import permissions
from greenit.accounts.models import Organisation
from greenit.assets import lifecycle
from greenit.assets.models import Asset, State
from greenit.assets.notes import SystemNote
from greenit.core import categories, files

from .models import BatchLooseWeight, RecyclerLicence, RecyclingBatch, RecyclingBatchItem


def valid_recyclers(day: date | None = None):
    """Recyclers with at least one licence or certification valid on `day` (today)."""
    day = day or timezone.localdate()
    valid = RecyclerLicence.objects.valid_on(day).values("organisation_id")
    return Organisation.objects.filter(is_recycler=True, pk__in=valid)


def _check_recycler(recycler: Organisation, day: date, field: str = "recycler") -> None:
    if not valid_recyclers(day).filter(pk=recycler.pk).exists():
        raise ValidationError(
            {
                field: _(
                    "%(name)s has no licence or certification valid on %(day)s: choose another "
                    "recycler, or record their renewed licence first."
                )
                % {"name": recycler, "day": day.isoformat()}
            }
        )


def batch_create(*, recycler: Organisation, actor, notes: str = "") -> RecyclingBatch:
    permissions.require(actor, "recycle")
    _check_recycler(recycler, timezone.localdate())
    year = timezone.localdate().year
    for _attempt in range(5):
        count = RecyclingBatch.objects.filter(number__startswith=f"RB{year}-").count()
        try:
            with transaction.atomic():
                return RecyclingBatch.objects.create(
                    number=f"RB{year}-{count + 1:04d}",
                    recycler=recycler,
                    created_by=actor,
                    notes=notes,
                )
        except IntegrityError:
            continue
    raise RuntimeError("could not number the batch")


def _require_open(batch: RecyclingBatch) -> None:
    if batch.status != RecyclingBatch.Status.OPEN:
        raise ValidationError(
            _("Batch %(number)s is %(status)s: it can no longer change.")
            % {"number": batch.number, "status": batch.get_status_display()}
        )


def batch_add_device(*, batch: RecyclingBatch, code: str, actor) -> Asset:
    """Add the device with this asset tag or serial: it moves to recycling (so every guard
    of the lifecycle applies); a device already in recycling just joins the batch."""
    permissions.require(actor, "recycle")
    _require_open(batch)
    found = list(Asset.objects.find(code)[:2]) if code.strip() else []
    if not found:
        raise ValidationError(
            {"code": _("No device has the tag or serial “%(code)s”.") % {"code": code}}
        )
    if len(found) > 1:
        raise ValidationError(
            {
                "code": _("Several devices have serial “%(code)s”: scan the asset tag.")
                % {"code": code}
            }
        )
    asset = found[0]
    if categories.get(asset.category).refused:
        raise ValidationError({"code": categories.MERCURY_REFUSAL})
    with transaction.atomic():
        existing = RecyclingBatchItem.objects.filter(asset=asset).select_related("batch").first()
        if existing is not None:
            raise ValidationError(
                {
                    "code": _("%(tag)s is already in batch %(number)s.")
                    % {"tag": asset.display_tag, "number": existing.batch.number}
                }
            )
        if asset.state != State.RECYCLING:
            lifecycle.transition(
                asset,
                State.RECYCLING,
                actor=actor,
                note=SystemNote.of(gettext_noop("Recycling batch %(number)s"), number=batch.number),
            )
        RecyclingBatchItem.objects.create(batch=batch, asset=asset)
    return asset


def batch_remove_device(*, batch: RecyclingBatch, asset: Asset, actor) -> None:
    """Take a device out of an open batch; it goes back to received."""
    permissions.require(actor, "recycle")
    _require_open(batch)
    with transaction.atomic():
        deleted, _rows = RecyclingBatchItem.objects.filter(batch=batch, asset=asset).delete()
        if not deleted:
            raise ValidationError(_("%(tag)s is not in this batch.") % {"tag": asset.display_tag})
        lifecycle.transition(
            asset,
            State.RECEIVED,
            actor=actor,
            note=SystemNote.of(
                gettext_noop("Taken out of recycling batch %(number)s"), number=batch.number
            ),
        )


def batch_set_loose_weight(
    *, batch: RecyclingBatch, category: str, weight_kg: Decimal, actor
) -> BatchLooseWeight | None:
    """The loose weight of one category in the batch (0 removes it). Mercury lamps never
    enter a batch."""
    permissions.require(actor, "recycle")
    _require_open(batch)
    try:
        categories.validate_accepted(category)
    except ValidationError as error:
        raise ValidationError({"category": error.messages}) from None
    if weight_kg < 0:
        raise ValidationError({"weight_kg": _("A weight cannot be negative.")})
    if weight_kg == 0:
        BatchLooseWeight.objects.filter(batch=batch, category=category).delete()
        return None
    loose, _created = BatchLooseWeight.objects.update_or_create(
        batch=batch, category=category, defaults={"weight_kg": weight_kg}
    )
    return loose


def batch_set_loose_weights(
    *, batch: RecyclingBatch, weights: Iterable[tuple[str, Decimal]], actor
) -> None:
    """The loose weights of a whole form, all or nothing: a category given 0 that the batch
    does not hold is left alone, one it holds is removed."""
    permissions.require(actor, "recycle")
    held = set(batch.loose.values_list("category", flat=True))
    with transaction.atomic():
        for category, weight_kg in weights:
            if weight_kg or category in held:
                batch_set_loose_weight(
                    batch=batch, category=category, weight_kg=weight_kg, actor=actor
                )


def batch_ship(
    *,
    batch: RecyclingBatch,
    shipped_on: date,
    transporter: str,
    vehicle: str,
    weight_ticket,
    weight_ticket_kg: Decimal,
    actor,
    bill_of_lading: str = "",
) -> RecyclingBatch:
    """Record the shipment: date, transporter, vehicle, the weight ticket and the bill of
    lading (or transfer manifest) number when there is one."""
    permissions.require(actor, "recycle")
    _require_open(batch)
    errors = {}
    if not transporter.strip():
        errors["transporter"] = _("Name the transport company or driver.")
    if weight_ticket_kg is None or weight_ticket_kg <= 0:
        errors["weight_ticket_kg"] = _("Enter the weight on the ticket, in kilograms.")
    if shipped_on > timezone.localdate():
        errors["shipped_on"] = _("The shipment date cannot be in the future.")
    if len(bill_of_lading.strip()) > 100:
        errors["bill_of_lading"] = _("Keep the bill of lading number to 100 characters.")
    if errors:
        raise ValidationError(errors)
    weight_ticket = files.clean_upload(weight_ticket, field="weight_ticket")
    if not batch.items.exists() and not batch.loose.exists():
        raise ValidationError(_("The batch is empty: add devices or loose weight first."))
    _check_recycler(batch.recycler, shipped_on)
    batch.shipped_on = shipped_on
    batch.transporter = transporter.strip()
    batch.vehicle = vehicle.strip()
    batch.bill_of_lading = bill_of_lading.strip()
    batch.weight_ticket_kg = weight_ticket_kg
    batch.weight_ticket.save(weight_ticket.name, weight_ticket, save=False)
    batch.status = RecyclingBatch.Status.SHIPPED
    batch.save()
    return batch


def batch_close(*, batch: RecyclingBatch, certificate, certificate_number: str, actor):
    """With the recycler's certificate of recycling, every device in the batch becomes
    recycled, in one transaction: if the lifecycle refuses one, nothing changes and the
    message names that device."""
    permissions.require(actor, "recycle")
    if batch.status != RecyclingBatch.Status.SHIPPED:
        raise ValidationError(
            _("Record the shipment (date and weight ticket) before closing the batch.")
        )
    if not certificate_number.strip():
        raise ValidationError(
            {"certificate_number": _("Enter the number of the certificate of recycling.")}
        )
    certificate = files.clean_upload(certificate, field="certificate")
    with transaction.atomic():
        items = batch.items.select_related("asset").order_by("pk")
        for item in items:
            try:
                lifecycle.transition(
                    item.asset,
                    State.RECYCLED,
                    actor=actor,
                    note=SystemNote.of(
                        gettext_noop("Batch %(number)s, certificate %(cert)s"),
                        number=batch.number,
                        cert=certificate_number.strip(),
                    ),
                )
            except (ValidationError, PermissionDenied) as error:
                text = " ".join(error.messages) if isinstance(error, ValidationError) else error
                raise ValidationError(
                    _("%(tag)s cannot be marked recycled: %(why)s Nothing was changed.")
                    % {"tag": item.asset.display_tag, "why": text}
                ) from None
        batch.certificate.save(certificate.name, certificate, save=False)
        batch.certificate_number = certificate_number.strip()
        batch.status = RecyclingBatch.Status.CLOSED
        batch.closed_at = timezone.now()
        batch.closed_by = actor
        batch.save()
    return batch


def licence_record(*, actor, **fields) -> RecyclerLicence:
    """A recycler's new or renewed licence or certification, with its document."""
    permissions.require(actor, "recycle")
    if fields.get("document"):
        fields["document"] = files.clean_upload(fields["document"], field="document")
    licence = RecyclerLicence(**fields)
    licence.full_clean()
    licence.save()
    return licence


def recycled_weights(batches=None) -> dict[str, Decimal]:
    """Kilograms recycled per category (devices by their recorded weight, plus loose weight)
    over closed batches, for the impact figures."""
    batches = batches if batches is not None else RecyclingBatch.objects.all()
    closed = batches.filter(status=RecyclingBatch.Status.CLOSED)
    totals: dict[str, Decimal] = {}
    device_rows = (
        Asset.objects.filter(recycling_item__batch__in=closed)
        .order_by()
        .values_list("category")
        .annotate(kg=Sum("weight_kg"))
    )
    loose_rows = (
        BatchLooseWeight.objects.filter(batch__in=closed)
        .order_by()
        .values_list("category")
        .annotate(kg=Sum("weight_kg"))
    )
    for category, kg in [*device_rows, *loose_rows]:
        totals[category] = totals.get(category, Decimal(0)) + (kg or Decimal(0))
    return totals


GRAM = Decimal("0.001")


@dataclass(frozen=True)
class TicketShare:
    """A batch's weight spread over its devices and its loose weight (kilograms, to the gram).

    `devices` and `loose_by_category` add up to exactly `total_kg`: the weight ticket when the
    batch has one, else the recorded weights. `from_ticket` says which; `unweighed` lists the
    devices that had neither a weight nor a factor weight (they get 0 kg and should be named
    as a gap, not hidden)."""

    devices: dict[int, Decimal]
    loose_kg: Decimal
    loose_by_category: dict[str, Decimal]
    total_kg: Decimal
    from_ticket: bool
    unweighed: list[int] = field(default_factory=list)


def _spread(shares: dict, total: Decimal) -> dict:
    """Split `total` over `shares` in proportion, rounded to the gram, the rounding left on the
    largest share so that the parts add up to the total exactly."""
    whole = sum(shares.values(), Decimal(0))
    if not shares or whole <= 0:
        return dict.fromkeys(shares, Decimal(0))
    parts = {key: (total * kg / whole).quantize(GRAM) for key, kg in shares.items()}
    largest = max(shares, key=lambda key: (shares[key], str(key)))
    parts[largest] += total.quantize(GRAM) - sum(parts.values(), Decimal(0))
    return parts


def weight_per_device(
    batch: RecyclingBatch, *, factor_weight: Callable[[str], Decimal | None] | None = None
) -> TicketShare:
    """Each device's and the loose weight's share of the batch's weight ticket.

    A device counts with its weighed weight, else with `factor_weight(category)` (impact's
    factor table: recycling sits below impact, so the caller passes it in); the ticket's
    kilograms are then shared out in proportion to those weights and the loose weights. With
    no ticket yet (open batch) the recorded weights are returned as they are."""
    devices: dict[int, Decimal] = {}
    unweighed: list[int] = []
    for asset_id, category, kg in batch.items.order_by("asset_id").values_list(
        "asset_id", "asset__category", "asset__weight_kg"
    ):
        kg = kg if kg is not None else (factor_weight(category) if factor_weight else None)
        if kg is None:
            unweighed.append(asset_id)
        devices[asset_id] = kg or Decimal(0)
    loose = dict(batch.loose.values_list("category", "weight_kg"))
    recorded = {("device", k): v for k, v in devices.items()}
    recorded |= {("loose", k): v for k, v in loose.items()}
    ticket = batch.weight_ticket_kg
    parts = (
        _spread(recorded, ticket) if ticket else {k: v.quantize(GRAM) for k, v in recorded.items()}
    )
    loose_parts = {k: parts[("loose", k)] for k in loose}
    return TicketShare(
        devices={k: parts[("device", k)] for k in devices},
        loose_kg=sum(loose_parts.values(), Decimal(0)),
        loose_by_category=loose_parts,
        total_kg=sum(parts.values(), Decimal(0)),
        from_ticket=bool(ticket and sum(recorded.values(), Decimal(0)) > 0),
        unweighed=unweighed,
    )
