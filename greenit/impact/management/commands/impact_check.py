from django.core.management.base import BaseCommand, CommandError

from greenit.impact import consistency


class Command(BaseCommand):
    help = (
        "List the devices that break the impact figures' story (deployed in no classroom, "
        "in a classroom never opened, recycled with no record or weight, counted twice); "
        "exit 1 when there are any."
    )

    def handle(self, *args, **options):
        found = consistency.breaks()
        if found:
            lines = [f"{b.kind}: {b.message}" for b in found]
            raise CommandError(
                f"Devices that break the impact figures' story ({len(found)}):\n" + "\n".join(lines)
            )
        self.stdout.write(
            self.style.SUCCESS("Every device is counted once, where the figures say it is.")
        )
