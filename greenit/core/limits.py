"""Rate limits for the public forms (django-ratelimit's counters, in the shared cache)."""

from django.http import HttpRequest
from django_ratelimit.core import get_usage


def over_limit(request: HttpRequest, *, group: str, rate: str) -> bool:
    """Counts this request from its client address in `group`; True once the address has sent
    more than `rate` allows (e.g. "5/h")."""
    usage = get_usage(request, group=group, key="ip", rate=rate, increment=True)
    return usage is not None and usage["count"] > usage["limit"]
