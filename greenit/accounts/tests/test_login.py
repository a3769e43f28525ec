"""Logging in: Argon2 password hashes, and a pause after too many failed attempts."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from greenit.accounts.models import User

pytestmark = pytest.mark.argon2

RIGHT = "alice-Pa55word!"


@pytest.fixture(autouse=True)
def _three_failures_allowed(settings):
    settings.LOGIN_RATE = "3/15m"


def _login(client, username: str, password: str, *, ip: str = "10.0.0.1"):
    return client.post(
        reverse("accounts:login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def _logged_in_as(client) -> int | None:
    value = client.session.get(SESSION_KEY)
    return int(value) if value is not None else None


def test_passwords_are_hashed_with_argon2(alice):
    assert alice.password.startswith("argon2")
    assert RIGHT not in alice.password
    assert alice.check_password(RIGHT)


def test_a_changed_password_is_hashed_with_argon2_too(alice):
    alice.set_password("another-Pa55word!")
    alice.save()
    assert User.objects.get(pk=alice.pk).password.startswith("argon2")


def test_the_right_password_logs_in(client, alice):
    response = _login(client, "alice", RIGHT)
    assert response.status_code == 302
    assert _logged_in_as(client) == alice.pk


def test_a_wrong_password_is_refused_without_a_pause(client, alice):
    response = _login(client, "alice", "wrong")
    assert response.status_code == 200
    assert response.context["form"].errors
    assert _logged_in_as(client) is None


def test_login_works_after_fewer_failures_than_the_limit(client, alice):
    for _ in range(2):
        assert _login(client, "alice", "wrong").status_code == 200
    response = _login(client, "alice", RIGHT)
    assert response.status_code == 302
    assert _logged_in_as(client) == alice.pk


def test_after_the_limit_even_the_right_password_is_paused(client, alice):
    for _ in range(3):
        assert _login(client, "alice", "wrong").status_code == 200
    response = _login(client, "alice", RIGHT)
    assert response.status_code == 429
    assert "Too many failed logins" in response.content.decode()
    assert _logged_in_as(client) is None


def test_failures_from_many_addresses_pause_the_account_name(client, alice):
    for n in range(3):
        assert _login(client, "alice", "wrong", ip=f"10.0.1.{n}").status_code == 200
    response = _login(client, "Alice", RIGHT, ip="10.0.2.1")
    assert response.status_code == 429
    assert _logged_in_as(client) is None


def test_failures_for_many_names_pause_the_address(client, alice):
    for name in ("root", "admin", "test"):
        assert _login(client, name, "wrong", ip="10.0.3.3").status_code == 200
    assert _login(client, "alice", RIGHT, ip="10.0.3.3").status_code == 429
    assert _logged_in_as(client) is None


def test_a_pause_for_one_person_leaves_others_alone(client, alice, lena):
    for _ in range(3):
        _login(client, "alice", "wrong", ip="10.0.4.4")
    response = _login(client, "lena", "lena-Pa55word!", ip="10.0.5.5")
    assert response.status_code == 302
    assert _logged_in_as(client) == lena.pk


def test_successful_logins_do_not_count_towards_the_limit(client, alice):
    for _ in range(4):
        assert _login(client, "alice", RIGHT).status_code == 302
        client.logout()
    assert _login(client, "alice", RIGHT).status_code == 302
