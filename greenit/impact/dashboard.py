"""The public dashboard's figures, computed in a few queries and cached (IMPACT_CACHE_SECONDS),
so that a cached request touches no database at all. The cached value is plain data (codes,
numbers, both languages of each story); labels are put on in the reader's language."""

import time as time_
from datetime import date, datetime, time

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from greenit.assets.models import Asset, State
from greenit.classrooms.models import Allocation, ClassroomProject

from .calculations import Period, Scope, calculate
from .figures_cache import CACHE_KEY, LOCK_KEY

LOCK_SECONDS = 120
STALE_FACTOR = 12  # stale figures are kept this many periods, to serve while refreshing
MONTHS = 12
STORIES = 6


def _months(today: date) -> list[date]:
    first = today.replace(day=1)
    months = []
    for _ in range(MONTHS):
        months.append(first)
        first = (first.replace(day=1) - timezone.timedelta(days=1)).replace(day=1)
    return list(reversed(months))


def compute() -> dict:
    """Everything the dashboard shows, uncached."""
    today = timezone.localdate()
    figures = calculate(Scope.organisation(), Period())
    months = _months(today)
    since = datetime.combine(months[0], time.min, timezone.get_current_timezone())
    per_month = (
        Asset.objects.filter(
            state__in=[State.DEPLOYED, State.RECYCLED], state_changed_at__gte=since
        )
        .annotate(month=TruncMonth("state_changed_at"))
        .order_by()
        .values("month", "state")
        .annotate(n=Count("pk"))
    )
    counts = {
        (r["month"].date() if hasattr(r["month"], "date") else r["month"], r["state"]): r["n"]
        for r in per_month
    }
    provinces: dict[str, dict] = {}
    # Devices reused (deployed) per project, then per province: the same devices as the
    # headline's "reused", so the table adds up to it (a device deployed in no project is
    # shown as the difference; `greenit impact_check` names it).
    per_project = dict(
        Allocation.objects.active()
        .filter(asset__state=State.DEPLOYED)
        .order_by()
        .values_list("project_id")
        .annotate(n=Count("pk"))
    )
    province_of = dict(ClassroomProject.objects.values_list("pk", "school__province"))
    for project_id, n in per_project.items():
        name = province_of.get(project_id) or ""
        provinces.setdefault(name, {"devices": 0, "classrooms": 0})["devices"] += n
    opened = (
        ClassroomProject.objects.filter(opening__isnull=False)
        .order_by()
        .values("school__province")
        .annotate(n=Count("pk"))
    )
    for row in opened:
        name = row["school__province"] or ""
        provinces.setdefault(name, {"devices": 0, "classrooms": 0})["classrooms"] += row["n"]
    stories = [
        {
            "pk": p.pk,
            "name": p.name,
            "school": str(p.school),
            "opened": p.opening.date.isoformat(),
            "story_en": p.story_en,
            "story_zh": p.story_zh,
        }
        for p in ClassroomProject.objects.public()
        .filter(opening__isnull=False)
        .filter(~Q(story_en="") | ~Q(story_zh=""))
        .select_related("school", "opening")
        .order_by("-opening__date", "-pk")[:STORIES]
    ]
    in_provinces = sum(p["devices"] for p in provinces.values())
    return {
        "figures": figures.to_json(),
        "not_in_classroom": figures.devices_reused - in_provinces,
        "months": [
            {
                "month": m.isoformat(),
                "reused": counts.get((m, State.DEPLOYED), 0),
                "recycled": counts.get((m, State.RECYCLED), 0),
            }
            for m in months
        ],
        "provinces": [
            {"province": name, **values}
            for name, values in sorted(provinces.items(), key=lambda kv: -kv[1]["devices"])
        ],
        "stories": stories,
        "computed_at": timezone.now().isoformat(),
    }


def data() -> dict:
    """The dashboard's figures from the cache. When they are older than IMPACT_CACHE_SECONDS,
    one request computes them again while every other request is served the previous figures
    (a lock in the cache), so a traffic spike never computes them twice at once."""
    entry = cache.get(CACHE_KEY)
    now = time_.time()
    if entry is not None and entry["fresh_until"] > now:
        return entry["data"]
    if entry is not None and not cache.add(LOCK_KEY, 1, LOCK_SECONDS):
        return entry["data"]  # another request is computing them: the previous ones will do
    try:
        found = compute()
        seconds = settings.IMPACT_CACHE_SECONDS
        cache.set(
            CACHE_KEY,
            {"data": found, "fresh_until": time_.time() + seconds},
            seconds * STALE_FACTOR,
        )
    finally:
        cache.delete(LOCK_KEY)
    return found
