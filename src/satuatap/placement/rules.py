"""Who may see and manage agencies (a national list) and an office's job orders."""

import rules

from satuatap.core.roles import Role
from satuatap.core.rules import is_administrator, is_office_head, is_office_staff

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


# --- Placement files ------------------------------------------------------------------------

FILE_MANAGERS = {Role.PLACEMENT_OFFICER, Role.OFFICE_HEAD}


@rules.predicate
def is_same_office_as_file(user, placement_file) -> bool:
    return (
        placement_file is not None
        and user.is_authenticated
        and user.office_id_or_none == placement_file.office_id
    )


@rules.predicate
def manages_files(user) -> bool:
    return user.is_authenticated and user.office is not None and user.has_role(*FILE_MANAGERS)


@rules.predicate
def is_same_office_as_person(user, person) -> bool:
    return person is not None and user.office_id_or_none == person.office_id


# Every office role sees the office's files (a desk officer needs the checklist, a counsellor
# the returnee's file); only placement officers and the head change them; only the head
# overrides a readiness condition.
rules.add_perm("placement.list_files", has_office_role)
rules.add_perm("placement.view_file", has_office_role & is_same_office_as_file)
rules.add_perm("placement.manage_file", manages_files & is_same_office_as_file)
rules.add_perm("placement.open_file", manages_files & is_same_office_as_person)
rules.add_perm("placement.override_gate", is_office_head & is_same_office_as_file)
rules.add_perm("placement.view_fraud_signals", manages_files | is_office_head)
rules.add_perm("placement.manage_checklist_rules", is_administrator)
# The report of every override granted in the office: for its head.
rules.add_perm("placement.view_overrides", is_office_head & has_office_role)


# --- Training and OPP (training.py) ----------------------------------------------------------

COURSE_MANAGERS = {Role.PLACEMENT_OFFICER, Role.OFFICE_HEAD}


@rules.predicate
def manages_courses_of(user, office) -> bool:
    """`office` is the course's office (or the caller's, to create one)."""
    return (
        office is not None
        and user.is_authenticated
        and user.office_id_or_none == office.pk
        and user.has_role(*COURSE_MANAGERS)
    )


# Every office role sees the office's courses and counts; placement officers and the head
# create courses, enrol, take attendance and record results.
rules.add_perm("placement.view_courses", has_office_role)
rules.add_perm("placement.manage_courses", manages_courses_of)
