from datetime import UTC, datetime

from django.urls import reverse

from greenit.classrooms.models import ClassroomProject, OpeningEvent
from greenit.impact import dashboard, figures_cache


def _story(school):
    project = ClassroomProject.objects.create(
        name="江西 Classroom 1",
        school=school,
        seats=20,
        status=ClassroomProject.Status.OPENED,
        story_en="Forty children typed their first program.",
        story_zh="四十个孩子写下了第一个程序。",
    )
    OpeningEvent.objects.create(project=project, date=datetime(2026, 6, 1, tzinfo=UTC).date())
    return project


def test_the_dashboard_shows_the_figures_charts_with_tables_and_stories(
    client, worked_example, east_auto
):
    from greenit.accounts.models import Organisation

    school = Organisation.objects.create(name="瑞金小学", is_school=True, province="江西省")
    project = _story(school)

    response = client.get(reverse("impact:dashboard"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "132.85 kg" in html
    assert html.count('role="img"') == 3
    assert 'aria-labelledby="chart-months-title chart-months-desc"' in html
    assert html.count("<caption id=") == 3
    assert reverse("classrooms:public_detail", args=[project.pk]) in html
    assert "Forty children" in html


def test_a_cached_dashboard_request_makes_no_database_query(
    client, worked_example, django_assert_num_queries
):
    client.get(reverse("impact:dashboard"))

    with django_assert_num_queries(0):
        response = client.get(reverse("impact:dashboard"))

    assert response.status_code == 200


def test_the_dashboard_is_in_chinese_too(client, worked_example):
    client.cookies["django_language"] = "zh-hans"

    html = client.get(reverse("impact:dashboard"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    assert "笔记本电脑" in html
    assert 'lang="zh-Hans"' in html


def test_the_cache_holds_the_figures_until_it_is_forgotten(worked_example, make_asset):
    first = dashboard.data()
    make_asset(worked_example["donation"], category="laptop")

    assert dashboard.data()["figures"]["devices_received"] == first["figures"]["devices_received"]
    figures_cache.forget_figures()
    assert dashboard.data()["figures"]["devices_received"] == 21


def test_the_methodology_page_shows_factors_sources_assumptions_and_versions(client, db):
    html = client.get(reverse("impact:methodology")).content.decode()

    assert "Boavizta" in html and "WARMer" in html
    assert "236" in html and "-1.49" in html
    assert "50 %" in html and "35" in html
    assert "data/factors.json" in html


def test_stale_figures_are_served_while_another_request_computes_them(
    worked_example, django_assert_num_queries, settings
):
    from django.core.cache import cache

    dashboard.data()
    entry = cache.get(dashboard.CACHE_KEY)
    cache.set(dashboard.CACHE_KEY, entry | {"fresh_until": 0})  # stale
    cache.add(dashboard.LOCK_KEY, 1)  # someone else is computing

    with django_assert_num_queries(0):
        served = dashboard.data()

    assert served == entry["data"]


def test_stale_figures_are_computed_again_by_the_first_request(worked_example, make_asset):
    from django.core.cache import cache

    dashboard.data()
    cache.set(dashboard.CACHE_KEY, cache.get(dashboard.CACHE_KEY) | {"fresh_until": 0})
    make_asset(worked_example["donation"], category="laptop")

    assert dashboard.data()["figures"]["devices_received"] == 21
    assert cache.get(dashboard.LOCK_KEY) is None


def test_a_long_chart_label_is_cut_and_escaped():
    from greenit.impact import charts

    svg = charts.bars(
        chart_id="c",
        title="T <1>",
        desc="D",
        labels=["Keyboard, mouse and other peripherals", "键盘、鼠标等外设和其他很多很多东西"],
        series=[charts.Series("n", [1, 2])],
    )

    assert "Keyboard, mouse and other…" in svg
    assert "键盘、鼠标等外设和其他很多…" in svg
    assert '<title id="c-title">T &lt;1&gt;</title>' in svg
