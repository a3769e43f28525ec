"""greenit demo: load the demo organisation (greenit.home.demo) and print its logins."""

from django.core.management.base import BaseCommand

from greenit.home import demo


class Command(BaseCommand):
    help = "Load demo data: organisations, one login per role, devices at every stage."

    def add_arguments(self, parser):
        parser.add_argument(
            "--devices", type=int, default=360, help="how many devices (default 360)"
        )

    def handle(self, *args, devices: int, **options):
        if demo.is_loaded():
            self.stdout.write("Demo data is already loaded.")
        else:
            demo.load(devices, stdout=self.stdout)
            self.stdout.write(self.style.SUCCESS(f"Loaded demo data with {devices} devices."))
        self.stdout.write(f"Demo logins (password for all: {demo.PASSWORD}):")
        for username, who in demo.logins():
            self.stdout.write(f"  {username:14} {who}")
