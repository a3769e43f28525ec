"""Checking an asset list, row by row, with one small function per field. Every problem is an
error row `{"line", "field", "message", "fix"}` that the pages, the API and the command show
as it is; nothing is written here."""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from itertools import islice

from django.db import connection
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from greenit.assets.catalogue import Catalogue
from greenit.assets.models import Asset
from greenit.core import categories, tags
from greenit.core.storable import unstorable_reason
from greenit.donations.models import Donation

from . import vocabulary
from .mapping import FIELD_NAMES, LABELS, column_name
from .models import KEEP, SKIP

PROGRESS_EVERY = 5000
MAX_LENGTH = {
    "serial": 100,
    "donor_asset_number": 100,
    "make": 100,
    "model": 100,
    "condition": 200,
}
MAX_WEIGHT = Decimal("99999.999")
# Errors kept per check: enough to fix a file, never a second copy of a huge one.
MAX_ERRORS = 1000
# A kept column's cell (purchase date, cost, department…) is a note, not a document.
MAX_DETAIL = 500
# Rows read before asking, in one query, which of their serials other donations hold.
LOOKUP_EVERY = 20000


@dataclass
class CheckResult:
    total: int = 0
    unchanged: int = 0
    new_rows: list[dict] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _error(line: int, name: str, message: str, fix: str) -> dict:
    return {"line": line, "field": name, "message": message, "fix": fix}


def mapping_errors(headers: list[str], fields: list[str]) -> list[dict]:
    """What is wrong with a column mapping, as line-1 errors (the header line)."""
    errors = []
    chosen: dict[str, list[str]] = {}
    for i, name in enumerate(fields):
        if name not in (KEEP, SKIP):
            chosen.setdefault(name, []).append(column_name(i))
    for name, columns in chosen.items():
        if name not in FIELD_NAMES:
            errors.append(
                _error(
                    1,
                    name,
                    _("“%(name)s” is not one of our fields.") % {"name": name},
                    _("Choose one of: %(names)s.") % {"names": ", ".join(FIELD_NAMES)},
                )
            )
        elif len(columns) > 1:
            errors.append(
                _error(
                    1,
                    name,
                    _("%(field)s is chosen for columns %(columns)s.")
                    % {"field": LABELS[name], "columns": ", ".join(columns)},
                    _("Choose it for one column only; set the others to “not imported”."),
                )
            )
    if "category" not in chosen:
        errors.append(
            _error(
                1,
                "category",
                _("No column is chosen as the category."),
                _("Choose the column that says what each device is (laptop, monitor…)."),
            )
        )
    if not chosen.keys() & {"serial", "donor_asset_number", "tag"}:
        errors.append(
            _error(
                1,
                "serial",
                _("No column is chosen as the serial number or the asset number."),
                _("Choose the column with serial numbers, or the one with your asset numbers."),
            )
        )
    return errors


class Ledger:
    """What the checks remember across rows: the devices the donation already has, the line
    where each serial and asset number was first seen, and each category spelling's match."""

    def __init__(self, donation: Donation):
        self.known_serial = {
            serial: (tag, category)
            for serial, tag, category in Asset.objects.filter(donation=donation)
            .exclude(serial="")
            .values_list("serial", "tag", "category")
        }
        self.known_number = {
            number: (tag, category)
            for number, tag, category in Asset.objects.filter(donation=donation, serial="")
            .exclude(donor_asset_number="")
            .values_list("donor_asset_number", "tag", "category")
        }
        self.known_tag = {
            tag: (tag, category)
            for tag, category in Asset.objects.filter(donation=donation).values_list(
                "tag", "category"
            )
        }
        self.tag_line: dict[str, int] = {}
        self.serial_line: dict[str, int] = {}
        self.number_line: dict[str, int] = {}
        self.category_of: dict[str, str | None] = {}
        self.unknown_category: dict[str, tuple[str, str]] = {}  # spelling → (message, fix)
        self.donation = donation
        self.vocabulary = vocabulary.load()
        # serial → (tag, donation reference) of a device another donation already holds
        self.elsewhere: dict[str, tuple[str, str]] = {}
        self.catalogue = Catalogue()
        # What a cell's text means, worked out once per distinct text (registers repeat).
        self.weight_of: dict[str, Decimal] = {}
        self.condition_status: dict[str, bool] = {}

    def look_up_elsewhere(self, serials: set[str]) -> None:
        """Which of these serials other donations already hold: one query for many rows (a
        plain one: Django's `__in` prepares each of thousands of values on its own, which
        cost more than the rest of the check), a second only for the few found."""
        if not serials:
            return
        table, quote = Asset._meta.db_table, connection.ops.quote_name
        if connection.vendor == "postgresql":  # one array: nothing to parse per value
            among, params = "= ANY(%s::varchar[])", [list(serials)]
        else:
            among, params = f"IN ({', '.join(['%s'] * len(serials))})", list(serials)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id FROM {quote(table)} WHERE serial {among}"  # noqa: S608
                f" AND donation_id <> %s",
                [*params, self.donation.pk],
            )
            elsewhere = [pk for (pk,) in cursor.fetchall()]
        if not elsewhere:
            return
        named = (
            Asset.objects.filter(pk__in=elsewhere)
            .order_by("pk")
            .values_list("serial", "tag", "donation__reference")
        )
        for serial, tag, reference in named:
            self.elsewhere.setdefault(serial, (tag, reference))


