"""Support fixtures: the classroom fixtures (school and sam its contact, foundation and stella
its contact, project, make_ready) and `deployed`, two laptops delivered to the project."""

import datetime

import pytest
from django.contrib.auth.models import Group

from greenit.accounts.models import Role
from greenit.classrooms import services as classrooms
from greenit.classrooms.tests.conftest import (  # noqa: F401 -- fixtures
    foundation,
    kit,
    make_ready,
    other_project,
    project,
    sam,
    school,
    stella,
)


@pytest.fixture
def deployed(project, make_ready, paul):  # noqa: F811
    laptops = [make_ready(), make_ready()]
    classrooms.allocate_by_tags(project=project, actor=paul, codes=[a.tag for a in laptops])
    classrooms.deliver(
        project=project, actor=paul, on=datetime.date(2026, 9, 1), received_by="刘老师"
    )
    for asset in laptops:
        asset.refresh_from_db()
    return laptops


@pytest.fixture
def tess(paul):
    """Paul, who is also a technician: a swap needs both roles (or an administrator)."""
    paul.groups.add(Group.objects.get_or_create(name=Role.TECHNICIAN)[0])
    paul.__dict__.pop("roles", None)
    return paul
