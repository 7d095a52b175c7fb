"""Every write of the notifications: queueing a message, each attempt to send it, delivery
receipts, resending a failed one, opt-outs, safe-contact marks and a person's language.

A message is queued in the transaction of whatever caused it and handed to the task queue when
that transaction commits (`tasks.send_message_task`). Each attempt claims the message (one
worker at a time), sends it outside any transaction (a provider may take seconds), then records
the result: sent; or, after a temporary failure, queued again for `base × 2^(attempt-1)`
seconds later (longer if the provider said so in Retry-After) until the last attempt, after
which it stays `failed` with its error until the office head resends it. A permanent failure
fails at once. Nothing is deleted: the outbox is the record of what was sent.
"""

from __future__ import annotations

import datetime
import json
import logging

from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from satuatap.core import metrics
from satuatap.core.attribution import current_attribution
from satuatap.core.exceptions import DomainError
from satuatap.core.models import Organisation, User
from satuatap.notifications import dispatch, gateways
from satuatap.notifications.addresses import address_key, normalise
from satuatap.notifications.catalogue import get_template
from satuatap.notifications.models import (
    Channel,
    LanguagePreference,
    Message,
    MessageStatus,
    OptOut,
    OptOutSource,
    SafeContact,
)
from satuatap.people.models import Person

logger = logging.getLogger("satuatap.notifications")

# How long a claimed attempt keeps others away from the message (a worker that died mid-send
# leaves it to the sweep after this).
CLAIM_SECONDS = 300
DEFAULT_LANGUAGE = "id"


def _audit(message: Message, event: str, **data: object) -> None:
    """An audit entry for `message`: what happened, on which channel, with which template;
    never its address nor its text (nor, for a case-related message, its parameters)."""
    actor, attributed = current_attribution()
    LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(Message),
        object_pk=str(message.pk),
        object_id=message.pk,
        object_repr=str(message),
        action=LogEntry.Action.UPDATE,
        actor=actor,
        changes={},
        additional_data={
            **attributed,
            "event": event,
            "channel": message.channel,
            "template": message.template_code,
            "case_related": message.is_case_related,
            **data,
        },
    )


def _enqueue(message: Message, *, delay: int = 0) -> None:
    dispatch.send_after_commit(message.pk, delay=delay)


def is_opted_out(*, channel: str, address: str) -> bool:
    return OptOut.objects.filter(
        channel=channel, address_key=address_key(channel, address)
    ).exists()


def language_of(person: Person | None) -> str:
    """The person's chosen language for messages, Indonesian when none was chosen."""
    if person is None:
        return DEFAULT_LANGUAGE
    chosen = LanguagePreference.objects.filter(person=person).values_list("language", flat=True)
    known = {code for code, _name in settings.LANGUAGES}
    language = chosen.first()
    return language if language in known else DEFAULT_LANGUAGE


@transaction.atomic
def queue_message(
    *,
    office: Organisation,
    channel: str,
    address: str,
    template_code: str,
    parameters: dict[str, str],
    person: Person | None = None,
    staff_user: User | None = None,
    case_id: int | None = None,
    language: str | None = None,
) -> Message:
    """Put a message in the outbox; it is sent once the caller's transaction commits.

    A template `to_requester` goes to an address someone gave for themselves (the portal), with
    neither `person` nor `staff_user`; every other goes to exactly one of them.

    Refused (409) when the channel has no gateway, the address opted out of the channel, or
    the template is about an MRC case and the case worker has not marked this address a safe
    contact for that case."""
    template = get_template(template_code)
    if template is None:
        raise DomainError("unknown_template", _("There is no such message."))
    recipients = (person is not None) + (staff_user is not None)
    if (
        channel not in Channel.values
        or recipients > 1
        or (recipients == 0 and not template.to_requester)
    ):
        raise DomainError("invalid_message", _("A message goes to one person on one channel."))
    if not address.strip():
        raise DomainError("no_address", _("There is no address to send this message to."))
    if gateways.gateway_for(channel) is None:
        raise DomainError(
            "channel_off", _("Messages cannot be sent on this channel here."), status=409
        )
    key = address_key(channel, address)
    if OptOut.objects.filter(channel=channel, address_key=key).exists():
        raise DomainError(
            "opted_out", _("This number or address asked not to get messages."), status=409
        )
    if template.is_case_related and (
        case_id is None
        or not SafeContact.objects.filter(
            case_id=case_id, channel=channel, address_key=key
        ).exists()
    ):
        raise DomainError(
            "not_a_safe_contact",
            _("The case worker has not marked this number as safe to contact for this case."),
            status=409,
        )
    message = Message.objects.create(
        office=office,
        person=person,
        staff_user=staff_user,
        channel=channel,
        address=normalise(channel, address),
        address_key=key,
        template_code=template.code,
        parameters=json.dumps(
            {name: str(parameters.get(name, "")) for name in template.parameters}
        ),
        language=language or language_of(person),
        is_case_related=template.is_case_related,
        case_id=case_id if template.is_case_related else None,
        next_attempt_at=timezone.now(),
    )
    _audit(message, "message_queued")
    _enqueue(message)
    return message


