"""Reads of core objects, already limited to what the user may see."""

from __future__ import annotations

import datetime

from django.db.models import Model, Prefetch, Q, QuerySet

from satuatap.core.models import Desk, Organisation, OrganisationKind, User
from satuatap.core.roles import Role


def visible_offices(user: User) -> QuerySet[Organisation]:
    offices = Organisation.objects.filter(kind=OrganisationKind.OFFICE).prefetch_related(
        Prefetch("desks", queryset=Desk.objects.select_related("desk_type"))
    )
    if not user.is_authenticated:
        return offices.none()
    if user.has_role(Role.ADMINISTRATOR, Role.NATIONAL_ANALYST):
        return offices
    # No office (None) matches no row, as intended; the plugin wants a pk value.
    return offices.filter(pk=user.office_id_or_none)  # type: ignore[misc]


def active_desks(office: Organisation) -> QuerySet[Desk]:
    return office.desks.filter(is_active=True).select_related("desk_type")


def audit_entries(
    *,
    actor: str = "",
    content_type_id: int | None = None,
    action: int | None = None,
    object_pk: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet:
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


def office_trail_entries(
    viewer: User,
    *,
    actor: str = "",
    content_type_id: int | None = None,
    action: int | None = None,
    object_pk: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet:
    """The changes of the viewer's office's records, newest first (the office head's trail,
    `core.trail`): only records the viewer may see, and no case work unless the viewer may see
    it. Reads are in each record's access log, not here."""
    from auditlog.models import LogEntry

    from satuatap.core import trail

    if not viewer.has_perm("core.view_office_trail"):
        return LogEntry.objects.none()
    scope = Q(pk__in=[])
    outside_the_mrc = []
    content_types = trail.office_content_types()
    for source in trail.office_records():
        content_type = content_types[source.model]
        if content_type_id and content_type.pk != content_type_id:
            continue
        scope |= trail.entries_of(source, viewer, content_type)
        if not source.is_case_record:
            outside_the_mrc.append(content_type.pk)
    entries = LogEntry.objects.filter(scope).exclude(action=LogEntry.Action.ACCESS)
    entries = trail.without_hidden_case_work(
        entries, viewer, viewer.office, content_type_ids=outside_the_mrc
    )
    if actor:
        entries = entries.filter(
            Q(actor__username__icontains=actor)
            | Q(actor__full_name__icontains=actor)
            | Q(additional_data__on_behalf_of__icontains=actor)
        )
    if action is not None:
        entries = entries.filter(action=action)
    if object_pk:
        entries = entries.filter(object_pk=object_pk)
    if date_from:
        entries = entries.filter(timestamp__date__gte=date_from)
    if date_to:
        entries = entries.filter(timestamp__date__lte=date_to)
    return entries.select_related("actor", "content_type").order_by("-timestamp", "-pk")


def access_entries(
    viewer: User,
    *,
    records: dict[type[Model], list[int]],
    office: Organisation | None,
    hide_case_work: bool = True,
) -> QuerySet:
    """The reads of `records` (`{model: [pk, …]}`: a person with the records merged into it, a
    case with its referrals), newest first: `core.sensitive` writes each read as an ACCESS
    entry on the record read about. `hide_case_work`: leave out the case work the viewer may
    not see (`core.trail`). The caller has checked that the viewer may read the log at all."""
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    from satuatap.core import trail

    scope = Q(pk__in=[])
    for model, pks in records.items():
        scope |= Q(
            content_type=ContentType.objects.get_for_model(model),
            object_pk__in=[str(pk) for pk in pks],
        )
    entries = (
        LogEntry.objects.filter(scope, action=LogEntry.Action.ACCESS)
        .select_related("actor__organisation", "content_type")
        .order_by("-timestamp", "-pk")
    )
    if hide_case_work:
        entries = trail.without_hidden_case_work(entries, viewer, office)
    return entries


# --- An office's staff (core.staff) -----------------------------------------------------------


def office_staff(office: Organisation | None) -> QuerySet[User]:
    """The accounts of `office`, active first, each with its roles, open role grants, desk and
    whether a second factor is set up (`has_authenticator`), in four queries."""
    from django.db.models import Exists, OuterRef
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from satuatap.core.models import RoleAssignment, RoleGrant

    if office is None:
        return User.objects.none()
    return (
        User.objects.filter(organisation=office)
        .annotate(
            has_authenticator=Exists(
                TOTPDevice.objects.filter(user_id=OuterRef("pk"), confirmed=True)
            )
        )
        .prefetch_related(
            Prefetch("role_assignments", queryset=RoleAssignment.objects.order_by("role")),
            Prefetch(
                "role_grants",
                queryset=RoleGrant.objects.filter(decided_at__isnull=True).order_by("role"),
                to_attr="open_grants",
            ),
        )
        .order_by("-is_active", "full_name", "username")
    )


def staff_member(viewer: User, user_id: int) -> User | None:
    """A colleague of the viewer's office, for its head; None for anyone else."""
    office = viewer.office
    if office is None or not viewer.has_perm("core.manage_staff", office):
        return None
    return office_staff(office).filter(pk=user_id).first()


def open_role_grants(viewer: User) -> QuerySet:
    """Role grants waiting for the viewer's decision: every office's for the administrator,
    the office's for its case supervisors; never the viewer's own or those they asked for."""
    from satuatap.core.models import RoleGrant

    grants = (
        RoleGrant.objects.filter(decided_at__isnull=True)
        .select_related("user__organisation", "requested_by")
        .order_by("requested_at", "pk")
    )
    if not viewer.is_authenticated or not viewer.has_perm("core.decide_role_grants"):
        return grants.none()
    grants = grants.exclude(user=viewer).exclude(requested_by=viewer)
    if viewer.has_role(Role.ADMINISTRATOR):
        return grants
    return grants.filter(user__organisation_id=viewer.office_id_or_none)  # type: ignore[misc]


def offices_with_heads() -> QuerySet[Organisation]:
    """Every office with its active heads (`active_heads`) and how many active accounts it has
    (`active_staff`), for the administrator."""
    from django.db.models import Count

    heads = User.objects.filter(is_active=True, role_assignments__role=Role.OFFICE_HEAD)
    return (
        Organisation.objects.filter(kind=OrganisationKind.OFFICE)
        .select_related("region")
        .annotate(active_staff=Count("users", filter=Q(users__is_active=True), distinct=True))
        .prefetch_related(Prefetch("users", queryset=heads.distinct(), to_attr="active_heads"))
        .order_by("name")
    )
