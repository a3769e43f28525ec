"""Correcting a device's details: logistics staff and technicians, through one service that
the edit page calls."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from greenit.assets import services

pytestmark = pytest.mark.django_db


def test_a_technician_corrects_the_make_and_model(alice, laptop):
    services.asset_update(asset=laptop, actor=alice, make="Lenovo", model="T480")
    laptop.refresh_from_db()
    assert (laptop.make, laptop.model) == ("Lenovo", "T480")


@pytest.mark.parametrize("who", ["paul", "bob"])
def test_others_may_not_edit_a_device(request, who, laptop):
    with pytest.raises(PermissionDenied, match="edit a device's details"):
        services.asset_update(asset=laptop, actor=request.getfixturevalue(who), make="X")
    laptop.refresh_from_db()
    assert laptop.make != "X"


def test_the_state_is_not_a_detail(alice, laptop):
    with pytest.raises(TypeError):
        services.asset_update(asset=laptop, actor=alice, state="ready")


def test_a_detail_the_model_refuses_is_not_saved(alice, laptop):
    with pytest.raises(ValidationError):
        services.asset_update(asset=laptop, actor=alice, serial="x" * 101)


def test_the_edit_page_saves_through_the_service(client, lena, laptop):
    client.force_login(lena)
    data = {"category": "laptop", "make": "Dell", "model": "E7450", "serial": laptop.serial}
    response = client.post(reverse("assets:edit", args=[laptop.tag]), data)
    assert response.status_code == 302
    laptop.refresh_from_db()
    assert laptop.model == "E7450"


def test_the_edit_page_is_refused_to_a_programme_manager(client, paul, laptop):
    client.force_login(paul)
    assert client.get(reverse("assets:edit", args=[laptop.tag])).status_code == 403
