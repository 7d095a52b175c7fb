"""The MRC's records under the sensitive-data policy (core.sensitive).

- A case is read with a purpose when it is restricted; its attachments are read under the case.
- A partner reads a referral (what the client consented to share with it) always with a purpose:
  everything the partner sees is a survivor's personal data, shared for one service.
"""

from __future__ import annotations

from satuatap.core import sensitive
from satuatap.core.audit import ReadPurpose


def register() -> None:
    from satuatap.cases.models import Case, CaseAttachment, Contact, ContactSource, Referral

    needs_purpose_sources = (ContactSource.PORTAL_HELP, ContactSource.PARTNER)

    sensitive.register(
        Case,
        may_read=lambda user, case: user.has_perm("cases.view_case", case),
        needs_purpose=lambda case: case.is_restricted,
        initial_purpose=ReadPurpose.CASE_HANDLING,
    )
    # What someone wrote in the portal's help form, or a partner in its referral (it may tell
    # of violence): read by the office's case workers on its own page, with a purpose; a
    # recruiter's report without one.
    sensitive.register(
        Contact,
        may_read=_may_read_portal_contact,
        needs_purpose=lambda contact: contact.source in needs_purpose_sources,
        initial_purpose=ReadPurpose.CASE_HANDLING,
    )
    sensitive.register(
        CaseAttachment,
        may_read=lambda user, attachment: user.has_perm("cases.view_case", attachment.case),
        needs_purpose=lambda attachment: False,
        subject=lambda attachment: attachment.case,
    )
    sensitive.register(
        Referral,
        may_read=lambda user, referral: user.has_perm("cases.view_referral", referral),
        needs_purpose=lambda referral: True,
        initial_purpose=ReadPurpose.CASE_HANDLING,
    )


def _may_read_portal_contact(user, contact) -> bool:
    from satuatap.cases.models import ContactSource
    from satuatap.cases.selectors import visible_contacts

    return (
        contact.source != ContactSource.STAFF
        and user.has_perm("cases.record_contact")
        and visible_contacts(user).filter(pk=contact.pk).exists()
    )
