from pathlib import Path

from django.conf import settings
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
        if manifest.secret_key and manifest.secret_key != backup.secret_key_fingerprint(
            settings.SECRET_KEY
        ):
            self.stdout.write(
                self.style.WARNING(
                    "SECRET_KEY differs from the backed-up site's: everyone must sign in again, "
                    "and links e-mailed before the backup (password resets, confirmations) no "
                    "longer work. Set SECRET_KEY to the old site's value, or keep the old value "
                    "in SECRET_KEY_FALLBACKS for a while (docs/backups.md)."
                )
            )
        if not no_migrate:
            call_command("migrate", verbosity=0, interactive=False)
            self.stdout.write("Migrated to this version's schema.")
