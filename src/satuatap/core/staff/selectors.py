"""Reads of an office's staff: a user's roles and open grants, the office's active heads, who
may send whom a password link, the regencies that have no office yet."""

from __future__ import annotations

from django.db.models import QuerySet

from satuatap.core.models import Organisation, OrganisationKind, User
from satuatap.core.roles import Role
from satuatap.core.two_factor import TWO_FACTOR_ROLES
from satuatap.regions.models import Region, RegionLevel


def assigned_roles(user: User) -> set[str]:
    """The roles assigned to `user`, whether the account is active or not (`User.roles` is
    empty for a deactivated account)."""
    return set(user.role_assignments.values_list("role", flat=True))


def open_grants(user: User) -> set[str]:
    return set(user.role_grants.filter(decided_at__isnull=True).values_list("role", flat=True))


def active_heads(office: Organisation) -> QuerySet[User]:
    return User.objects.filter(
        organisation=office, is_active=True, role_assignments__role=Role.OFFICE_HEAD
    ).distinct()


def may_receive_password_link(member: User) -> bool:
    """A new link for an account with a password would let whoever sends it sign in as its
    holder: the head may do it for accounts that have no password yet, or whose roles need
    no second factor (front desk, desk, placement, outreach)."""
    if not member.has_usable_password():
        return True
    return not (assigned_roles(member) & TWO_FACTOR_ROLES or member.is_staff or member.is_superuser)


def may_send_password_link(by: User, member: User) -> bool:
    """Who may send `member` a link: a head of the office (`may_receive_password_link` says
    for which colleagues), and the administrator for a head who has not set a password yet
    (the first head whose link ran out)."""
    if member.pk == by.pk:
        return False
    if by.has_perm("core.manage_staff_member", member):
        return True
    return (
        by.has_perm("core.create_office")
        and member.office is not None
        and Role.OFFICE_HEAD in assigned_roles(member)
        and not member.has_usable_password()
    )


def regencies_without_office() -> QuerySet[Region]:
    return Region.objects.filter(level=RegionLevel.REGENCY).exclude(
        pk__in=Organisation.objects.filter(kind=OrganisationKind.OFFICE).values("region_id")
    )
