"""manage.py send_check_reminders: run daily by cron; reminds schools of overdue checks."""

from django.core.management.base import BaseCommand

from greenit.classrooms import services


class Command(BaseCommand):
    help = (
        "E-mail the school contact of every overdue inventory check (at most once a week per "
        "check). Safe to run twice: a check reminded in the last week is skipped."
    )

    def handle(self, *args, **options):
        sent = services.check_reminders_send()
        for check in sent:
            self.stdout.write(
                f"sent to {check.contact.email}: {check.project.name} (due {check.due_on})"
            )
        self.stdout.write(f"{len(sent)} reminder(s) sent.")
