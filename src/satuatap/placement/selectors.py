"""Reads of agencies and job orders, filtered to what the caller (or the public) may see."""

from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import ngettext

from satuatap.core.models import Organisation, OrganisationKind, User
from satuatap.core.navigation import TileStatus
from satuatap.people.models import DocumentType
from satuatap.placement.models import (
    Agency,
    AgencyConcern,
    AgencyStatus,
    ConcernStatus,
    JobOrder,
)


def today_for(user: User) -> datetime.date:
    """The day licences are judged on: the user's office's today, else the server's."""
    office = getattr(user, "office", None)
    return office.today() if office is not None else timezone.localdate()


def agencies(*, search: str = "") -> QuerySet[Agency]:
    queryset = Agency.objects.all()
    if search:
        queryset = queryset.filter(Q(name__icontains=search) | Q(licence_number__icontains=search))
    return queryset


def agencies_with_valid_licence(on: datetime.date) -> QuerySet[Agency]:
    return Agency.objects.filter(
        status=AgencyStatus.ACTIVE, licence_valid_from__lte=on, licence_valid_until__gte=on
    )


def get_agency(agency_id: int) -> Agency | None:
    return Agency.objects.filter(pk=agency_id).first()


# --- Concerns about agencies ----------------------------------------------------------------


def visible_concerns(user: User) -> QuerySet[AgencyConcern]:
    """The concerns the caller may read: every office's for the ministry placement
    administrator, the own office's for those who raise them, none for anyone else."""
    queryset = AgencyConcern.objects.select_related(
        "agency", "office", "raised_by", "acknowledged_by", "resolved_by"
    )
    if user.has_perm("placement.review_agency_concerns"):
        return queryset
    if user.has_perm("placement.raise_agency_concern"):
        return queryset.filter(office_id=user.office_id_or_none)
    return queryset.none()


def concerns_to_review(user: User, *, status: str = "") -> QuerySet[AgencyConcern]:
    """The ministry's list, oldest open concern first; `status` narrows it."""
    if not user.has_perm("placement.review_agency_concerns"):
        return AgencyConcern.objects.none()
    queryset = visible_concerns(user)
    if status:
        queryset = queryset.filter(status=status)
    return queryset.order_by("raised_at", "pk")


def open_concern_count(user: User) -> int:
    return concerns_to_review(user, status=ConcernStatus.OPEN).count()


def open_concerns_status(user: User) -> TileStatus:
    """The status line of the ministry's home tile."""
    count = open_concern_count(user)
    text = ngettext("%(count)s open concern", "%(count)s open concerns", count) % {"count": count}
    return TileStatus(text=text, needs_attention=count > 0)


def get_reviewable_concern(user: User, concern_id: int) -> AgencyConcern | None:
    return concerns_to_review(user).filter(pk=concern_id).first()


def office_job_orders(user: User) -> QuerySet[JobOrder]:
    """The job orders of the caller's office (none for a user without an office)."""
    office_id = user.office_id_or_none
    if office_id is None:
        return JobOrder.objects.none()
    return JobOrder.objects.filter(office_id=office_id).select_related("agency")


def get_visible_job_order(user: User, job_order_id: int) -> JobOrder | None:
    return office_job_orders(user).filter(pk=job_order_id).first()


def public_office(slug: str) -> Organisation | None:
    return Organisation.objects.filter(
        slug=slug, kind=OrganisationKind.OFFICE, is_active=True
    ).first()


def open_job_orders(office: Organisation) -> QuerySet[JobOrder]:
    """What the public job board lists: published, not closed and with a permit valid on the
    office's today. Agencies with an invalid licence still show, flagged."""
    today = office.today()
    return (
        JobOrder.objects.filter(
            office=office,
            is_published=True,
            closing_date__gte=today,
            permit_valid_from__lte=today,
            permit_valid_until__gte=today,
        )
        .select_related("agency")
        .order_by("closing_date", "pk")
    )


# What a worker brings to the office on the first visit to apply (registration): the rest of
# a file's documents are made or checked at the office's desks afterwards. Names come from the
# registry's document types, in the reader's language.
DOCUMENTS_TO_BRING = ("ktp", "kk", "ijazah", "izin-keluarga")


def documents_to_bring() -> list[DocumentType]:
    by_code = {t.code: t for t in DocumentType.objects.filter(code__in=DOCUMENTS_TO_BRING)}
    return [by_code[code] for code in DOCUMENTS_TO_BRING if code in by_code]
