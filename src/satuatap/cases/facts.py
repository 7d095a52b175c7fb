"""What the reports read of the MRC's contacts, cases and referrals (see
`satuatap.core.facts`). Counts only: nothing here names a person or a case."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Model, Q, QuerySet

from satuatap.cases.models import (
    Case,
    CaseCategory,
    CaseStatus,
    Category,
    Channel,
    Contact,
    GroupCount,
    Referral,
    ReferralState,
)
from satuatap.core.facts import OfficeDay, Span, TrackedSource, day_in_zone
from satuatap.core.models import Organisation

__all__ = [
    "CaseStatus",
    "Category",
    "Channel",
    "ReferralState",
    "case_rows",
    "contact_days",
    "contact_rows",
    "group_count_rows",
    "participant_rows",
    "participants_model",
    "person_days",
    "referral_rows",
    "spans",
    "tracked_sources",
    "village_case_counts",
]


# --- Roll-up rows ----------------------------------------------------------------------------


def _contacts(office: Organisation, date_from: datetime.date, date_to: datetime.date) -> QuerySet:
    return Contact.objects.filter(
        office=office, occurred_on__gte=date_from, occurred_on__lte=date_to
    )


def contact_rows(
    office: Organisation, date_from: datetime.date, date_to: datetime.date
) -> QuerySet:
    """The office's contacts of the days: (id, day, kind, channel, is group, person id,
    person's sex, person's birth date, entered sex, entered age band)."""
    return _contacts(office, date_from, date_to).values_list(
        "pk",
        "occurred_on",
        "kind",
        "channel",
        "is_group",
        "person_id",
        "person__sex",
        "person__birth_date",
        "sex",
        "age_band",
    )


def group_count_rows(
    office: Organisation, date_from: datetime.date, date_to: datetime.date
) -> QuerySet:
    """Counts by sex and age band of those group contacts: (contact id, sex, age band, count)."""
    groups = _contacts(office, date_from, date_to).filter(is_group=True)
    return GroupCount.objects.filter(contact__in=groups).values_list(
        "contact_id", "sex", "age_band", "count"
    )


def participant_rows(
    office: Organisation, date_from: datetime.date, date_to: datetime.date
) -> QuerySet:
    """Named participants of those group contacts: (contact id, sex, birth date)."""
    groups = _contacts(office, date_from, date_to).filter(is_group=True)
    return Contact.participants.through.objects.filter(contact__in=groups).values_list(
        "contact_id", "person__sex", "person__birth_date"
    )


def case_rows(
    office: Organisation,
    date_from: datetime.date,
    date_to: datetime.date,
    start: datetime.datetime,
    end: datetime.datetime,
) -> QuerySet:
    """The office's cases received on one of the days or closed from `start` to `end`
    (excluded), a row per category: (id, received on, status, closed at, money recovered,
    client's sex, client's birth date, category or None)."""
    received = Q(received_on__gte=date_from, received_on__lte=date_to)
    closed = Q(status=CaseStatus.CLOSED, closed_at__gte=start, closed_at__lt=end)
    return (
        Case.objects.filter(office=office)
        .filter(received | closed)
        .values_list(
            "pk",
            "received_on",
            "status",
            "closed_at",
            "money_recovered_idr",
            "client__sex",
            "client__birth_date",
            "categories__category",
        )
    )


def referral_rows(
    office: Organisation, start: datetime.datetime, end: datetime.datetime
) -> QuerySet:
    """Referrals of the office's cases sent, answered or completed from `start` to `end`
    (excluded): (state, sent at, answered at, completed at, partner's slug, case received on,
    client's sex, client's birth date)."""
    in_range = (
        Q(sent_at__gte=start, sent_at__lt=end)
        | Q(answered_at__gte=start, answered_at__lt=end)
        | Q(completed_at__gte=start, completed_at__lt=end)
    )
    return (
        Referral.objects.filter(case__office=office)
        .filter(in_range)
        .values_list(
            "state",
            "sent_at",
            "answered_at",
            "completed_at",
            "partner__slug",
            "case__received_on",
            "case__client__sex",
            "case__client__birth_date",
        )
    )


def spans(office: Organisation) -> list[Span]:
    return [
        Span(Contact.objects.filter(office=office), ("occurred_on",)),
        Span(Case.objects.filter(office=office), ("received_on",)),
        Span(Case.objects.filter(office=office), ("closed_at",), moments=True),
        Span(
            Referral.objects.filter(case__office=office),
            ("sent_at", "answered_at", "completed_at"),
            moments=True,
        ),
    ]


# --- Office-days of records ------------------------------------------------------------------

CASE_FIELDS = ("office_id", "office__time_zone", "received_on", "closed_at")
REFERRAL_FIELDS = (
    "case__office_id",
    "case__office__time_zone",
    "sent_at",
    "answered_at",
    "completed_at",
)


def _case_keys(row: dict[str, Any], prefix: str = "") -> Iterable[OfficeDay]:
    office = row[f"{prefix}office_id"]
    yield office, row[f"{prefix}received_on"]
    yield office, day_in_zone(row[f"{prefix}closed_at"], row[f"{prefix}office__time_zone"])


def _referral_keys(row: dict[str, Any]) -> Iterable[OfficeDay]:
    office, zone = row["case__office_id"], row["case__office__time_zone"]
    for name in ("sent_at", "answered_at", "completed_at"):
        yield office, day_in_zone(row[name], zone)


def _case_referral_keys(case_pk: int) -> Iterable[OfficeDay]:
    for row in Referral.objects.filter(case_id=case_pk).values(*REFERRAL_FIELDS):
        yield from _referral_keys(row)


def _contact_keys(row: dict[str, Any]) -> Iterable[OfficeDay]:
    yield row["office_id"], row["occurred_on"]


def tracked_sources() -> list[TrackedSource]:
    return [
        TrackedSource(Contact, ("office_id", "occurred_on"), _contact_keys),
        TrackedSource(
            GroupCount,
            ("contact__office_id", "contact__occurred_on"),
            lambda r: [(r["contact__office_id"], r["contact__occurred_on"])],
        ),
        TrackedSource(Case, CASE_FIELDS, _case_keys, more=_case_referral_keys),
        TrackedSource(
            CaseCategory,
            tuple(f"case__{name}" for name in CASE_FIELDS),
            lambda r: _case_keys(r, "case__"),
        ),
        TrackedSource(Referral, REFERRAL_FIELDS, _referral_keys),
    ]


def person_days(person_ids: Iterable[int]) -> Iterable[OfficeDay]:
    """The office-days of these people's contacts (own or as a participant), cases and the
    referrals of their cases."""
    ids = list(person_ids)
    yield from Contact.objects.filter(person_id__in=ids).values_list("office_id", "occurred_on")
    yield from Contact.participants.through.objects.filter(person_id__in=ids).values_list(
        "contact__office_id", "contact__occurred_on"
    )
    for row in Case.objects.filter(client_id__in=ids).values(*CASE_FIELDS):
        yield from _case_keys(row)
    for row in Referral.objects.filter(case__client_id__in=ids).values(*REFERRAL_FIELDS):
        yield from _referral_keys(row)


def participants_model() -> type[Model]:
    """The through model of contacts' named participants (its `m2m_changed` moves numbers)."""
    return Contact.participants.through


def contact_days(contact_ids: Iterable[int]) -> QuerySet:
    """(office id, day) of these contacts."""
    return Contact.objects.filter(pk__in=list(contact_ids)).values_list("office_id", "occurred_on")


# --- Village pages ---------------------------------------------------------------------------


def village_case_counts(
    village_code: str,
    office_ids: Iterable[int],
    *,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> tuple[dict[str, int], dict[str, int]]:
    """Unrestricted cases of the offices whose client is from the village, received in the
    range: ({"total": n, "closed": n}, {category: cases in it})."""
    # Restricted cases never appear below the regency, for any role.
    cases = Case.objects.filter(
        client__village_id=village_code, office_id__in=list(office_ids), is_restricted=False
    )
    if date_from:
        cases = cases.filter(received_on__gte=date_from)
    if date_to:
        cases = cases.filter(received_on__lte=date_to)
    totals = cases.aggregate(
        total=Count("pk"), closed=Count("pk", filter=Q(status=CaseStatus.CLOSED))
    )
    per_category = dict(
        CaseCategory.objects.filter(case__in=cases.values("pk"))
        .values_list("category")
        .annotate(n=Count("case_id", distinct=True))
        .order_by()
    )
    return totals, per_category
