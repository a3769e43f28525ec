"""manage.py send_volunteer_reminders: run daily by cron; e-mails tomorrow's volunteers once."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from greenit.volunteers import services


class Command(BaseCommand):
    help = (
        "E-mail a reminder to every confirmed volunteer whose shift starts tomorrow (local "
        "time). Safe to run twice: each sign-up is reminded once."
    )

    def handle(self, *args, **options):
        sent = services.reminders_send()
        for signup in sent:
            start = timezone.localtime(signup.shift.starts_at)
            self.stdout.write(
                f"sent to {signup.volunteer.email}: {signup.shift.opportunity.title_en} "
                f"{start:%Y-%m-%d %H:%M}"
            )
        self.stdout.write(f"{len(sent)} reminder(s) sent.")
