"""Reading donors' asset lists: CSV (any common delimiter, UTF-8 or GB18030 as Chinese Excel
saves it) and XLSX, and matching their column headers to our fields."""

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    aliases: tuple[str, ...]


# Our fields and the header names donors' asset systems give them, in English and Chinese.
# Not "序号": that is the row number in Chinese spreadsheets, not a serial number.
FIELDS: tuple[Field, ...] = (
    Field(
        "donor_asset_number",
        _("Donor's asset number"),
        ("asset tag", "asset number", "asset no", "asset id", "asset code", "tag number")
        + ("资产编号", "资产编码", "资产号", "资产标签", "固定资产编号"),
    ),
    Field(
        "serial",
        _("Serial number"),
        ("serial", "serial number", "serial no", "s/n", "sn", "service tag")
        + ("序列号", "序列号码", "设备序列号", "机身序列号", "sn号", "出厂编号"),
    ),
    Field(
        "make",
        _("Make"),
        ("manufacturer", "brand", "make", "vendor", "品牌", "厂商", "制造商", "生产厂家", "厂家"),
    ),
    Field(
        "model",
        _("Model"),
        ("model", "model number", "model name", "型号", "规格型号", "设备型号"),
    ),
    Field(
        "category",
        _("Category"),
        ("category", "type", "asset type", "device type", "asset class", "asset category")
        + ("类别", "类型", "资产类别", "资产类型", "设备类型", "设备类别", "资产分类"),
    ),
    Field(
        "weight_kg",
        _("Weight (kg)"),
        ("weight", "weight kg", "weight (kg)", "重量", "重量kg", "重量(kg)", "重量（千克）"),
    ),
    Field(
        "specs",
        _("Specifications"),
        ("specs", "specifications", "specification", "configuration", "description")
        + ("配置", "规格", "描述", "说明", "配置信息"),
    ),
    Field(
        "condition",
        _("Condition"),
        ("condition", "state", "状况", "成色", "设备状况", "状态", "使用状况"),
    ),
)
FIELD_NAMES = tuple(f.name for f in FIELDS)
LABELS = {f.name: f.label for f in FIELDS}


def normalise_header(text: str) -> str:
    """Case, spaces and punctuation do not matter: "S/N", "s n" and "SN" are one header."""
    return re.sub(r"[\W_]+", "", str(text)).casefold()


_ALIASES = {normalise_header(alias): f.name for f in FIELDS for alias in (f.name, *f.aliases)}


def guess_mapping(headers: list[str]) -> list[str]:
    """The field each column most likely holds ("" when none); each field at most once."""
    taken: set[str] = set()
    fields = []
    for header in headers:
        name = _ALIASES.get(normalise_header(header), "")
        if name in taken:
            name = ""
        taken.add(name)
        fields.append(name)
    return fields


@dataclass
class Table:
    headers: list[str]
    rows: Iterator[tuple[int, list[str]]]  # (line number as the spreadsheet shows it, cells)


def read_table(data: bytes, filename: str) -> Table:
    """Header and rows of a CSV or XLSX file; raises ValidationError for anything else."""
    if filename.lower().endswith(".xlsx") or data[:4] == b"PK\x03\x04":
        return _read_xlsx(data)
    if filename.lower().endswith((".csv", ".txt", ".tsv")):
        return _read_csv(data)
    raise ValidationError(
        _("“%(name)s” is neither a CSV nor an XLSX file. Save the list as CSV or XLSX."),
        params={"name": filename},
        code="file_type",
    )


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationError(
        _("The file is in neither UTF-8 nor GB18030. Save it as “CSV UTF-8” and upload again."),
        code="encoding",
    )


def _read_csv(data: bytes) -> Table:
    text = _decode(data)
    try:
        dialect = csv.Sniffer().sniff(text[:8192], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    headers = next(reader, None)
    if not headers or not any(h.strip() for h in headers):
        raise ValidationError(_("The file is empty: line 1 must name the columns."), code="empty")
    headers = [h.strip() for h in headers]
    return Table(headers, ((n, row) for n, row in enumerate(reader, start=2) if any(row)))


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


def _read_xlsx(data: bytes) -> Table:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise ValidationError(
            _("The XLSX file could not be read (%(error)s). Open it in Excel and save it again."),
            params={"error": error},
            code="xlsx",
        ) from None
    rows = book.active.iter_rows(values_only=True)
    first = next(rows, None)
    if not first or not any(c is not None for c in first):
        raise ValidationError(_("The file is empty: line 1 must name the columns."), code="empty")
    headers = [_cell(c) for c in first]
    while headers and not headers[-1]:
        headers.pop()

    def cells() -> Iterator[tuple[int, list[str]]]:
        for n, row in enumerate(rows, start=2):
            values = [_cell(c) for c in row]
            if any(values):
                yield n, values
        book.close()

    return Table(headers, cells())
