"""Reads of agencies and job orders, filtered to what the caller (or the public) may see."""

from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from satuatap.core.models import Organisation, OrganisationKind
from satuatap.placement.models import Agency, AgencyStatus, JobOrder


def today_for(user) -> datetime.date:
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


def office_job_orders(user) -> QuerySet[JobOrder]:
    """The job orders of the caller's office (none for a user without an office)."""
    office_id = user.office_id_or_none
    if office_id is None:
        return JobOrder.objects.none()
    return JobOrder.objects.filter(office_id=office_id).select_related("agency")


def get_visible_job_order(user, job_order_id: int) -> JobOrder | None:
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
