"""Rate limits (django-ratelimit's counters, in the shared cache) and the client address they
count by."""

import ipaddress

from django.conf import settings
from django.http import HttpRequest
from django_ratelimit.core import get_usage


def client_address(request: HttpRequest) -> str:
    """The address of the client, as far as we can trust it.

    Behind `TRUSTED_PROXIES` reverse proxies (nginx, a load balancer), REMOTE_ADDR is the
    nearest proxy's and each proxy appends the address it saw to X-Forwarded-For. Only the
    last `TRUSTED_PROXIES` entries were written by our own proxies; anything before them came
    from the client and may be forged. So the client is the entry our outermost proxy wrote.
    With no proxy configured (0, the default) the header is ignored entirely: a client that
    sends it must not choose its own address."""
    direct = request.META.get("REMOTE_ADDR", "")
    trusted = settings.TRUSTED_PROXIES
    if trusted <= 0:
        return direct
    forwarded = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    if len(forwarded) < trusted:
        # Fewer entries than proxies: the request did not come through all of them.
        return direct
    candidate = forwarded[-trusted]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return direct


def over_limit(request: HttpRequest, *, group: str, rate: str) -> bool:
    """Counts this request from its client address in `group`; True once the address has sent
    more than `rate` allows (e.g. "5/h")."""
    usage = get_usage(request, group=group, key="ip", rate=rate, increment=True)
    return usage is not None and usage["count"] > usage["limit"]