def unstorable_cells(cells: list[str], headers: list[str], line: int) -> list[dict]:
    """A cell no database can keep (a NUL byte, a lone surrogate), in any column, kept ones
    included: named by its column, never quoted, before anything compares or stores it."""
    errors = []
    for i, cell in enumerate(cells):
        reason = unstorable_reason(cell)
        if reason:
            column = headers[i] if i < len(headers) and headers[i] else column_name(i)
            errors.append(
                _error(
                    line,
                    "",
                    _("The “%(column)s” cell cannot be stored.") % {"column": column},
                    reason,
                )
            )
    return errors


def check_details(details: dict[str, str], line: int) -> list[dict]:
    """A kept column's cell is a note: a longer one is refused rather than cut."""
    if not details or max(map(len, details.values())) <= MAX_DETAIL:
        return []
    return [
        _error(
            line,
            "",
            _("The “%(column)s” column is longer than %(n)s characters.")
            % {"column": column, "n": MAX_DETAIL},
            _("Shorten it, or choose “Not imported” for this column."),
        )
        for column, value in details.items()
        if len(value) > MAX_DETAIL
    ]


SHORTEST_LIMIT = min(*MAX_LENGTH.values(), MAX_DETAIL)


def check_lengths(row: dict[str, str], line: int) -> list[dict]:
    if max(map(len, row.values()), default=0) <= SHORTEST_LIMIT:
        return []  # the common case, found without looking at each limit
    return [
        _error(
            line,
            name,
            _("%(field)s is longer than %(n)s characters.") % {"field": LABELS[name], "n": limit},
            _("Shorten it to at most %(n)s characters.") % {"n": limit},
        )
        for name, limit in MAX_LENGTH.items()
        if len(row.get(name, "")) > limit
    ]


def _unknown_category(raw: str, ledger: Ledger) -> tuple[str, str]:
    """The message and fix for a category we do not know, with the closest one we do, in the
    reader's language, as the suggestion (looked for once per spelling)."""
    if raw not in ledger.unknown_category:
        ledger.unknown_category[raw] = _suggestion(raw, ledger.vocabulary.suggest(raw))
    return ledger.unknown_category[raw]


def _suggestion(raw: str, suggestion: str | None) -> tuple[str, str]:
    message = _("“%(value)s” is not a device category we know.") % {"value": raw}
    if suggestion is None:
        return message, _(
            "Write what the device is, for example laptop, desktop computer, monitor, printer "
            "or tablet (English or Chinese)."
        )
    label = categories.category_label(suggestion)
    return message, _("Did you mean “%(category)s”? If so, write “%(category)s” in this cell.") % {
        "category": label
    }


