"""The permissions table: one place says which role may do what."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from greenit.accounts import permissions
from greenit.accounts.models import Role


def test_every_action_names_a_role_and_a_refusal():
    for name, roles, refusal in permissions.describe():
        assert roles, name
        assert refusal.strip(), name


def test_an_administrator_may_do_everything(ada):
    assert all(permissions.may(ada, action) for action in permissions.PERMISSIONS)


def test_a_technician_may_sanitize_but_not_accept_offers(alice):
    assert permissions.may(alice, "sanitize")
    assert not permissions.may(alice, "handle_offers")


def test_external_contacts_and_visitors_may_do_no_staff_action(bob):
    for user in (bob, AnonymousUser()):
        assert not any(permissions.may(user, action) for action in permissions.PERMISSIONS)


def test_a_refusal_says_why_in_the_actions_own_words(bob):
    with pytest.raises(PermissionDenied, match="Only logistics staff accept offers"):
        permissions.require(bob, "handle_offers")


def test_a_lifecycle_move_is_refused_naming_the_move(lena):
    with pytest.raises(PermissionDenied, match="Your role may not do this: Mark sanitized"):
        permissions.require(lena, "mark_sanitized")


def test_an_unknown_action_fails_loudly(ada):
    with pytest.raises(LookupError):
        permissions.may(ada, "sanitise")
    with pytest.raises(LookupError):
        permissions.abilities(ada)["sanitise"]


def test_templates_ask_by_name(paul):
    may = permissions.abilities(paul)
    assert may["manage_classrooms"] and not may["record_intake"]


def test_every_role_has_at_least_one_action():
    used = set().union(*(p.roles for p in permissions.PERMISSIONS.values()))
    assert used == set(Role)
