"""Checking an asset list, row by row, with one small function per field. Every problem is an
error row `{"line", "field", "message", "fix"}` that the pages, the API and the command show
as it is; nothing is written here."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from greenit.assets.catalogue import Catalogue
from greenit.assets.models import Asset
from greenit.core import categories, tags
from greenit.donations.models import Donation

from .mapping import FIELD_NAMES, LABELS, column_name

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
        if name:
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
        self.catalogue = Catalogue()


def check_lengths(row: dict[str, str], line: int) -> list[dict]:
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


def _known_category_list() -> str:
    return ", ".join(
        f"{c.code} ({c.label})" for c in categories.all_categories().values() if not c.refused
    )


def check_category(raw: str, *, line: int, ledger: Ledger) -> tuple[str | None, list[dict]]:
    """The category code the cell names (None when it names none), and what is wrong."""
    if raw not in ledger.category_of:
        ledger.category_of[raw] = categories.match(raw) if raw else None
    code = ledger.category_of[raw]
    if not raw:
        message = _("The category is empty.")
        fix = _("Write what the device is, one of: %(known)s.") % {"known": _known_category_list()}
    elif code is None:
        message = _("“%(value)s” is not a device category we know.") % {"value": raw}
        fix = _("Use one of: %(known)s.") % {"known": _known_category_list()}
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
        return ledger.known_serial.get(serial), check_serial_once(serial, line=line, ledger=ledger)
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


def check_row(
    row: dict[str, str], *, line: int, ledger: Ledger, donation: Donation
) -> tuple[dict | None, tuple | None, list[dict]]:
    """One row: the device to create, the device already recorded (if any), what is wrong."""
    errors = check_lengths(row, line)
    code, found = check_category(row.get("category", ""), line=line, ledger=ledger)
    errors += found
    weight, found = check_weight(row.get("weight_kg", ""), line)
    errors += found
    serial, number = row.get("serial", ""), row.get("donor_asset_number", "")
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
        "condition": row.get("condition", ""),
        "weight_kg": weight,
    }
    return device, known, errors


def check_rows(
    table_rows: Iterable[tuple[int, list[str]]],
    *,
    fields: list[str],
    donation: Donation,
    on_progress: Callable[[int], None] | None = None,
) -> CheckResult:
    """Check every row; collect what to create (when nothing is wrong) and every error."""
    result = CheckResult()
    columns = [(name, i) for i, name in enumerate(fields) if name]
    ledger = Ledger(donation)
    more = 0
    for line, cells in table_rows:
        result.total += 1
        if on_progress and result.total % PROGRESS_EVERY == 0:
            on_progress(result.total)
        width = len(cells)
        row = {name: (cells[i].strip() if i < width else "") for name, i in columns}
        device, known, errors = check_row(row, line=line, ledger=ledger, donation=donation)
        if errors:
            room = max(0, MAX_ERRORS - len(result.errors))
            result.errors += errors[:room]
            more += len(errors) - len(errors[:room])
        elif known is not None:
            result.unchanged += 1  # the same device, already recorded: nothing to do
        elif not result.errors:
            result.new_rows.append(device)
    if more:
        result.errors.append(
            _error(
                line,
                "",
                _("%(n)s more errors are not listed.") % {"n": more},
                _("Fix the errors listed, then check the file again."),
            )
        )
    if result.errors:
        result.new_rows = []
    return result