def check_category(raw: str, *, line: int, ledger: Ledger) -> tuple[str | None, list[dict]]:
    """The category code the cell names (None when it names none), and what is wrong."""
    if raw not in ledger.category_of:
        ledger.category_of[raw] = ledger.vocabulary.category(raw) if raw else None
    code = ledger.category_of[raw]
    if not raw:
        message = _("The category is empty.")
        fix = _("Write what the device is, for example laptop, desktop computer or monitor.")
    elif code is None:
        message, fix = _unknown_category(raw, ledger)
    elif categories.get(code).refused:
        message = str(categories.MERCURY_REFUSAL)
        fix = _("Remove this row from the list: these lamps cannot be donated to us.")
    else:
        return code, []
    return code, [_error(line, "category", message, fix)]


def _weight(text: str) -> Decimal:
    for unit in ("kg", "千克", "公斤"):
        if text.lower().endswith(unit):
            text = text[: -len(unit)].strip()
    return Decimal(text)


def check_weight(raw: str, line: int) -> tuple[Decimal | None, list[dict]]:
    """The weight in kilograms to three decimals (None when the cell is empty)."""
    if not raw:
        return None, []
    try:
        weight = _weight(raw)
        if not weight.is_finite():
            raise InvalidOperation
    except InvalidOperation:
        return None, [
            _error(
                line,
                "weight_kg",
                _("“%(value)s” is not a number.") % {"value": raw},
                _("Write the weight in kilograms, like 1.65, or leave it empty."),
            )
        ]
    errors = []
    if weight < 0 or weight > MAX_WEIGHT:
        errors.append(
            _error(
                line,
                "weight_kg",
                _("A weight of %(value)s kg is impossible.") % {"value": raw},
                _("Write the weight in kilograms, between 0 and 99999."),
            )
        )
        return None, errors  # too big to round: 1e100 has no three-decimal form
    return weight.quantize(Decimal("0.001")), errors


def check_identity(
    serial: str, number: str, *, tag: str = "", line: int, ledger: Ledger
) -> tuple[tuple | None, list[dict]]:
    """How the device will be recognised: our asset tag (a list we exported), else its serial
    number, else the donor's asset number. Returns the (tag, category) of the device already
    recorded with it, if any, and what is wrong."""
    if tag:
        return check_tag(tag, line=line, ledger=ledger)
    if serial:
        known = ledger.known_serial.get(serial)
        errors = check_serial_once(serial, line=line, ledger=ledger)
        if known is None:
            errors += check_serial_elsewhere(serial, line=line, ledger=ledger)
        return known, errors
    if number:
        return ledger.known_number.get(number), check_number_once(number, line=line, ledger=ledger)
    return None, [
        _error(
            line,
            "serial",
            _("The row has neither a serial number nor an asset number."),
            _("Fill in at least one of them, so the device can be recognised at intake."),
        )
    ]


def check_tag(text: str, *, line: int, ledger: Ledger) -> tuple[tuple | None, list[dict]]:
    """A tag names a device this donation already has: we give tags, an import never does."""
    tag = tags.normalise(text)
    known = ledger.known_tag.get(tag)
    if known is None:
        return None, [
            _error(
                line,
                "tag",
                _("%(tag)s is not the asset tag of a device of this donation.") % {"tag": text},
                _(
                    "Empty the cell to add the row as a new device, or import the row into "
                    "the donation the device belongs to."
                ),
            )
        ]
    first = ledger.tag_line.setdefault(tag, line)
    if first == line:
        return known, []
    return known, [
        _error(
            line,
            "tag",
            _("Asset tag %(tag)s appears on lines %(first)s and %(line)s.")
            % {"tag": text, "first": first, "line": line},
            _("Keep one of the two rows."),
        )
    ]


def check_serial_once(serial: str, *, line: int, ledger: Ledger) -> list[dict]:
    first = ledger.serial_line.setdefault(serial, line)
    if first == line:
        return []
    return [
        _error(
            line,
            "serial",
            _("Serial number %(serial)s appears on lines %(first)s and %(line)s.")
            % {"serial": serial, "first": first, "line": line},
            _("Keep one of the two rows, or correct the serial number."),
        )
    ]


def check_serial_elsewhere(serial: str, *, line: int, ledger: Ledger) -> list[dict]:
    """A serial another donation already holds is the same device given twice, or a typing
    mistake: either way it is not added a second time unnoticed."""
    if serial not in ledger.elsewhere:
        return []
    tag, reference = ledger.elsewhere[serial]
    return [
        _error(
            line,
            "serial",
            _(
                "Serial number %(serial)s is already recorded in another donation, "
                "%(donation)s, as device %(tag)s."
            )
            % {"serial": serial, "donation": reference, "tag": Asset(tag=tag).display_tag},
            _(
                "If it is the same device, remove this row: it was given before. If not, "
                "correct the serial number."
            ),
        )
    ]


