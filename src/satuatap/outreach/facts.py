"""What the reports read of outreach (see `satuatap.core.facts`)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models import QuerySet

from satuatap.core.facts import Span, TrackedSource
from satuatap.core.models import Organisation
from satuatap.outreach.models import OutreachCount, OutreachEvent

__all__ = ["event_rows", "events_of_offices", "reached_rows", "spans", "tracked_sources"]


def _events(office: Organisation, date_from: datetime.date, date_to: datetime.date) -> QuerySet:
    return OutreachEvent.objects.filter(office=office, date__gte=date_from, date__lte=date_to)


def event_rows(office: Organisation, date_from: datetime.date, date_to: datetime.date) -> QuerySet:
    """The office's outreach events of the days: (date, village code)."""
    return _events(office, date_from, date_to).values_list("date", "village_id")


def reached_rows(
    office: Organisation, date_from: datetime.date, date_to: datetime.date
) -> QuerySet:
    """People reached at those events: (date, village code, sex, age band, count)."""
    return OutreachCount.objects.filter(event__in=_events(office, date_from, date_to)).values_list(
        "event__date", "event__village_id", "sex", "age_band", "count"
    )


def spans(office: Organisation) -> list[Span]:
    return [Span(OutreachEvent.objects.filter(office=office), ("date",))]


def tracked_sources() -> list[TrackedSource]:
    return [
        TrackedSource(
            OutreachEvent, ("office_id", "date"), lambda r: [(r["office_id"], r["date"])]
        ),
        TrackedSource(
            OutreachCount,
            ("event__office_id", "event__date"),
            lambda r: [(r["event__office_id"], r["event__date"])],
        ),
    ]


def events_of_offices(office_ids: Iterable[int]) -> QuerySet[OutreachEvent]:
    """The offices' outreach events (each has a `village_id`)."""
    return OutreachEvent.objects.filter(office_id__in=list(office_ids))
