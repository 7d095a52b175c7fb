"""What the reports read of the front desk (see `satuatap.core.facts`)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models import QuerySet

from satuatap.core.facts import OfficeDay, Span, TrackedSource
from satuatap.core.models import Organisation
from satuatap.frontdesk.ikm import ANSWER_FIELDS, ELEMENT_CODES, ELEMENTS
from satuatap.frontdesk.models import ServiceRecord, Survey, Ticket, TicketStatus, Visit

__all__ = [
    "ANSWER_FIELDS",
    "ELEMENTS",
    "ELEMENT_CODES",
    "TicketStatus",
    "person_days",
    "spans",
    "survey_rows",
    "ticket_rows",
    "tracked_sources",
]


def ticket_rows(office: Organisation, date_from: datetime.date, date_to: datetime.date) -> QuerySet:
    """The office's tickets of the days: (visit id, visit day, desk type code, status, issued,
    called, served, finished, person id, person's sex, person's birth date, visit's sex, visit's
    age band)."""
    return Ticket.objects.filter(office=office, day__gte=date_from, day__lte=date_to).values_list(
        "visit_id",
        "visit__day",
        "desk__desk_type__code",
        "status",
        "issued_at",
        "called_at",
        "served_at",
        "finished_at",
        "visit__person_id",
        "visit__person__sex",
        "visit__person__birth_date",
        "visit__sex",
        "visit__age_band",
    )


def survey_rows(office: Organisation, date_from: datetime.date, date_to: datetime.date) -> QuerySet:
    """The IKM surveys of the office's visits of the days: (visit day, person id, person's sex,
    person's birth date, visit's sex, visit's age band, *answers in `ANSWER_FIELDS` order)."""
    return Survey.objects.filter(
        visit__office=office, visit__day__gte=date_from, visit__day__lte=date_to
    ).values_list(
        "visit__day",
        "visit__person_id",
        "visit__person__sex",
        "visit__person__birth_date",
        "visit__sex",
        "visit__age_band",
        *ANSWER_FIELDS,
    )


def spans(office: Organisation) -> list[Span]:
    return [Span(Ticket.objects.filter(office=office), ("day",))]


def tracked_sources() -> list[TrackedSource]:
    return [
        TrackedSource(Visit, ("office_id", "day"), lambda r: [(r["office_id"], r["day"])]),
        TrackedSource(Ticket, ("office_id", "day"), lambda r: [(r["office_id"], r["day"])]),
        TrackedSource(
            ServiceRecord,
            ("ticket__office_id", "ticket__day"),
            lambda r: [(r["ticket__office_id"], r["ticket__day"])],
        ),
        TrackedSource(
            Survey,
            ("visit__office_id", "visit__day"),
            lambda r: [(r["visit__office_id"], r["visit__day"])],
        ),
    ]


def person_days(person_ids: Iterable[int]) -> Iterable[OfficeDay]:
    """The office-days of these people's visits."""
    return Visit.objects.filter(person_id__in=person_ids).values_list("office_id", "day")
