"""Who may see and do what in the MRC. The one place that says it; views, API, exports ask here.

- Counsellors (case workers), case supervisors and the office head work with the office's
  contacts and cases; nobody else in the office, and nobody of another office.
- A *restricted* case (violence, trafficking, children) is visible only to the case workers
  currently assigned to it and to the office's case supervisors — not to other counsellors,
  not to the office head, not to the national level.
- A *restricted* contact (a sensitive topic — violence, trafficking, a child at risk — and a
  named person) is visible only to the counsellor who recorded it, the case workers currently
  assigned to its case and the office's case supervisors, like a restricted case; a contact
  that follows up a case is never visible to someone who may not see the case.
- Any case can be restricted, at any time, by its assigned case workers or a case supervisor;
  only a case supervisor lifts a restriction or reopens a closed case.
- The client's consent can be withdrawn, and a referral revoked, by the case's workers or a
  supervisor whatever the case's status (also after closure).
- A partner case worker sees the referrals sent to their own organisation; the client's data
  only while the referral is live (consent stands, not revoked, case not closed).
"""

from __future__ import annotations

import rules

from satuatap.core.roles import Role

CASE_ROLES = {Role.COUNSELLOR, Role.CASE_SUPERVISOR, Role.OFFICE_HEAD}
CASE_WORKER_ROLES = {Role.COUNSELLOR, Role.CASE_SUPERVISOR}


@rules.predicate
def works_with_cases(user) -> bool:
    return user.is_authenticated and user.office is not None and user.has_role(*CASE_ROLES)


@rules.predicate
def handles_cases(user) -> bool:
    return user.is_authenticated and user.office is not None and user.has_role(*CASE_WORKER_ROLES)


@rules.predicate
def is_case_supervisor(user) -> bool:
    return user.is_authenticated and user.office is not None and user.has_role(Role.CASE_SUPERVISOR)


@rules.predicate
def is_same_office_as_case(user, case) -> bool:
    return case is not None and user.is_authenticated and user.office_id_or_none == case.office_id


@rules.predicate
def is_assigned_to_case(user, case) -> bool:
    if case is None or not user.is_authenticated:
        return False
    return case.assignments.filter(worker_id=user.pk, ended_at__isnull=True).exists()


@rules.predicate
def is_restricted(user, case) -> bool:
    return case is not None and case.is_restricted


@rules.predicate
def is_open_case(user, case) -> bool:
    return case is not None and not case.is_closed


can_see_case = is_same_office_as_case & (
    is_case_supervisor | is_assigned_to_case | (~is_restricted & works_with_cases)
)
can_work_on_case = (
    is_same_office_as_case & is_open_case & (is_case_supervisor | is_assigned_to_case)
)


@rules.predicate
def is_same_office_as_contact(user, contact) -> bool:
    return (
        contact is not None
        and user.is_authenticated
        and user.office_id_or_none == contact.office_id
    )


@rules.predicate
def is_restricted_contact(user, contact) -> bool:
    return contact is not None and contact.is_restricted


@rules.predicate
def recorded_contact(user, contact) -> bool:
    return contact is not None and user.is_authenticated and contact.recorded_by_id == user.pk


@rules.predicate
def is_assigned_to_contact_case(user, contact) -> bool:
    return (
        contact is not None
        and contact.case_id is not None
        and is_assigned_to_case(user, contact.case)
    )


@rules.predicate
def may_see_contact_case(user, contact) -> bool:
    return contact is not None and (contact.case_id is None or can_see_case(user, contact.case))


can_see_contact = (
    is_same_office_as_contact
    & works_with_cases
    & may_see_contact_case
    & (~is_restricted_contact | is_case_supervisor | recorded_contact | is_assigned_to_contact_case)
)

rules.add_perm("cases.list_cases", works_with_cases)
rules.add_perm("cases.view_contact", can_see_contact)
rules.add_perm("cases.record_contact", handles_cases)
rules.add_perm("cases.open_case", handles_cases)
rules.add_perm("cases.view_case", can_see_case)
rules.add_perm("cases.work_on_case", can_work_on_case)
rules.add_perm("cases.assign_case", is_same_office_as_case & is_open_case & is_case_supervisor)
rules.add_perm("cases.approve_closure", is_same_office_as_case & is_case_supervisor)
rules.add_perm("cases.view_team_cases", is_case_supervisor)
# At any status, closed included: ending access and protecting the client never wait.
is_case_worker_or_supervisor = is_same_office_as_case & (is_case_supervisor | is_assigned_to_case)
rules.add_perm("cases.restrict_case", is_case_worker_or_supervisor)
rules.add_perm("cases.withdraw_consent", is_case_worker_or_supervisor)
rules.add_perm("cases.revoke_referral", is_case_worker_or_supervisor)
rules.add_perm("cases.lift_restriction", is_same_office_as_case & is_case_supervisor)
rules.add_perm("cases.reopen_case", is_same_office_as_case & is_case_supervisor)
# Who read the case (its pages, PDFs, attachments, the API) and its referrals (the partners):
# the case supervisors, who may read every case of the office (core.trail).
rules.add_perm("cases.view_access_log", is_same_office_as_case & is_case_supervisor)
# Marking a number safe for messages about the case: whoever may work on it (open cases).
rules.add_perm("cases.mark_safe_contact", can_work_on_case)
# The case supervisors' list of the office's messages about cases (the outbox's case-related
# ones); a restricted case's messages only through its own page, behind the purpose gate.
rules.add_perm("cases.view_case_messages", works_with_cases & is_case_supervisor)


# --- Partner portal ---------------------------------------------------------------------------


@rules.predicate
def is_partner_caseworker(user) -> bool:
    return (
        user.is_authenticated
        and user.organisation is not None
        and user.organisation.kind == "partner"
        and user.has_role(Role.PARTNER_CASEWORKER)
    )


@rules.predicate
def is_referral_recipient(user, referral) -> bool:
    return referral is not None and user.organisation_id == referral.partner_id


@rules.predicate
def is_live_referral(user, referral) -> bool:
    """Consent stands, the office has not revoked it and the case is not closed."""
    return referral is not None and not referral.has_ended


rules.add_perm("cases.use_partner_portal", is_partner_caseworker)
# A partner that met a client first refers her to an office it works with
# (cases.partner.services.refer_to_office).
rules.add_perm("cases.refer_to_office", is_partner_caseworker)
# The referral itself (that it was sent, and that it ended) ...
rules.add_perm("cases.see_referral", is_partner_caseworker & is_referral_recipient)
# ... and what the client agreed to share, only while it is live.
rules.add_perm(
    "cases.view_referral", is_partner_caseworker & is_referral_recipient & is_live_referral
)


# --- Retention and erasure (cases/retention/) -------------------------------------------------


@rules.predicate
def is_same_office_as_request(user, erasure_request) -> bool:
    return (
        erasure_request is not None
        and user.is_authenticated
        and user.office_id_or_none == erasure_request.office_id
    )


# A legal hold keeps a case and its people past their retention period: set and lifted by the
# office's case supervisors, who see every case of the office.
rules.add_perm("cases.manage_legal_hold", is_same_office_as_case & is_case_supervisor)
# Erasure requests for people in a case wait for a case supervisor, who sees why.
rules.add_perm("cases.review_erasure", is_case_supervisor)
rules.add_perm("cases.decide_erasure", is_case_supervisor & is_same_office_as_request)
