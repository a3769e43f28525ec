from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from greenit.core import backup


class Command(BaseCommand):
    help = (
        "Restore a backup archive made by `greenit backup` into the database of DATABASE_URL "
        "(same kind of database), its uploaded files and signing key; then migrate."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="greenit-backup-….tar.gz")
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace a database that already holds data (everything in it is lost)",
        )
        parser.add_argument(
            "--no-migrate", action="store_true", help="leave the schema as it was in the backup"
        )

    def handle(self, *args, archive: Path, force: bool, no_migrate: bool, **options):
        try:
            manifest = backup.backup_restore(archive=archive, force=force)
        except backup.BackupError as error:
            raise CommandError(str(error)) from error
        rows = sum(manifest.counts.values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored the backup of {manifest.created_at}: {rows:,} rows in "
                f"{len(manifest.counts)} tables, {manifest.media_files} files"
                + (", the signing key" if manifest.signing_key else "")
                + "; every table's row count matches the manifest."
            )
        )
        if not no_migrate:
            call_command("migrate", verbosity=0, interactive=False)
            self.stdout.write("Migrated to this version's schema.")
