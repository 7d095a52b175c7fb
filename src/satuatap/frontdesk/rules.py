"""Who may work the front desk, which desk's queue, and configure the office's services."""

import rules

from satuatap.core.roles import Role
from satuatap.core.rules import is_office_head, is_office_staff, is_own_office

CHECK_IN_ROLES = {Role.FRONTDESK, Role.DESK_OFFICER, Role.PLACEMENT_OFFICER, Role.COUNSELLOR}
# Desks a role works at without being bound to one by `User.desk`.
DESK_TYPES_BY_ROLE = {
    Role.COUNSELLOR: {"pengaduan-informasi"},
    Role.CASE_SUPERVISOR: {"pengaduan-informasi"},
    Role.PLACEMENT_OFFICER: {"ketenagakerjaan"},
}


@rules.predicate
def can_check_in(user) -> bool:
    return user.is_authenticated and user.office is not None and bool(user.roles & CHECK_IN_ROLES)


@rules.predicate
def works_at_desk(user, desk) -> bool:
    if desk is None or not user.is_authenticated or user.office_id_or_none != desk.office_id:
        return False
    if user.has_role(Role.DESK_OFFICER) and user.desk_id == desk.pk:
        return True
    return any(
        desk.desk_type.code in codes
        for role, codes in DESK_TYPES_BY_ROLE.items()
        if user.has_role(role)
    )


is_head_of = is_office_head & is_own_office
is_staff_of = is_office_staff & is_own_office


rules.add_perm("frontdesk.check_in", can_check_in)
rules.add_perm("frontdesk.work_desk", works_at_desk)
rules.add_perm("frontdesk.view_queues", is_office_staff)
rules.add_perm("frontdesk.view_office_stats", is_staff_of)
rules.add_perm("frontdesk.configure_services", is_head_of)
rules.add_perm("frontdesk.manage_devices", is_head_of)


@rules.predicate
def works_at_some_desk(user) -> bool:
    return (
        user.is_authenticated
        and user.office is not None
        and (user.has_role(Role.DESK_OFFICER) or any(user.has_role(r) for r in DESK_TYPES_BY_ROLE))
    )


rules.add_perm("frontdesk.use_console", works_at_some_desk)
