"""Importing a donor's asset list, the workflow: upload, check every row, then write every new
device as expected in one transaction, or nothing. The pages, the API, `greenit import-assets`
and bench/import.py all call these functions; the steps are reading.py (bytes → table),
mapping.py (columns → fields) and checking.py (rows → devices and errors). tasks.py runs a
big import off the request."""

import hashlib
from collections.abc import Iterable, Iterator
from itertools import islice

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from greenit.assets import catalogue, lifecycle
from greenit.assets.models import State
from greenit.assets.notes import SystemNote
from greenit.core import files
from greenit.donations.models import Donation

from . import writing
from .checking import CheckResult, check_rows, mapping_errors
from .mapping import map_columns
from .models import AssetImport
from .reading import Table, read_table

SAMPLE_ROWS = 5
PREVIEW_CHARS = 100  # a cell of the preview is cut to this many characters


def _preview(cells: list[str]) -> list[str]:
    return [c if len(c) <= PREVIEW_CHARS else c[: PREVIEW_CHARS - 1] + "…" for c in cells]


def may_import(user, donation: Donation) -> bool:
    """Staff import for any donation, a donor contact for their own organisation's. `None`
    is the operator at the server's command line."""
    if user is None or user.is_staff_member:
        return True
    return bool(user.is_authenticated and user.organisation_id) and (
        donation.donor_organisation_id == user.organisation_id
    )


def check_donation(donation: Donation, actor) -> None:
    """Refuse an import the actor may not make, or into a donation that takes no devices."""
    if not may_import(actor, donation):
        raise PermissionDenied(_("You may import asset lists for your own donations only."))
    if donation.status in (Donation.Status.DECLINED, Donation.Status.CLOSED):
        raise ValidationError(
            {
                "donation": _("Donation %(ref)s is %(status)s: no devices can be added to it.")
                % {"ref": donation.reference, "status": donation.get_status_display()}
            }
        )


def _read(data: bytes, filename: str) -> Table:
    try:
        return read_table(data, filename)
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from None


def _store(*, donation: Donation, data: bytes, filename: str, actor, mapping: dict) -> AssetImport:
    """Keep the uploaded file and its column mapping; nothing is imported yet."""
    asset_import = AssetImport(
        donation=donation,
        original_name=filename[:255],
        sha256=hashlib.sha256(data).hexdigest(),
        created_by=actor,
        status=AssetImport.Status.PREVIEWED,
        mapping=mapping,
    )
    # Stored under a name we choose; the name the donor gave is kept in original_name.
    kind = files.XLSX if data[:4] == b"PK\x03\x04" else files.CSV
    asset_import.file.save(files.random_name(kind), ContentFile(data), save=False)
    asset_import.save()
    return asset_import


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
    check_donation(donation, actor)
    table = _read(data, filename)
    fields = map_columns(table.headers, overrides)
    sample = [
        _preview(cells[: len(table.headers)]) for _line, cells in islice(table.rows, SAMPLE_ROWS)
    ]
    asset_import = _store(
        donation=donation,
        data=data,
        filename=filename,
        actor=actor,
        mapping={"headers": table.headers, "fields": fields, "sample": sample},
    )
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
            result = check_rows(
                rows, headers=headers, fields=fields, donation=asset_import.donation
            )
    asset_import.mapping = {**asset_import.mapping, "checked": checked}
    _note_counts(asset_import, result)
    asset_import.save(
        update_fields=["mapping", "total_rows", "rows_done", "unchanged_count", "errors"]
    )


def _note_counts(asset_import: AssetImport, result: CheckResult) -> None:
    """What a check of the rows found, on the import (its page shows it)."""
    asset_import.total_rows = asset_import.rows_done = result.total
    asset_import.unchanged_count = result.unchanged
    asset_import.errors = result.errors


def _inline_rows() -> int:
    return settings.IMPORT_INLINE_ROWS


def import_set_mapping(*, asset_import: AssetImport, fields: list[str], actor) -> AssetImport:
    """The user's correction of the column mapping; the rows are checked again."""
    check_donation(asset_import.donation, actor)
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


