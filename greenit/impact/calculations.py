"""Impact figures for a scope and a period, in a few aggregate queries (no loop over devices).

What counts, and when (docs/impact.md says the same for readers):

* **received**: devices past "expected" (scanned in at intake, or listed by the donor and then
  received); dated by the asset's record date (``Asset.created_at``: the intake scan, or the
  donor's list for devices listed first).
* **reused**: devices whose current state is *deployed* (in a classroom); dated by the
  deployment (``state_changed_at`` of that state). A device a school's inventory check
  reported *lost* or *stolen* is no longer reused (it still counts as received); found
  again, it is deployed and counts once more.
* **recycled**: devices whose current state is *recycled* (the recycler confirmed the batch);
  dated by that confirmation.
* A device counts under its **current fate** only, so never twice: a classroom device that
  came back and was recycled counts as recycled (recycling credit, end of life) and no longer
  as reused; one that came back and waits in the workshop counts as neither.
* **loose weight** (cables and small e-waste from collection boxes, weighed by category at each
  emptying) counts as recycled at the emptying: nothing loose goes back to a classroom. The
  same kilograms travel on as a batch's loose weight; they are not counted a second time.
* **kg diverted** = weights of reused and recycled devices + loose weight. A device's own
  weight when it was weighed (measured), else the category's typical weight (estimated); a
  category with no typical weight adds nothing for unweighed devices (counted as
  ``devices_without_weight``).
* **CO2e avoided by reuse** per device = manufacturing footprint × replacement share −
  refurbishment emissions, never below zero; nothing for a category without a footprint.
* **CO2e avoided by recycling** = (WARM landfill − recycling factor) in MTCO2E per short ton
  × kg / 907.18474 × 1000, for recycled devices and loose weight only.
* Rounding: sums are exact Decimals; every kg figure is rounded once, at the end, to 0.01 kg
  (half up); the measured share to 0.1 %.

Scopes: the organisation; a donor (devices of its donations, loose weight of the boxes it
hosts, classrooms that hold its devices); a sponsor (devices allocated to the classroom
projects it funds, those classrooms, their schools' students, its employees' volunteer
hours); a province (received and recycled by the donation's pickup province, reused and
classrooms by the school's province, loose weight by the box's province); a school (its
classrooms and the devices allocated to them).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Count, Max, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from greenit.assets.models import Asset, State
from greenit.classrooms.models import Allocation, ClassroomProject
from greenit.collection.models import BoxEmptyingWeight
from greenit.core.periods import day_bounds

from . import factors, tally
from .models import DeviceTally

CENT = Decimal("0.01")
TENTH = Decimal("0.1")
ZERO = Decimal(0)


@dataclass(frozen=True)
class Scope:
    kind: str  # organisation | donor | sponsor | province | school
    organisation_id: int | None = None
    province: str = ""

    KINDS = ("organisation", "donor", "sponsor", "province", "school")

    def __post_init__(self):
        if self.kind not in self.KINDS:
            raise ValueError(f"unknown scope {self.kind!r}")
        if self.kind in ("donor", "sponsor", "school") and not self.organisation_id:
            raise ValueError(f"a {self.kind} scope needs an organisation")
        if self.kind == "province" and not self.province:
            raise ValueError("a province scope needs a province")

    @classmethod
    def organisation(cls) -> Scope:
        return cls("organisation")


@dataclass(frozen=True)
class Period:
    """From `start` to `end`, both days included (local time); None = open-ended."""

    start: date | None = None
    end: date | None = None

    def bounds(self) -> tuple[datetime | None, datetime | None]:
        return day_bounds(self.start, self.end)

    def q(self, name: str) -> Q:
        low, high = self.bounds()
        q = Q()
        if low:
            q &= Q(**{f"{name}__gte": low})
        if high:
            q &= Q(**{f"{name}__lt": high})
        return q

    def date_q(self, name: str) -> Q:
        q = Q()
        if self.start:
            q &= Q(**{f"{name}__gte": self.start})
        if self.end:
            q &= Q(**{f"{name}__lte": self.end})
        return q

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(date(year, 1, 1), date(year, 12, 31))


@dataclass
class CategoryFigures:
    category: str
    received: int = 0
    reused: int = 0
    recycled: int = 0
    kg_measured: Decimal = ZERO
    kg_estimated: Decimal = ZERO
    loose_kg: Decimal = ZERO
    co2e_reuse_kg: Decimal = ZERO
    co2e_recycling_kg: Decimal = ZERO

    @property
    def kg(self) -> Decimal:
        return self.kg_measured + self.kg_estimated


@dataclass
class ImpactFigures:
    factor_set_version: int
    replacement_share: Decimal
    refurbishment_kg_co2e: Decimal
    devices_received: int = 0
    devices_reused: int = 0
    devices_recycled: int = 0
    devices_without_weight: int = 0
    kg_diverted: Decimal = ZERO
    kg_measured: Decimal = ZERO
    kg_estimated: Decimal = ZERO
    measured_share_percent: Decimal = ZERO
    loose_kg: Decimal = ZERO
    co2e_reuse_kg: Decimal = ZERO
    co2e_recycling_kg: Decimal = ZERO
    co2e_total_kg: Decimal = ZERO
    classrooms_opened: int = 0
    students_reached: int = 0
    volunteer_hours: Decimal = ZERO
    by_category: list[dict] = field(default_factory=list)

    def to_json(self) -> dict:
        def plain(v):
            if isinstance(v, Decimal):
                return str(v)
            if isinstance(v, list):
                return [plain(x) for x in v]
            if isinstance(v, dict):
                return {k: plain(x) for k, x in v.items()}
            return v

        return plain(asdict(self))

    @classmethod
    def from_json(cls, data: dict) -> ImpactFigures:
        kwargs = {}
        for name, f in cls.__dataclass_fields__.items():
            if name not in data:
                continue
            raw = data[name]
            kwargs[name] = Decimal(raw) if f.type in ("Decimal",) else raw
        return cls(**kwargs)

    @property
    def co2e_total_tonnes(self) -> Decimal:
        return (self.co2e_total_kg / 1000).quantize(TENTH, ROUND_HALF_UP)


def assumptions() -> tuple[Decimal, Decimal]:
    return (
        Decimal(str(settings.IMPACT_REUSE_REPLACEMENT_SHARE)),
        Decimal(str(settings.IMPACT_REFURBISHMENT_KG_CO2E)),
    )


# ------------------------------------------------------------------------ scoped querysets


def _active_allocations() -> QuerySet:
    return Allocation.objects.filter(released_at__isnull=True)


def funded_projects(organisation_id: int) -> QuerySet:
    return ClassroomProject.objects.filter(sponsorships__organisation_id=organisation_id)


def scope_assets(scope: Scope) -> tuple[QuerySet, QuerySet]:
    """(assets counted for received and recycled, assets counted for reused)."""
    everything = Asset.objects.all()
    org = scope.organisation_id
    if scope.kind == "organisation":
        return everything, everything
    if scope.kind == "donor":
        mine = everything.filter(donation__donor_organisation_id=org)
        return mine, mine
    if scope.kind == "sponsor":
        allocated = _active_allocations().filter(project__in=funded_projects(org))
        mine = everything.filter(pk__in=allocated.values("asset_id"))
        return mine, mine
    if scope.kind == "school":
        allocated = _active_allocations().filter(project__school_id=org)
        mine = everything.filter(pk__in=allocated.values("asset_id"))
        return mine, mine
    allocated = _active_allocations().filter(project__school__province=scope.province)
    return (
        everything.filter(donation__province=scope.province),
        everything.filter(pk__in=allocated.values("asset_id")),
    )


def scope_projects(scope: Scope) -> QuerySet:
    projects = ClassroomProject.objects.all()
    org = scope.organisation_id
    if scope.kind == "donor":
        holding = _active_allocations().filter(asset__donation__donor_organisation_id=org)
        return projects.filter(pk__in=holding.values("project_id"))
    if scope.kind == "sponsor":
        return projects.filter(pk__in=funded_projects(org).values("pk"))
    if scope.kind == "school":
        return projects.filter(school_id=org)
    if scope.kind == "province":
        return projects.filter(school__province=scope.province)
    return projects


def scope_loose_weights(scope: Scope) -> QuerySet:
    weights = BoxEmptyingWeight.objects.filter(emptying__done_at__isnull=False)
    if scope.kind == "organisation":
        return weights
    if scope.kind == "donor":
        return weights.filter(emptying__box__host_id=scope.organisation_id)
    if scope.kind == "province":
        return weights.filter(emptying__box__province=scope.province)
    return weights.none()


# ------------------------------------------------------------------------ aggregates


FATES = {State.DEPLOYED: "reused", State.RECYCLED: "recycled"}


def device_counts(
    assets: QuerySet, period: Period, *, received=True, fates=True, whole_table=False
) -> dict:
    """{category: {received, reused, reused_measured, reused_kg, recycled, …}}.

    The whole organisation: two grouped queries, each answered from an index alone on
    PostgreSQL (migrations/0002): devices by (state, category) — or by created_at for a
    period — and the fates (deployed, recycled) with their weights. A donor's, sponsor's,
    province's or school's devices: one pass over them with a filtered count per figure."""
    if not whole_table:
        return _one_pass(assets, period, received=received, fates=fates)
    if not (period.start or period.end) and tally.in_use():
        return _from_tally(received=received, fates=fates)
    counts: dict[str, dict] = {}
    if received:
        if period.start or period.end:  # a range of the created_at index
            rows = assets.filter(period.q("created_at")).exclude(state=State.EXPECTED)
        else:  # every device: the narrow (state, category) index, expected left out below
            rows = assets
        rows = rows.order_by().values_list("state", "category").annotate(n=Count("pk"))
        for state, category, n in rows:
            if state != State.EXPECTED:
                row = counts.setdefault(category, {})
                row["received"] = row.get("received", 0) + n
    if fates:
        rows = (
            assets.filter(Q(state__in=list(FATES)) & period.q("state_changed_at"))
            .order_by()
            .values_list("state", "category")
            .annotate(n=Count("pk"), measured=Count("weight_kg"), kg=Sum("weight_kg"))
        )
        for state, category, n, measured, kg in rows:
            name = FATES[State(state)]
            counts.setdefault(category, {}).update(
                {name: n, f"{name}_measured": measured, f"{name}_kg": kg}
            )
    return counts


def _from_tally(*, received: bool, fates: bool) -> dict:
    """The organisation's all-time counts from the device tally (kept by triggers), the same
    figures device_counts() would count from a million devices."""
    counts: dict[str, dict] = {}
    for row in DeviceTally.objects.filter(devices__gt=0):
        if received and row.state != State.EXPECTED:
            entry = counts.setdefault(row.category, {})
            entry["received"] = entry.get("received", 0) + row.devices
        if fates and row.state in FATES:
            name = FATES[State(row.state)]
            counts.setdefault(row.category, {}).update(
                {
                    name: row.devices,
                    f"{name}_measured": row.weighed,
                    f"{name}_kg": row.weight_kg if row.weighed else None,
                }
            )
    return counts


def _one_pass(assets: QuerySet, period: Period, *, received: bool, fates: bool) -> dict:
    aggregates, wanted = {}, Q(pk__in=[])
    if received:
        q = ~Q(state=State.EXPECTED) & period.q("created_at")
        aggregates["received"], wanted = Count("pk", filter=q), wanted | q
    if fates:
        for state, name in FATES.items():
            q = Q(state=state) & period.q("state_changed_at")
            aggregates |= {
                name: Count("pk", filter=q),
                f"{name}_measured": Count("weight_kg", filter=q),
                f"{name}_kg": Sum("weight_kg", filter=q),
            }
            wanted |= q
    rows = assets.filter(wanted).order_by().values("category").annotate(**aggregates)
    return {row.pop("category"): row for row in rows}


def _volunteer_hours(scope: Scope, period: Period) -> Decimal:
    """Volunteer hours from the volunteers app (the only place impact asks for them)."""
    from greenit.accounts.models import Organisation
    from greenit.volunteers.services import volunteer_hours

    dates = {"start": period.start, "end": period.end}
    if scope.kind == "organisation":
        return volunteer_hours(**dates)
    if scope.kind in ("donor", "sponsor"):
        return volunteer_hours(
            companies=Organisation.objects.filter(pk=scope.organisation_id), **dates
        )
    return volunteer_hours(projects=scope_projects(scope), **dates)


def classrooms(scope: Scope, period: Period) -> tuple[int, int]:
    """(classrooms opened in the period, students of their schools: each school once, as many
    as its application gave, or the seats when there is none)."""
    opened = scope_projects(scope).filter(Q(opening__isnull=False) & period.date_q("opening__date"))
    per_school = (
        opened.order_by()
        .values("school_id")
        .annotate(
            n=Count("pk", distinct=True),
            students=Max(Coalesce("application__students_total", "seats")),
        )
    )
    rows = list(per_school)
    return sum(r["n"] for r in rows), sum(r["students"] or 0 for r in rows)


def scope_counts(scope: Scope, period: Period, *, received: bool = True) -> dict:
    """device_counts() for a scope: reuse counted by the school's province for a province."""
    fate_assets, reuse_assets = scope_assets(scope)
    if fate_assets is reuse_assets:
        whole = scope.kind == "organisation"
        return device_counts(fate_assets, period, received=received, whole_table=whole)
    counts = device_counts(fate_assets, period, received=received)
    reuse = device_counts(reuse_assets, period, received=False)
    for row in counts.values():  # reuse by the school's province, not the donor's
        for key in ("reused", "reused_measured", "reused_kg"):
            row.pop(key, None)
    for category, row in reuse.items():
        counts.setdefault(category, {}).update(
            {k: v for k, v in row.items() if k.startswith("reused")}
        )
    return counts


