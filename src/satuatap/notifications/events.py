"""The events that queue messages. One so far: documents about to expire.

Every day, each person with an identity document that expires in
`NOTIFICATION_DOCUMENT_EXPIRY_DAYS` days (in the office's today) gets one message, on WhatsApp
when a WhatsApp number is on record and the channel is set up, by SMS to a mobile number
otherwise, in their language. Only the person's own numbers (not a family contact's, not a home
phone), never one that opted out, and never a merged or anonymised record. The text names the
document, its expiry date and the office: nothing about the MRC.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.utils import formats, translation

from satuatap.core.exceptions import DomainError
from satuatap.core.models import Organisation, OrganisationKind
from satuatap.notifications import gateways, services
from satuatap.notifications.models import Channel
from satuatap.people.models import PersonDocument, Phone

logger = logging.getLogger("satuatap.notifications")

# Which of a person's numbers each channel may use, in the order they are tried.
CHANNEL_PHONE_KINDS = (
    (Channel.WHATSAPP, (Phone.Kind.WHATSAPP,)),
    (Channel.SMS, (Phone.Kind.MOBILE, Phone.Kind.WHATSAPP)),
)


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


def _channel_and_number(document: PersonDocument) -> tuple[str, str] | None:
    phones = list(document.person.phones.all())
    for channel, kinds in CHANNEL_PHONE_KINDS:
        if gateways.gateway_for(channel) is None:
            continue
        for phone in phones:
            if phone.kind in kinds and not services.is_opted_out(
                channel=channel, address=phone.number
            ):
                return channel, phone.number
    return None


def queue_document_expiry_reminders(*, today: datetime.date | None = None) -> int:
    """Queue today's reminders in every office; returns how many were queued."""
    queued = 0
    days = datetime.timedelta(days=settings.NOTIFICATION_DOCUMENT_EXPIRY_DAYS)
    for office in Organisation.objects.filter(kind=OrganisationKind.OFFICE):
        day = (today or office.today()) + days
        for document in _expiring_documents(office, day):
            found = _channel_and_number(document)
            if found is None:
                continue
            channel, number = found
            language = services.language_of(document.person)
            with translation.override(language):
                parameters = {
                    "document": document.document_type.name,
                    "expires_on": formats.date_format(document.expires_on, "DATE_FORMAT"),
                    "office": office.name,
                }
            try:
                services.queue_message(
                    office=office,
                    person=document.person,
                    channel=channel,
                    address=number,
                    template_code="document_expiring",
                    parameters=parameters,
                    language=language,
                )
            except DomainError as error:
                logger.info("document %s: no reminder (%s)", document.pk, error.code)
                continue
            queued += 1
    return queued