def check_number_once(number: str, *, line: int, ledger: Ledger) -> list[dict]:
    """Asset numbers are compared only among rows without a serial number."""
    first = ledger.number_line.setdefault(number, line)
    if first == line:
        return []
    return [
        _error(
            line,
            "donor_asset_number",
            _("Asset number %(number)s appears on lines %(first)s and %(line)s.")
            % {"number": number, "first": first, "line": line},
            _("Keep one of the two rows, or add the serial numbers."),
        )
    ]


def check_same_category(known: tuple, code: str, *, what: str, name: str, line: int) -> list:
    """A device already recorded for this donation must come back as the same category."""
    tag, recorded = known
    if recorded == code:
        return []
    return [
        _error(
            line,
            name,
            _("%(what)s is already recorded for this donation as %(tag)s, a %(category)s.")
            % {
                "what": what,
                "tag": Asset(tag=tag).display_tag,
                "category": categories.category_label(recorded),
            },
            _("Correct the serial number or the category, or remove the row."),
        )
    ]


def _condition(row: dict[str, str], ledger: Ledger) -> str:
    """The condition column, else the register's status where that status describes the
    device's condition (Broken, 损坏), never where it says in use, idle or retired."""
    status = row.get("status", "")
    if row.get("condition") or not status:
        return row.get("condition", "")
    if status not in ledger.condition_status:
        ledger.condition_status[status] = ledger.vocabulary.means_condition(status)
    return status if ledger.condition_status[status] else ""


def check_row(
    row: dict[str, str],
    *,
    line: int,
    ledger: Ledger,
    donation: Donation,
    details: dict[str, str] | None = None,
    short: bool = False,
) -> tuple[dict | None, tuple | None, list[dict]]:
    """One row: the device to create, the device already recorded (if any), what is wrong.
    `details` are the kept columns' cells, by header; `short`: the whole row is no longer
    than the shortest length limit, so no cell of it needs measuring."""
    details = details or {}
    errors = [] if short else check_lengths(row, line) + check_details(details, line)
    code, found = check_category(row.get("category", ""), line=line, ledger=ledger)
    errors += found
    raw_weight = row.get("weight_kg", "")
    weight = ledger.weight_of.get(raw_weight)
    if weight is None:
        weight, found = check_weight(raw_weight, line)
        errors += found
        if weight is not None and not found:
            ledger.weight_of[raw_weight] = weight
    is_blank = ledger.vocabulary.is_blank
    serial, number = row.get("serial", ""), row.get("donor_asset_number", "")
    serial, number = ("" if is_blank(serial) else serial), ("" if is_blank(number) else number)
    tag = row.get("tag", "")
    known, found = check_identity(serial, number, tag=tag, line=line, ledger=ledger)
    errors += found
    if known is not None and code is not None:
        name = "tag" if tag else "serial" if serial else "donor_asset_number"
        what = tag or serial or number
        errors += check_same_category(known, code, what=what, name=name, line=line)
    make, model = ledger.catalogue.normalise(row.get("make", ""), row.get("model", ""))
    device = {
        "donation_id": donation.pk,
        "category": code,
        "serial": serial,
        "donor_asset_number": number,
        "make": make,
        "model": model,
        "specs": row.get("specs", ""),
        "condition": _condition(row, ledger),
        "weight_kg": weight,
        "register_details": details,
    }
    return device, known, errors


def kept_columns(headers: list[str], fields: list[str]) -> list[tuple[str, int]]:
    """The columns kept with each device (every column that is not one of our fields and not
    left out, and the register's status), named by their header; a header that is empty or
    used twice is named by its column letter too."""
    kept = []
    for i, name in enumerate(fields):
        if name in (KEEP, "status"):
            header = headers[i] if i < len(headers) else ""
            if not header or headers.count(header) > 1:
                header = f"{column_name(i)} {header}".strip()
            kept.append((header, i))
    return kept


