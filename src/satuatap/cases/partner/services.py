"""Writes of the partner portal: a partner's answers to a referral sent to it (accept, decline,
update, complete), and the daily reminders of the referrals left unanswered.

Reminders: a referral is *unanswered* when it is still `sent` after its due date and the
client's consent stands (`selectors.unanswered_referrals`). Once a day (huey periodic task in
`cases/tasks.py`, or `satuatap send_referral_reminders`), each one gets a reminder: a
`referral_reminder` line on the case timeline — at most one per referral per office day — and
one email per partner and office, to the office's contacts at the partner that take reminders
(partner directory, `core.partners.selectors.reminder_addresses`), else to the partner's own
address.
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
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_countries import countries

from satuatap.cases.guards import clean_text, lock_referral, not_found, refuse_if_too_long
from satuatap.cases.models import (
    AgeBand,
    CaseEvent,
    Channel,
    Contact,
    ContactKind,
    ContactSource,
    PartnerReferralIn,
    Referral,
    ReferralState,
    Topic,
)
from satuatap.cases.partner import selectors
from satuatap.cases.partner.selectors import unanswered_referrals
from satuatap.cases.portal_intake import MAX_REACH, MAX_STORY
from satuatap.cases.services import insert_with_random_identity, record_event
from satuatap.core import metrics
from satuatap.core.exceptions import DomainError
from satuatap.core.models import OfficeTimeZone, Organisation, User
from satuatap.core.partners.selectors import reminder_addresses
from satuatap.people.models import Sex

logger = logging.getLogger(__name__)

# --- Answers ----------------------------------------------------------------------------------


def _require_partner(by: User, referral: Referral) -> None:
    if not by.has_perm("cases.see_referral", referral):
        raise not_found()


def _require_live(referral: Referral) -> None:
    if referral.has_ended:
        raise DomainError(
            "referral_ended",
            _(
                "This referral has ended: the office no longer shares this client's data "
                "with you, and it cannot be answered or reported on."
            ),
            status=409,
        )


def answer_referral(*, referral: Referral, by: User, accept: bool, reason: str = "") -> Referral:
    """The partner accepts the referral, or declines it with a reason."""
    with transaction.atomic():
        _require_partner(by, referral)
        lock_referral(referral)
        _require_partner(by, referral)
        _require_live(referral)
        if referral.state != ReferralState.SENT:
            raise DomainError(
                "already_answered", _("This referral was already answered."), status=409
            )
        reason = clean_text(reason)
        if not accept and not reason:
            raise DomainError("reason_required", _("Say why the referral is declined."), status=422)
        if not accept:
            refuse_if_too_long(decline_reason=reason)
        referral.state = ReferralState.ACCEPTED if accept else ReferralState.DECLINED
        referral.decline_reason = "" if accept else reason
        referral.answered_by = by
        referral.answered_at = timezone.now()
        referral.save()
        record_event(
            referral.case,
            "referral_accepted" if accept else "referral_declined",
            by,
            params={"partner": referral.partner.name},
        )
    return referral


def add_feedback(
    *, referral: Referral, by: User, feedback: str, complete: bool = False
) -> Referral:
    """The partner's update on an accepted referral; `complete` closes it."""
    with transaction.atomic():
        _require_partner(by, referral)
        lock_referral(referral)
        _require_partner(by, referral)
        _require_live(referral)
        if referral.state != ReferralState.ACCEPTED:
            raise DomainError(
                "not_accepted", _("Only an accepted referral can be updated."), status=409
            )
        feedback = clean_text(feedback)
        if not feedback:
            raise DomainError("feedback_required", _("Write the update."), status=422)
        stamp = timezone.localtime().strftime("%Y-%m-%d %H:%M")
        referral.feedback = (referral.feedback + "\n\n" if referral.feedback else "") + (
            f"[{stamp}] {feedback}"
        )
        if complete:
            referral.state = ReferralState.COMPLETED
            referral.completed_at = timezone.now()
        referral.save()
        record_event(
            referral.case,
            "referral_completed" if complete else "referral_update",
            by,
            params={"partner": referral.partner.name},
        )
    return referral


# --- Reminders --------------------------------------------------------------------------------

REMINDER_EVENT = "referral_reminder"
# The kind of notification, in the operator's metrics (core/metrics.py).
NOTIFICATION = "referral_reminder"


def _reminder_params(referral: Referral, day: datetime.date) -> dict:
    # The referral and the day it reminds for: the once-a-day check looks for them.
    return {"referral": referral.pk, "partner": referral.partner.name, "on": day.isoformat()}


