"""Importing a donor's asset list: upload, check every row, then write every new device as
expected in one transaction, or nothing. The pages, the API, `greenit import-assets` and
bench/import.py all call these functions."""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from itertools import islice

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from greenit.assets import lifecycle
from greenit.assets.models import Asset, State
from greenit.core import categories
from greenit.donations.models import Donation

from .models import AssetImport
from .reading import FIELD_NAMES, LABELS, guess_mapping, read_table

SAMPLE_ROWS = 5
PROGRESS_EVERY = 5000
MAX_LENGTH = {
    "serial": 100,
    "donor_asset_number": 100,
    "make": 100,
    "model": 100,
    "condition": 200,
}
MAX_WEIGHT = Decimal("99999.999")


def may_import(user, donation: Donation) -> bool:
    """Staff import for any donation, a donor contact for their own organisation's. `None`
    is the operator at the server's command line."""
    if user is None or user.is_staff_member:
        return True
    return bool(user.is_authenticated and user.organisation_id) and (
        donation.donor_organisation_id == user.organisation_id
    )


def column_name(index: int) -> str:
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


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
    if "serial" not in chosen and "donor_asset_number" not in chosen:
        errors.append(
            _error(
                1,
                "serial",
                _("No column is chosen as the serial number or the asset number."),
                _("Choose the column with serial numbers, or the one with your asset numbers."),
            )
        )
    return errors


def apply_overrides(headers: list[str], fields: list[str], overrides: dict[str, str]) -> list[str]:
    """`overrides` maps a header (or a column letter or 1-based number) to a field name, or to
    "" to leave that column out. Raises ValidationError naming an unknown column."""
    fields = list(fields)
    for column, name in overrides.items():
        key = column.strip()
        if key in headers:
            index = headers.index(key)
        elif key.isdigit() and 1 <= int(key) <= len(headers):
            index = int(key) - 1
        elif key.isalpha() and key.upper() in [column_name(i) for i in range(len(headers))]:
            index = [column_name(i) for i in range(len(headers))].index(key.upper())
        else:
            raise ValidationError(
                {
                    "mapping": _("The file has no column “%(column)s”. Its columns are: %(all)s.")
                    % {"column": column, "all": ", ".join(headers)}
                }
            )
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


def _known_category_list() -> str:
    return ", ".join(
        f"{c.code} ({c.label})" for c in categories.all_categories().values() if not c.refused
    )


def _weight(text: str) -> Decimal:
    for unit in ("kg", "千克", "公斤"):
        if text.lower().endswith(unit):
            text = text[: -len(unit)].strip()
    return Decimal(text)


