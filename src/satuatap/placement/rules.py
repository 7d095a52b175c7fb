"""Who may see and manage agencies (a national list) and an office's job orders."""

import rules

from satuatap.core.roles import Role
from satuatap.core.rules import is_administrator, is_office_staff

JOB_ORDER_MANAGERS = {Role.PLACEMENT_OFFICER, Role.OFFICE_HEAD}


has_office_role = is_office_staff


@rules.predicate
def manages_agencies(user) -> bool:
    if not user.is_authenticated:
        return False
    if user.has_role(Role.ADMINISTRATOR):
        return True
    return user.office is not None and user.has_role(*JOB_ORDER_MANAGERS)


@rules.predicate
def manages_job_orders_of(user, office) -> bool:
    return (
        office is not None
        and user.is_authenticated
        and user.office_id_or_none == office.pk
        and user.has_role(*JOB_ORDER_MANAGERS)
    )


rules.add_perm("placement.view_agencies", has_office_role | is_administrator)
rules.add_perm("placement.manage_agencies", manages_agencies)
rules.add_perm("placement.view_job_orders", has_office_role)
rules.add_perm("placement.manage_job_orders", manages_job_orders_of)
