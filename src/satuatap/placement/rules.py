"""Who may see and manage agencies (a national list) and an office's job orders.

Agencies are licensed nationally: their licence and data are changed only by the ministry's
placement administrator (by hand, through the API or by importing the national list). An office
sees the list and raises a concern about an agency; the ministry reviews it. Job orders stay
with the office that publishes them.
"""

import rules

from satuatap.core.models import OrganisationKind
from satuatap.core.roles import Role
from satuatap.core.rules import is_administrator, is_office_head, is_office_staff

JOB_ORDER_MANAGERS = {Role.PLACEMENT_OFFICER, Role.OFFICE_HEAD}
# Office roles whose work meets agencies: job orders and files (placement officers, the head)
# and workers' complaints against them (the MRC's counsellors and case supervisors). The front
# desk, desk officers and outreach workers pass what they hear on to one of them.
CONCERN_RAISERS = {
    Role.PLACEMENT_OFFICER,
    Role.OFFICE_HEAD,
    Role.COUNSELLOR,
    Role.CASE_SUPERVISOR,
}


has_office_role = is_office_staff


@rules.predicate
def is_national_placement(user) -> bool:
    """The ministry placement administrator: the role counts only when held at the ministry,
    so the role granted by mistake to an office's user gives it no national power."""
    if not user.is_authenticated or not user.has_role(Role.NATIONAL_PLACEMENT):
        return False
    organisation = user.organisation
    return organisation is not None and organisation.kind == OrganisationKind.MINISTRY


@rules.predicate
def raises_concerns(user) -> bool:
    return user.is_authenticated and user.office is not None and user.has_role(*CONCERN_RAISERS)


@rules.predicate
def manages_job_orders_of(user, office) -> bool:
    return (
        office is not None
        and user.is_authenticated
        and user.office_id_or_none == office.pk
        and user.has_role(*JOB_ORDER_MANAGERS)
    )


rules.add_perm(
    "placement.view_agencies", has_office_role | is_administrator | is_national_placement
)
# Add, change (licence, status, contact…) and import agencies: the ministry only.
rules.add_perm("placement.manage_agencies", is_national_placement)
# Raise a concern about an agency, and see the concerns the own office raised.
rules.add_perm("placement.raise_agency_concern", raises_concerns)
# Every office's concerns: read, acknowledge, resolve.
rules.add_perm("placement.review_agency_concerns", is_national_placement)
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
# The exchange with the national placement system (SISKOP2MI): whoever manages the office's
# files sends its registrations and stage changes and takes in the national system's updates.
rules.add_perm("placement.exchange_national", manages_files)


# --- Training and OPP (training/) -----------------------------------------------------------------

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
