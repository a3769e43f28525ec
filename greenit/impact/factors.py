"""The impact factor sets: version 1 is data/factors.json, later versions are administrators'
overrides. Append-only: an override never edits an old version, it writes the next one."""

import copy
import json
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from greenit.accounts import permissions

from .figures_cache import forget_figures
from .models import FactorSet

DATA_FILE = Path(__file__).parent / "data" / "factors.json"
SHORT_TON_KG = Decimal("907.18474")
CATEGORY_FIELDS = ("weight_kg", "manufacturing_kg_co2e")
WARM_FIELDS = ("recycling", "landfill", "combustion")


@cache
def file_factors() -> dict:
    return json.loads(DATA_FILE.read_text(encoding="utf-8"))


def current() -> FactorSet:
    """The newest factor set; version 1 (the data file) is written on first use."""
    latest = FactorSet.objects.order_by("-version").first()
    if latest is not None:
        return latest
    try:
        with transaction.atomic():
            return FactorSet.objects.create(
                version=1, factors=file_factors(), note="data/factors.json"
            )
    except IntegrityError:  # another process wrote version 1 at the same moment
        return FactorSet.objects.get(version=1)


def get(version: int) -> FactorSet:
    return FactorSet.objects.get(version=version)


def value(entry: dict | None) -> Decimal | None:
    if not entry or entry.get("value") is None:
        return None
    return Decimal(str(entry["value"]))


class Table:
    """The numbers of one factor set, as Decimals, ready for the calculations."""

    def __init__(self, factor_set: FactorSet):
        self.version = factor_set.version
        data = factor_set.factors
        self.categories = data["categories"]
        self.materials = data["warm_materials"]

    def weight(self, category: str) -> Decimal | None:
        return value(self.categories.get(category, {}).get("weight_kg"))

    def manufacturing(self, category: str) -> Decimal | None:
        return value(self.categories.get(category, {}).get("manufacturing_kg_co2e"))

    def material(self, category: str) -> str | None:
        return self.categories.get(category, {}).get("warm_material")

    def saving_per_short_ton(self, category: str) -> Decimal | None:
        """Landfill minus recycling factor (MTCO2E per short ton) of the category's material."""
        material = self.materials.get(self.material(category) or "")
        if not material:
            return None
        landfill, recycling = value(material.get("landfill")), value(material.get("recycling"))
        if landfill is None or recycling is None:
            return None
        return landfill - recycling

    def recycling_kg_co2e_per_kg(self, category: str) -> Decimal | None:
        saving = self.saving_per_short_ton(category)
        return None if saving is None else saving * 1000 / SHORT_TON_KG


def _parse(raw, field: str) -> Decimal | None:
    if raw is None or str(raw).strip() == "":
        return None
    try:
        number = Decimal(str(raw).strip())
    except InvalidOperation:
        raise ValidationError(
            {field: _("“%(value)s” is not a number: write it like 1.65 or -0.79.") % {"value": raw}}
        ) from None
    if not number.is_finite():
        raise ValidationError({field: _("Write a finite number, like 1.65.")})
    return number


def factor_override(
    *, actor, key: str, field: str, new_value, reason: str, source: str = ""
) -> FactorSet:
    """Write the next factor set version with one number changed. `key` is a category code
    (fields weight_kg, manufacturing_kg_co2e) or a WARM material (recycling, landfill,
    combustion). An empty value means "not found" (null) and needs the reason too."""
    permissions.require(actor, "override_factors")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the factor changes (the source, the reason).")})
    number = _parse(new_value, "value")
    for _attempt in range(5):
        base = current()
        data = copy.deepcopy(base.factors)
        if key in data["categories"] and field in CATEGORY_FIELDS:
            entry = data["categories"][key]
            if number is not None and number < 0:
                raise ValidationError({"value": _("A weight or footprint cannot be negative.")})
        elif key in data["warm_materials"] and field in WARM_FIELDS:
            entry = data["warm_materials"][key]
        else:
            raise ValidationError(
                {"field": _("Choose a category and one of its factors, or a WARM material.")}
            )
        entry[field] = {
            "value": None if number is None else str(number),
            "source": source.strip() or "override",
            "note": reason,
            "previous": (entry.get(field) or {}).get("value"),
        }
        if number is None:
            entry[field]["reason"] = reason
        try:
            with transaction.atomic():
                created = FactorSet.objects.create(
                    version=base.version + 1, factors=data, created_by=actor, note=reason
                )
        except IntegrityError:  # another override took this version number: start again
            continue
        forget_figures()  # the dashboard's figures used the old factors
        return created
    raise RuntimeError("could not write the factor set")
