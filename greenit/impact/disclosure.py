"""Waste disclosures: the datapoints of GRI 306: Waste 2020 (306-3, 306-4, 306-5) and ESRS E5-5
(Commission Delegated Regulation (EU) 2023/2772, ESRS E5 paragraphs 37 and 39) for a scope and a
period, from the same device counts as the impact figures (docs/disclosure.md says the same).

What is counted: a device once its fate is recorded in the period — *deployed* in a classroom
is preparation for reuse (greenit's workshop checks, wipes and repairs it), *recycled* (the
licensed recycler confirmed the batch) is recycling — and the loose weight of collection-box
emptyings, recycling at the emptying. Devices still in the workshop have no treatment yet and
are left out until they have one, so 306-3 = 306-4 + 306-5 and E5 §37(a) = (b) + (c) hold.
greenit directs nothing to disposal (no incineration, no landfill) and records no other
recovery: those datapoints are 0, stated rather than left out.

Kilograms: a device's own weight when it was weighed, else its category's typical weight (the
factor set's); loose weight is always weighed. Every datapoint gives its kilograms, the
kilograms weighed and the weighed share. Hazardous or not, and the EU WEEE (2012/19/EU
Annex III) and China catalogue (2014) classes come from data/waste_classes.json.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path

from greenit.core import categories

from . import calculations, factors
from .calculations import Period, Scope

WASTE_CLASSES = Path(__file__).parent / "data" / "waste_classes.json"
CENT, TENTH, ZERO = Decimal("0.01"), Decimal("0.1"), Decimal(0)

REUSE, RECYCLING, OTHER_RECOVERY = "reuse", "recycling", "other_recovery"
RECOVERY = (REUSE, RECYCLING, OTHER_RECOVERY)
INCINERATION_ENERGY, INCINERATION, LANDFILL, OTHER_DISPOSAL = (
    "incineration_energy",
    "incineration",
    "landfill",
    "other_disposal",
)
DISPOSAL = (INCINERATION_ENERGY, INCINERATION, LANDFILL, OTHER_DISPOSAL)
GRI = "GRI 306: Waste 2020"
ESRS = "ESRS E5 (Delegated Regulation (EU) 2023/2772)"


@cache
def waste_classes() -> dict:
    return json.loads(WASTE_CLASSES.read_text(encoding="utf-8"))


def waste_class(category: str) -> dict:
    return waste_classes()["categories"].get(category, {"hazardous": False, "weee": None})


@dataclass
class Flow:
    """Kilograms of one category going to one treatment, and how many of them were weighed."""

    kg: Decimal = ZERO
    weighed: Decimal = ZERO

    def add(self, other: Flow) -> None:
        self.kg += other.kg
        self.weighed += other.weighed


@dataclass(frozen=True)
class Line:
    """A selection of flows: treatments, hazardous or not (None: both), onsite or offsite."""

    treatments: tuple[str, ...]
    hazardous: bool | None = None
    site: str | None = None


@dataclass(frozen=True)
class Definition:
    id: str
    standard: str
    paragraph: str
    en: str
    zh: str
    line: Line | None = None
    value: Callable[[dict], Decimal] | None = None  # for the percentage datapoints
    unit: str = "kg"


@dataclass
class Disclosure:
    scope: Scope
    period: Period
    factor_set_version: int
    datapoints: list[dict] = field(default_factory=list)
    composition: list[dict] = field(default_factory=list)
    devices_without_weight: int = 0

    def to_json(self) -> dict:
        return {
            "scope": self.scope.kind,
            "organisation_id": self.scope.organisation_id,
            "start": self.period.start.isoformat() if self.period.start else None,
            "end": self.period.end.isoformat() if self.period.end else None,
            "factor_set_version": self.factor_set_version,
            "devices_without_weight": self.devices_without_weight,
            "datapoints": [_plain(d) for d in self.datapoints],
            "composition": [_plain(c) for c in self.composition],
        }


def _plain(row: dict) -> dict:
    return {k: str(v) if isinstance(v, Decimal) else v for k, v in row.items()}


# ------------------------------------------------------------------------ the datapoints


def _recovery_lines() -> list[Definition]:
    """GRI 306-4 b, c and d and ESRS E5 §37(b): each recovery operation, hazardous and not."""
    names = {
        REUSE: ("i", "preparation for reuse", "为再使用做准备"),
        RECYCLING: ("ii", "recycling", "循环利用"),
        OTHER_RECOVERY: ("iii", "other recovery operations", "其他回收作业"),
    }
    found = []
    for hazardous, letter, en_h, zh_h in (
        (True, "b", "Hazardous waste", "危险废物"),
        (False, "c", "Non-hazardous waste", "非危险废物"),
    ):
        for op, (roman, en, zh) in names.items():
            found.append(
                Definition(
                    f"GRI-306-4-{letter}-{roman}",
                    GRI,
                    f"Disclosure 306-4-{letter}-{roman}",
                    f"{en_h} diverted from disposal: {en}",
                    f"转移处置的{zh_h}：{zh}",
                    Line((op,), hazardous),
                )
            )
            for site, zh_site in (("onsite", "现场"), ("offsite", "场外")):
                found.append(
                    Definition(
                        f"GRI-306-4-d-{letter}-{roman}-{site}",
                        GRI,
                        "Disclosure 306-4-d",
                        f"{en_h} diverted from disposal: {en}, {site}",
                        f"转移处置的{zh_h}：{zh}（{zh_site}）",
                        Line((op,), hazardous, site),
                    )
                )
    for op, (roman, en, zh) in names.items():
        for hazardous, suffix, en_h, zh_h in (
            (True, "hazardous", "hazardous", "危险"),
            (False, "non-hazardous", "non-hazardous", "非危险"),
        ):
            found.append(
                Definition(
                    f"ESRS-E5-37-b-{roman}-{suffix}",
                    ESRS,
                    f"E5-5 paragraph 37(b)({roman})",
                    f"Waste diverted from disposal by {en}, {en_h}",
                    f"通过{zh}转移处置的{zh_h}废物",
                    Line((op,), hazardous),
                )
            )
    return found


def _disposal_lines() -> list[Definition]:
    """GRI 306-5 b and c and ESRS E5 §37(c): each disposal operation, hazardous and not."""
    gri = {
        INCINERATION_ENERGY: ("i", "incineration (with energy recovery)", "焚烧（有能量回收）"),
        INCINERATION: ("ii", "incineration (without energy recovery)", "焚烧（无能量回收）"),
        LANDFILL: ("iii", "landfilling", "填埋"),
        OTHER_DISPOSAL: ("iv", "other disposal operations", "其他处置作业"),
    }
    found = []
    for hazardous, letter, en_h, zh_h in (
        (True, "b", "Hazardous waste", "危险废物"),
        (False, "c", "Non-hazardous waste", "非危险废物"),
    ):
        for op, (roman, en, zh) in gri.items():
            found.append(
                Definition(
                    f"GRI-306-5-{letter}-{roman}",
                    GRI,
                    f"Disclosure 306-5-{letter}-{roman}",
                    f"{en_h} directed to disposal: {en}",
                    f"导向处置的{zh_h}：{zh}",
                    Line((op,), hazardous),
                )
            )
    esrs = {
        "i": ((INCINERATION_ENERGY, INCINERATION), "incineration", "焚烧"),
        "ii": ((LANDFILL,), "landfill", "填埋"),
        "iii": ((OTHER_DISPOSAL,), "other disposal operations", "其他处置作业"),
    }
    for roman, (ops, en, zh) in esrs.items():
        for hazardous, suffix, zh_h in (
            (True, "hazardous", "危险"),
            (False, "non-hazardous", "非危险"),
        ):
            found.append(
                Definition(
                    f"ESRS-E5-37-c-{roman}-{suffix}",
                    ESRS,
                    f"E5-5 paragraph 37(c)({roman})",
                    f"Waste directed to disposal by {en}, {suffix}",
                    f"通过{zh}导向处置的{zh_h}废物",
                    Line(ops, hazardous),
                )
            )
    return found


def _non_recycled_share(totals: dict) -> Decimal:
    generated, non_recycled = totals["ESRS-E5-37-a"], totals["ESRS-E5-37-d"]
    return (non_recycled.kg * 100 / generated.kg) if generated.kg else ZERO


EVERYTHING = Line(RECOVERY + DISPOSAL)
DEFINITIONS: tuple[Definition, ...] = (
    Definition(
        "GRI-306-3-a",
        GRI,
        "Disclosure 306-3-a",
        "Total weight of waste generated",
        "产生的废物总重量",
        EVERYTHING,
    ),
    Definition(
        "GRI-306-4-a",
        GRI,
        "Disclosure 306-4-a",
        "Total weight of waste diverted from disposal",
        "转移处置的废物总重量",
        Line(RECOVERY),
    ),
    *_recovery_lines(),
    Definition(
        "GRI-306-5-a",
        GRI,
        "Disclosure 306-5-a",
        "Total weight of waste directed to disposal",
        "导向处置的废物总重量",
        Line(DISPOSAL),
    ),
    Definition(
        "ESRS-E5-37-a",
        ESRS,
        "E5-5 paragraph 37(a)",
        "Total amount of waste generated",
        "产生的废物总量",
        EVERYTHING,
    ),
    Definition(
        "ESRS-E5-37-b",
        ESRS,
        "E5-5 paragraph 37(b)",
        "Total amount of waste diverted from disposal",
        "转移处置的废物总量",
        Line(RECOVERY),
    ),
    Definition(
        "ESRS-E5-37-c",
        ESRS,
        "E5-5 paragraph 37(c)",
        "Total amount of waste directed to disposal",
        "导向处置的废物总量",
        Line(DISPOSAL),
    ),
    *_disposal_lines(),
    Definition(
        "ESRS-E5-37-d",
        ESRS,
        "E5-5 paragraph 37(d)",
        "Total amount of non-recycled waste",
        "未循环利用的废物总量",
        Line((REUSE, OTHER_RECOVERY, *DISPOSAL)),
    ),
    Definition(
        "ESRS-E5-37-d-percent",
        ESRS,
        "E5-5 paragraph 37(d)",
        "Percentage of non-recycled waste",
        "未循环利用废物的百分比",
        value=_non_recycled_share,
        unit="%",
    ),
    Definition(
        "ESRS-E5-39-hazardous",
        ESRS,
        "E5-5 paragraph 39",
        "Total amount of hazardous waste",
        "危险废物总量",
        Line(RECOVERY + DISPOSAL, hazardous=True),
    ),
    Definition(
        "ESRS-E5-39-radioactive",
        ESRS,
        "E5-5 paragraph 39",
        "Total amount of radioactive waste",
        "放射性废物总量",
        Line(()),
    ),
)


# ------------------------------------------------------------------------ computing


def category_flows(
    scope: Scope, period: Period, table: factors.Table
) -> tuple[dict[str, dict[str, Flow]], int]:
    """{category: {treatment: Flow}} and the number of devices that have no weight (unweighed,
    and their category has no typical weight): the impact figures' own counts."""
    counts = calculations.scope_counts(scope, period, received=False)
    loose = (
        calculations.scope_loose_weights(scope)
        .filter(period.q("emptying__done_at"))
        .totals_by_category()
    )
    flows: dict[str, dict[str, Flow]] = {}
    without_weight = 0
    for category in sorted(set(counts) | set(loose)):
        c, typical = counts.get(category, {}), table.weight(category)
        row = flows[category] = {}
        for fate, treatment in (("reused", REUSE), ("recycled", RECYCLING)):
            weighed = Decimal(c.get(f"{fate}_kg") or 0)
            unweighed = c.get(fate, 0) - c.get(f"{fate}_measured", 0)
            if typical is None:
                without_weight += unweighed
            estimated = unweighed * typical if typical is not None else ZERO
            row[treatment] = Flow(weighed + estimated, weighed)
        loose_kg = Decimal(loose.get(category) or 0)
        row[RECYCLING].add(Flow(loose_kg, loose_kg))
    return flows, without_weight


