"""On the day: staff mark attendance, the hours follow, an adjustment needs a reason."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from greenit.volunteers import services
from greenit.volunteers.models import SignUp

from .conftest import move_to_past


@pytest.fixture
def day(shift, sign_up):
    """Three confirmed volunteers on a 3-hour shift that took place two days ago."""
    shift.capacity = 3
    shift.save()
    signups = [sign_up(shift) for _ in range(3)]
    move_to_past(shift)
    return shift, signups


def test_present_counts_the_whole_shift_absent_none(day, paul):
    shift, (present, absent, _late) = day
    services.attendance_record(signup=present, actor=paul, attendance="present")
    services.attendance_record(signup=absent, actor=paul, attendance="absent")
    present.refresh_from_db()
    absent.refresh_from_db()
    assert present.hours == Decimal("3.00") and absent.hours == Decimal("0.00")
    assert present.attendance_by == paul


def test_late_counts_from_the_arrival_time_or_the_hours_given(day, lena):
    shift, (one, two, _three) = day
    services.attendance_record(
        signup=one,
        actor=lena,
        attendance="late",
        arrived_at=shift.starts_at + timedelta(minutes=90),
    )
    services.attendance_record(signup=two, actor=lena, attendance="late", hours=Decimal("2.25"))
    one.refresh_from_db()
    two.refresh_from_db()
    assert one.hours == Decimal("1.50") and two.hours == Decimal("2.25")


def test_late_without_an_arrival_time_names_the_field(day, paul):
    _shift, (one, _two, _three) = day
    with pytest.raises(ValidationError) as refused:
        services.attendance_record(signup=one, actor=paul, attendance="late")
    assert "arrival time" in refused.value.message_dict["arrived_at"][0]
    one.refresh_from_db()
    assert one.attendance == "" and one.hours is None


def test_attendance_drives_the_credited_hours(day, paul):
    shift, (one, two, three) = day
    services.attendance_record(signup=one, actor=paul, attendance="present")
    services.attendance_record(signup=two, actor=paul, attendance="late", hours=Decimal("1"))
    services.attendance_record(signup=three, actor=paul, attendance="absent")
    assert services.volunteer_hours() == Decimal("4.00")
    services.attendance_record(signup=three, actor=paul, attendance="present")  # corrected
    assert services.volunteer_hours() == Decimal("7.00")


def test_an_adjustment_needs_a_reason_and_records_who_and_when(day, paul):
    _shift, (one, _two, _three) = day
    services.attendance_record(signup=one, actor=paul, attendance="present")
    with pytest.raises(ValidationError) as refused:
        services.hours_adjust(signup=one, actor=paul, hours=Decimal("5"), reason=" ")
    assert "reason" in refused.value.message_dict
    one.refresh_from_db()
    assert one.hours_adjusted is None
    services.hours_adjust(
        signup=one, actor=paul, hours=Decimal("5"), reason="Stayed to pack the computers"
    )
    one.refresh_from_db()
    assert one.credited_hours == Decimal("5.00") and one.adjusted_by == paul
    assert one.adjusted_at is not None
    assert services.volunteer_hours() == Decimal("5.00")


def test_logistics_mark_attendance_but_only_managers_adjust_and_technicians_neither(
    day, lena, alice
):
    _shift, (one, _two, _three) = day
    services.attendance_record(signup=one, actor=lena, attendance="present")
    with pytest.raises(PermissionDenied):
        services.hours_adjust(signup=one, actor=lena, hours=Decimal("1"), reason="x")
    with pytest.raises(PermissionDenied):
        services.attendance_record(signup=one, actor=alice, attendance="absent")


def test_attendance_is_not_taken_for_a_shift_weeks_ahead_or_a_waitlisted_person(
    make_shift, sign_up, paul
):
    ahead = make_shift(days=20, capacity=1)
    confirmed, waiting = sign_up(ahead), sign_up(ahead)
    with pytest.raises(ValidationError, match="on the day"):
        services.attendance_record(signup=confirmed, actor=paul, attendance="present")
    move_to_past(ahead, days=21)
    with pytest.raises(ValidationError, match="Only confirmed"):
        services.attendance_record(signup=waiting, actor=paul, attendance="present")


def test_the_attendance_page_saves_one_person_and_shows_a_bad_entry_by_its_field(day, paul, client):
    shift, (one, _two, _three) = day
    client.force_login(paul)
    url = reverse("volunteers:attendance", args=[shift.pk])
    page = client.get(url)
    assert page.status_code == 200 and one.volunteer.name in page.content.decode()
    response = client.post(url, {"signup": one.pk, f"s{one.pk}-attendance": "late"})
    assert response.status_code == 400
    assert "arrival time" in response.content.decode()
    response = client.post(
        url, {"signup": one.pk, f"s{one.pk}-attendance": "late", f"s{one.pk}-arrived_at": "10:00"}
    )
    assert response.status_code == 302
    one.refresh_from_db()
    assert one.attendance == SignUp.Attendance.LATE
    assert one.hours == Decimal("2.00")  # the shift ends at 12:00 local time


def test_the_adjust_form_without_a_reason_changes_nothing(day, paul, client):
    shift, (one, _two, _three) = day
    services.attendance_record(signup=one, actor=paul, attendance="present")
    client.force_login(paul)
    client.post(reverse("volunteers:adjust", args=[one.pk]), {f"a{one.pk}-hours": "6"})
    one.refresh_from_db()
    assert one.hours_adjusted is None
    page = client.get(reverse("volunteers:attendance", args=[shift.pk])).content.decode()
    assert "Say why" in page


def test_the_roster_lists_names_company_and_phone_for_staff_only(day, lena, bob, client):
    shift, (one, _two, _three) = day
    one.volunteer.phone = "13912345678"
    one.volunteer.save()
    client.force_login(lena)
    page = client.get(reverse("volunteers:roster", args=[shift.pk])).content.decode()
    assert one.volunteer.name in page and "13912345678" in page
    client.force_login(bob)
    assert client.get(reverse("volunteers:roster", args=[shift.pk])).status_code == 403