def check_rows(
    table_rows,
    *,
    fields: list[str],
    donation: Donation,
    on_progress: Callable[[int], None] | None = None,
) -> CheckResult:
    """Check every row; collect what to create (when nothing is wrong) and every error."""
    result = CheckResult()
    columns = [(name, i) for i, name in enumerate(fields) if name]
    existing_serial = {
        serial: (tag, category)
        for serial, tag, category in Asset.objects.filter(donation=donation)
        .exclude(serial="")
        .values_list("serial", "tag", "category")
    }
    existing_number = {
        number: (tag, category)
        for number, tag, category in Asset.objects.filter(donation=donation, serial="")
        .exclude(donor_asset_number="")
        .values_list("donor_asset_number", "tag", "category")
    }
    category_of: dict[str, str | None] = {}
    serial_line: dict[str, int] = {}
    number_line: dict[str, int] = {}
    errors = result.errors
    for line, cells in table_rows:
        result.total += 1
        if on_progress and result.total % PROGRESS_EVERY == 0:
            on_progress(result.total)
        width = len(cells)
        row = {name: (cells[i].strip() if i < width else "") for name, i in columns}
        before = len(errors)
        for name, limit in MAX_LENGTH.items():
            if len(row.get(name, "")) > limit:
                errors.append(
                    _error(
                        line,
                        name,
                        _("%(field)s is longer than %(n)s characters.")
                        % {"field": LABELS[name], "n": limit},
                        _("Shorten it to at most %(n)s characters.") % {"n": limit},
                    )
                )
        raw = row.get("category", "")
        if raw not in category_of:
            category_of[raw] = categories.match(raw) if raw else None
        code = category_of[raw]
        if not raw:
            errors.append(
                _error(
                    line,
                    "category",
                    _("The category is empty."),
                    _("Write what the device is, one of: %(known)s.")
                    % {"known": _known_category_list()},
                )
            )
        elif code is None:
            errors.append(
                _error(
                    line,
                    "category",
                    _("“%(value)s” is not a device category we know.") % {"value": raw},
                    _("Use one of: %(known)s.") % {"known": _known_category_list()},
                )
            )
        elif categories.get(code).refused:
            errors.append(
                _error(
                    line,
                    "category",
                    str(categories.MERCURY_REFUSAL),
                    _("Remove this row from the list: these lamps cannot be donated to us."),
                )
            )
        weight = None
        if raw_weight := row.get("weight_kg", ""):
            try:
                weight = _weight(raw_weight)
                if not weight.is_finite():
                    raise InvalidOperation
            except InvalidOperation:
                errors.append(
                    _error(
                        line,
                        "weight_kg",
                        _("“%(value)s” is not a number.") % {"value": raw_weight},
                        _("Write the weight in kilograms, like 1.65, or leave it empty."),
                    )
                )
            else:
                if weight < 0 or weight > MAX_WEIGHT:
                    errors.append(
                        _error(
                            line,
                            "weight_kg",
                            _("A weight of %(value)s kg is impossible.") % {"value": raw_weight},
                            _("Write the weight in kilograms, between 0 and 99999."),
                        )
                    )
                weight = weight.quantize(Decimal("0.001"))
        serial = row.get("serial", "")
        number = row.get("donor_asset_number", "")
        known = None
        if not serial and not number:
            errors.append(
                _error(
                    line,
                    "serial",
                    _("The row has neither a serial number nor an asset number."),
                    _("Fill in at least one of them, so the device can be recognised at intake."),
                )
            )
        elif serial:
            if serial in serial_line:
                errors.append(
                    _error(
                        line,
                        "serial",
                        _("Serial number %(serial)s appears on lines %(first)s and %(line)s.")
                        % {"serial": serial, "first": serial_line[serial], "line": line},
                        _("Keep one of the two rows, or correct the serial number."),
                    )
                )
            else:
                serial_line[serial] = line
            known = existing_serial.get(serial)
        else:
            if number in number_line:
                errors.append(
                    _error(
                        line,
                        "donor_asset_number",
                        _("Asset number %(number)s appears on lines %(first)s and %(line)s.")
                        % {"number": number, "first": number_line[number], "line": line},
                        _("Keep one of the two rows, or add the serial numbers."),
                    )
                )
            else:
                number_line[number] = line
            known = existing_number.get(number)
        if known is not None and code is not None and known[1] != code:
            errors.append(
                _error(
                    line,
                    "serial" if serial else "donor_asset_number",
                    _("%(what)s is already recorded for this donation as %(tag)s, a %(category)s.")
                    % {
                        "what": serial or number,
                        "tag": Asset(tag=known[0]).display_tag,
                        "category": categories.category_label(known[1]),
                    },
                    _("Correct the serial number or the category, or remove the row."),
                )
            )
        if len(errors) > before:
            continue
        if known is not None:
            result.unchanged += 1  # the same device, already recorded: nothing to do
        elif not errors:
            result.new_rows.append(
                {
                    "donation_id": donation.pk,
                    "category": code,
                    "serial": serial,
                    "donor_asset_number": number,
                    "make": row.get("make", ""),
                    "model": row.get("model", ""),
                    "specs": row.get("specs", ""),
                    "condition": row.get("condition", ""),
                    "weight_kg": weight,
                }
            )
    if errors:
        result.new_rows = []
    return result


def _check_donation(donation: Donation, actor) -> None:
    if not may_import(actor, donation):
        raise PermissionDenied(_("You may import asset lists for your own donations only."))
    if donation.status in (Donation.Status.DECLINED, Donation.Status.CLOSED):
        raise ValidationError(
            {
                "donation": _("Donation %(ref)s is %(status)s: no devices can be added to it.")
                % {"ref": donation.reference, "status": donation.get_status_display()}
            }
        )


