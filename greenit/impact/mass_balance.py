"""Mass balance of the organisation for a period, per category, in kilograms (docs/disclosure.md).

    in (intake of devices + loose weight from box emptyings)
      = out (deployed + recycled + other disposal) + change in stock + recorded losses

* **in**: devices received in the period (past *expected*, dated by their record), at their own
  weight when weighed, else their category's typical weight; the loose weight of every box
  emptying done in the period (weighed). A pickup's weighed total is the same material as its
  donation's devices, so it is not added: it is checked against them (``pickups``).
* **out**: devices deployed in the period (preparation for reuse); devices recycled in the period
  and the loose weight of the batches closed in it, **at the recycler's weight ticket** where
  the batch has one (spread over the batch's categories in proportion to what was recorded in
  it), else at the recorded weights, named as an estimate (``batches``: tickets lag). No other
  disposal and no losses are recorded in greenit: both are 0, stated.
* **change in stock**: what was recorded in and not recorded out — devices received and not yet
  deployed or recycled, loose weight collected and not yet shipped.

So a category's **variance** is what the weighbridge says that the records do not: the batches'
recorded contents minus their tickets. A variance above the tolerance is flagged, with the
batches (and their devices) that cause it. Also flagged: devices recycled outside any closed
batch, loose weight shipped that no emptying collected, pickups whose weighed total is far from
their devices. The organisation's figures only: a donor's or sponsor's share of a batch ticket
is not defined.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, Sum

from greenit.assets.models import Asset, State
from greenit.collection.models import BoxEmptyingWeight
from greenit.core import tags
from greenit.donations.models import Pickup
from greenit.recycling.models import BatchLooseWeight, RecyclingBatch, RecyclingBatchItem

from . import calculations, factors, tally
from .calculations import Period
from .models import DeviceTally

CENT, ZERO = Decimal("0.01"), Decimal(0)
# A weighbridge ticket and a sum of typical weights never agree to the gram: a batch (or a
# category) is flagged when they differ by more than 5 % and more than 1 kg; a pickup's rough
# scale by more than 10 % and 2 kg.
BATCH_TOLERANCE, BATCH_MIN_KG = Decimal("0.05"), Decimal(1)
PICKUP_TOLERANCE, PICKUP_MIN_KG = Decimal("0.10"), Decimal(2)
DEVICES_NAMED = 20


def _r(value: Decimal) -> Decimal:
    return Decimal(value).quantize(CENT, ROUND_HALF_UP)


def _beyond(difference: Decimal, reference: Decimal, share: Decimal, minimum: Decimal) -> bool:
    return abs(difference) > max(minimum, abs(reference) * share)


@dataclass
class CategoryBalance:
    category: str
    intake_kg: Decimal = ZERO
    intake_estimated_kg: Decimal = ZERO
    loose_in_kg: Decimal = ZERO
    deployed_kg: Decimal = ZERO
    recycled_kg: Decimal = ZERO  # at the tickets where there are tickets
    recycled_estimated_kg: Decimal = ZERO  # the part taken from records, no ticket
    other_disposal_kg: Decimal = ZERO
    stock_change_kg: Decimal = ZERO
    losses_kg: Decimal = ZERO
    variance_kg: Decimal = ZERO
    flagged: bool = False
    batches: list[str] = field(default_factory=list)

    @property
    def in_kg(self) -> Decimal:
        return self.intake_kg + self.loose_in_kg

    @property
    def out_kg(self) -> Decimal:
        return self.deployed_kg + self.recycled_kg + self.other_disposal_kg


@dataclass
class BatchCheck:
    pk: int
    number: str
    recycler: str
    ticket_kg: Decimal | None
    recorded_kg: Decimal
    difference_kg: Decimal | None  # recorded − ticket
    devices: int
    named_devices: list[str]
    estimate: bool
    flagged: bool
    awaiting_certificate: bool = False


@dataclass
class Balance:
    period: Period
    categories: list[CategoryBalance]
    batches: list[BatchCheck]
    unbatched_recycled: list[str]
    unbatched_recycled_count: int
    loose_shipped_not_collected: dict[str, Decimal]
    pickups: list[dict]

    @property
    def variance_kg(self) -> Decimal:
        return sum((c.variance_kg for c in self.categories), ZERO)

    @property
    def closes(self) -> bool:
        return not (
            any(c.flagged for c in self.categories)
            or any(b.flagged for b in self.batches)
            or self.unbatched_recycled_count
            or self.loose_shipped_not_collected
            or any(p["flagged"] for p in self.pickups)
        )

    def discrepancies(self) -> list[str]:
        """Each discrepancy in a sentence that names what causes it (plain English: for logs,
        tests and the files; the page says the same in the reader's language)."""
        found = [
            f"{c.category}: variance {_r(c.variance_kg)} kg (batches {', '.join(c.batches)})"
            for c in self.categories
            if c.flagged
        ]
        found += [
            f"batch {b.number}: recorded {_r(b.recorded_kg)} kg, ticket {b.ticket_kg} kg "
            f"(devices {', '.join(b.named_devices)})"
            for b in self.batches
            if b.flagged
        ]
        if self.unbatched_recycled_count:
            found.append(
                f"{self.unbatched_recycled_count} devices recycled outside a closed batch: "
                + ", ".join(self.unbatched_recycled)
            )
        found += [
            f"{category}: {kg} kg of loose weight shipped that no emptying collected"
            for category, kg in self.loose_shipped_not_collected.items()
        ]
        found += [
            f"pickup {p['pickup']} ({p['donation']}): weighed {p['weighed_kg']} kg, "
            f"devices {p['devices_kg']} kg"
            for p in self.pickups
            if p["flagged"]
        ]
        return found


# ------------------------------------------------------------------------ computing


def _device_kg(rows, table: factors.Table) -> dict:
    """{key: (kg, estimated kg)} from rows of (key, category, devices, weighed devices, kg)."""
    found: dict = defaultdict(lambda: [ZERO, ZERO])
    for key, category, n, weighed, kg in rows:
        typical = table.weight(category) or ZERO
        estimated = (n - weighed) * typical
        found[key][0] += Decimal(kg or 0) + estimated
        found[key][1] += estimated
    return found


def _intake(period: Period, table: factors.Table) -> dict:
    if not (period.start or period.end) and tally.in_use():  # all time: the device tally
        counted = DeviceTally.objects.filter(devices__gt=0).exclude(state=State.EXPECTED)
        return _device_kg(
            ((t.category, t.category, t.devices, t.weighed, t.weight_kg) for t in counted), table
        )
    rows = (
        Asset.objects.filter(period.q("created_at"))
        .exclude(state=State.EXPECTED)
        .order_by()
        .values_list("category")
        # count(*), not count(id): the received index (migration 0007) answers it alone
        .annotate(n=Count("*"), weighed=Count("weight_kg"), kg=Sum("weight_kg"))
    )
    return _device_kg(((c, c, n, w, kg) for c, n, w, kg in rows), table)


def _batch_contents(batches: list[RecyclingBatch], table: factors.Table) -> dict:
    """{(batch id, category): kg recorded}: its devices (own or typical weight) and loose."""
    rows = (
        RecyclingBatchItem.objects.filter(batch__in=batches)
        .order_by()
        .values_list("batch_id", "asset__category")
        .annotate(n=Count("pk"), weighed=Count("asset__weight_kg"), kg=Sum("asset__weight_kg"))
    )
    contents: dict = defaultdict(lambda: ZERO)
    for batch_id, category, n, weighed, kg in rows:
        contents[batch_id, category] += Decimal(kg or 0) + (n - weighed) * (
            table.weight(category) or ZERO
        )
    for batch_id, category, kg in BatchLooseWeight.objects.filter(batch__in=batches).values_list(
        "batch_id", "category", "weight_kg"
    ):
        contents[batch_id, category] += kg
    return contents


def batch_recorded_kg(batch: RecyclingBatch) -> Decimal:
    """What greenit recorded in a batch (devices at own or typical weight, loose weight): what
    its weight ticket should say."""
    table = factors.Table(factors.current())
    return sum(_batch_contents([batch], table).values(), ZERO)


def _named(batch_ids, limit: int = DEVICES_NAMED) -> dict[int, list[str]]:
    named: dict[int, list[str]] = defaultdict(list)
    for batch_id, tag in (
        RecyclingBatchItem.objects.filter(batch_id__in=batch_ids)
        .order_by("batch_id", "asset_id")
        .values_list("batch_id", "asset__tag")
    ):
        if len(named[batch_id]) < limit:
            named[batch_id].append(tags.display(tag))
    return named


def _batches(period: Period, table: factors.Table, rows: dict[str, CategoryBalance]):
    """Out at the tickets: spread each closed batch's ticket over its recorded categories; the
    batch checks, with the devices of those that differ named."""
    closed = list(
        RecyclingBatch.objects.filter(
            Q(status=RecyclingBatch.Status.CLOSED) & period.q("closed_at")
        ).select_related("recycler")
    )
    contents = _batch_contents(closed, table)
    counts = dict(
        RecyclingBatchItem.objects.filter(batch__in=closed)
        .order_by()
        .values_list("batch_id")
        .annotate(n=Count("pk"))
    )
    checks = []
    for batch in closed:
        mine = {c: kg for (b, c), kg in contents.items() if b == batch.pk}
        recorded = sum(mine.values(), ZERO)
        ticket = batch.weight_ticket_kg
        difference = None if ticket is None else recorded - ticket
        flagged = difference is not None and _beyond(
            difference, ticket, BATCH_TOLERANCE, BATCH_MIN_KG
        )
        for category, kg in mine.items():
            row = rows.setdefault(category, CategoryBalance(category))
            if ticket is None:
                row.recycled_estimated_kg += kg
            elif recorded:
                row.recycled_kg += ticket * kg / recorded - kg  # the ticket's share, less records
                if flagged:
                    row.batches.append(batch.number)
        checks.append(
            BatchCheck(
                batch.pk,
                batch.number,
                str(batch.recycler),
                ticket,
                _r(recorded),
                None if difference is None else _r(difference),
                counts.get(batch.pk, 0),
                [],
                ticket is None,
                flagged,
            )
        )
    checks += _awaiting_certificate(table)
    named = _named([c.pk for c in checks if c.flagged])
    for check in checks:
        check.named_devices = named.get(check.pk, [])
    return closed, checks


def _awaiting_certificate(table: factors.Table) -> list[BatchCheck]:
    """Shipped batches the recycler has not confirmed yet: their devices are still in stock, at
    recorded (partly typical) weights — the estimates that wait for the recycler."""
    shipped = list(
        RecyclingBatch.objects.filter(status=RecyclingBatch.Status.SHIPPED)
        .select_related("recycler")
        .annotate(devices=Count("items"))
    )
    contents = _batch_contents(shipped, table)
    checks = []
    for batch in shipped:
        recorded = sum((kg for (b, _c), kg in contents.items() if b == batch.pk), ZERO)
        ticket = batch.weight_ticket_kg
        difference = None if ticket is None else recorded - ticket
        flagged = difference is not None and _beyond(
            difference, ticket, BATCH_TOLERANCE, BATCH_MIN_KG
        )
        checks.append(
            BatchCheck(
                batch.pk,
                batch.number,
                str(batch.recycler),
                ticket,
                _r(recorded),
                None if difference is None else _r(difference),
                batch.devices,
                [],
                True,
                flagged,
                awaiting_certificate=True,
            )
        )
    return checks


def _unbatched_recycled(period: Period, recycled: int) -> tuple[int, list[str]]:
    """Devices recycled in the period that no closed batch holds (recycled by hand, or their
    batch was never closed): out without a recycler's ticket or certificate. `recycled` is how
    many were recycled in the period; those in closed batches are counted from the batch items
    (a join of as many rows as there are batch items, not a pass over every recycled device)."""
    recycled_here = Q(state=State.RECYCLED) & period.q("state_changed_at")
    batched = RecyclingBatchItem.objects.filter(
        Q(batch__status=RecyclingBatch.Status.CLOSED, asset__state=State.RECYCLED)
        & period.q("asset__state_changed_at")
    ).count()
    count = recycled - batched
    if not count:
        return 0, []
    found = Asset.objects.filter(recycled_here).exclude(
        recycling_item__batch__status=RecyclingBatch.Status.CLOSED
    )
    return count, [tags.display(t) for t in found.order_by("pk").values_list("tag", flat=True)[:50]]


def _loose_shipped_not_collected() -> dict[str, Decimal]:
    """Categories whose loose weight put in batches (all time) exceeds what emptyings collected."""
    collected = BoxEmptyingWeight.objects.filter(emptying__done_at__isnull=False)
    collected = collected.totals_by_category()
    shipped = dict(
        BatchLooseWeight.objects.order_by()
        .values_list("category")
        .annotate(kg=Sum("weight_kg"))
        .values_list("category", "kg")
    )
    return {
        c: _r(kg - Decimal(collected.get(c) or 0))
        for c, kg in sorted(shipped.items())
        if kg - Decimal(collected.get(c) or 0) > 0
    }


def _pickups(period: Period, table: factors.Table) -> list[dict]:
    pickups = list(
        Pickup.objects.filter(
            Q(status=Pickup.Status.COLLECTED, weight_kg__isnull=False) & period.q("collected_at")
        ).select_related("donation")
    )
    if not pickups:
        return []
    weighed_by_donation: dict = defaultdict(lambda: ZERO)
    for p in pickups:
        weighed_by_donation[p.donation_id] += p.weight_kg
    rows = (
        Asset.objects.filter(donation_id__in=list(weighed_by_donation))
        .exclude(state=State.EXPECTED)
        .order_by()
        .values_list("donation_id", "category")
        .annotate(n=Count("pk"), weighed=Count("weight_kg"), kg=Sum("weight_kg"))
    )
    devices = _device_kg(rows, table)
    found = []
    for p in pickups:
        weighed = weighed_by_donation[p.donation_id]
        received = p.donation_id in devices  # none yet: on its way to intake, not a variance
        kg = devices[p.donation_id][0] if received else ZERO
        found.append(
            {
                "pickup": p.pk,
                "donation": p.donation.reference,
                "weighed_kg": _r(weighed),
                "devices_kg": _r(kg),
                "awaiting_intake": not received,
                "flagged": received
                and _beyond(kg - weighed, weighed, PICKUP_TOLERANCE, PICKUP_MIN_KG),
            }
        )
    return found


def compute(period: Period | None = None, *, factor_set=None) -> Balance:
    period = period or Period()
    table = factors.Table(factor_set or factors.current())
    rows: dict[str, CategoryBalance] = {}
    for category, (kg, estimated) in _intake(period, table).items():
        rows[category] = CategoryBalance(category, intake_kg=kg, intake_estimated_kg=estimated)
    loose = BoxEmptyingWeight.objects.filter(
        Q(emptying__done_at__isnull=False) & period.q("emptying__done_at")
    ).totals_by_category()
    for category, kg in loose.items():
        rows.setdefault(category, CategoryBalance(category)).loose_in_kg = Decimal(kg)
    fates = calculations.device_counts(
        Asset.objects.all(), period, received=False, whole_table=True
    )
    recorded_out: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for category, c in fates.items():
        row, typical = rows.setdefault(category, CategoryBalance(category)), table.weight(category)
        for fate in ("reused", "recycled"):
            kg = Decimal(c.get(f"{fate}_kg") or 0) + (
                c.get(fate, 0) - c.get(f"{fate}_measured", 0)
            ) * (typical or ZERO)
            if fate == "reused":
                row.deployed_kg += kg
            recorded_out[category] += kg
    closed, checks = _batches(period, table, rows)
    for category, kg in (
        BatchLooseWeight.objects.filter(batch__in=closed)
        .order_by()
        .values_list("category")
        .annotate(kg=Sum("weight_kg"))
    ):
        recorded_out[category] += kg
    for category, row in rows.items():
        recorded_recycled = recorded_out[category] - row.deployed_kg
        # recycled_kg holds the tickets' corrections so far: add what was recorded
        row.recycled_kg += recorded_recycled
        row.stock_change_kg = row.in_kg - recorded_out[category]
        row.variance_kg = row.in_kg - row.out_kg - row.stock_change_kg - row.losses_kg
        row.flagged = _beyond(row.variance_kg, row.out_kg, BATCH_TOLERANCE, BATCH_MIN_KG)
    count, named = _unbatched_recycled(period, sum(c.get("recycled", 0) for c in fates.values()))
    return Balance(
        period=period,
        categories=[rows[c] for c in sorted(rows)],
        batches=checks,
        unbatched_recycled=named,
        unbatched_recycled_count=count,
        loose_shipped_not_collected=_loose_shipped_not_collected(),
        pickups=_pickups(period, table),
    )
