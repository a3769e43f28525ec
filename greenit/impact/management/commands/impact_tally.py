from django.core.management.base import BaseCommand, CommandError

from greenit.impact import tally


class Command(BaseCommand):
    help = (
        "Check the device tally (devices per state and category, kept by triggers on "
        "PostgreSQL for the organisation's impact figures) against the asset table, or recount it."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--rebuild", action="store_true", help="recount the tally from the asset table"
        )

    def handle(self, *args, rebuild: bool, **options):
        if not tally.in_use():
            self.stdout.write("No tally on this database: the figures count the devices directly.")
            return
        if rebuild:
            tally.rebuild()
            self.stdout.write(self.style.SUCCESS("Tally recounted from the asset table."))
        wrong = tally.differences()
        if wrong:
            lines = [f"{s}/{c}: tally {a}, devices {b}" for (s, c), (a, b) in sorted(wrong.items())]
            raise CommandError(
                "The tally differs from the asset table (run with --rebuild):\n" + "\n".join(lines)
            )
        self.stdout.write(self.style.SUCCESS("The tally matches the asset table."))
