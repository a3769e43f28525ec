"""Mapping an asset list's columns to our fields: guessed from the headers, then corrected by
the uploader's overrides, in one place (map_columns) for the pages, the API and the command."""

from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import models as import_models
from . import vocabulary
from .models import KEEP, SKIP


@dataclass(frozen=True)
class Field:
    name: str
    label: str


# Our fields; the header spellings that name them are in data/vocabulary.json (vocabulary.py).
FIELDS: tuple[Field, ...] = (
    # Our own tag, as our exports write it: a row with it is that device of the donation.
    Field("tag", gettext_lazy("greenit asset tag")),
    Field("donor_asset_number", gettext_lazy("Donor's asset number")),
    Field("serial", gettext_lazy("Serial number")),
    Field("make", gettext_lazy("Make")),
    Field("model", gettext_lazy("Model")),
    Field("category", gettext_lazy("Category")),
    Field("weight_kg", gettext_lazy("Weight (kg)")),
    Field("specs", gettext_lazy("Specifications")),
    Field("condition", gettext_lazy("Condition")),
    # In use, idle, retired…: where the device stood in the donor's books, not its condition.
    # Kept as a detail; copied to the condition only when the status says the device is broken.
    Field("status", gettext_lazy("Status in the donor's register")),
)
FIELD_NAMES = tuple(f.name for f in FIELDS)
# The model checks administrators' spellings against its own copy of the names (it cannot
# import this module, which reads it): the two must not drift.
if FIELD_NAMES != import_models.FIELD_NAMES:
    raise ImproperlyConfigured("imports.models.FIELD_NAMES differs from mapping.FIELDS")
# The header names the upload page gives as examples: (English, Chinese) of the first fields.
EXAMPLE_HEADERS = (
    ("asset number", "资产编号"),
    ("serial number", "序列号"),
    ("brand", "品牌"),
    ("model", "型号"),
    ("category", "类别"),
    ("weight", "重量"),
)
LABELS = {f.name: f.label for f in FIELDS}
# What the uploader may write in an override besides a field name.
OVERRIDE_KEEP = "keep"


@cache
def _own_headers() -> dict[str, str]:
    """Our field names and our own labels in every language we speak, so a list we exported
    reads back in whatever language it was exported in."""
    own = {vocabulary.normalise(f.name): f.name for f in FIELDS}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            for f in FIELDS:
                own.setdefault(vocabulary.normalise(str(f.label)), f.name)
    return own


def guess_mapping(headers: list[str]) -> list[str]:
    """The field each column most likely holds, each field at most once: a header that names
    a field only weakly (资产名称 for the category) counts only when no column names it
    plainly. Our own field names (donor_asset_number) are headers too. A column that names
    none is kept as a detail (KEEP) or left out (SKIP)."""
    vocab = vocabulary.load()
    own = _own_headers()
    guesses = [
        (own[key], False) if (key := vocabulary.normalise(h)) in own else vocab.header(h)
        for h in headers
    ]
    plain = {name for name, weak in guesses if not weak}
    taken: set[str] = set()
    fields = []
    for name, weak in guesses:
        if name in (KEEP, SKIP):
            fields.append(name)
        elif name in taken or (weak and name in plain):
            fields.append(KEEP)
        else:
            taken.add(name)
            fields.append(name)
    return fields


def column_name(index: int) -> str:
    """The spreadsheet's letter for a 0-based column: 0 → A, 26 → AA."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def map_columns(headers: list[str], overrides: dict[str, str] | None = None) -> list[str]:
    """The field each column goes to (KEEP: kept as a detail, SKIP: left out): the guess,
    then the overrides."""
    fields = guess_mapping(headers)
    return apply_overrides(headers, fields, overrides) if overrides else fields


def apply_overrides(headers: list[str], fields: list[str], overrides: dict[str, str]) -> list[str]:
    """`overrides` maps a header (or a column letter or 1-based number) to a field name, to
    "keep" to keep the column as a detail of each device, or to "" or "-" to leave it out.
    Raises ValidationError naming an unknown column or field."""
    fields = list(fields)
    for column, name in overrides.items():
        index = _column_index(headers, column)
        name = name.strip()
        if name in ("", SKIP, OVERRIDE_KEEP):
            fields[index] = KEEP if name == OVERRIDE_KEEP else SKIP
            continue
        if name not in FIELD_NAMES:
            raise ValidationError(
                {
                    "mapping": _(
                        "“%(name)s” is not one of our fields. Choose one of: %(names)s, "
                        "“keep” (kept as a detail) or “-” (left out)."
                    )
                    % {"name": name, "names": ", ".join(FIELD_NAMES)}
                }
            )
        fields = [KEEP if f == name else f for f in fields]
        fields[index] = name
    return fields


def _column_index(headers: list[str], column: str) -> int:
    key = column.strip()
    letters = [column_name(i) for i in range(len(headers))]
    if key in headers:
        return headers.index(key)
    if key.isdigit() and 1 <= int(key) <= len(headers):
        return int(key) - 1
    if key.isalpha() and key.upper() in letters:
        return letters.index(key.upper())
    raise ValidationError(
        {
            "mapping": _("The file has no column “%(column)s”. Its columns are: %(all)s.")
            % {"column": column, "all": ", ".join(headers)}
        }
    )
