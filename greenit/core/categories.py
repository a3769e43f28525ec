"""Device categories, loaded once from data/categories.json (one file, every part of greenit)."""

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.functional import lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

DATA_FILE = Path(__file__).parent / "data" / "categories.json"

MERCURY_REFUSAL = _(
    "Fluorescent tubes and other mercury-containing lamps are hazardous waste (China's "
    "National Hazardous Waste List, class HW29, code 900-023-29), so we cannot accept them. "
    "Please take them to a licensed hazardous-waste handler or a lamp take-back point "
    "(many lighting shops and district sanitation stations have one)."
)


@dataclass(frozen=True)
class Category:
    code: str
    en: str
    zh: str
    holds_data: bool
    refused: bool = False
    aliases: tuple[str, ...] = field(default=())

    @property
    def label(self) -> str:
        return self.zh if (get_language() or "en").startswith("zh") else self.en

    def __str__(self) -> str:
        return self.label


@cache
def all_categories() -> dict[str, Category]:
    raw = json.loads(DATA_FILE.read_text(encoding="utf-8"))["categories"]
    return {
        row["code"]: Category(
            code=row["code"],
            en=row["en"],
            zh=row["zh"],
            holds_data=row["holds_data"],
            refused=row.get("refused", False),
            aliases=tuple(row.get("aliases", ())),
        )
        for row in raw
    }


def get(code: str) -> Category:
    return all_categories()[code]


def _label(code: str) -> str:
    return all_categories()[code].label


category_label = lazy(_label, str)


def choices(*, include_refused: bool = True) -> list[tuple[str, str]]:
    """Choices for a form or model field, labels in the active language at render time.

    Refused categories stay in the list so that a donor who picks one is told, at that
    moment, why it is refused and where it goes instead."""
    return [
        (c.code, category_label(c.code))
        for c in all_categories().values()
        if include_refused or not c.refused
    ]


def data_bearing_codes() -> list[str]:
    return [c.code for c in all_categories().values() if c.holds_data]


def validate_accepted(code: str) -> None:
    """Raise ValidationError unless `code` is a category greenit accepts."""
    category = all_categories().get(code)
    if category is None:
        raise ValidationError(
            _("“%(code)s” is not a device category. Choose one of: %(known)s."),
            code="unknown_category",
            params={"code": code, "known": ", ".join(all_categories())},
        )
    if category.refused:
        raise ValidationError(MERCURY_REFUSAL, code="refused_category")


def _normalise(text: str) -> str:
    return " ".join(text.replace("_", " ").replace("-", " ").split()).casefold()


@cache
def _lookup() -> dict[str, str]:
    table: dict[str, str] = {}
    for c in all_categories().values():
        for name in (c.code, c.en, c.zh, *c.aliases):
            table.setdefault(_normalise(name), c.code)
    return table


def match(text: str) -> str | None:
    """The category code a free-text value (code, English or Chinese name, alias) stands for."""
    return _lookup().get(_normalise(text))
