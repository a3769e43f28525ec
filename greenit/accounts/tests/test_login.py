"""Logging in: Argon2 password hashes, and a pause after too many failed attempts."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from greenit.accounts import login_limits
from greenit.accounts.models import User

pytestmark = pytest.mark.argon2

RIGHT = "alice-Pa55word!"


@pytest.fixture(autouse=True)
def _three_failures_allowed(settings):
    settings.LOGIN_FAILURES_BEFORE_PAUSE = 3
    settings.LOGIN_PAUSE_SECONDS = 30
    settings.LOGIN_PAUSE_MAX_SECONDS = 3600
    settings.LOGIN_RATE = "10/15m"


class Clock:
    """The limiter's clock, moved by hand."""

    def __init__(self, monkeypatch):
        self.now = 1_800_000_000.0
        monkeypatch.setattr(login_limits, "_now", lambda: self.now)

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


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


def test_failures_from_one_address_do_not_lock_the_owner_out_from_another(client, alice):
    """Finding 6: someone failing on an account name must not lock it from everywhere."""
    for _ in range(10):
        _login(client, "alice", "wrong", ip="10.0.1.1")
    assert _login(client, "Alice", RIGHT, ip="10.0.1.1").status_code == 429
    response = _login(client, "alice", RIGHT, ip="10.0.2.1")
    assert response.status_code == 302
    assert _logged_in_as(client) == alice.pk


def test_failures_of_every_address_count_separately(client, alice):
    for n in range(6):
        assert _login(client, "alice", "wrong", ip=f"10.0.1.{n}").status_code == 200
    assert _login(client, "alice", RIGHT, ip="10.0.2.1").status_code == 302


def test_failures_for_many_names_pause_the_address(client, alice):
    for name in [f"guess{n}" for n in range(10)]:
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


LOGIN_FACES = [reverse("accounts:login"), "/admin/login/"]


def _try(client, url, username, password, ip="10.9.9.9"):
    return client.post(
        url, {"username": username, "password": password, "next": "/"}, REMOTE_ADDR=ip
    )


@pytest.mark.parametrize("url", LOGIN_FACES)
def test_fifteen_wrong_then_the_right_one_is_refused_while_paused(client, ada, clock, url):
    """Findings 5 and 6: the admin's login is limited like the site's, per (account, address),
    with a pause that doubles: 15 wrong passwords, then the right one is refused until the
    pause is over, then it works."""
    password = "ada-Pa55word!"
    for _ in range(15):
        assert _try(client, url, "ada", "wrong").status_code in (200, 429)
    response = _try(client, url, "ada", password)
    assert response.status_code == 429
    assert "Too many failed logins" in response.content.decode()
    assert _logged_in_as(client) is None
    clock.advance(29)
    assert _try(client, url, "ada", password).status_code == 429
    clock.advance(2)
    response = _try(client, url, "ada", password)
    assert response.status_code == 302
    assert _logged_in_as(client) == ada.pk


def test_the_pause_doubles_up_to_its_maximum(client, ada, clock, settings):
    settings.LOGIN_PAUSE_MAX_SECONDS = 100
    url = reverse("accounts:login")
    pauses = []
    for _ in range(3):
        _try(client, url, "ada", "wrong")
    for _ in range(4):
        until = cache_until("ada")
        pauses.append(round(until - clock.now))
        clock.advance(until - clock.now + 1)
        _try(client, url, "ada", "wrong")
    assert pauses == [30, 60, 100, 100]


def cache_until(account, address="10.9.9.9"):
    from django.core.cache import cache

    return cache.get(login_limits._pair_key("until", account, address))


@pytest.mark.parametrize("url", LOGIN_FACES)
def test_behind_a_proxy_each_client_counts_apart(client, ada, clock, settings, url):
    settings.TRUSTED_PROXIES = 1
    for _ in range(5):
        client.post(
            url,
            {"username": "ada", "password": "wrong"},
            REMOTE_ADDR="10.0.0.254",
            HTTP_X_FORWARDED_FOR="203.0.113.7",
        )
    response = client.post(
        url,
        {"username": "ada", "password": "ada-Pa55word!", "next": "/"},
        REMOTE_ADDR="10.0.0.254",
        HTTP_X_FORWARDED_FOR="198.51.100.9",
    )
    assert response.status_code == 302
