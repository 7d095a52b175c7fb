"""Who may do what on core objects. Every view and API call asks these rules."""

from __future__ import annotations

import rules

from satuatap.core.roles import OFFICE_ROLES, Role


@rules.predicate
def is_administrator(user) -> bool:
    return user.is_authenticated and user.has_role(Role.ADMINISTRATOR)


@rules.predicate
def is_national_analyst(user) -> bool:
    return user.is_authenticated and user.has_role(Role.NATIONAL_ANALYST)


@rules.predicate
def is_office_head(user) -> bool:
    return user.is_authenticated and user.has_role(Role.OFFICE_HEAD)


@rules.predicate
def is_case_supervisor(user) -> bool:
    return user.is_authenticated and user.has_role(Role.CASE_SUPERVISOR)


@rules.predicate
def is_office_staff(user) -> bool:
    return (
        user.is_authenticated
        and user.office is not None
        and bool(user.roles.intersection(OFFICE_ROLES))
    )


@rules.predicate
def is_own_office(user, office) -> bool:
    return office is not None and user.is_authenticated and user.office_id_or_none == office.pk


@rules.predicate
def is_under_two_factor_rule(user) -> bool:
    from satuatap.core.two_factor import two_factor_applies_to

    return two_factor_applies_to(user)


@rules.predicate
def is_colleague_of_head(user, member) -> bool:
    """`member` is an account of the user's office holding office roles only, and neither a
    staff nor a superuser account: what an office head manages (`core.staff`)."""
    if member is None or not user.is_authenticated or user.office_id_or_none is None:
        return False
    if member.organisation_id != user.office_id_or_none or member.is_staff or member.is_superuser:
        return False
    roles = set(member.role_assignments.values_list("role", flat=True))
    return roles <= OFFICE_ROLES


@rules.predicate
def is_self(user, member) -> bool:
    return member is not None and user.is_authenticated and member.pk == user.pk


@rules.predicate
def is_outside_office_management(user, member) -> bool:
    """No office head manages `member`'s second factor: an account of no office (the ministry,
    a partner), or an office head (whose colleagues may be unreachable when it is needed)."""
    if member is None:
        return False
    roles = set(member.role_assignments.values_list("role", flat=True))
    office = member.organisation
    return office is None or not office.is_office or Role.OFFICE_HEAD in roles


@rules.predicate
def may_decide_role_grant(user, grant) -> bool:
    """A second person: the administrator, or a case supervisor of the colleague's office —
    neither the head who asked nor the colleague."""
    if grant is None or not user.is_authenticated:
        return False
    if user.pk in (grant.requested_by_id, grant.user_id):
        return False
    if user.has_role(Role.ADMINISTRATOR):
        return True
    return (
        user.has_role(Role.CASE_SUPERVISOR)
        and user.office_id_or_none is not None
        and grant.user.organisation_id == user.office_id_or_none
    )


rules.add_perm("core.view_office", is_administrator | is_national_analyst | is_own_office)
# Offices at all: office staff (their own), national roles (every one); not a partner.
rules.add_perm("core.list_offices", is_administrator | is_national_analyst | is_office_staff)
rules.add_perm("core.configure_office", is_administrator | (is_office_head & is_own_office))
rules.add_perm("core.view_audit_trail", is_administrator)
# The operator's metrics (/metrics): Prometheus with its token, or an administrator.
rules.add_perm("core.view_metrics", is_administrator)
# The changes of the office's own records (core.trail), for its head.
rules.add_perm("core.view_office_trail", is_office_head & is_office_staff)
# Case work in the office trail and in access logs (core.trail): for whoever may read every
# case of the office — its case supervisors (cases.rules gives them every case of the office).
rules.add_perm("core.view_case_work", is_case_supervisor & is_office_staff & is_own_office)
rules.add_perm("core.view_retention_report", is_administrator)
rules.add_perm("core.manage_users", is_administrator)
# An office runs itself (`core.staff`): its head manages its staff; the administrator creates
# offices and their first head, confirms grants of the roles in `roles.CONFIRMED_ROLES` (with
# the office's case supervisors) and resets the second factor of accounts no head manages.
rules.add_perm("core.manage_staff", is_office_head & is_office_staff & is_own_office)
rules.add_perm("core.manage_staff_member", is_office_head & is_office_staff & is_colleague_of_head)
rules.add_perm(
    "core.reset_two_factor",
    ~is_self
    & (
        (is_office_head & is_office_staff & is_colleague_of_head)
        | (is_administrator & is_outside_office_management)
    ),
)
rules.add_perm("core.create_office", is_administrator)
# The office's partner directory (`core.partners`, `cases.directory`): its head keeps it.
rules.add_perm("core.keep_partner_directory", is_office_head & is_office_staff & is_own_office)
rules.add_perm("core.decide_role_grants", is_administrator | (is_case_supervisor & is_office_staff))
rules.add_perm("core.decide_role_grant", may_decide_role_grant)
rules.add_perm("core.view_national_reports", is_administrator | is_national_analyst)
rules.add_perm("core.use_api", rules.is_authenticated)
rules.add_perm("core.manage_own_two_factor", is_under_two_factor_rule)