def _read(data: bytes, filename: str):
    try:
        return read_table(data, filename)
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from None


def import_upload(
    *,
    donation: Donation,
    data: bytes,
    filename: str,
    actor,
    overrides: dict[str, str] | None = None,
) -> AssetImport:
    """Store the file, match its columns to our fields and, for a small file, check every
    row at once so the preview shows what is wrong. Nothing is imported yet."""
    _check_donation(donation, actor)
    table = _read(data, filename)
    fields = guess_mapping(table.headers)
    if overrides:
        fields = apply_overrides(table.headers, fields, overrides)
    sample = []
    for _line, cells in table.rows:
        sample.append(cells[: len(table.headers)])
        if len(sample) == SAMPLE_ROWS:
            break
    asset_import = AssetImport(
        donation=donation,
        original_name=filename[:255],
        sha256=hashlib.sha256(data).hexdigest(),
        created_by=actor,
        status=AssetImport.Status.PREVIEWED,
        mapping={"headers": table.headers, "fields": fields, "sample": sample},
    )
    asset_import.file.save(filename[-100:] or "list.csv", ContentFile(data), save=False)
    asset_import.save()
    _precheck(asset_import, data=data)
    return asset_import


def _precheck(asset_import: AssetImport, *, data: bytes) -> None:
    """Check a small file now, so the preview lists what is wrong; a big one is checked when
    it is imported (total_rows stays 0 until then)."""
    headers, fields = asset_import.mapping["headers"], asset_import.mapping["fields"]
    result = CheckResult(errors=mapping_errors(headers, fields))
    checked = False
    if result.ok:
        rows = list(islice(_read(data, asset_import.original_name).rows, _inline_rows() + 1))
        if checked := len(rows) <= _inline_rows():
            result = check_rows(rows, fields=fields, donation=asset_import.donation)
    asset_import.mapping = {**asset_import.mapping, "checked": checked}
    asset_import.total_rows = asset_import.rows_done = result.total
    asset_import.unchanged_count = result.unchanged
    asset_import.errors = result.errors
    asset_import.save(
        update_fields=["mapping", "total_rows", "rows_done", "unchanged_count", "errors"]
    )


def _inline_rows() -> int:
    return settings.IMPORT_INLINE_ROWS


def import_set_mapping(*, asset_import: AssetImport, fields: list[str], actor) -> AssetImport:
    """The user's correction of the column mapping; the rows are checked again."""
    _check_donation(asset_import.donation, actor)
    if asset_import.status not in (AssetImport.Status.PREVIEWED, AssetImport.Status.FAILED):
        raise ValidationError(_("This import has already run: upload the file again to redo it."))
    headers = asset_import.mapping["headers"]
    if len(fields) != len(headers):
        raise ValidationError({"mapping": _("Choose a field (or none) for every column.")})
    asset_import.mapping = {**asset_import.mapping, "fields": fields}
    asset_import.status = AssetImport.Status.PREVIEWED
    asset_import.save(update_fields=["mapping", "status"])
    _precheck(asset_import, data=_file_bytes(asset_import))
    return asset_import


def _file_bytes(asset_import: AssetImport) -> bytes:
    with asset_import.file.open("rb") as f:
        return f.read()


def check(asset_import: AssetImport, *, data: bytes | None = None, on_progress=None):
    headers, fields = asset_import.mapping["headers"], asset_import.mapping["fields"]
    if errors := mapping_errors(headers, fields):
        return CheckResult(errors=errors)
    table = _read(_file_bytes(asset_import) if data is None else data, asset_import.original_name)
    return check_rows(
        table.rows, fields=fields, donation=asset_import.donation, on_progress=on_progress
    )


def _already_imported(asset_import: AssetImport) -> AssetImport | None:
    return (
        AssetImport.objects.filter(
            donation=asset_import.donation,
            sha256=asset_import.sha256,
            status=AssetImport.Status.DONE,
        )
        .exclude(pk=asset_import.pk)
        .first()
    )


