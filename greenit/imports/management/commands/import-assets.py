"""greenit import-assets FILE --donation ID: import a donor's asset list from the command line,
with the same checks as the page and the API."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from greenit.accounts.models import User
from greenit.donations.models import Donation
from greenit.imports import services


class Command(BaseCommand):
    help = (
        "Import a donor's asset list (CSV or XLSX) into a donation: every device is expected "
        "until it is scanned in. Any bad row: nothing is imported, every bad row is printed "
        "and the command exits with status 1."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--donation", type=int, required=True, help="donation number (id)")
        parser.add_argument(
            "--mapping",
            default="",
            help="correct the column matching: 'column=field,…' (header, letter or number); "
            "fields: donor_asset_number, serial, make, model, category, weight_kg, specs, "
            "condition, status; 'keep' keeps a column as a detail of each device, nothing "
            "or '-' leaves it out",
        )
        parser.add_argument("--dry-run", action="store_true", help="check only, write nothing")
        parser.add_argument("--user", default="", help="username recorded in the custody events")

    def handle(self, *args, file: Path, donation: int, mapping: str, dry_run: bool, user: str, **o):
        try:
            target = Donation.objects.get(pk=donation)
        except Donation.DoesNotExist:
            raise CommandError(f"There is no donation {donation}.") from None
        actor = None
        if user:
            actor = User.objects.filter(username=user).first()
            if actor is None:
                raise CommandError(f"There is no user {user!r}.")
        if not file.is_file():
            raise CommandError(f"{file}: no such file.")
        overrides = {}
        for pair in filter(None, (p.strip() for p in mapping.split(","))):
            column, _sep, name = pair.partition("=")
            overrides[column.strip()] = name.strip()
        try:
            asset_import, result = services.import_file(
                donation=target,
                data=file.read_bytes(),
                filename=file.name,
                actor=actor,
                overrides=overrides or None,
                dry_run=dry_run,
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        errors = result.errors if result is not None else asset_import.errors
        for e in errors:
            self.stderr.write(f"{file.name}:{e['line']}: {e['field']}: {e['message']} {e['fix']}")
        if errors:
            raise CommandError(
                f"{len(errors)} problem(s) in {file.name}: nothing was imported.", returncode=1
            )
        if result is not None:
            self.stdout.write(
                f"{result.total} rows checked: {len(result.new_rows)} devices would be created, "
                f"{result.unchanged} already recorded. Nothing was written (dry run)."
            )
        else:
            self.stdout.write(
                f"Import {asset_import.pk}: {asset_import.total_rows} rows, "
                f"{asset_import.created_count} devices created as expected, "
                f"{asset_import.unchanged_count} already recorded."
            )
