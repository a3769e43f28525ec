"""`greenit retention`: delete or erase what the retention schedule says is due. Run it daily
from cron; it is idempotent and says what it did."""

from django.core.management.base import BaseCommand

from greenit.privacy.retention import retention_run


class Command(BaseCommand):
    help = "Apply the retention schedule (greenit/privacy/data/retention.json)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what is due; change nothing."
        )

    def handle(self, *args, dry_run: bool = False, **options) -> None:
        total = 0
        for rule, count in retention_run(dry_run=dry_run):
            verb = "due" if dry_run else {"delete": "deleted", "erase": "erased"}[rule.action]
            self.stdout.write(f"{rule.name}: {count} {rule.model} {verb}")
            total += count
        self.stdout.write(f"retention: {total} record(s) {'due' if dry_run else 'handled'}")
