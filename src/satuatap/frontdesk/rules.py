"""Who may work the front desk, which desk's queue, and configure the office's services."""

import rules

from satuatap.core.roles import Role
from satuatap.core.rules import is_office_head, is_office_staff, is_own_office

CHECK_IN_ROLES = {Role.FRONTDESK, Role.DESK_OFFICER, Role.PLACEMENT_OFFICER, Role.COUNSELLOR}
# The MRC's desk (complaints and information): what it records is the MRC's, read by its staff.
MRC_DESK_TYPE_CODE = "pengaduan-informasi"
MRC_DESK_ROLES = frozenset({Role.COUNSELLOR, Role.CASE_SUPERVISOR})
# Desks a role works at without being bound to one by `User.desk`.
DESK_TYPES_BY_ROLE = {
    Role.COUNSELLOR: {MRC_DESK_TYPE_CODE},
    Role.CASE_SUPERVISOR: {MRC_DESK_TYPE_CODE},
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
def works_at_the_mrc_desk(user) -> bool:
    return user.is_authenticated and bool(user.roles & MRC_DESK_ROLES)


# What the MRC's desk recorded about a visitor (on the person page, in the person's copy of
# their data): its counsellors and case supervisors, of the office; not the office head.
rules.add_perm("frontdesk.read_mrc_desk_records", is_staff_of & works_at_the_mrc_desk)


@rules.predicate
def works_at_some_desk(user) -> bool:
    return (
        user.is_authenticated
        and user.office is not None
        and (user.has_role(Role.DESK_OFFICER) or any(user.has_role(r) for r in DESK_TYPES_BY_ROLE))
    )


rules.add_perm("frontdesk.use_console", works_at_some_desk)
