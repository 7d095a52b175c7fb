"""Reads of core objects, already limited to what the user may see."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from satuatap.core.models import Desk, Organisation, OrganisationKind
from satuatap.core.roles import Role


def visible_offices(user) -> QuerySet[Organisation]:
    offices = Organisation.objects.filter(kind=OrganisationKind.OFFICE).prefetch_related(
        Prefetch("desks", queryset=Desk.objects.select_related("desk_type"))
    )
    if not user.is_authenticated:
        return offices.none()
    if user.has_role(Role.ADMINISTRATOR, Role.NATIONAL_ANALYST):
        return offices
    return offices.filter(pk=user.office_id_or_none)


def active_desks(office: Organisation) -> QuerySet[Desk]:
    return office.desks.filter(is_active=True).select_related("desk_type")


def audit_entries(
    *,
    actor: str = "",
    content_type_id: int | None = None,
    action: int | None = None,
    object_pk: str = "",
    date_from=None,
    date_to=None,
):
    """The audit trail, newest first, filtered; for administrators only (checked by callers)."""
    from auditlog.models import LogEntry

    entries = LogEntry.objects.select_related("actor", "content_type").order_by("-timestamp")
    if actor:
        # A user's name, or the job, command or public page a change was made for.
        entries = entries.filter(
            Q(actor__username__icontains=actor) | Q(additional_data__on_behalf_of__icontains=actor)
        )
    if content_type_id:
        entries = entries.filter(content_type_id=content_type_id)
    if action is not None:
        entries = entries.filter(action=action)
    if object_pk:
        entries = entries.filter(object_pk=object_pk)
    if date_from:
        entries = entries.filter(timestamp__date__gte=date_from)
    if date_to:
        entries = entries.filter(timestamp__date__lte=date_to)
    return entries


def office_partners(office: Organisation | None) -> QuerySet[Organisation]:
    """Active partner organisations that work with `office`: the only ones its outreach may
    name and its MRC may refer to."""
    if office is None:
        return Organisation.objects.none()
    return office.partners.filter(kind=OrganisationKind.PARTNER, is_active=True).order_by("name")
