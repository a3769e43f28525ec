"""Reading donors' asset lists, bytes to a table: CSV (any common delimiter, UTF-8 or GB18030
as Chinese Excel saves it) and XLSX. Which column holds which field is mapping.py's part."""

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from greenit.core.storable import unstorable_reason

from .mapping import column_name

# Longer than any field we keep (checking.MAX_LENGTH): a longer cell is cut here, so that no
# step holds more of it, and checking still refuses it as too long.
CELL_MAX_CHARS = 1000
MAX_COLUMNS = 200
# A spreadsheet runs a CSV cell starting with one of these as a formula; our exports put an
# apostrophe before such a cell (exporting.py), and reading takes it off again.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def unescape_formula(cell: str) -> str:
    """The cell as it was before an export guarded it: "'=1+1" → "=1+1"."""
    return cell[1:] if cell[:1] == "'" and cell[1:2] in FORMULA_STARTS else cell


@dataclass
class Table:
    headers: list[str]
    rows: Iterator[tuple[int, list[str]]]  # (line number as the spreadsheet shows it, cells)


def check_size(size: int) -> None:
    """Refuse a file larger than IMPORT_MAX_BYTES, on every face (page, API, command line)."""
    if size > settings.IMPORT_MAX_BYTES:
        raise ValidationError(
            _("The file is larger than %(mb)s MB. Split the list into several files."),
            params={"mb": f"{settings.IMPORT_MAX_BYTES / 1_000_000:g}"},
            code="too_large",
        )


def read_table(data: bytes, filename: str) -> Table:
    """Header and rows of a CSV or XLSX file no larger than IMPORT_MAX_BYTES (an XLSX that
    unpacks to no more than IMPORT_XLSX_MAX_BYTES), every cell cut at CELL_MAX_CHARS;
    raises ValidationError for anything else."""
    check_size(len(data))
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
        delimiter = csv.Sniffer().sniff(text[:8192], delimiters=",;\t|").delimiter
    except csv.Error:
        delimiter = ","
    # Only the delimiter is guessed: the sniffer takes the apostrophes of guarded formulas
    # ('=1+1, as our exports and spreadsheet programs write them) for quote marks, and every
    # spreadsheet program and asset system quotes with ".
    reader = csv.reader(io.StringIO(text, newline=""), csv.excel, delimiter=delimiter)
    headers = next(reader, None)
    if not headers or not any(h.strip() for h in headers):
        raise ValidationError(_("The file is empty: line 1 must name the columns."), code="empty")
    headers = _check_headers([h.strip()[:CELL_MAX_CHARS] for h in headers])

    def cells() -> Iterator[tuple[int, list[str]]]:
        try:
            for n, row in enumerate(reader, start=2):
                whole = "".join(row)
                if not whole:
                    continue  # a blank line
                if len(whole) <= CELL_MAX_CHARS and "'" not in whole:
                    yield n, row  # the common row: no cell too long, none guarded
                    continue
                yield (
                    n,
                    [
                        cell
                        if len(cell) <= CELL_MAX_CHARS and cell[:1] != "'"
                        else unescape_formula(cell[:CELL_MAX_CHARS])
                        for cell in row
                    ],
                )
        except csv.Error as error:  # e.g. a cell longer than the csv module reads
            raise ValidationError(
                _("Line %(line)s of the file could not be read (%(error)s)."),
                params={"line": reader.line_num, "error": error},
                code="csv",
            ) from None

    return Table(headers, cells())


def _check_headers(headers: list[str]) -> list[str]:
    if len(headers) > MAX_COLUMNS:
        raise ValidationError(
            _("Line 1 names %(n)s columns; we read at most %(max)s. Delete the empty ones."),
            params={"n": len(headers), "max": MAX_COLUMNS},
            code="columns",
        )
    for i, header in enumerate(headers):
        reason = unstorable_reason(header)
        if reason:
            raise ValidationError(
                _("Line 1, column %(column)s: %(reason)s"),
                params={"column": column_name(i), "reason": reason},
                code="unstorable",
            )
    return headers


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime) and value == datetime.combine(value.date(), time()):
        return value.date().isoformat()  # a date cell: Excel stores dates as midnight
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()[:CELL_MAX_CHARS]


def _check_unpacked_size(data: bytes) -> None:
    """Refuse an XLSX whose parts unpack to more than IMPORT_XLSX_MAX_BYTES, before any is
    unpacked: the sizes the zip declares bound what Python's zipfile will ever produce."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise ValidationError(
            _("The XLSX file could not be read (%(error)s). Open it in Excel and save it again."),
            params={"error": error},
            code="xlsx",
        ) from None
    if unpacked > settings.IMPORT_XLSX_MAX_BYTES:
        raise ValidationError(
            _(
                "The XLSX file unpacks to %(mb)s MB, more than the %(max)s MB we read. Save "
                "the list as CSV, or split it into several files."
            ),
            params={
                "mb": round(unpacked / 1_000_000),
                "max": round(settings.IMPORT_XLSX_MAX_BYTES / 1_000_000),
            },
            code="xlsx_size",
        )


def _read_xlsx(data: bytes) -> Table:
    from openpyxl import load_workbook

    _check_unpacked_size(data)
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
    headers = _check_headers(headers)

    def cells() -> Iterator[tuple[int, list[str]]]:
        for n, row in enumerate(rows, start=2):
            values = [_cell(c) for c in row]
            if any(values):
                yield n, values
        book.close()

    return Table(headers, cells())
