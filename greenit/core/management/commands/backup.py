from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from greenit.core import backup


class Command(BaseCommand):
    help = (
        "Write a backup archive: the database (SQLite online copy or pg_dump), uploaded files "
        "on local disk and the certificate signing key, with a manifest of every table's rows."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            type=Path,
            default=settings.DATA_DIR / "backups",
            help="folder for the archive (default: var/backups)",
        )
        parser.add_argument(
            "--without-signing-key",
            action="store_true",
            help="leave the Ed25519 signing key out (keep it somewhere else)",
        )

    def handle(self, *args, output: Path, without_signing_key: bool, **options):
        try:
            archive = backup.backup_create(
                output_dir=output, include_signing_key=not without_signing_key
            )
        except backup.BackupError as error:
            raise CommandError(str(error)) from error
        size = archive.stat().st_size / 1e6
        self.stdout.write(self.style.SUCCESS(f"Backup written: {archive} ({size:.1f} MB)"))
