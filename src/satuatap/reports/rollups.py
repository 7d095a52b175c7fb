"""What the roll-up tables' keepers share, and the reads of their state.

The writes are `services/rollups.py` (marking office-days, the background refresh, recomputing
and rebuilding; its docstring tells how the roll-ups follow the records). Here: how marked days
are grouped into ranges and months (`day_runs`, `calendar_months`), the first and last day of an
office's records (`source_span`), and how far the refresh is behind (`refresh_backlog`,
`refresh_is_behind`, the operator's `backlog_metrics`). Nothing here writes.
"""

from __future__ import annotations

import calendar
import datetime
from collections import defaultdict
from collections.abc import Iterable, Iterator

from django.db.models import Aggregate, Count, Max, Min, Model
from django.utils import timezone

from satuatap.cases import facts as cases_facts
from satuatap.core.models import Organisation
from satuatap.frontdesk import facts as frontdesk_facts
from satuatap.outreach import facts as outreach_facts
from satuatap.people import facts as people_facts
from satuatap.placement import facts as placement_facts
from satuatap.reports.compute import local_day
from satuatap.reports.models import DirtyOfficeDay, RollupAdjustment

Key = tuple[int, datetime.date]

# Office-days this close together are recomputed as one range (fewer queries); a range never
# spans more than a month.
RUN_GAP_DAYS = 3
RUN_MAX_DAYS = 31


def refresh_backlog() -> tuple[int, datetime.datetime | None]:
    """How many marks wait for the refresh, and since when (the oldest)."""
    found = DirtyOfficeDay.objects.aggregate(count=Count("pk"), oldest=Min("marked_at"))
    return found["count"], found["oldest"]


def refresh_is_behind(now: datetime.datetime | None = None) -> bool:
    """Marks older than two minutes wait: the refresh fails or no task worker runs."""
    _count, oldest = refresh_backlog()
    now = now or timezone.now()
    return oldest is not None and now - oldest > datetime.timedelta(minutes=2)


def backlog_metrics():
    """The refresh's backlog, for the operator's /metrics (core/metrics.py): marks waiting and
    the age of the oldest. Above two minutes the dashboards say so; alert before."""
    from prometheus_client.core import GaugeMetricFamily

    count, oldest = refresh_backlog()
    yield GaugeMetricFamily(
        "satuatap_rollup_backlog_marks",
        "Office-days marked by committed changes that wait for the roll-up refresh.",
        value=count,
    )
    age = (timezone.now() - oldest).total_seconds() if oldest is not None else 0.0
    yield GaugeMetricFamily(
        "satuatap_rollup_backlog_oldest_seconds",
        "Age of the oldest mark waiting for the roll-up refresh (0 when none waits).",
        value=max(age, 0.0),
    )


def by_office(keys: Iterable[Key]) -> dict[int, set[datetime.date]]:
    by_office: dict[int, set[datetime.date]] = defaultdict(set)
    for office_id, day in keys:
        by_office[office_id].add(day)
    return by_office


def day_runs(days: list[datetime.date]) -> Iterator[tuple[datetime.date, datetime.date]]:
    """Sorted days grouped into short ranges."""
    if not days:
        return
    start = end = days[0]
    for day in days[1:]:
        if (day - end).days <= RUN_GAP_DAYS and (day - start).days < RUN_MAX_DAYS:
            end = day
        else:
            yield start, end
            start = end = day
    yield start, end


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def month_end(day: datetime.date) -> datetime.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def db_columns(model: type[Model]) -> dict[str, str]:
    """Field name → database column of the model's concrete fields."""
    return {field.name: field.column for field in model._meta.concrete_fields}


def calendar_months(
    date_from: datetime.date, date_to: datetime.date
) -> Iterator[tuple[datetime.date, datetime.date]]:
    """The (first, last) days of each calendar month the period touches, within the period."""
    start = date_from
    while start <= date_to:
        last = calendar.monthrange(start.year, start.month)[1]
        end = min(datetime.date(start.year, start.month, last), date_to)
        yield start, end
        start = end + datetime.timedelta(days=1)


# The apps' facts modules whose records the roll-ups count, in the order their spans are read.
SOURCE_FACTS = (frontdesk_facts, people_facts, placement_facts, cases_facts, outreach_facts)


def source_span(office: Organisation) -> tuple[datetime.date | None, datetime.date | None]:
    """The first and last day any source record of the office falls on."""
    zone = office.zone
    days: list[datetime.date] = []

    def span(queryset, *fields: str, moments: bool = False) -> None:
        aggregates: dict[str, Aggregate] = {}
        for name in fields:
            aggregates[f"{name}__min"] = Min(name)
            aggregates[f"{name}__max"] = Max(name)
        for value in queryset.aggregate(**aggregates).values():
            if value is None:
                continue
            days.append(local_day(value, zone) if moments else value)

    for facts in SOURCE_FACTS:
        for queryset, fields, moments in facts.spans(office):
            span(queryset, *fields, moments=moments)
    # Days whose records retention took away still hold what was published for them.
    span(RollupAdjustment.objects.filter(office=office), "day")
    if not days:
        return None, None
    return min(days), max(days)
