"""Periods of whole days, as the datetimes to filter on, in one place.

`day_bounds(start, end)` gives `[low, high)` for the days `start` to `end`, both included, in
the current time zone. The calendar's first and last days (0001-01-01, 9999-12-31) and the
day next to them are open ends: the day after 9999-12-31 does not exist, and midnight of
0001-01-01 in Shanghai is before the first day in UTC, so filtering on them used to answer 500.
"""

from datetime import date, datetime, time, timedelta

from django.utils import timezone

_EDGE = timedelta(days=1)


def day_bounds(start: date | None, end: date | None) -> tuple[datetime | None, datetime | None]:
    tz = timezone.get_current_timezone()
    if start is not None and start <= date.min + _EDGE:
        start = None
    if end is not None and end >= date.max - _EDGE:
        end = None
    low = datetime.combine(start, time.min, tz) if start else None
    high = datetime.combine(end + timedelta(days=1), time.min, tz) if end else None
    return low, high
