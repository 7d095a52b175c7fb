"""Reminders to partners about referrals they have not answered in time.

A referral is *unanswered* when it is still `sent` after its due date and the client's consent
stands. Once a day (huey periodic task in `tasks.py`, or `satuatap send_referral_reminders`),
each one gets a reminder: a `referral_reminder` line on the case timeline — at most one per
referral per office day — and one email per partner and office, to the office's contacts at the
partner that take reminders (partner directory, `core.partners.reminder_addresses`), else to the
partner's own address.

The email says only that referrals from the office wait for an answer and that the answer is
given in the portal: no name, case number, service or story ever goes by email.
"""

from __future__ import annotations

import datetime
import logging
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from satuatap.cases.models import CaseEvent, Referral, ReferralState
from satuatap.core.models import OfficeTimeZone, Organisation
from satuatap.core.partners import reminder_addresses

logger = logging.getLogger(__name__)

REMINDER_EVENT = "referral_reminder"


def unanswered_referrals(today: datetime.date) -> QuerySet[Referral]:
    """Sent referrals past their due date whose consent still stands (every office)."""
    return (
        Referral.objects.filter(
            state=ReferralState.SENT,
            due_on__lt=today,
            stopped_at__isnull=True,
            consent__withdrawn_on__isnull=True,
        )
        .select_related("case__office", "partner")
        .order_by("partner_id", "case__office_id", "due_on", "pk")
    )


def _reminder_detail(referral: Referral, day: datetime.date) -> str:
    # Language-neutral (the once-a-day check looks for it whatever language wrote it), and
    # naming the day it reminds for.
    return f"#{referral.pk} → {referral.partner.name[:200]} · {day.isoformat()}"


def _reminded_on(referral: Referral, day: datetime.date) -> bool:
    return CaseEvent.objects.filter(
        case_id=referral.case_id,
        kind=REMINDER_EVENT,
        detail__startswith=f"#{referral.pk} →",
        detail__endswith=f"· {day.isoformat()}",
    ).exists()


def _latest_today() -> datetime.date:
    """The latest calendar date of any Indonesian time zone (WIT is ahead of WIB)."""
    return max(timezone.localdate(timezone=zoneinfo.ZoneInfo(zone)) for zone in OfficeTimeZone)


def _portal_url() -> str:
    """The portal's address, when the deployment says where it is served (SATUATAP_SITE_URL)."""
    base = getattr(settings, "SATUATAP_SITE_URL", "")
    return base.rstrip("/") + reverse("cases:partner-referral-list") if base else ""


def _message(office: Organisation, count: int) -> tuple[str, str]:
    subject = _("SatuAtap: a referral is waiting for your answer")
    body = ngettext(
        "A referral from %(office)s is waiting for your answer.",
        "%(count)d referrals from %(office)s are waiting for your answer.",
        count,
    ) % {"office": office.name, "count": count}
    body += "\n\n" + _(
        "Please sign in to the SatuAtap partner portal to accept or decline it. For the "
        "client's safety this message holds no details of the referral."
    )
    url = _portal_url()
    if url:
        body += "\n" + url
    return subject, body


@dataclass
class ReminderResult:
    reminded: int = 0  # referrals that got a reminder line on their case
    emails: int = 0  # emails sent (one per partner and office)


def send_referral_reminders(today: datetime.date | None = None) -> ReminderResult:
    """Remind partners of their unanswered referrals; run once a day, safe to run again.

    `today` fixes the day (the command's --date, tests); by default each office's own today.
    """
    result = ReminderResult()
    candidates = unanswered_referrals(today or _latest_today())
    groups: dict[tuple[int, int], list[Referral]] = defaultdict(list)
    for referral in candidates:
        office = referral.case.office
        if today is None and referral.due_on >= office.today():
            continue
        groups[(referral.partner_id, office.pk)].append(referral)

    for referrals in groups.values():
        partner, office = referrals[0].partner, referrals[0].case.office
        day = today or office.today()
        try:
            with transaction.atomic():
                locked = list(
                    Referral.objects.select_for_update(of=("self",))
                    .filter(
                        pk__in=[r.pk for r in referrals],
                        state=ReferralState.SENT,
                        stopped_at__isnull=True,
                    )
                    .select_related("case__office", "partner")
                    .order_by("pk")
                )
                due = [r for r in locked if not _reminded_on(r, day)]
                for referral in due:
                    CaseEvent.objects.create(
                        case_id=referral.case_id,
                        kind=REMINDER_EVENT,
                        detail=_reminder_detail(referral, day),
                    )
                addresses = reminder_addresses(partner=partner, office=office)
                if due and addresses:
                    with translation.override(settings.LANGUAGE_CODE):
                        subject, body = _message(office, len(due))
                    send_mail(subject, body, None, addresses, fail_silently=False)
                    result.emails += 1
                elif due:
                    logger.warning("partner %s has no email address for reminders", partner.pk)
                result.reminded += len(due)
        except Exception:
            # One partner's mail server failing must not stop the others; nothing was recorded
            # for this partner, so the next run tries again.
            logger.exception("referral reminders for partner %s failed", partner.pk)
    return result
