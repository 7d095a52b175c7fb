"""What the reports read of the registry (see `satuatap.core.facts`)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models import Count, Model, OuterRef, QuerySet, Subquery

from satuatap.core.facts import Span
from satuatap.core.models import Organisation
from satuatap.people.models import MigrationStatus, Person, Sector, StatusEvent

__all__ = [
    "PERSON_FIELDS",
    "MigrationStatus",
    "Sector",
    "abroad",
    "active_people",
    "person_model",
    "person_rows",
    "registration_rows",
    "spans",
    "status_counts",
    "status_steps",
    "village_people",
    "with_current_status",
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


# --- Village pages ---------------------------------------------------------------------------


def active_people(office_ids: Iterable[int]) -> QuerySet[Person]:
    """The offices' registry records still in use (not merged away, not anonymised); every
    person has a `village_id`."""
    return Person.objects.filter(
        office_id__in=list(office_ids), merged_into__isnull=True, anonymised_at__isnull=True
    )


def village_people(village_code: str, office_ids: Iterable[int]) -> QuerySet[Person]:
    """Active registry records (not merged away, not anonymised) of people from the village."""
    return Person.objects.filter(
        village_id=village_code,
        office_id__in=list(office_ids),
        merged_into__isnull=True,
        anonymised_at__isnull=True,
    )


def _latest_step() -> QuerySet[StatusEvent]:
    return StatusEvent.objects.filter(person=OuterRef("pk")).order_by("-effective_date", "-pk")


def with_current_status(people: QuerySet[Person]) -> QuerySet[Person]:
    """`people` annotated with `current` (the status of the latest step of their migration
    timeline) and `current_country`."""
    latest = _latest_step()
    return people.annotate(
        current=Subquery(latest.values("status")[:1]),
        current_country=Subquery(latest.values("country")[:1]),
    )


def abroad(people: QuerySet[Person]) -> QuerySet[Person]:
    """Those of `people` whose latest step is "abroad"."""
    return people.annotate(current=Subquery(_latest_step().values("status")[:1])).filter(
        current=MigrationStatus.ABROAD
    )


def status_counts(village_code: str, office_ids: Iterable[int]) -> QuerySet:
    """People from the village by current status, country and sex: dicts of `current`,
    `current_country`, `sex` and `n`. One query."""
    return (
        with_current_status(village_people(village_code, office_ids))
        # The plugin does not see the annotations `with_current_status` adds.
        .values("current", "current_country", "sex")  # type: ignore[misc]
        .annotate(n=Count("pk"))
        .order_by()
    )


def status_steps(village_code: str, office_ids: Iterable[int]) -> QuerySet:
    """The migration timelines of people from the village, in order: (person id, status,
    effective date, sex)."""
    return (
        StatusEvent.objects.filter(person__in=village_people(village_code, office_ids).values("pk"))
        .values_list("person_id", "status", "effective_date", "person__sex")
        .order_by("person_id", "effective_date", "pk")
    )
