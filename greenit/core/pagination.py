"""Keyset pagination: pages through a million rows without OFFSET or COUNT(*).

Rows are ordered newest first by primary key; a page link carries the id to continue after
(`?after=`) or before (`?before=`), so every page is an index range scan of PAGE_SIZE rows.
"""

from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import QueryDict


@dataclass
class KeysetPage:
    rows: list
    next_query: str | None
    previous_query: str | None


def _query(params: QueryDict, **cursor: int) -> str:
    q = params.copy()
    q.pop("after", None)
    q.pop("before", None)
    for key, value in cursor.items():
        q[key] = str(value)
    return q.urlencode()


def _cursor(params: QueryDict, key: str) -> int | None:
    try:
        return int(params[key])
    except (KeyError, ValueError):
        return None


def keyset_page(queryset: QuerySet, params: QueryDict, *, size: int) -> KeysetPage:
    after, before = _cursor(params, "after"), _cursor(params, "before")
    if before is not None:
        rows = list(queryset.filter(pk__gt=before).order_by("pk")[: size + 1])
        has_more_newer = len(rows) > size
        rows = rows[:size][::-1]
        has_older = True
        has_newer = has_more_newer
    else:
        qs = queryset.filter(pk__lt=after) if after is not None else queryset
        rows = list(qs.order_by("-pk")[: size + 1])
        has_older = len(rows) > size
        rows = rows[:size]
        has_newer = after is not None
    return KeysetPage(
        rows=rows,
        next_query=_query(params, after=rows[-1].pk) if rows and has_older else None,
        previous_query=_query(params, before=rows[0].pk) if rows and has_newer else None,
    )