def _site(scope: Scope, treatment: str) -> str:
    """Preparation for reuse is greenit's own workshop: onsite for the organisation, offsite
    for the donor or sponsor whose waste it is. Recycling is a licensed recycler's: offsite."""
    return "onsite" if treatment == REUSE and scope.kind == "organisation" else "offsite"


def _select(flows: dict[str, dict[str, Flow]], line: Line, scope: Scope) -> Flow:
    total = Flow()
    for category, by_treatment in flows.items():
        if line.hazardous is not None and waste_class(category)["hazardous"] != line.hazardous:
            continue
        for treatment, flow in by_treatment.items():
            if treatment in line.treatments and line.site in (None, _site(scope, treatment)):
                total.add(flow)
    return total


def _share(flow: Flow) -> Decimal | None:
    return (flow.weighed * 100 / flow.kg).quantize(TENTH, ROUND_HALF_UP) if flow.kg else None


def compute(scope: Scope, period: Period | None = None, *, factor_set=None) -> Disclosure:
    period = period or Period()
    table = factors.Table(factor_set or factors.current())
    flows, without_weight = category_flows(scope, period, table)
    result = Disclosure(scope, period, table.version, devices_without_weight=without_weight)
    totals: dict[str, Flow] = {}
    for d in DEFINITIONS:
        if d.line is not None:
            totals[d.id] = flow = _select(flows, d.line, scope)
            value, weighed, share = (
                flow.kg.quantize(CENT, ROUND_HALF_UP),
                flow.weighed,
                _share(flow),
            )
            weighed = weighed.quantize(CENT, ROUND_HALF_UP)
        else:
            value, weighed, share = d.value(totals).quantize(TENTH, ROUND_HALF_UP), None, None
        result.datapoints.append(
            {
                "id": d.id,
                "standard": d.standard,
                "paragraph": d.paragraph,
                "label_en": d.en,
                "label_zh": d.zh,
                "value": value,
                "unit": d.unit,
                "kg_weighed": weighed,
                "weighed_share_percent": share,
            }
        )
    result.composition = composition(flows)
    return result


