"""What the reports read of placement and training (see `satuatap.core.facts`)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models import Q, QuerySet

from satuatap.core.facts import OfficeDay, Span, TrackedSource
from satuatap.core.models import Organisation
from satuatap.placement.files.models import PlacementFile, ReturnReason
from satuatap.placement.models import Scheme
from satuatap.placement.training.models import Course, CourseKind, Enrolment, Result

__all__ = [
    "CourseKind",
    "ReturnReason",
    "Scheme",
    "file_rows",
    "person_days",
    "spans",
    "trained_rows",
    "tracked_sources",
]


def file_rows(office: Organisation, date_from: datetime.date, date_to: datetime.date) -> QuerySet:
    """The office's placement files that departed or returned on one of the days: (departure
    date, return date, return reason, scheme, country, job order's country, sector, job order's
    sector, person's sex, person's birth date)."""
    in_range = Q(departure_date__gte=date_from, departure_date__lte=date_to) | Q(
        return_date__gte=date_from, return_date__lte=date_to
    )
    return (
        PlacementFile.objects.filter(office=office)
        .filter(in_range)
        .values_list(
            "departure_date",
            "return_date",
            "return_reason",
            "scheme",
            "country",
            "job_order__country",
            "sector",
            "job_order__sector",
            "person__sex",
            "person__birth_date",
        )
    )


def trained_rows(
    office: Organisation, date_from: datetime.date, date_to: datetime.date
) -> QuerySet:
    """Enrolments passed in the office's courses that ended on one of the days: (course end
    date, course kind, person's sex, person's birth date)."""
    return Enrolment.objects.filter(
        course__office=office,
        course__end_date__gte=date_from,
        course__end_date__lte=date_to,
        result=Result.PASSED,
    ).values_list("course__end_date", "course__kind", "person__sex", "person__birth_date")


def spans(office: Organisation) -> list[Span]:
    return [
        Span(PlacementFile.objects.filter(office=office), ("departure_date", "return_date")),
        Span(Course.objects.filter(office=office), ("end_date",)),
    ]


def tracked_sources() -> list[TrackedSource]:
    return [
        TrackedSource(
            PlacementFile,
            ("office_id", "departure_date", "return_date"),
            lambda r: [(r["office_id"], r["departure_date"]), (r["office_id"], r["return_date"])],
        ),
        TrackedSource(
            Course, ("office_id", "end_date"), lambda r: [(r["office_id"], r["end_date"])]
        ),
        TrackedSource(
            Enrolment,
            ("course__office_id", "course__end_date"),
            lambda r: [(r["course__office_id"], r["course__end_date"])],
        ),
    ]


def person_days(person_ids: Iterable[int]) -> Iterable[OfficeDay]:
    """The office-days of these people's files (departure and return) and enrolments."""
    ids = list(person_ids)
    for office_id, departed, returned in PlacementFile.objects.filter(
        person_id__in=ids
    ).values_list("office_id", "departure_date", "return_date"):
        yield office_id, departed
        yield office_id, returned
    yield from Enrolment.objects.filter(person_id__in=ids).values_list(
        "course__office_id", "course__end_date"
    )
