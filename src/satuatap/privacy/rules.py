"""Who may do what in the registers of data-subject requests and breaches.

- A request may come in at any desk: every office role that works with the registry records
  one. The office head answers the office's requests and sees all of them; whoever recorded a
  request sees that one (to tell the requester where it stands), nobody else does.
- Anyone on an office's staff reports a suspected breach. The register of breaches is the
  administrator's (the ministry's data-protection officer): they assess, write and record the
  notices, and close. A reporter sees what they reported, and its status.
"""

from __future__ import annotations

import rules

from satuatap.core.rules import is_administrator, is_office_head, is_office_staff
from satuatap.people.rules import works_with_registry


@rules.predicate
def is_same_office_as_request(user, subject_request) -> bool:
    return subject_request is not None and user.office_id_or_none == subject_request.office_id


@rules.predicate
def received_the_request(user, subject_request) -> bool:
    return subject_request is not None and subject_request.received_by_id == user.pk


@rules.predicate
def reported_the_breach(user, breach) -> bool:
    return breach is not None and breach.reported_by_id == user.pk


rules.add_perm("privacy.register_subject_request", works_with_registry)
rules.add_perm("privacy.view_office_subject_requests", works_with_registry & is_office_head)
rules.add_perm(
    "privacy.view_subject_request",
    works_with_registry & is_same_office_as_request & (is_office_head | received_the_request),
)
rules.add_perm(
    "privacy.handle_subject_request",
    works_with_registry & is_office_head & is_same_office_as_request,
)

rules.add_perm("privacy.report_breach", is_office_staff | is_administrator)
rules.add_perm("privacy.manage_breaches", is_administrator)
rules.add_perm("privacy.view_breach", is_administrator | reported_the_breach)