def _chunks(rows: Iterable, size: int) -> Iterator[list]:
    rows = iter(rows)
    while chunk := list(islice(rows, size)):
        yield chunk


def _serials(chunk: list[tuple[int, list[str]]], index: int | None, ledger: Ledger) -> set[str]:
    if index is None:
        return set()
    cells = (cells[index].strip() for _line, cells in chunk if index < len(cells))
    # An unstorable serial (a NUL byte) is refused on its row; PostgreSQL cannot even compare it.
    return {
        s for s in cells if s and not ledger.vocabulary.is_blank(s) and not unstorable_reason(s)
    }


def _picker(
    columns: list[tuple[str, int]], kept: list[tuple[str, int]]
) -> Callable[[list[str]], tuple[dict[str, str], dict[str, str]]]:
    """A function giving a row's cells as (our fields, kept columns by header), stripped;
    a short row's missing cells are empty. Built once: it runs for every row."""
    names, places = [name for name, _i in columns], [i for _name, i in columns]
    width = max([*places, *(i for _h, i in kept)], default=-1) + 1

    def pick(cells: list[str]) -> tuple[dict[str, str], dict[str, str]]:
        if len(cells) < width:
            cells = cells + [""] * (width - len(cells))
        row = dict(zip(names, [cells[i].strip() for i in places], strict=True))
        details = {h: cells[i].strip() for h, i in kept if cells[i].strip()}
        return row, details

    return pick


def _pass_on(new_rows: list[dict], result: CheckResult, hand_over) -> list[dict]:
    """The new devices checked so far, handed over (while no row was wrong) or kept; returns
    the list to collect the next ones in."""
    if hand_over is None:
        result.new_rows += new_rows
    elif not result.errors and new_rows:
        hand_over(new_rows)
    return []


def check_rows(
    table_rows: Iterable[tuple[int, list[str]]],
    *,
    headers: list[str],
    fields: list[str],
    donation: Donation,
    on_progress: Callable[[int], None] | None = None,
    hand_over: Callable[[list[dict]], None] | None = None,
) -> CheckResult:
    """Check every row; collect what to create (when nothing is wrong) and every error.
    With `hand_over`, what to create is handed over a chunk at a time while no row has been
    wrong, instead of collected (the caller throws it away if a later row is wrong)."""
    result = CheckResult()
    columns = [(name, i) for i, name in enumerate(fields) if name not in (KEEP, SKIP)]
    kept = kept_columns(headers, fields)
    serial_index = fields.index("serial") if "serial" in fields else None
    pick = _picker(columns, kept)
    ledger = Ledger(donation)
    more = 0
    line = 1
    new_rows: list[dict] = []
    for chunk in _chunks(table_rows, LOOKUP_EVERY):
        ledger.look_up_elsewhere(_serials(chunk, serial_index, ledger))
        for line, cells in chunk:
            result.total += 1
            if result.total % PROGRESS_EVERY == 0:
                if on_progress:
                    on_progress(result.total)
                new_rows = _pass_on(new_rows, result, hand_over)
            row, details = pick(cells)
            # One look at the whole row first: nearly every row has nothing unstorable, and
            # a row shorter than the shortest limit has no field too long.
            whole = "\t".join(cells)
            unstorable = unstorable_reason(whole) is not None
            errors = unstorable_cells(cells, headers, line) if unstorable else []
            if not errors:
                device, known, errors = check_row(
                    row,
                    line=line,
                    ledger=ledger,
                    donation=donation,
                    details=details,
                    short=len(whole) <= SHORTEST_LIMIT,
                )
            if errors:
                room = max(0, MAX_ERRORS - len(result.errors))
                result.errors += errors[:room]
                more += len(errors) - len(errors[:room])
            elif known is not None:
                result.unchanged += 1  # the same device, already recorded: nothing to do
            elif not result.errors:
                new_rows.append(device)
    _pass_on(new_rows, result, hand_over)
    if more:
        result.errors.append(
            _error(
                line,
                "",
                ngettext(
                    "%(n)s more error is not listed.", "%(n)s more errors are not listed.", more
                )
                % {"n": more},
                _("Fix the errors listed, then check the file again."),
            )
        )
    if result.errors:
        result.new_rows = []
    return result