def _round(value: Decimal) -> Decimal:
    return value.quantize(CENT, ROUND_HALF_UP)


def calculate(
    scope: Scope, period: Period | None = None, *, factor_set=None, assumptions_=None
) -> ImpactFigures:
    period = period or Period()
    factor_set = factor_set or factors.current()
    table = factors.Table(factor_set)
    share, refurbishment = assumptions_ or assumptions()
    counts = scope_counts(scope, period)
    loose = scope_loose_weights(scope).filter(period.q("emptying__done_at")).totals_by_category()

    rows: dict[str, CategoryFigures] = {}
    figures = ImpactFigures(
        factor_set_version=table.version,
        replacement_share=share,
        refurbishment_kg_co2e=refurbishment,
    )
    for category in sorted(set(counts) | set(loose)):
        c = counts.get(category, {})
        row = rows[category] = CategoryFigures(category)
        row.received = c.get("received", 0)
        row.reused = c.get("reused", 0)
        row.recycled = c.get("recycled", 0)
        typical = table.weight(category)
        recycled_kg = ZERO
        for fate in ("reused", "recycled"):
            measured_n = c.get(f"{fate}_measured", 0)
            measured_kg = c.get(f"{fate}_kg") or ZERO
            unweighed = c.get(fate, 0) - measured_n
            estimated_kg = unweighed * typical if typical is not None else ZERO
            if typical is None:
                figures.devices_without_weight += unweighed
            row.kg_measured += measured_kg
            row.kg_estimated += estimated_kg
            if fate == "recycled":
                recycled_kg = measured_kg + estimated_kg
        row.loose_kg = Decimal(loose.get(category) or 0)
        row.kg_measured += row.loose_kg
        manufacturing = table.manufacturing(category)
        if manufacturing is not None:
            per_device = max(ZERO, manufacturing * share - refurbishment)
            row.co2e_reuse_kg = row.reused * per_device
        per_kg = table.recycling_kg_co2e_per_kg(category)
        if per_kg is not None:
            row.co2e_recycling_kg = (recycled_kg + row.loose_kg) * per_kg
        figures.devices_received += row.received
        figures.devices_reused += row.reused
        figures.devices_recycled += row.recycled
        figures.kg_measured += row.kg_measured
        figures.kg_estimated += row.kg_estimated
        figures.loose_kg += row.loose_kg
        figures.co2e_reuse_kg += row.co2e_reuse_kg
        figures.co2e_recycling_kg += row.co2e_recycling_kg

    figures.kg_diverted = _round(figures.kg_measured + figures.kg_estimated)
    if figures.kg_diverted:
        figures.measured_share_percent = (
            figures.kg_measured * 100 / (figures.kg_measured + figures.kg_estimated)
        ).quantize(TENTH, ROUND_HALF_UP)
    figures.co2e_total_kg = _round(figures.co2e_reuse_kg + figures.co2e_recycling_kg)
    for name in ("kg_measured", "kg_estimated", "loose_kg", "co2e_reuse_kg", "co2e_recycling_kg"):
        setattr(figures, name, _round(getattr(figures, name)))
    figures.by_category = [
        {
            "category": r.category,
            "received": r.received,
            "reused": r.reused,
            "recycled": r.recycled,
            "kg": _round(r.kg),
            "kg_measured": _round(r.kg_measured),
            "loose_kg": _round(r.loose_kg),
            "co2e_reuse_kg": _round(r.co2e_reuse_kg),
            "co2e_recycling_kg": _round(r.co2e_recycling_kg),
        }
        for r in rows.values()
    ]
    figures.classrooms_opened, figures.students_reached = classrooms(scope, period)
    figures.volunteer_hours = _volunteer_hours(scope, period)
    return figures