def composition(flows: dict[str, dict[str, Flow]]) -> list[dict]:
    """GRI 306-3-a 'breakdown by composition' and ESRS E5 §38: per category, with its WEEE
    (2012/19/EU Annex III) and China catalogue (2014) classes."""
    labels = waste_classes()["weee_labels"]
    rows = []
    for category, by_treatment in flows.items():
        cls, total = waste_class(category), Flow()
        for flow in by_treatment.values():
            total.add(flow)
        china = cls.get("china") or {}
        weee = cls.get("weee")
        rows.append(
            {
                "category": category,
                "label_en": categories.get(category).en,
                "label_zh": categories.get(category).zh,
                "weee_category": weee or "",
                "weee_en": labels[weee]["en"] if weee else "not EEE",
                "weee_zh": labels[weee]["zh"] if weee else "不属于电器电子设备",
                "china_catalogue_zh": china.get("zh", "目录外"),
                "china_catalogue_en": china.get("en", "not in the catalogue"),
                "ewc": cls.get("ewc", ""),
                "hazardous": cls["hazardous"],
                "reuse_kg": by_treatment[REUSE].kg.quantize(CENT, ROUND_HALF_UP),
                "recycling_kg": by_treatment[RECYCLING].kg.quantize(CENT, ROUND_HALF_UP),
                "kg": total.kg.quantize(CENT, ROUND_HALF_UP),
                "weighed_share_percent": _share(total),
            }
        )
    return rows