def _claim(message_id: int, now: datetime.datetime) -> Message | None:
    with transaction.atomic():
        message = Message.objects.select_for_update().filter(pk=message_id).first()
        if message is None or message.status != MessageStatus.QUEUED:
            return None
        if message.next_attempt_at is not None and message.next_attempt_at > now:
            return None
        message.attempts += 1
        message.next_attempt_at = now + datetime.timedelta(seconds=CLAIM_SECONDS)
        message.save(update_fields=["attempts", "next_attempt_at", "updated_at"])
        return message


def retry_delay(attempts: int, retry_after: int | None = None) -> int:
    """Seconds before the next attempt after `attempts` failed ones: exponential back-off,
    never sooner than the provider asked for."""
    delay = settings.NOTIFICATION_RETRY_BASE_SECONDS * 2 ** (attempts - 1)
    return max(delay, retry_after or 0)


def _outgoing(message: Message) -> gateways.Outgoing:
    template = get_template(message.template_code)
    if template is None:
        raise gateways.PermanentFailure(f"unknown template {message.template_code}")
    values = json.loads(message.parameters or "{}")
    subject, body = template.render(message.language, values)
    return gateways.Outgoing(
        reference=str(message.pk),
        address=message.address,
        language=message.language,
        subject=subject,
        body=body,
        whatsapp_template=template.whatsapp_name,
        parameters=tuple(str(values.get(name, "")) for name in template.parameters),
    )


def _without_address(error: str, address: str) -> str:
    """The provider's error text with the address taken out, in the spellings it may quote
    (+6281…, 6281…, 081…)."""
    spellings = {address, address.lstrip("+")}
    if address.startswith("+62"):
        spellings.add("0" + address[3:])
    for spelling in sorted(spellings, key=len, reverse=True):
        if spelling:
            error = error.replace(spelling, "•••")
    return error[:500]


def attempt_delivery(*, message_id: int, now: datetime.datetime | None = None) -> Message | None:
    """One attempt to send the message, if it is queued and due. Returns it as it now stands
    (None when there was nothing to do)."""
    now = now or timezone.now()
    message = _claim(message_id, now)
    if message is None:
        return None
    provider_id, failure = "", None
    try:
        if is_opted_out(channel=message.channel, address=message.address):
            raise gateways.PermanentFailure("the address opted out of this channel")
        gateway = gateways.gateway_for(message.channel)
        if gateway is None:
            raise gateways.TemporaryFailure("no gateway is configured for this channel")
        outgoing = _outgoing(message)
        # Counted per channel for the operator (`satuatap_notifications_*_total`, kind
        # message_<channel>): a failure counts, then goes on to be recorded below.
        with metrics.notification(f"message_{message.channel}"):
            provider_id = gateway.send(outgoing)
    except gateways.GatewayFailure as error:
        failure = error
        failure.error = _without_address(failure.error, str(message.address))
    except Exception as error:  # a bug or a broken setting: retried, then failed, never lost
        logger.exception("message %s: the gateway raised", message.pk)
        failure = gateways.TemporaryFailure(f"unexpected error: {type(error).__name__}")
    with transaction.atomic():
        message = Message.objects.select_for_update().get(pk=message.pk)
        if failure is None:
            message.status = MessageStatus.SENT
            message.sent_at = now
            message.provider_message_id = provider_id[:200]
            message.last_error = ""
            message.next_attempt_at = None
            event = "message_sent"
        elif (
            isinstance(failure, gateways.TemporaryFailure)
            and message.attempts < settings.NOTIFICATION_MAX_ATTEMPTS
        ):
            delay = retry_delay(message.attempts, failure.retry_after)
            message.last_error = failure.error
            message.next_attempt_at = now + datetime.timedelta(seconds=delay)
            event = "message_retry"
            _enqueue(message, delay=delay)
        else:
            message.status = MessageStatus.FAILED
            message.failed_at = now
            message.last_error = failure.error
            message.next_attempt_at = None
            event = "message_failed"
        message.save()
        _audit(message, event, attempt=message.attempts)
    if failure is not None:
        logger.warning("message %s attempt %s: %s", message.pk, message.attempts, failure.error)
    return message


def send_due_messages(*, now: datetime.datetime | None = None) -> int:
    """Attempt every queued message that is due (the sweep behind the queue: a task lost with
    a worker, or a retry whose scheduled task is gone, is picked up here). Returns how many
    were attempted."""
    now = now or timezone.now()
    due = Message.objects.filter(status=MessageStatus.QUEUED, next_attempt_at__lte=now).values_list(
        "pk", flat=True
    )
    count = 0
    for message_id in list(due[:500]):
        if attempt_delivery(message_id=message_id, now=now) is not None:
            count += 1
    return count


