"""Mapping an asset list's columns to our fields: guessed from the headers, then corrected by
the uploader's overrides, in one place (map_columns) for the pages, the API and the command."""

import re
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    aliases: tuple[str, ...]


# Our fields and the header names donors' asset systems give them, in English and Chinese.
# Not "序号": that is the row number in Chinese spreadsheets, not a serial number.
FIELDS: tuple[Field, ...] = (
    # Our own tag, as our exports write it: a row with it is that device of the donation.
    Field("tag", gettext_lazy("greenit asset tag"), ("greenit tag", "greenit 资产标签")),
    Field(
        "donor_asset_number",
        gettext_lazy("Donor's asset number"),
        ("asset tag", "asset number", "asset no", "asset id", "asset code", "tag number")
        + ("资产编号", "资产编码", "资产号", "资产标签", "固定资产编号"),
    ),
    Field(
        "serial",
        gettext_lazy("Serial number"),
        ("serial", "serial number", "serial no", "s/n", "sn", "service tag")
        + ("序列号", "序列号码", "设备序列号", "机身序列号", "sn号", "出厂编号"),
    ),
    Field(
        "make",
        gettext_lazy("Make"),
        ("manufacturer", "brand", "make", "vendor", "品牌", "厂商", "制造商", "生产厂家", "厂家"),
    ),
    Field(
        "model",
        gettext_lazy("Model"),
        ("model", "model number", "model name", "型号", "规格型号", "设备型号"),
    ),
    Field(
        "category",
        gettext_lazy("Category"),
        ("category", "type", "asset type", "device type", "asset class", "asset category")
        + ("类别", "类型", "资产类别", "资产类型", "设备类型", "设备类别", "资产分类"),
    ),
    Field(
        "weight_kg",
        gettext_lazy("Weight (kg)"),
        ("weight", "weight kg", "weight (kg)", "重量", "重量kg", "重量(kg)", "重量（千克）"),
    ),
    Field(
        "specs",
        gettext_lazy("Specifications"),
        ("specs", "specifications", "specification", "configuration", "description")
        + ("配置", "规格", "描述", "说明", "配置信息"),
    ),
    Field(
        "condition",
        gettext_lazy("Condition"),
        ("condition", "state", "状况", "成色", "设备状况", "状态", "使用状况"),
    ),
)
FIELD_NAMES = tuple(f.name for f in FIELDS)
LABELS = {f.name: f.label for f in FIELDS}


def normalise_header(text: str) -> str:
    """Case, spaces and punctuation do not matter: "S/N", "s n" and "SN" are one header."""
    return re.sub(r"[\W_]+", "", str(text)).casefold()


@cache
def _aliases() -> dict[str, str]:
    """Every header we recognise, to its field: the donors' spellings, and our own labels in
    every language we speak, so a list we exported reads back in whatever language it was
    exported in."""
    aliases = {normalise_header(alias): f.name for f in FIELDS for alias in (f.name, *f.aliases)}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            for f in FIELDS:
                aliases.setdefault(normalise_header(str(f.label)), f.name)
    return aliases


def guess_mapping(headers: list[str]) -> list[str]:
    """The field each column most likely holds ("" when none); each field at most once."""
    taken: set[str] = set()
    fields = []
    for header in headers:
        name = _aliases().get(normalise_header(header), "")
        if name in taken:
            name = ""
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
    """The field each column goes to ("" = not imported): the guess, then the overrides."""
    fields = guess_mapping(headers)
    return apply_overrides(headers, fields, overrides) if overrides else fields


def apply_overrides(headers: list[str], fields: list[str], overrides: dict[str, str]) -> list[str]:
    """`overrides` maps a header (or a column letter or 1-based number) to a field name, or to
    "" to leave that column out. Raises ValidationError naming an unknown column."""
    fields = list(fields)
    for column, name in overrides.items():
        index = _column_index(headers, column)
        name = name.strip()
        if name and name not in FIELD_NAMES:
            raise ValidationError(
                {
                    "mapping": _("“%(name)s” is not one of our fields. Choose one of: %(names)s.")
                    % {"name": name, "names": ", ".join(FIELD_NAMES)}
                }
            )
        if name:
            fields = ["" if f == name else f for f in fields]
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
