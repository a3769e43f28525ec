"""Where the public dashboard's figures are cached, and the one way to forget them.

Its own module because two owners of change need it: dashboard.py fills the cache, and a
factor override (factors.py) makes the figures wrong. dashboard.py imports calculations.py,
which imports factors.py, so factors.py cannot import dashboard.py without a cycle."""

from django.core.cache import cache

CACHE_KEY = "impact:dashboard:v2"
LOCK_KEY = "impact:dashboard:computing"


def forget_figures() -> None:
    """The next visit to the dashboard computes its figures again."""
    cache.delete(CACHE_KEY)
