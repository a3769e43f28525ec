"""Classroom workflows the pages and the API share: the review's decision, adding a sponsor,
and who may see a photo."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError

from greenit.accounts.models import Organisation
from greenit.classrooms import services
from greenit.classrooms.models import ClassroomPhoto, ClassroomProject, SchoolApplication

from .test_applications import _fields


@pytest.fixture
def application(db):
    return services.application_submit(**_fields())


@pytest.mark.parametrize(
    ("decision", "message", "status"),
    [
        ("approve", "", SchoolApplication.Status.APPROVED),
        ("decline", "Too far for our vans", SchoolApplication.Status.DECLINED),
        ("more_info", "Send a photo of the room", SchoolApplication.Status.MORE_INFO),
    ],
)
def test_a_decision_approves_declines_or_asks(application, paul, decision, message, status):
    services.application_decide(
        application=application, actor=paul, decision=decision, message=message
    )
    application.refresh_from_db()
    assert application.status == status


def test_an_unknown_decision_is_refused_naming_the_field(application, paul):
    with pytest.raises(ValidationError) as refused:
        services.application_decide(application=application, actor=paul, decision="maybe")
    assert "decision" in refused.value.message_dict


def test_only_programme_managers_decide(application, alice):
    with pytest.raises(PermissionDenied, match="Only programme managers decide on applications"):
        services.application_decide(application=application, actor=alice, decision="approve")


def test_a_sponsor_is_added_once(project, paul, db):
    other = Organisation.objects.create(name="春晖基金会", is_sponsor=True)
    services.project_sponsor_add(
        project=project, actor=paul, organisation=other, amount=1000, currency="CNY"
    )
    assert project.sponsorships.filter(organisation=other).exists()
    with pytest.raises(ValidationError, match="already funds this project"):
        services.project_sponsor_add(
            project=project, actor=paul, organisation=other, amount=500, currency="CNY"
        )


def test_only_an_organisation_that_sponsors_is_added(project, paul, school):
    with pytest.raises(ValidationError):
        services.project_sponsor_add(
            project=project, actor=paul, organisation=school, amount=1000, currency="CNY"
        )


def test_only_programme_managers_add_sponsors(project, alice, foundation):
    with pytest.raises(PermissionDenied):
        services.project_sponsor_add(
            project=project, actor=alice, organisation=foundation, amount=1, currency="CNY"
        )


def test_a_photo_with_consent_of_an_opened_classroom_is_public(project):
    photo = ClassroomPhoto(project=project, consent=True)
    assert not services.photo_may_see(AnonymousUser(), photo)
    ClassroomProject.objects.filter(pk=project.pk).update(status="opened")
    project.refresh_from_db()
    assert services.photo_may_see(AnonymousUser(), photo)


def test_a_photo_without_consent_is_for_staff_only(project, paul, sam, stella):
    photo = ClassroomPhoto(project=project, consent=False)
    assert services.photo_may_see(paul, photo)
    assert not services.photo_may_see(sam, photo)
    assert services.photo_may_see(sam, ClassroomPhoto(project=project, consent=True))


def test_a_photo_of_a_project_one_may_not_see_is_hidden(other_project, stella):
    assert not services.photo_may_see(stella, ClassroomPhoto(project=other_project, consent=True))


def test_a_programme_manager_plans_a_project(school, paul):
    project = services.project_save(
        actor=paul, project=ClassroomProject(name="Yudu classroom 2", school=school, seats=10)
    )
    assert ClassroomProject.objects.get(pk=project.pk).seats == 10


def test_a_project_without_seats_is_refused(school, paul):
    with pytest.raises(ValidationError) as refused:
        services.project_save(actor=paul, project=ClassroomProject(name="x", school=school))
    assert "seats" in refused.value.message_dict


def test_only_programme_managers_plan_projects(school, alice):
    with pytest.raises(PermissionDenied):
        services.project_save(
            actor=alice, project=ClassroomProject(name="x", school=school, seats=1)
        )
