"""Province and school scopes, and the volunteer hours hook."""

from decimal import Decimal

import pytest

from greenit.accounts.models import Organisation
from greenit.classrooms.models import Allocation, ClassroomProject, OpeningEvent
from greenit.impact import calculations
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


def test_volunteer_hours_are_zero_until_the_volunteers_app_is_installed(worked_example):
    assert calculations._volunteer_hours(Scope.organisation(), Period()) == Decimal(0)


def test_volunteer_hours_are_asked_for_the_sponsors_employees(monkeypatch, pujiang_bank):
    """The volunteers app's contract, faked: companies=[the organisation] for a sponsor."""
    import sys
    import types

    calls = []
    fake = types.ModuleType("greenit.volunteers.services")
    fake.volunteer_hours = lambda **kw: calls.append(kw) or Decimal("12.5")
    monkeypatch.setitem(sys.modules, "greenit.volunteers", types.ModuleType("greenit.volunteers"))
    monkeypatch.setitem(sys.modules, "greenit.volunteers.services", fake)
    monkeypatch.setattr(calculations.apps, "is_installed", lambda name: True)

    hours = calculations._volunteer_hours(Scope("sponsor", pujiang_bank.pk), Period.year(2026))

    assert hours == Decimal("12.5")
    assert list(calls[0]["companies"]) == [pujiang_bank]
    assert (calls[0]["start"].isoformat(), calls[0]["end"].isoformat()) == (
        "2026-01-01",
        "2026-12-31",
    )


def test_a_scope_without_its_organisation_is_refused():
    with pytest.raises(ValueError):
        Scope("donor")
