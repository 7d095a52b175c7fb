"""Reads of the office's partner directory: its contact people, where its reminders to a partner
go, and whether its head keeps a partner's own details."""

from __future__ import annotations

from django.db.models import QuerySet

from satuatap.core.models import Organisation, PartnerContact


def is_kept_by(partner: Organisation, office: Organisation) -> bool:
    """Whether the office's head keeps the partner's own details: it works with this office
    and with no other."""
    offices = set(partner.partner_offices.values_list("pk", flat=True))
    return offices == {office.pk}


def office_contacts(office: Organisation | None) -> QuerySet[PartnerContact]:
    if office is None:
        return PartnerContact.objects.none()
    return PartnerContact.objects.filter(office=office).order_by("name", "pk")


def reminder_addresses(*, partner: Organisation, office: Organisation) -> list[str]:
    """Where the office's reminders to the partner go: its contacts there that take them, else
    the partner's own address; none when neither is known."""
    addresses = list(
        PartnerContact.objects.filter(office=office, partner=partner, receives_reminders=True)
        .exclude(email="")
        .order_by("pk")
        .values_list("email", flat=True)
        .distinct()
    )
    if addresses:
        return addresses
    return [partner.email] if partner.email else []
