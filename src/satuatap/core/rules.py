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
rules.add_perm("core.view_national_reports", is_administrator | is_national_analyst)
rules.add_perm("core.use_api", rules.is_authenticated)
rules.add_perm("core.manage_own_two_factor", is_under_two_factor_rule)
