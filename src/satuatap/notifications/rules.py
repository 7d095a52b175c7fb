"""Who may do what with the outbox.

- The office head sees the office's failed messages and resends them, except those about an
  MRC case: that a message about a case went to a person tells that the person has a case.
- The case supervisor sees and resends the failed case-related messages of the office.
- The office head turns the queue's messages on or off for the office (off by default).
- Every office staff member may ask for the office's daily digest (counts only) by e-mail.
- Whoever works with the registry of the person's office records an opt-out or the language for
  messages on the person's page.
"""

from __future__ import annotations

import rules

from satuatap.core.rules import is_case_supervisor, is_office_head, is_office_staff, is_own_office
from satuatap.people.rules import is_same_office_as_person, works_with_registry


@rules.predicate
def is_same_office_as_message(user, message) -> bool:
    return message is not None and user.office_id_or_none == message.office_id


@rules.predicate
def is_case_message(user, message) -> bool:
    return message is not None and message.is_case_related


@rules.predicate
def is_person_active(user, person) -> bool:
    return person is not None and person.is_active_record


rules.add_perm("notifications.view_outbox", is_office_staff & (is_office_head | is_case_supervisor))
rules.add_perm(
    "notifications.resend_message",
    is_office_staff
    & is_same_office_as_message
    & ((is_office_head & ~is_case_message) | (is_case_supervisor & is_case_message)),
)
rules.add_perm(
    "notifications.record_opt_out",
    works_with_registry & is_same_office_as_person & is_person_active,
)
rules.add_perm("notifications.configure_office", is_office_staff & is_office_head & is_own_office)
rules.add_perm("notifications.subscribe_digest", is_office_staff)
