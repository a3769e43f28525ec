"""The public dashboard's figures, computed in a few queries and cached (IMPACT_CACHE_SECONDS),
so that a cached request touches no database at all."""

from django.core.cache import cache

CACHE_KEY = "impact:dashboard:v1"


def forget() -> None:
    cache.delete(CACHE_KEY)
