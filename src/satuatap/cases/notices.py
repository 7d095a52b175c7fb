"""What the MRC sends through the outbox (`satuatap.notifications`), and its count in the
staff's daily digest.

- A referral sent to a partner, or ended (revoked, the case closed, consent withdrawn): the
  partner's reminder addresses (`core.partners.selectors.reminder_addresses`) get an e-mail
  that says only that a referral from the office awaits it in SatuAtap, with the portal's link:
  never the client, the case, the service asked for or what happened.
- The case worker's safe-contact mark (`services.mark_safe_contact`) is the only way a message
  about a case may go to a client's number.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.urls import reverse

from satuatap.cases.models import Referral, ReferralState
from satuatap.core.exceptions import DomainError
from satuatap.core.models import Organisation
from satuatap.core.partners.selectors import reminder_addresses
from satuatap.notifications import services as notifications
from satuatap.notifications.models import Channel

logger = logging.getLogger("satuatap.cases")


def portal_link() -> str:
    return settings.SATUATAP_SITE_URL.rstrip("/") + reverse("cases:partner-referral-list")


def referral_changed(referral: Referral, change: str) -> int:
    """Tell the partner, inside the caller's transaction (nothing is queued if it rolls back).
    Returns how many messages were queued."""
    office = referral.case.office
    queued = 0
    for index, address in enumerate(reminder_addresses(partner=referral.partner, office=office)):
        try:
            notifications.queue_message(
                office=office,
                partner=referral.partner,
                channel=Channel.EMAIL,
                address=address,
                template_code="referral_update",
                parameters={"office": office.name, "link": portal_link()},
                case_id=referral.case_id,
                language=settings.LANGUAGE_CODE,
                event_key=f"referral_update:{referral.pk}:{change}:{index}",
            )
        except DomainError as error:
            logger.info("referral %s: partner not told (%s)", referral.pk, error.code)
            continue
        queued += 1
    return queued


def referrals_pending(office: Organisation, day: datetime.date) -> int:
    """The staff digest's count: the office's referrals waiting for a partner's answer."""
    return Referral.objects.filter(
        case__office=office, state=ReferralState.SENT, stopped_at__isnull=True
    ).count()


def register() -> None:
    from satuatap.notifications.events import register_digest_count

    register_digest_count("referrals", referrals_pending, permission="cases.list_cases")
