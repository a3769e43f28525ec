"""The one limiter every login goes through (the site's, the admin's, any later face): it
sits in the authentication backend, so whatever calls `django.contrib.auth.authenticate`
with a request is counted and paused the same way.

Two counters, both by the client address as far as we trust it
(`greenit.core.limits.client_address`, which honours `TRUSTED_PROXIES`):

- per (account name, client address): `LOGIN_FAILURES_BEFORE_PAUSE` failures are free; then
  each further failure pauses that pair for twice as long as the last, from
  `LOGIN_PAUSE_SECONDS` up to `LOGIN_PAUSE_MAX_SECONDS`. Tries refused during a pause check no
  password and do not count. A success clears the pair. Someone failing on an account from
  one address never locks its owner out from another address.
- per client address, all account names together: `LOGIN_RATE` (looser, django-ratelimit's
  window) stops one address from trying many names."""

import hashlib
import math
import time

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import ngettext
from django_ratelimit.core import get_usage

from greenit.core.limits import client_address

# The pair's failure count is forgotten a day after its first failure.
_FORGET_AFTER = 24 * 3600


class LoginPaused(PermissionDenied):
    """Raised by the backend while a pause holds; `authenticate` turns it into a refusal."""

    def __init__(self, seconds: int):
        self.seconds = max(1, int(math.ceil(seconds)))
        super().__init__(pause_message(self.seconds))


def pause_message(seconds: int) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return ngettext(
        "Too many failed logins. Try again in %(minutes)d minute, or ask an administrator to help.",
        "Too many failed logins. Try again in %(minutes)d minutes, or ask an administrator "
        "to help.",
        minutes,
    ) % {"minutes": minutes}


def _now() -> float:
    return time.time()


def _pair_key(kind: str, account: str, address: str) -> str:
    digest = hashlib.sha256(f"{account}\0{address}".encode()).hexdigest()
    return f"login-{kind}:{digest}"


def _account(username) -> str:
    return str(username or "").strip().lower()


def _address_usage(request: HttpRequest, *, increment: bool):
    return get_usage(
        request, group="login-address", key="ip", rate=settings.LOGIN_RATE, increment=increment
    )


def login_check(request: HttpRequest, username) -> None:
    """Raises LoginPaused when this account name may not be tried from this address now."""
    account, address = _account(username), client_address(request)
    until = cache.get(_pair_key("until", account, address))
    if until is not None and until > _now():
        raise LoginPaused(until - _now())
    usage = _address_usage(request, increment=False)
    if usage is not None and usage["count"] >= usage["limit"]:
        raise LoginPaused(usage["time_left"])


def login_failed(request: HttpRequest, username) -> None:
    account, address = _account(username), client_address(request)
    _address_usage(request, increment=True)
    count_key = _pair_key("count", account, address)
    cache.add(count_key, 0, timeout=_FORGET_AFTER)
    try:
        failures = cache.incr(count_key)
    except ValueError:  # expired between add and incr
        cache.set(count_key, 1, timeout=_FORGET_AFTER)
        failures = 1
    beyond = failures - settings.LOGIN_FAILURES_BEFORE_PAUSE
    if beyond >= 0:
        pause = min(
            settings.LOGIN_PAUSE_SECONDS * 2 ** min(beyond, 30), settings.LOGIN_PAUSE_MAX_SECONDS
        )
        cache.set(_pair_key("until", account, address), _now() + pause, timeout=_FORGET_AFTER)


def login_succeeded(request: HttpRequest, username) -> None:
    account, address = _account(username), client_address(request)
    cache.delete_many([_pair_key("count", account, address), _pair_key("until", account, address)])


def paused_seconds(request: HttpRequest) -> int | None:
    """How long the pause that refused this request's login lasts (set by the backend)."""
    return getattr(request, "_greenit_login_paused", None)


def remember_pause(request: HttpRequest, seconds: int) -> None:
    request._greenit_login_paused = seconds