def import_run(*, asset_import: AssetImport, actor, data: bytes | None = None) -> AssetImport:
    """Check every row again and, when none is wrong, create every new device as expected
    (with its custody event) in one transaction. Any bad row: nothing is written and the
    import lists every bad row. The same file again, or rows already recorded, change
    nothing."""
    _check_donation(asset_import.donation, actor)
    Status = AssetImport.Status
    if asset_import.status == Status.DONE:
        raise ValidationError(_("This import has already run."))
    AssetImport.objects.filter(pk=asset_import.pk).update(status=Status.RUNNING, rows_done=0)
    try:
        if (earlier := _already_imported(asset_import)) is not None and (
            earlier.mapping.get("fields") == asset_import.mapping.get("fields")
        ):
            result = CheckResult(total=earlier.total_rows, unchanged=earlier.total_rows)
        else:

            def progress(n: int) -> None:
                AssetImport.objects.filter(pk=asset_import.pk).update(rows_done=n)

            result = check(asset_import, data=data, on_progress=progress)
        asset_import.total_rows = result.total
        asset_import.rows_done = result.total
        asset_import.unchanged_count = result.unchanged
        asset_import.errors = result.errors
        asset_import.finished_at = timezone.now()
        with transaction.atomic():
            if result.ok:
                asset_import.created_count = lifecycle.enter_many(
                    result.new_rows,
                    state=State.EXPECTED,
                    actor=actor,
                    note=_("On the donor's asset list (%(file)s)")
                    % {"file": asset_import.original_name},
                )
                asset_import.status = Status.DONE
            else:
                asset_import.status = Status.FAILED
            asset_import.save()
    except BaseException:
        AssetImport.objects.filter(pk=asset_import.pk).update(status=Status.FAILED)
        raise
    return asset_import


def import_start(*, asset_import: AssetImport, actor) -> bool:
    """Run a small import now; queue a big one for the task worker. True when it ran now.
    Pressing "Import" twice starts it once."""
    _check_donation(asset_import.donation, actor)
    Status = AssetImport.Status
    started = AssetImport.objects.filter(
        pk=asset_import.pk, status__in=[Status.PREVIEWED, Status.FAILED]
    ).update(status=Status.RUNNING)
    if not started:
        raise ValidationError(_("This import is already running or done."))
    asset_import.status = Status.RUNNING
    if asset_import.mapping.get("checked") or asset_import.errors:
        import_run(asset_import=asset_import, actor=actor)
        return True
    from .tasks import run_import

    run_import.enqueue(asset_import.pk, actor.pk if actor else None)
    return False


def import_file(
    *,
    donation: Donation,
    data: bytes,
    filename: str,
    actor,
    overrides: dict[str, str] | None = None,
    dry_run: bool = False,
) -> tuple[AssetImport | None, CheckResult | None]:
    """Upload and import in one go (command line, API, benchmark). A dry run checks the rows
    and stores nothing."""
    if dry_run:
        _check_donation(donation, actor)
        table = _read(data, filename)
        fields = guess_mapping(table.headers)
        if overrides:
            fields = apply_overrides(table.headers, fields, overrides)
        if errors := mapping_errors(table.headers, fields):
            return None, CheckResult(errors=errors)
        return None, check_rows(table.rows, fields=fields, donation=donation)
    asset_import = AssetImport(
        donation=donation,
        original_name=filename[:255],
        sha256=hashlib.sha256(data).hexdigest(),
        created_by=actor,
        status=AssetImport.Status.PREVIEWED,
    )
    _check_donation(donation, actor)
    table = _read(data, filename)
    fields = guess_mapping(table.headers)
    if overrides:
        fields = apply_overrides(table.headers, fields, overrides)
    asset_import.mapping = {"headers": table.headers, "fields": fields, "sample": []}
    asset_import.file.save(filename[-100:] or "list.csv", ContentFile(data), save=False)
    asset_import.save()
    return import_run(asset_import=asset_import, actor=actor, data=data), None