@transaction.atomic
def resend_message(*, message: Message, by: User) -> Message:
    """Queue a failed message again, with its attempts counted afresh."""
    message = Message.objects.select_for_update().get(pk=message.pk)
    if message.status != MessageStatus.FAILED:
        raise DomainError("not_failed", _("Only a failed message can be sent again."), status=409)
    if not message.address:  # erased with its person
        raise DomainError(
            "no_address", _("There is no address to send this message to."), status=409
        )
    if is_opted_out(channel=message.channel, address=message.address):
        raise DomainError(
            "opted_out", _("This number or address asked not to get messages."), status=409
        )
    message.status = MessageStatus.QUEUED
    message.attempts = 0
    message.failed_at = None
    message.next_attempt_at = timezone.now()
    message.save()
    _audit(message, "message_resent", by=by.pk)
    _enqueue(message)
    return message


RECEIPT_STATUSES = {
    "sent": MessageStatus.SENT,
    "delivered": MessageStatus.DELIVERED,
    "read": MessageStatus.DELIVERED,
    "failed": MessageStatus.FAILED,
    "undelivered": MessageStatus.FAILED,
}


@transaction.atomic
def record_receipt(
    *, channel: str, provider_message_id: str, status: str, error: str = ""
) -> Message | None:
    """A provider's delivery receipt. Unknown ids and statuses change nothing; a receipt never
    moves a delivered message back."""
    new_status = RECEIPT_STATUSES.get(status)
    if new_status is None or not provider_message_id:
        return None
    message = (
        Message.objects.select_for_update()
        .filter(channel=channel, provider_message_id=provider_message_id)
        .first()
    )
    if message is None or message.status == MessageStatus.DELIVERED:
        return message
    if new_status == MessageStatus.SENT:
        return message
    now = timezone.now()
    message.status = new_status
    if new_status == MessageStatus.DELIVERED:
        message.delivered_at = now
    else:
        message.failed_at = now
        message.last_error = (error or _("The provider could not deliver it."))[:500]
    message.save()
    _audit(message, f"receipt_{new_status}")
    return message


@transaction.atomic
def record_opt_out(
    *,
    channel: str,
    address: str,
    source: str,
    person: Person | None = None,
    by: User | None = None,
) -> OptOut:
    """The address is never used on `channel` again; messages still queued to it fail."""
    if channel not in Channel.values or source not in OptOutSource.values:
        raise DomainError("invalid_opt_out", _("Choose a channel."))
    if not address.strip():
        raise DomainError("no_address", _("There is no address to send this message to."))
    key = address_key(channel, address)
    opt_out, _created = OptOut.objects.get_or_create(
        channel=channel,
        address_key=key,
        defaults={"person": person, "source": source, "recorded_by": by},
    )
    now = timezone.now()
    for message in Message.objects.select_for_update().filter(
        channel=channel, address_key=key, status=MessageStatus.QUEUED
    ):
        message.status = MessageStatus.FAILED
        message.failed_at = now
        message.last_error = "the address opted out of this channel"
        message.next_attempt_at = None
        message.save()
        _audit(message, "message_failed")
    return opt_out


@transaction.atomic
def mark_safe_contact(*, case_id: int, channel: str, address: str, by: User) -> SafeContact:
    """The case worker's mark: messages about case `case_id` may go to this address. Called by
    the MRC's own services (cases), which check that `by` works on the case."""
    safe, _created = SafeContact.objects.get_or_create(
        case_id=case_id,
        channel=channel,
        address_key=address_key(channel, address),
        defaults={"marked_by": by},
    )
    return safe


@transaction.atomic
def set_message_language(*, person: Person, language: str) -> None:
    if language not in {code for code, _name in settings.LANGUAGES}:
        raise DomainError("invalid_language", _("Choose a language."))
    LanguagePreference.objects.update_or_create(person=person, defaults={"language": language})


def erase_people_data(person_ids: list[int]) -> None:
    """The registry erases these people (people.data_rights): their messages keep what was
    sent when and how, without the address or the parameters; their language for messages
    goes. An opt-out stays (it is the number's wish, kept by its keyed hash), without the
    link to the person."""
    Message.objects.filter(person_id__in=person_ids).update(
        address="", address_key="", parameters=""
    )
    LanguagePreference.objects.filter(person_id__in=person_ids).delete()
    OptOut.objects.filter(person_id__in=person_ids).update(person=None)


def forget_addresses(pks: list[int], context: object = None) -> list[int]:
    """Erase where these messages went and what they said; the messages stay. The retention
    schedule's purge of the record class of `retention.py`."""
    Message.objects.filter(pk__in=pks).update(address="", address_key="", parameters="")
    return pks
