"""What the reports read of the registry (see `satuatap.core.facts`)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models import Model, QuerySet

from satuatap.core.facts import Span
from satuatap.core.models import Organisation
from satuatap.people.models import Person, Sector

__all__ = [
    "PERSON_FIELDS",
    "Sector",
    "person_model",
    "person_rows",
    "registration_rows",
    "spans",
]

# What decides on which office-day and in which cell a person counts.
PERSON_FIELDS = (
    "office_id",
    "office__time_zone",
    "created_at",
    "sex",
    "birth_date",
    "merged_into_id",
)


def registration_rows(
    office: Organisation, start: datetime.datetime, end: datetime.datetime
) -> QuerySet:
    """The office's people registered from `start` to `end` (excluded), merged records left
    out: (created at, sex, birth date)."""
    return Person.objects.filter(
        office=office, created_at__gte=start, created_at__lt=end, merged_into__isnull=True
    ).values_list("created_at", "sex", "birth_date")


def spans(office: Organisation) -> list[Span]:
    return [Span(Person.objects.filter(office=office), ("created_at",), moments=True)]


def person_model() -> type[Model]:
    """The registry record, whose saves and deletes the reports listen to."""
    return Person


def person_rows(person_ids: Iterable[int]) -> QuerySet:
    """`PERSON_FIELDS` of these people."""
    return Person.objects.filter(pk__in=person_ids).values(*PERSON_FIELDS)
