"""Province and school scopes, and the volunteer hours hook."""

from decimal import Decimal

import pytest

from greenit.accounts.models import Organisation
from greenit.classrooms.models import Allocation, ClassroomProject, OpeningEvent
from greenit.impact.calculations import Period, Scope, calculate


@pytest.fixture
def classroom(worked_example):
    school = Organisation.objects.create(name="瑞金小学", is_school=True, province="江西省")
    project = ClassroomProject.objects.create(
        name="Ruijin 1", school=school, seats=24, status=ClassroomProject.Status.OPENED
    )
    OpeningEvent.objects.create(project=project, date="2026-06-20")
    for laptop in worked_example["laptops"]:
        Allocation.objects.create(project=project, asset=laptop)
    return project


def test_a_province_counts_received_and_recycled_by_the_donors_and_reuse_by_the_schools(
    classroom, worked_example
):
    """The donation was picked up in 上海市, the classroom is in 江西省."""
    worked_example["donation"].__class__.objects.filter(pk=worked_example["donation"].pk).update(
        province="上海市"
    )

    shanghai = calculate(Scope("province", province="上海市"))
    jiangxi = calculate(Scope("province", province="江西省"))

    assert (shanghai.devices_received, shanghai.devices_reused, shanghai.devices_recycled) == (
        20,
        0,
        8,
    )
    assert (jiangxi.devices_received, jiangxi.devices_reused, jiangxi.classrooms_opened) == (
        0,
        10,
        1,
    )
    assert jiangxi.co2e_reuse_kg == Decimal("830.00")


def test_a_school_sees_its_classroom_and_its_devices(classroom):
    figures = calculate(Scope("school", classroom.school_id))

    assert (figures.devices_reused, figures.classrooms_opened, figures.students_reached) == (
        10,
        1,
        24,
    )


def test_a_donor_sees_the_classrooms_that_hold_its_devices(classroom, east_auto):
    figures = calculate(Scope("donor", east_auto.pk), Period.year(2026))

    assert figures.classrooms_opened == 1


def test_volunteer_hours_follow_the_scope_and_the_period(classroom, pujiang_bank, east_auto, paul):
    """Attended shifts: at the Ruijin classroom's opening (2026-06-20) 6 h by a Pujiang Bank
    employee and 4 h (late) by an East Auto one; at a Shanghai workshop 3 h (2026-03-14) and
    5 h (2025-11-01, another year) by Pujiang Bank employees."""
    from datetime import datetime, timedelta

    from django.utils import timezone

    from conftest import _person
    from greenit.volunteers import services
    from greenit.volunteers.models import Opportunity, Shift

    opening = Opportunity.objects.create(
        kind=Opportunity.Kind.CLASSROOM_OPENING,
        title_en="Opening",
        title_zh="开班",
        place="瑞金小学",
        project=classroom,
        published=True,
    )
    workshop = Opportunity.objects.create(
        kind=Opportunity.Kind.WORKSHOP,
        title_en="Workshop",
        title_zh="翻新工作坊",
        place="上海仓库",
        published=True,
    )
    people = iter(range(100))

    def attended(opportunity, day: str, hours: int, company, attendance: str) -> None:
        soon = timezone.now() + timedelta(days=30)
        shift = Shift.objects.create(
            opportunity=opportunity,
            starts_at=soon,
            ends_at=soon + timedelta(hours=hours),
            capacity=5,
        )
        n = next(people)
        user = _person(f"v{n}", email=f"v{n}@example.org")
        signup = services.signup_create(shift=shift, user=user, company=company)
        # Signed up beforehand; the shift then took place on `day`.
        start = timezone.make_aware(datetime.fromisoformat(f"{day} 09:00"))
        Shift.objects.filter(pk=shift.pk).update(
            starts_at=start, ends_at=start + timedelta(hours=hours)
        )
        signup.refresh_from_db()
        arrived = start + timedelta(hours=2) if attendance == "late" else None
        services.attendance_record(
            signup=signup, actor=paul, attendance=attendance, arrived_at=arrived
        )

    attended(opening, "2026-06-20", 6, pujiang_bank, "present")
    attended(opening, "2026-06-20", 6, east_auto, "late")  # 4 h from arrival to the end
    attended(workshop, "2026-03-14", 3, pujiang_bank, "present")
    attended(workshop, "2025-11-01", 5, pujiang_bank, "present")
    year = Period.year(2026)

    assert calculate(Scope.organisation(), year).volunteer_hours == Decimal("13.00")
    assert calculate(Scope.organisation()).volunteer_hours == Decimal("18.00")
    assert calculate(Scope("sponsor", pujiang_bank.pk), year).volunteer_hours == Decimal("9.00")
    assert calculate(Scope("donor", east_auto.pk), year).volunteer_hours == Decimal("4.00")
    school = Scope("school", classroom.school_id)
    assert calculate(school, year).volunteer_hours == Decimal("10.00")
    assert calculate(Scope("province", province="江西省"), year).volunteer_hours == Decimal("10.00")


def test_a_scope_without_its_organisation_is_refused():
    with pytest.raises(ValueError):
        Scope("donor")
