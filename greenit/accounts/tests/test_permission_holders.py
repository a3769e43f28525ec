"""Who holds an action, for the lifecycle's table and for choosing people (drivers)."""

import pytest

from greenit.accounts import permissions

pytestmark = pytest.mark.django_db


def test_an_actions_roles_include_the_administrator():
    assert permissions.roles("handle_offers") == {"logistics", "administrator"}


def test_staff_who_may_drive_are_logistics_and_administrators(alice, lena, paul, ada, bob):
    assert set(permissions.staff_who_may("handle_offers")) == {lena, ada}


def test_an_inactive_member_of_staff_is_nobody_to_choose(lena):
    lena.is_active = False
    lena.save(update_fields=["is_active"])
    assert not permissions.staff_who_may("handle_offers").exists()


def test_templates_may_asks_the_table_for_visitors_too():
    assert not permissions.abilities(None)["record_intake"]
