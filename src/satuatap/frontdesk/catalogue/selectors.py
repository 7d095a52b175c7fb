"""Reads of an office's service catalogue."""

from __future__ import annotations

from django.db.models import QuerySet

from satuatap.core.models import Desk, Organisation
from satuatap.frontdesk.models import Service


def catalogue_services(office: Organisation) -> QuerySet[Service]:
    """Every service of the office, inactive ones included, in catalogue order."""
    return Service.objects.filter(office=office).select_related("desk__desk_type")


def catalogue_by_desk(office: Organisation) -> list[tuple[Desk, list[Service]]]:
    """The office's desks (active ones, and inactive ones that still have services), each with
    its services. Two queries."""
    services = list(catalogue_services(office))
    grouped: dict[int, list[Service]] = {}
    for service in services:
        grouped.setdefault(service.desk_id, []).append(service)
    desks = Desk.objects.filter(office=office).select_related("desk_type")
    return [
        (desk, grouped.get(desk.pk, []))
        for desk in sorted(desks, key=lambda d: (d.desk_type.order, d.pk))
        if desk.is_active or desk.pk in grouped
    ]
