"""Reads of the office's partner directory, already limited to the viewer's office."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from satuatap.cases.models import ConsentTemplate
from satuatap.core.models import Organisation, PartnerContact
from satuatap.core.selectors import office_partners


def consent_templates(office: Organisation | None) -> QuerySet[ConsentTemplate]:
    """The office's templates for the partners it works with now (offered ones only)."""
    if office is None:
        return ConsentTemplate.objects.none()
    return (
        ConsentTemplate.objects.filter(
            office=office, is_active=True, partner__in=office_partners(office)
        )
        .select_related("partner")
        .order_by("partner__name", "name", "pk")
    )


def directory(office: Organisation | None) -> QuerySet[Organisation]:
    """The office's partners, each with the office's contacts (`contacts`) and offered consent
    templates (`templates`) there: three queries."""
    if office is None:
        return Organisation.objects.none()
    return office_partners(office).prefetch_related(
        Prefetch(
            "office_contacts",
            queryset=PartnerContact.objects.filter(office=office).order_by("name", "pk"),
            to_attr="contacts",
        ),
        Prefetch(
            "consent_templates",
            queryset=ConsentTemplate.objects.filter(office=office, is_active=True),
            to_attr="templates",
        ),
    )


def partner_of(office: Organisation | None, partner_id: int) -> Organisation | None:
    """One partner the office works with, or None."""
    return office_partners(office).filter(pk=partner_id).first()


def service_suggestions(office: Organisation | None) -> list[str]:
    """The services the office's partners offer, one per line of their list, for the referral
    form's suggestions."""
    lines: set[str] = set()
    for text in office_partners(office).values_list("services_offered", flat=True):
        lines.update(line.strip() for line in text.splitlines() if line.strip())
    return sorted(lines, key=str.casefold)
