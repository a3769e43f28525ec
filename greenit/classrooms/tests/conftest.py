"""Classroom fixtures: a school with its contact (sam), a sponsor with its contact (stella),
a project, and `make_ready` for ready devices with a refurbishment grade."""

import pytest

from conftest import _person, wipe_drive
from greenit.accounts.models import Organisation
from greenit.assets import lifecycle
from greenit.assets.models import State
from greenit.classrooms.models import ClassroomProject, ClassroomSponsor
from greenit.refurbishment.models import Refurbishment, SoftwareKit


@pytest.fixture
def school(db) -> Organisation:
    return Organisation.objects.create(
        name="于都县希望小学", is_school=True, province="江西省", city="赣州市", district="于都县"
    )


@pytest.fixture
def sam(school):
    return _person("sam", organisation=school, email="sam@school.example")


@pytest.fixture
def foundation(db) -> Organisation:
    return Organisation.objects.create(name="绿芽基金会", name_en="Green Sprout", is_sponsor=True)


@pytest.fixture
def stella(foundation):
    return _person("stella", organisation=foundation)


@pytest.fixture
def kit(db) -> SoftwareKit:
    return SoftwareKit.objects.create(
        name="Offline classroom", version="2026.1", contents="Scratch\nLibreOffice\nNVDA"
    )


@pytest.fixture
def project(school, foundation, kit) -> ClassroomProject:
    project = ClassroomProject.objects.create(
        name="Yudu Hope classroom", school=school, seats=3, software_kit=kit
    )
    ClassroomSponsor.objects.create(project=project, organisation=foundation, amount=50000)
    return project


@pytest.fixture
def other_project(db) -> ClassroomProject:
    other = Organisation.objects.create(name="瑞金市第二小学", is_school=True)
    return ClassroomProject.objects.create(name="Ruijin classroom", school=other, seats=2)


@pytest.fixture
def make_ready(make_asset, donation, alice, kit):
    """A ready device of `category` graded `grade` (data-bearing ones wiped first)."""
    count = [0]

    def make(*, category="laptop", grade="B"):
        count[0] += 1
        asset = make_asset(donation, category=category, serial=f"RDY-{count[0]:04d}")
        if asset.holds_data:
            wipe_drive(asset, alice)
            lifecycle.transition(asset, State.SANITIZED, actor=alice)
        Refurbishment.objects.create(asset=asset, grade=grade, software_kit=kit, technician=alice)
        lifecycle.transition(asset, State.TESTED, actor=alice)
        lifecycle.transition(asset, State.READY, actor=alice)
        asset.refresh_from_db()
        return asset

    return make