def check(
    asset_import: AssetImport, *, data: bytes | None = None, on_progress=None, hand_over=None
):
    headers, fields = asset_import.mapping["headers"], asset_import.mapping["fields"]
    if errors := mapping_errors(headers, fields):
        return CheckResult(errors=errors)
    table = _read(_file_bytes(asset_import) if data is None else data, asset_import.original_name)
    return check_rows(
        table.rows,
        headers=headers,
        fields=fields,
        donation=asset_import.donation,
        on_progress=on_progress,
        hand_over=hand_over,
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


def _check_again(asset_import: AssetImport, *, data: bytes | None, hand_over=None) -> CheckResult:
    """Every row checked again, with progress saved as it goes; the same file with the same
    mapping as an earlier import is all unchanged without reading it."""
    earlier = _already_imported(asset_import)
    if earlier is not None and earlier.mapping.get("fields") == asset_import.mapping.get("fields"):
        return CheckResult(total=earlier.total_rows, unchanged=earlier.total_rows)

    def progress(n: int) -> None:
        AssetImport.objects.filter(pk=asset_import.pk).update(rows_done=n)

    return check(asset_import, data=data, on_progress=progress, hand_over=hand_over)


def import_dry_run(
    *,
    donation: Donation,
    data: bytes,
    filename: str,
    actor,
    overrides: dict[str, str] | None = None,
) -> tuple[AssetImport | None, CheckResult | None]:
    """What importing the file would do, without importing. A file of at most
    IMPORT_INLINE_ROWS rows is checked now and nothing is stored: (None, result). A longer one
    is not checked during the request: it is stored as a previewed import for the task worker
    to check (`import_check`) and returned: (import, None)."""
    check_donation(donation, actor)
    table = _read(data, filename)
    fields = map_columns(table.headers, overrides)
    if errors := mapping_errors(table.headers, fields):
        return None, CheckResult(errors=errors)
    head = list(islice(table.rows, _inline_rows() + 1))
    if len(head) <= _inline_rows():
        return None, check_rows(head, headers=table.headers, fields=fields, donation=donation)
    sample = [_preview(cells[: len(table.headers)]) for _line, cells in head[:SAMPLE_ROWS]]
    mapping = {"headers": table.headers, "fields": fields, "sample": sample, "dry_run": True}
    stored = _store(donation=donation, data=data, filename=filename, actor=actor, mapping=mapping)
    return stored, None


def import_check(*, asset_import: AssetImport, actor) -> AssetImport:
    """Check every row of a stored import without importing anything (a big dry run, by the
    task worker): the counts and errors are saved on the import, with progress as it goes."""
    check_donation(asset_import.donation, actor)

    def progress(n: int) -> None:
        AssetImport.objects.filter(pk=asset_import.pk).update(rows_done=n)

    result = check(asset_import, on_progress=progress)
    asset_import.mapping = {
        **asset_import.mapping,
        "checked": True,
        "would_create": len(result.new_rows),
    }
    _note_counts(asset_import, result)
    asset_import.finished_at = timezone.now()
    asset_import.save(
        update_fields=[
            "mapping",
            "total_rows",
            "rows_done",
            "unchanged_count",
            "errors",
            "finished_at",
        ]
    )
    return asset_import


def run_import(*, asset_import: AssetImport, actor, data: bytes | None = None) -> AssetImport:
    """Check every row again and, when none is wrong, create every new device as expected
    (with its custody event) in one transaction. Any bad row: nothing is written and the
    import lists every bad row. The same file again, or rows already recorded, change
    nothing."""
    check_donation(asset_import.donation, actor)
    if asset_import.status == AssetImport.Status.DONE:
        raise ValidationError(_("This import has already run."))
    AssetImport.objects.filter(pk=asset_import.pk).update(
        status=AssetImport.Status.RUNNING, rows_done=0
    )
    try:
        if writing.may_write_alongside():
            _check_and_write_alongside(asset_import, actor, data)
        else:
            result = _check_again(asset_import, data=data)
            with transaction.atomic():
                created = _create_devices(asset_import, actor, result.new_rows) if result.ok else 0
                _record(asset_import, result, created)
    except BaseException:
        AssetImport.objects.filter(pk=asset_import.pk).update(status=AssetImport.Status.FAILED)
        raise
    return asset_import


def _check_and_write_alongside(asset_import: AssetImport, actor, data: bytes | None) -> None:
    """run_import() with the devices stored as their rows pass the check (writing.py)."""
    writer = writing.Writer(lambda rows: _create_devices(asset_import, actor, rows))
    writer.start()
    try:
        result = _check_again(asset_import, data=data, hand_over=writer.hand_over)
    except BaseException:
        writer.abandon()
        raise
    if result.ok:
        writer.finish(lambda created: _record(asset_import, result, created))
    else:
        writer.finish(None)
        _record(asset_import, result, 0)


def _create_devices(asset_import: AssetImport, actor, rows: Iterable[dict]) -> int:
    makes_and_models = set()

    def noted(rows: Iterable[dict]) -> Iterator[dict]:
        for row in rows:
            makes_and_models.add((row["make"], row["model"]))
            yield row

    created = lifecycle.enter_many(
        noted(rows),
        state=State.EXPECTED,
        actor=actor,
        note=SystemNote.of(
            gettext_noop("On the donor's asset list (%(file)s)"), file=asset_import.original_name
        ),
    )
    catalogue.remember(makes_and_models)
    return created


def _record(asset_import: AssetImport, result: CheckResult, created: int) -> None:
    _note_counts(asset_import, result)
    asset_import.finished_at = timezone.now()
    asset_import.created_count = created
    asset_import.status = AssetImport.Status.DONE if result.ok else AssetImport.Status.FAILED
    asset_import.save()


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
    and stores nothing (the API's dry run is `import_dry_run`)."""
    check_donation(donation, actor)
    table = _read(data, filename)
    fields = map_columns(table.headers, overrides)
    if dry_run:
        if errors := mapping_errors(table.headers, fields):
            return None, CheckResult(errors=errors)
        return None, check_rows(table.rows, headers=table.headers, fields=fields, donation=donation)
    asset_import = _store(
        donation=donation,
        data=data,
        filename=filename,
        actor=actor,
        mapping={"headers": table.headers, "fields": fields, "sample": []},
    )
    return run_import(asset_import=asset_import, actor=actor, data=data), None
