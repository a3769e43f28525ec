"""Inventory checks at schools: a manager opens one, the school answers through its link, the
answers become custody events (lost and stolen are states), overdue checks are reminded."""

import io
from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from greenit.assets.models import CustodyEvent, State
from greenit.classrooms import services
from greenit.classrooms.models import InventoryCheck, InventoryCheckLine


@pytest.fixture
def delivered(project, paul, lena, make_ready, sam):
    for _ in range(3):
        make_ready()
    services.allocate_by_category(project=project, actor=paul, category="laptop", count=3)
    services.deliver(project=project, actor=lena, on=date(2026, 9, 1), received_by="刘强")
    return project


def _open(project, paul, days=14):
    (check,), skipped = services.check_open(
        actor=paul, project=project, due_on=timezone.localdate() + timedelta(days=days)
    )
    assert skipped == []
    return check


def test_opening_a_check_lists_the_deployed_devices_and_mails_the_link_in_chinese(
    delivered, paul, sam
):
    mail.outbox.clear()
    check = _open(delivered, paul)
    assert check.contact == sam
    assert check.lines.count() == 3
    (message,) = mail.outbox
    assert message.to == ["sam@school.example"]
    assert reverse("support:check", kwargs={"token": check.token}) in message.body
    assert "请" in message.subject  # Chinese first


def test_a_classroom_has_one_open_check_at_a_time(delivered, paul):
    _open(delivered, paul)
    with pytest.raises(ValidationError, match="already waiting"):
        _open(delivered, paul)


def test_every_delivered_classroom_skips_those_with_a_check_waiting(delivered, project, paul):
    _open(delivered, paul)
    opened, skipped = services.check_open(actor=paul, due_on=timezone.localdate())
    assert opened == []
    assert len(skipped) == 1 and "already waiting" in skipped[0]


def test_a_date_in_the_past_is_refused_naming_the_field(delivered, paul):
    with pytest.raises(ValidationError) as refused:
        services.check_open(actor=paul, project=delivered, due_on=date(2020, 1, 1))
    assert "due_on" in refused.value.message_dict
    assert not InventoryCheck.objects.exists()


def test_answers_become_custody_events_and_lost_is_a_state(delivered, paul, sam):
    check = _open(delivered, paul)
    a, b, c = [line.asset_id for line in check.lines.order_by("asset_id")]
    services.check_answer(
        check=check,
        answers={
            a: {"answer": "in_use"},
            b: {"answer": "broken", "note": "屏幕坏了"},
            c: {"answer": "lost", "note": "不见了"},
        },
    )
    events = {e.asset_id: e for e in CustodyEvent.objects.filter(actor=sam)}
    assert set(events) == {a, b, c}
    assert (events[a].from_state, events[a].to_state) == (State.DEPLOYED, State.DEPLOYED)
    assert (events[c].from_state, events[c].to_state) == (State.DEPLOYED, State.LOST)
    assert "不见了" in events[c].note
    check.refresh_from_db()
    assert check.answered_at is not None
    with pytest.raises(ValidationError, match="already answered"):
        services.check_answer(check=check, answers={})


def test_a_missing_answer_or_a_name_as_student_code_changes_nothing(delivered, paul):
    delivered.tracks_students = True
    delivered.save()
    check = _open(delivered, paul)
    a, b, c = [line.asset_id for line in check.lines.order_by("asset_id")]
    with pytest.raises(ValidationError) as refused:
        services.check_answer(
            check=check,
            answers={
                a: {"answer": "in_use", "student_code": "王小明"},
                b: {"answer": "lost"},
                c: {"answer": "<script>"},
            },
        )
    errors = refused.value.message_dict
    assert set(errors) == {f"line-{a}-student_code", f"line-{c}-answer"}
    assert "never a child's name" in errors[f"line-{a}-student_code"][0]
    assert not CustodyEvent.objects.filter(to_state=State.LOST).exists()
    assert not InventoryCheckLine.objects.exclude(answer="").exists()


def test_student_codes_go_on_the_allocations(delivered, paul):
    delivered.tracks_students = True
    delivered.save()
    check = _open(delivered, paul)
    answers = {
        line.asset_id: {"answer": "in_use", "student_code": f"3-2-{n}"}
        for n, line in enumerate(check.lines.all())
    }
    services.check_answer(check=check, answers=answers)
    assert sorted(delivered.allocations.values_list("student_code", flat=True)) == [
        "3-2-0",
        "3-2-1",
        "3-2-2",
    ]


def test_an_unknown_link_is_a_404(db):
    with pytest.raises(Http404):
        services.check_for_token("nope")


def test_overdue_checks_are_listed_and_reminded_once_a_week(delivered, paul, client, ada):
    check = _open(delivered, paul, days=0)
    later = timezone.now() + timedelta(days=2)
    assert list(services.checks_overdue(today=timezone.localdate(later))) == [check]
    mail.outbox.clear()
    assert services.check_reminders_send(now=later) == [check]
    assert services.check_reminders_send(now=later + timedelta(days=1)) == []
    assert len(mail.outbox) == 1
    out = io.StringIO()
    call_command("send_check_reminders", stdout=out)
    assert "reminder(s) sent" in out.getvalue()
    client.force_login(ada)
    assert client.get(reverse("classrooms:checks")).status_code == 200


def test_a_lost_device_counts_as_received_and_no_longer_as_reused(delivered, paul, school):
    from greenit.impact.calculations import Scope, calculate

    def figures():
        return [
            (f.devices_received, f.devices_reused)
            for f in (calculate(Scope.organisation()), calculate(Scope("school", school.pk)))
        ]

    assert figures() == [(3, 3), (3, 3)]
    check = _open(delivered, paul)
    answers = {line.asset_id: {"answer": "in_use"} for line in check.lines.all()}
    answers[check.lines.first().asset_id] = {"answer": "stolen", "note": "break-in"}
    services.check_answer(check=check, answers=answers)
    assert figures() == [(3, 2), (3, 2)]
