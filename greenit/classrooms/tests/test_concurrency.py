"""Two programme managers allocating at the same moment, from two database connections."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from greenit.assets.models import State
from greenit.assets.tests.test_concurrency import _race
from greenit.classrooms import services
from greenit.classrooms.models import Allocation, ClassroomProject

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need PostgreSQL (CI runs it)"
)


@pytest.fixture
def chen(db):
    from conftest import _person

    return _person("chen", role="programme_manager")


@pytest.mark.django_db(transaction=True)
def test_two_managers_allocating_at_once_never_share_a_device(
    project, other_project, paul, chen, make_ready
):
    for _ in range(6):
        make_ready()
    jobs = iter([(project, paul), (other_project, chen)])

    def allocate():
        target, manager = next(jobs)
        return services.allocate_by_category(
            project=ClassroomProject.objects.get(pk=target.pk),
            actor=manager,
            category="laptop",
            count=3,
        )

    results = _race(2, allocate)
    assert [r for r in results if isinstance(r, Exception)] == []
    active = Allocation.objects.active()
    assert active.count() == 6
    assert active.values("asset").distinct().count() == 6
    assert {a.project_id for a in active} == {project.pk, other_project.pk}


@pytest.mark.django_db(transaction=True)
def test_when_devices_run_short_one_manager_gets_them_and_the_other_a_clear_refusal(
    project, other_project, paul, chen, make_ready
):
    assets = [make_ready() for _ in range(4)]
    jobs = iter([(project, paul), (other_project, chen)])

    def allocate():
        target, manager = next(jobs)
        return services.allocate_by_category(
            project=ClassroomProject.objects.get(pk=target.pk),
            actor=manager,
            category="laptop",
            count=3,
        )

    results = _race(2, allocate)
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(refused) == 1 and "Nothing was allocated" in refused[0].messages[0]
    active = Allocation.objects.active()
    assert active.count() == 3 and len({a.project_id for a in active}) == 1
    assert active.values("asset").distinct().count() == 3
    states = sorted(a.state for a in type(assets[0]).objects.filter(pk__in=[a.pk for a in assets]))
    assert states.count(State.ALLOCATED) == 3 and states.count(State.READY) == 1


@pytest.mark.django_db(transaction=True)
def test_two_managers_scanning_the_same_tag_at_once_allocate_it_once(
    project, other_project, paul, chen, make_ready
):
    asset = make_ready()
    jobs = iter([(project, paul), (other_project, chen)])

    def allocate():
        target, manager = next(jobs)
        return services.allocate_by_tags(
            project=ClassroomProject.objects.get(pk=target.pk), actor=manager, codes=[asset.tag]
        )

    results = _race(2, allocate)
    assert len([r for r in results if isinstance(r, Exception)]) == 1
    assert Allocation.objects.filter(asset=asset).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_managers_posting_to_the_api_at_once_get_different_devices(
    project, other_project, paul, chen, make_ready
):
    import json

    from django.test import Client

    for _ in range(4):
        make_ready()
    jobs = iter([(project, paul), (other_project, chen)])

    def post():
        target, manager = next(jobs)
        client = Client()
        client.force_login(manager)
        return client.post(
            f"/api/classrooms/projects/{target.pk}/allocations",
            json.dumps({"category": "laptop", "count": 2}),
            content_type="application/json",
        )

    responses = _race(2, post)
    assert [r.status_code for r in responses] == [201, 201]
    tags = [row["asset_tag"] for r in responses for row in r.json()]
    assert len(tags) == len(set(tags)) == 4
    assert Allocation.objects.active().values("asset").distinct().count() == 4
