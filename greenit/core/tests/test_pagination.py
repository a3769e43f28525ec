"""Keyset pagination: every row once, forward and back, and no COUNT(*) on the way."""

from urllib.parse import parse_qs

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from greenit.assets.models import Asset, State
from greenit.core import tags
from greenit.core.pagination import keyset_page


@pytest.fixture
def many_assets(donation) -> list[int]:
    """120 devices, newest first by id (pagination needs rows, not their custody chains)."""
    states = [State.RECEIVED, State.SANITIZED, State.TESTED]
    Asset.objects.bulk_create(
        Asset(
            tag=tags.new_tag(),
            donation=donation,
            category="laptop",
            serial=f"SN{n:04d}",
            state=states[n % 3],
        )
        for n in range(120)
    )
    return list(Asset.objects.order_by("-pk").values_list("pk", flat=True))


def _walk(queryset, *, size: int, params: str = "") -> tuple[list[int], list[int]]:
    """Follow the next links to the end, then the previous links back to the start."""
    forward, pages = [], []
    query = params
    while query is not None:
        page = keyset_page(queryset, QueryDict(query), size=size)
        assert len(page.rows) <= size
        pages.append([row.pk for row in page.rows])
        forward += pages[-1]
        query = page.next_query
        assert len(pages) <= 1000, "the pages never end"
    backward = list(pages[-1])
    query = keyset_page(
        queryset, QueryDict(_last_query(queryset, size=size, params=params)), size=size
    ).previous_query
    while query is not None:
        page = keyset_page(queryset, QueryDict(query), size=size)
        backward = [row.pk for row in page.rows] + backward
        query = page.previous_query
        assert len(backward) <= len(forward), "the way back repeats rows"
    return forward, backward


def _last_query(queryset, *, size: int, params: str) -> str:
    query, last = params, params
    while query is not None:
        last = query
        query = keyset_page(queryset, QueryDict(query), size=size).next_query
    return last


@pytest.mark.parametrize("size", [1, 7, 25, 120, 500])
def test_pages_walk_forward_and_back_over_every_row_once(many_assets, size):
    forward, backward = _walk(Asset.objects.all(), size=size)
    assert forward == many_assets
    assert backward == many_assets


def test_the_first_page_has_no_newer_link_and_the_last_no_older_link(many_assets):
    first = keyset_page(Asset.objects.all(), QueryDict(""), size=50)
    assert first.previous_query is None
    assert first.next_query is not None
    last_query = _last_query(Asset.objects.all(), size=50, params="")
    last = keyset_page(Asset.objects.all(), QueryDict(last_query), size=50)
    assert last.next_query is None
    assert [row.pk for row in last.rows] == many_assets[100:]
    assert last.previous_query is not None


def test_page_links_keep_the_filters(many_assets):
    sanitized = Asset.objects.filter(state=State.SANITIZED)
    forward, backward = _walk(sanitized, size=7, params="state=sanitized")
    expected = list(sanitized.order_by("-pk").values_list("pk", flat=True))
    assert forward == backward == expected
    page = keyset_page(sanitized, QueryDict("state=sanitized"), size=7)
    assert parse_qs(page.next_query)["state"] == ["sanitized"]


def test_a_cursor_that_is_not_a_number_starts_at_the_top(many_assets):
    page = keyset_page(Asset.objects.all(), QueryDict("after=x"), size=10)
    assert [row.pk for row in page.rows] == many_assets[:10]


def test_the_asset_list_pages_through_every_device(client, alice, many_assets, settings):
    settings.PAGE_SIZE = 25
    client.force_login(alice)
    url = reverse("assets:list")
    seen, query, pages = [], "", []
    while query is not None:
        response = client.get(f"{url}?{query}")
        assert response.status_code == 200
        page = response.context["page"]
        assert len(page.rows) <= 25
        seen += [a.pk for a in page.rows]
        pages.append(page)
        query = page.next_query
    assert seen == many_assets
    assert len(pages) == 5
    back, query = [a.pk for a in pages[-1].rows], pages[-1].previous_query
    while query is not None:
        page = client.get(f"{url}?{query}").context["page"]
        back = [a.pk for a in page.rows] + back
        query = page.previous_query
    assert back == many_assets


def test_the_asset_list_runs_no_count_query(
    client, alice, many_assets, settings, django_assert_max_num_queries
):
    settings.PAGE_SIZE = 25
    client.force_login(alice)
    url = reverse("assets:list")
    sql = []
    for query in ("", f"state=sanitized&after={many_assets[30]}", f"before={many_assets[80]}"):
        # session, user, roles, the page of rows: a list costs the same on every page
        with CaptureQueriesContext(connection) as queries, django_assert_max_num_queries(5):
            assert client.get(f"{url}?{query}").status_code == 200
        sql += [q["sql"].upper() for q in queries.captured_queries]
    assert any("ASSETS_ASSET" in s for s in sql), "the capture missed the list query"
    assert not [s for s in sql if "COUNT(" in s]