def _reminded_on(referral: Referral, day: datetime.date) -> bool:
    return CaseEvent.objects.filter(
        case_id=referral.case_id,
        kind=REMINDER_EVENT,
        params__referral=referral.pk,
        params__on=day.isoformat(),
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


def send_referral_reminders(*, today: datetime.date | None = None) -> ReminderResult:
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
        mailed = False
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
                    record_event(
                        referral.case, REMINDER_EVENT, None, params=_reminder_params(referral, day)
                    )
                addresses = reminder_addresses(partner=partner, office=office)
                if due and addresses:
                    with translation.override(settings.LANGUAGE_CODE):
                        subject, body = _message(office, len(due))
                    send_mail(subject, body, None, addresses, fail_silently=False)
                    mailed = True
                    result.emails += 1
                elif due:
                    logger.warning("partner %s has no email address for reminders", partner.pk)
                result.reminded += len(due)
        except Exception:
            # One partner's mail server failing must not stop the others; nothing was recorded
            # for this partner, so the next run tries again.
            logger.exception("referral reminders for partner %s failed", partner.pk)
            metrics.notification_failed(NOTIFICATION)
            continue
        if mailed:
            metrics.count(metrics.NOTIFICATIONS_SENT, NOTIFICATION)
    return result


# --- A partner refers a client to an office's MRC (issue 22, point 2) -------------------------
#
# A women's crisis centre or a union that met a migrant worker first, with her consent, opens a
# contact for the office's counsellors. The partner writes; it never reads the office's records:
# its list (`selectors.sent_by`) shows what it sent, nothing of what the office did with it.

MAX_CLIENT_NAME = 200


@transaction.atomic
def refer_to_office(
    *,
    by: User,
    office: Organisation,
    client_name: str,
    sex: str,
    age_band: str,
    topic: str,
    what_happened: str,
    reach: str,
    country: str,
    consent_given_on: datetime.date | None,
    consent_method: str,
) -> PartnerReferralIn:
    """One contact for the office's counsellors, with what happened and a safe way to reach the
    client (encrypted), her name (encrypted), and her consent as the partner recorded it."""
    partner = by.organisation
    if partner is None or not by.has_perm("cases.refer_to_office"):
        raise DomainError("forbidden", _("You may not do this."), status=403)
    errors: dict[str, list[str]] = {}
    if not selectors.offices_of(partner).filter(pk=office.pk).exists():
        errors["office"] = [_("Choose an office your organisation works with.")]
    client_name, story = clean_text(client_name), clean_text(what_happened)
    reach = clean_text(reach)
    if not client_name:
        errors["client_name"] = [_("Give the client's name.")]
    elif len(client_name) > MAX_CLIENT_NAME:
        errors["client_name"] = [_("Write at most %(max)s characters.") % {"max": MAX_CLIENT_NAME}]
    if not story:
        errors["what_happened"] = [_("Say in a few words what happened and what she needs.")]
    elif len(story) > MAX_STORY:
        errors["what_happened"] = [_("Write at most %(max)s characters.") % {"max": MAX_STORY}]
    if not reach:
        errors["reach"] = [_("Give a safe way and time to reach her.")]
    elif len(reach) > MAX_REACH:
        errors["reach"] = [_("Write at most %(max)s characters.") % {"max": MAX_REACH}]
    if sex not in Sex.values:
        errors["sex"] = [_("Choose the sex.")]
    if age_band not in AgeBand.values:
        errors["age_band"] = [_("Choose the age band.")]
    if topic not in Topic.values:
        errors["topic"] = [_("Choose the topic.")]
    if country and country not in dict(countries):
        errors["country"] = [_("Choose a country.")]
    if consent_method not in PartnerReferralIn.ConsentMethod.values:
        errors["consent_method"] = [_("Say how she gave her consent.")]
    if consent_given_on is None:
        errors["consent_given_on"] = [_("A referral needs the client's consent: give its date.")]
    elif "office" not in errors and consent_given_on > office.today():
        errors["consent_given_on"] = [_("The date cannot be in the future.")]
    if errors or consent_given_on is None:
        raise DomainError("invalid", _("Some fields are not valid."), status=422, details=errors)
    contact = Contact(
        office=office,
        kind=ContactKind.INFORMATION,
        channel=Channel.ONLINE,
        topic=topic,
        source=ContactSource.PARTNER,
        occurred_on=office.today(),
        sex=sex,
        age_band=age_band,
        notes=story,
        reach=reach,
        country=country,
        recorded_by=None,
    )
    # A random id, as every contact: a sequence's gaps would count the restricted ones.
    insert_with_random_identity(contact)
    return PartnerReferralIn.objects.create(
        contact=contact,
        partner=partner,
        client_name=client_name,
        consent_given_on=consent_given_on,
        consent_method=consent_method,
        recorded_by=by,
    )
