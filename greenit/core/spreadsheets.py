"""Every CSV and XLSX greenit writes goes through here, so that no cell a user typed can
become a live formula in the reader's spreadsheet (OWASP "CSV injection"): text starting with
= + - @, a tab or a carriage return gets a leading apostrophe, which spreadsheets show as text.
Numbers are written as numbers (a negative weight stays a number); text that is exactly a
plain number ("-1.250") is left alone, since no spreadsheet reads it as a formula."""

import csv
import io
import re
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"-?\d+(\.\d+)?")
BOM = "\ufeff"  # Excel opens a CSV with it as UTF-8 (Chinese names stay right)


def safe_cell(value):
    """The value as a spreadsheet cell that cannot run anything."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float | Decimal | date | datetime):
        return value
    text = str(value)
    if text.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def safe_row(row: Iterable) -> list:
    return [safe_cell(value) for value in row]


class CsvWriter:
    """csv.writer over `out` (a file, a StringIO or an HttpResponse) that neutralises every
    cell; with `bom`, the byte-order mark is written first."""

    def __init__(self, out, *, bom: bool = True):
        if bom:
            out.write(BOM)
        self._writer = csv.writer(out)

    def writerow(self, row: Iterable) -> None:
        self._writer.writerow(safe_row(row))

    def writerows(self, rows: Iterable[Iterable]) -> None:
        for row in rows:
            self.writerow(row)


def csv_bytes(rows: Iterable[Iterable]) -> bytes:
    """Rows (the first is the header) as UTF-8 CSV with a byte-order mark."""
    out = io.StringIO()
    CsvWriter(out).writerows(rows)
    return out.getvalue().encode("utf-8")


def xlsx_bytes(sheets: dict[str, Iterable[Iterable]]) -> bytes:
    """One worksheet per name, its rows neutralised; every text cell is stored as text (never
    as a formula, which openpyxl makes of any string starting with "=")."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            cells = []
            for value in safe_row(row):
                cell = WriteOnlyCell(sheet, value=value)
                if isinstance(value, str):
                    cell.data_type = "s"
                cells.append(cell)
            sheet.append(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
