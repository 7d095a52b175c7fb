"""The events the notifications app queues itself: the daily reminder of documents about to
expire, and the daily digest to staff who asked for it. The other events are queued by the apps
above, where they happen, through `services.notify_person` (frontdesk: a number soon called and
called; placement: enrolment in a course or OPP, the day before it starts, a file blocked at
the gate, a departure near) and `services.queue_message` (cases: a referral's news to the
partner).

Documents: every day, each person with an identity document that expires in
`NOTIFICATION_DOCUMENT_EXPIRY_DAYS` days (in the office's today) gets one message, on WhatsApp
when a WhatsApp number is on record and the channel is set up, by SMS to a mobile number
otherwise, in their language. Only the person's own numbers (not a family contact's, not a home
phone), never one that opted out, and never a merged or anonymised record. The text names the
document, its expiry date and the office: nothing about the MRC.

Digest: every morning, each staff member who asked for it on their digest page (and has an
e-mail address and an office) gets the office's counts of the day before — tickets issued,
placement files waiting, referrals waiting for a partner's answer — by e-mail. Counts only,
never a name. The counts come from the apps that own them (`register_digest_count`): this app
imports none of them.
"""

from __future__ import annotations

import datetime
import functools
import logging
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils import formats

from satuatap.core.exceptions import DomainError
from satuatap.core.models import Organisation, OrganisationKind
from satuatap.notifications import gateways, services
from satuatap.notifications.models import Channel, DigestSubscription
from satuatap.people.models import PersonDocument

logger = logging.getLogger("satuatap.notifications")

# The digest's counts, by name ("tickets", "files", "referrals"): fn(office, day) → int, and
# the permission a reader needs to get it (the MRC's count only to those who work with cases:
# a small count of referrals is case data); others read "–".
DigestCount = Callable[[Organisation, datetime.date], int]
_digest_counts: dict[str, tuple[DigestCount, str]] = {}
DIGEST_COUNTS = ("tickets", "files", "referrals")
WITHHELD = "–"


def register_digest_count(name: str, count: DigestCount, *, permission: str = "") -> None:
    if name not in DIGEST_COUNTS:
        raise ValueError(f"unknown digest count {name!r}")
    _digest_counts[name] = (count, permission)


def _expiring_documents(office: Organisation, day: datetime.date):
    return (
        PersonDocument.objects.filter(
            person__office=office,
            person__merged_into__isnull=True,
            person__anonymised_at__isnull=True,
            expires_on=day,
        )
        .select_related("person", "document_type")
        .prefetch_related("person__phones")
        .order_by("pk")
    )


def _document_parameters(document: PersonDocument, office: Organisation) -> dict[str, object]:
    expires_on = document.expires_on
    return {
        "document": document.document_type.name,
        "expires_on": formats.date_format(expires_on, "DATE_FORMAT") if expires_on else "",
        "office": office.name,
    }


def queue_document_expiry_reminders(*, today: datetime.date | None = None) -> int:
    """Queue today's reminders in every office; returns how many were queued. Safe to run
    twice a day: a document is reminded once per expiry date."""
    queued = 0
    days = datetime.timedelta(days=settings.NOTIFICATION_DOCUMENT_EXPIRY_DAYS)
    for office in Organisation.objects.filter(kind=OrganisationKind.OFFICE):
        day = (today or office.today()) + days
        for document in _expiring_documents(office, day):
            message = services.notify_person(
                office=office,
                person=document.person,
                template_code="document_expiring",
                parameters=functools.partial(_document_parameters, document, office),
                event_key=f"document_expiring:{document.pk}:{day.isoformat()}",
            )
            if message is not None:
                queued += 1
    return queued


def _site_url() -> str:
    return getattr(settings, "SATUATAP_SITE_URL", "").rstrip("/") + "/"


def digest_counts(office: Organisation, day: datetime.date) -> dict[str, int]:
    """The office's counts for `day` (the digest's figures): 0 for an app not installed."""
    return {
        name: int(_digest_counts[name][0](office, day)) if name in _digest_counts else 0
        for name in DIGEST_COUNTS
    }


def _may_read_count(user, name: str) -> bool:
    permission = _digest_counts.get(name, (None, ""))[1]
    return not permission or user.has_perm(permission)


def queue_staff_digests(*, today: datetime.date | None = None) -> int:
    """Queue the digest of the day before to every subscribed staff member; once per member
    and day. Returns how many were queued."""
    if gateways.gateway_for(Channel.EMAIL) is None:
        return 0
    subscriptions = (
        DigestSubscription.objects.filter(
            user__is_active=True, user__organisation__kind=OrganisationKind.OFFICE
        )
        .exclude(user__email="")
        .select_related("user", "user__organisation")
        .order_by("pk")
    )
    counts: dict[tuple[int, datetime.date], dict[str, int]] = {}
    queued = 0
    for subscription in subscriptions:
        user = subscription.user
        office = user.office
        if office is None or not user.has_perm("notifications.subscribe_digest"):
            continue
        day = (today or office.today()) - datetime.timedelta(days=1)
        if (office.pk, day) not in counts:
            counts[office.pk, day] = digest_counts(office, day)
        figures = counts[office.pk, day]
        try:
            services.queue_message(
                office=office,
                staff_user=user,
                channel=Channel.EMAIL,
                address=user.email,
                template_code="staff_digest",
                parameters={
                    "office": office.name,
                    "day": day.isoformat(),
                    **{
                        name: str(figures[name]) if _may_read_count(user, name) else WITHHELD
                        for name in DIGEST_COUNTS
                    },
                    "link": _site_url(),
                },
                language=settings.LANGUAGE_CODE,
                event_key=f"staff_digest:{user.pk}:{day.isoformat()}",
            )
        except (DomainError, PermissionDenied) as error:
            logger.info("user %s: no digest (%s)", user.pk, getattr(error, "code", error))
            continue
        queued += 1
    return queued
