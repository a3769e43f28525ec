"""Downstream due diligence (R2v3 Appendix A, e-Stewards): a recycler's output streams, the
vendors at each tier after it with their licences, the loads shipped with their bills of
lading, and the report of where every stream ends. Pages and the API call these functions."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from greenit.accounts import permissions

from .models import (
    DownstreamVendor,
    FocusMaterial,
    MaterialStream,
    StreamShipment,
    StreamTier,
    VendorLicence,
)


def _saved(obj, unique_message: dict | None = None):
    """Validate and save `obj`; a refusal names the field (a duplicate its own message)."""
    obj.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError:
        raise ValidationError(unique_message or _("This is recorded already.")) from None
    return obj


def vendor_record(*, actor, name: str, country: str = "", address: str = "") -> DownstreamVendor:
    permissions.require(actor, "recycle")
    vendor = DownstreamVendor(
        name=name.strip(), country=country.strip() or "中国", address=address.strip()
    )
    return _saved(vendor, {"name": _("A vendor with this name is recorded already.")})


def vendor_licence_record(
    *, actor, vendor: DownstreamVendor, kind: str, number: str, issuer: str, valid_until: date
) -> VendorLicence:
    """A vendor's licence; an expired one may be recorded (it is then flagged in the report)."""
    permissions.require(actor, "recycle")
    licence = VendorLicence(
        vendor=vendor,
        kind=kind,
        number=number.strip(),
        issuer=issuer.strip(),
        valid_until=valid_until,
    )
    return _saved(licence, {"number": _("This licence is recorded already for this vendor.")})


def stream_record(*, actor, recycler, name: str, focus_material: str = "") -> MaterialStream:
    permissions.require(actor, "recycle")
    if not recycler.is_recycler:
        raise ValidationError({"recycler": _("Choose an organisation marked as a recycler.")})
    stream = MaterialStream(recycler=recycler, name=name.strip(), focus_material=focus_material)
    return _saved(stream, {"name": _("This recycler has a stream of this name already.")})


def tier_record(
    *,
    actor,
    stream: MaterialStream,
    tier: int,
    vendor: DownstreamVendor,
    process: str,
    final_disposition: str = "",
) -> StreamTier:
    """Name the vendor at one tier of a stream (2 receives from the recycler)."""
    permissions.require(actor, "recycle")
    if tier < 2:
        raise ValidationError(
            {"tier": _("Tier 1 is the recycler itself: its vendors start at tier 2.")}
        )
    row = StreamTier(
        stream=stream,
        tier=tier,
        vendor=vendor,
        process=process.strip(),
        final_disposition=final_disposition,
    )
    return _saved(row, {"tier": _("This stream names a vendor at this tier already.")})


def shipment_record(
    *, actor, stream: MaterialStream, shipped_on: date, weight_kg: Decimal, bill_of_lading: str
) -> StreamShipment:
    """A load of a stream leaving the recycler for its tier-2 vendor."""
    permissions.require(actor, "recycle")
    errors = {}
    if shipped_on > timezone.localdate():
        errors["shipped_on"] = _("The shipment date cannot be in the future.")
    if weight_kg is None or weight_kg <= 0:
        errors["weight_kg"] = _("Enter the weight shipped, in kilograms, more than 0.")
    if not bill_of_lading.strip():
        errors["bill_of_lading"] = _("Enter the bill of lading (or transfer manifest) number.")
    if errors:
        raise ValidationError(errors)
    shipment = StreamShipment(
        stream=stream,
        shipped_on=shipped_on,
        weight_kg=weight_kg,
        bill_of_lading=bill_of_lading.strip(),
    )
    return _saved(shipment)


@dataclass
class StreamFlow:
    """One stream's chain as the report shows it, with what is missing or out of date."""

    stream: MaterialStream
    tiers: list[StreamTier]
    shipped_kg: Decimal
    shipments: int
    problems: list[str] = field(default_factory=list)

    @property
    def final(self) -> StreamTier | None:
        last = self.tiers[-1] if self.tiers else None
        return last if last and last.final_disposition else None


