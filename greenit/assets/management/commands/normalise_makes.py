"""manage.py normalise_makes: the devices recorded before the catalogue, under its names."""

from django.core.management.base import BaseCommand
from django.db import transaction

from greenit.assets import catalogue
from greenit.assets.models import Asset


class Command(BaseCommand):
    help = (
        "Rename every device's make and model to the catalogue's name for it (\"Dell Inc.\" "
        'and "DELL" become "Dell") and add the pairs met to the catalogue. One update per '
        "distinct spelling; safe to run again (a second run changes nothing)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Print what would change; change nothing."
        )

    def handle(self, *args, dry_run: bool = False, **options):
        names = catalogue.Catalogue()
        # Distinct spellings are few (hundreds) even over a million devices: held in a list.
        pairs = list(Asset.objects.order_by().values_list("make", "model").distinct())
        renamed = {pair: names.normalise(*pair) for pair in pairs}
        changed = 0
        with transaction.atomic():
            for (make, model), new in renamed.items():
                if new == (make, model):
                    continue
                self.stdout.write(f"{make!r} {model!r} → {new[0]!r} {new[1]!r}")
                if not dry_run:
                    devices = Asset.objects.filter(make=make, model=model)
                    changed += devices.update(make=new[0], model=new[1])
            if not dry_run:
                catalogue.remember(renamed.values())
        self.stdout.write(f"{changed} device(s) renamed.")