# ------------------------------------------------------------------------ files

COLUMNS = (
    "datapoint_id",
    "standard",
    "paragraph",
    "label_en",
    "label_zh",
    "value",
    "unit",
    "kg_weighed",
    "weighed_share_percent",
)
COMPOSITION_COLUMNS = (
    "category",
    "label_en",
    "label_zh",
    "weee_category",
    "weee_en",
    "china_catalogue_zh",
    "ewc",
    "hazardous",
    "reuse_kg",
    "recycling_kg",
    "kg",
    "weighed_share_percent",
)


def rows(data: dict) -> Iterable[list]:
    """The datapoints of a to_json() dict as spreadsheet rows, the header first."""
    yield list(COLUMNS)
    for d in data["datapoints"]:
        yield [d["id"], *(d[c] for c in COLUMNS[1:])]


def composition_rows(data: dict) -> Iterable[list]:
    yield list(COMPOSITION_COLUMNS)
    for c in data["composition"]:
        yield [c[k] for k in COMPOSITION_COLUMNS]


def may_see(user) -> bool:
    """Staff who see any figures, and the contacts of donors and sponsors (their own)."""
    from greenit.accounts import permissions

    if user.is_staff_member:
        return permissions.may(user, "see_any_figures")
    org = user.organisation
    return bool(org and (org.is_donor or org.is_sponsor))


def organisation_for(user, organisation_id: int | None, kind: str):
    """The donor or sponsor a caller names: refused before it is looked up when it is not the
    caller's own and the caller may not see any figures (no oracle of which ids exist)."""
    from django.core.exceptions import ValidationError
    from django.http import Http404
    from django.utils.translation import gettext as _

    from greenit.accounts import permissions
    from greenit.accounts.models import Organisation

    from .models import ImpactReport

    if organisation_id is None:
        raise ValidationError({"organisation_id": _("Name the donor or sponsor.")})
    if organisation_id != user.organisation_id:
        permissions.require(user, "see_any_figures")
    found = Organisation.objects.filter(pk=organisation_id).first()
    if found is None:
        raise Http404
    if not getattr(found, f"is_{kind}"):
        raise ValidationError(
            {
                "scope": _("%(org)s is not a %(kind)s: choose the kind it is.")
                % {"org": found, "kind": str(ImpactReport.Kind(kind).label).lower()}
            }
        )
    return found


def disclosure_for(
    *, user, organisation=None, kind: str = "donor", start=None, end=None
) -> Disclosure:
    """The datapoints a user may see: the whole organisation's (staff who see any figures), or
    one donor's or sponsor's (its own contacts, and the same staff)."""
    from greenit.accounts import permissions

    if organisation is None or organisation.pk != user.organisation_id:
        permissions.require(user, "see_any_figures")
    scope = Scope.organisation() if organisation is None else Scope(kind, organisation.pk)
    return compute(scope, Period(start, end))