def _problems(tiers: list[StreamTier], today: date) -> list[str]:
    problems = []
    if not tiers:
        return [_("No downstream vendor named.")]
    expected = list(range(2, 2 + len(tiers)))
    if [t.tier for t in tiers] != expected:
        problems.append(_("The tiers have a gap: name a vendor at every tier from 2."))
    for t in tiers:
        licences = list(t.vendor.licences.all())
        if not licences:
            problems.append(
                _("Tier %(tier)s (%(vendor)s) has no licence recorded.")
                % {"tier": t.tier, "vendor": t.vendor}
            )
        elif all(lic.valid_until < today for lic in licences):
            problems.append(
                _("Tier %(tier)s (%(vendor)s): every licence has expired.")
                % {"tier": t.tier, "vendor": t.vendor}
            )
    if not tiers[-1].final_disposition:
        problems.append(_("No final disposition: the last vendor named passes it on."))
    if any(t.final_disposition for t in tiers[:-1]):
        problems.append(_("A final disposition is named before the last tier."))
    return problems


def flow_report(*, user, start: date | None = None, end: date | None = None) -> list[StreamFlow]:
    """Every stream the user may see, its chain to the final disposition, the kilograms and
    loads shipped in the period, and its problems (expired licences, missing tiers)."""
    streams = (
        MaterialStream.objects.visible_to(user)
        .select_related("recycler")
        .prefetch_related("tiers__vendor__licences")
    )
    shipments = StreamShipment.objects.filter(stream__in=streams)
    if start:
        shipments = shipments.filter(shipped_on__gte=start)
    if end:
        shipments = shipments.filter(shipped_on__lte=end)
    totals = {
        row["stream"]: row
        for row in shipments.order_by()
        .values("stream")
        .annotate(kg=Sum("weight_kg"), loads=Count("pk"))
    }
    today = timezone.localdate()
    flows = []
    for stream in streams:
        tiers = sorted(stream.tiers.all(), key=lambda t: t.tier)
        row = totals.get(stream.pk, {})
        flows.append(
            StreamFlow(
                stream=stream,
                tiers=tiers,
                shipped_kg=row.get("kg") or Decimal(0),
                shipments=row.get("loads") or 0,
                problems=_problems(tiers, today),
            )
        )
    return flows


def focus_summary(flows: list[StreamFlow]) -> list[tuple[str, list[StreamFlow]]]:
    """Each focus material with the streams that carry it (an empty list: none is tracked,
    which the page points out), in R2v3's order."""
    return [
        (material.label, [f for f in flows if f.stream.focus_material == material.value])
        for material in FocusMaterial
        if material.value
    ]


CSV_HEADER = [
    "recycler",
    "stream",
    "focus_material",
    "tier",
    "vendor",
    "country",
    "process",
    "licences",
    "licence_expired",
    "final_disposition",
    "shipped_kg",
    "shipments",
    "problems",
]


def flow_rows(flows: list[StreamFlow]) -> list[list]:
    """One row per tier of each stream (a stream with none: one row), stream figures repeated."""
    rows: list[list] = [CSV_HEADER]
    today = timezone.localdate()
    for flow in flows:
        base = [
            str(flow.stream.recycler),
            flow.stream.name,
            flow.stream.focus_material,
        ]
        tail = [flow.shipped_kg, flow.shipments, " | ".join(flow.problems)]
        for t in flow.tiers or [None]:
            if t is None:
                middle = ["", "", "", "", "", "", ""]
            else:
                licences = list(t.vendor.licences.all())
                middle = [
                    t.tier,
                    t.vendor.name,
                    t.vendor.country,
                    t.process,
                    "; ".join(
                        f"{lic.number} ({lic.issuer}, {lic.valid_until})" for lic in licences
                    ),
                    "yes" if any(lic.valid_until < today for lic in licences) else "no",
                    t.final_disposition,
                ]
            rows.append([*base, *middle, *tail])
    return rows
