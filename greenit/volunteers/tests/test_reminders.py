"""The reminder command (run daily by cron): tomorrow's confirmed volunteers, once each."""

import io
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from greenit.volunteers import services
from greenit.volunteers.models import SignUp


def _run() -> str:
    out = io.StringIO()
    call_command("send_volunteer_reminders", stdout=out)
    return out.getvalue()


def test_the_reminder_goes_once_to_each_confirmed_volunteer_of_tomorrow(make_shift, sign_up, shift):
    tomorrow = [sign_up(shift), sign_up(shift)]
    waiting = sign_up(shift)
    later = sign_up(make_shift(days=2))
    services.signup_create(shift=shift, name="Guest", email="guest@example.org")  # unconfirmed
    mail.outbox.clear()
    output = _run()
    assert sorted(m.to[0] for m in mail.outbox) == sorted(s.volunteer.email for s in tomorrow)
    assert "2 reminder(s) sent." in output and tomorrow[0].volunteer.email in output
    assert "tomorrow" in mail.outbox[0].subject
    mail.outbox.clear()
    assert "0 reminder(s) sent." in _run()  # run twice: nothing more
    assert mail.outbox == []
    waiting.refresh_from_db()
    later.refresh_from_db()
    assert waiting.reminder_sent_at is None and later.reminder_sent_at is None


def test_a_failed_e_mail_is_tried_again_on_the_next_run(shift, sign_up, settings):
    signup = sign_up(shift)
    settings.EMAIL_BACKEND = "greenit.volunteers.tests.test_reminders.FailingBackend"
    assert services.reminders_send() == []
    signup.refresh_from_db()
    assert signup.reminder_sent_at is None
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert services.reminders_send() == [signup]


def test_tomorrow_is_the_local_date(make_shift, sign_up):
    signup = sign_up(make_shift(days=1, start=0, hours=1))  # 00:00 local, 16:00 UTC the day before
    local_now = timezone.localtime()
    midnight = local_now.replace(hour=0, minute=5, second=0, microsecond=0)
    assert services.reminders_send(now=midnight - timedelta(days=1)) == []
    assert services.reminders_send(now=midnight) == [signup]


class FailingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise OSError("mail server down")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_runs_at_the_same_moment_send_each_reminder_once(make_shift, sign_up):
    from greenit.assets.tests.test_concurrency import _race

    shift = make_shift(capacity=6)
    for _ in range(6):
        sign_up(shift)
    mail.outbox.clear()
    results = _race(3, services.reminders_send)
    assert [r for r in results if isinstance(r, Exception)] == []
    assert sum(len(r) for r in results) == 6
    assert len(mail.outbox) == 6
    assert SignUp.objects.filter(reminder_sent_at__isnull=False).count() == 6
