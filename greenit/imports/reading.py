"""Reading donors' asset lists, bytes to a table: CSV (any common delimiter, UTF-8 or GB18030
as Chinese Excel saves it) and XLSX. Which column holds which field is mapping.py's part."""

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


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
