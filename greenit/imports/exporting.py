"""The device list as a file in the importer's own format: its headers (the field labels the
importer recognises in every language), its category names (categories.match reads them) and
our asset tag, so that importing an exported file into the same donation changes nothing.
Written row by row: a CSV streams from a database cursor, an XLSX is written in XlsxWriter's
constant-memory mode to a temporary file, so 100,000 devices are never in memory at once."""

import csv
import tempfile
from collections.abc import Iterator
from itertools import chain

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from greenit.assets.models import Asset, State
from greenit.core import categories, tags

from .mapping import LABELS
from .reading import FORMULA_STARTS

# The importer's fields (mapping.FIELDS), tag first; then two columns it leaves alone.
FIELDS = (
    "tag",
    "serial",
    "donor_asset_number",
    "category",
    "make",
    "model",
    "specs",
    "weight_kg",
    "condition",
)
CHUNK = 2000


def headers() -> list[str]:
    return [str(LABELS[name]) for name in FIELDS] + [_("Donation reference"), _("Lifecycle")]


def rows(assets: QuerySet[Asset]) -> Iterator[list[str]]:
    """One list of cells per device, read from the database CHUNK rows at a time."""
    columns = ("tag", "serial", "donor_asset_number", "category", "make", "model", "specs")
    values = assets.order_by("pk").values_list(
        *columns, "weight_kg", "condition", "donation__reference", "state"
    )
    for row in values.iterator(chunk_size=CHUNK):
        yield _cells(row)


def _cells(row: tuple) -> list[str]:
    tag, serial, number, category, make, model, specs, weight, condition, reference, state = row
    return [
        tags.display(tag),
        serial,
        number,
        str(categories.category_label(category)),
        make,
        model,
        specs,
        "" if weight is None else str(weight),
        condition,
        reference,
        str(State(state).label),
    ]


class _Echo:
    """A file whose write() returns what it was given: csv.writer then yields each line."""

    def write(self, value: str) -> str:
        return value


def _guarded(cell: str) -> str:
    """A spreadsheet would run "=…" as a formula (donors' data goes into these files): an
    apostrophe in front keeps it text; the importer takes it off again (reading.py)."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def csv_lines(assets: QuerySet[Asset]) -> Iterator[str]:
    """The CSV, line by line, UTF-8 with a byte-order mark so Excel reads Chinese right."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(headers())
    for cells in rows(assets):
        yield writer.writerow([_guarded(cell) for cell in cells])


def xlsx_file(assets: QuerySet[Asset]) -> tempfile.SpooledTemporaryFile:
    """The XLSX in a temporary file (on disk past 10 MB), rewound for reading."""
    import xlsxwriter

    out = tempfile.SpooledTemporaryFile(max_size=10_000_000)  # noqa: SIM115 (the response closes it)
    book = xlsxwriter.Workbook(
        out,
        {
            "constant_memory": True,  # each row is flushed to disk once the next begins
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
            "tmpdir": tempfile.gettempdir(),
        },
    )
    sheet = book.add_worksheet(_("Devices"))
    # Every cell is text (a serial "00123" stays as typed): write_string skips the guessing.
    write = sheet.write_string
    for n, cells in enumerate(chain([headers()], rows(assets))):
        for column, cell in enumerate(cells):
            if cell:
                write(n, column, cell)
    book.close()
    out.seek(0)
    return out
