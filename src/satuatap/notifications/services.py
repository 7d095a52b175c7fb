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
from collections.abc import Callable

from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from satuatap.core import metrics
from satuatap.core.attribution import current_attribution
from satuatap.core.exceptions import DomainError
from satuatap.core.models import Organisation, User
from satuatap.notifications import dispatch, gateways
from satuatap.notifications.addresses import address_key, address_keys, normalise
from satuatap.notifications.catalogue import get_template
from satuatap.notifications.models import (
    Channel,
    DigestSubscription,
    LanguagePreference,
    Message,
    MessageStatus,
    OfficeSettings,
    OptOut,
    OptOutSource,
    SafeContact,
)
from satuatap.people.models import Person, Phone

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
        channel=channel, address_key__in=address_keys(channel, address)
    ).exists()


def language_of(person: Person | None) -> str:
    """The person's chosen language for messages, Indonesian when none was chosen."""
    if person is None:
        return DEFAULT_LANGUAGE
    chosen = LanguagePreference.objects.filter(person=person).values_list("language", flat=True)
    known = {code for code, _name in settings.LANGUAGES}
    language = chosen.first()
    return language if language in known else DEFAULT_LANGUAGE


# Who each audience's templates may go to (a person's template may also go to a staff member,
# as a test of the channel): never a partner's notice to a person, nor a person's to a partner.
# A requester's template goes to none of them (an address typed in the portal), and only it may.
RECIPIENTS_OF_AUDIENCE: dict[str, tuple[str, ...]] = {
    "person": ("person", "staff_user"),
    "staff": ("staff_user",),
    "partner": ("partner",),
    "requester": (),
}


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
    partner: Organisation | None = None,
    case_id: int | None = None,
    language: str | None = None,
    event_key: str = "",
) -> Message:
    """Put a message in the outbox; it is sent once the caller's transaction commits.

    Refused (409) when the channel has no gateway, the address opted out of the channel, a
    message with the same `event_key` was queued before, or the template is about an MRC case
    for a person and the case worker has not marked this address a safe contact for that case.
    A template goes only to its audience (`RECIPIENTS_OF_AUDIENCE`): a staff digest to a staff
    member, a partner's notice to a partner organisation; a requester's template (the public
    portal) to an address someone gave for themselves, with no person, staff member or partner.
    """
    template = get_template(template_code)
    if template is None:
        raise DomainError("unknown_template", _("There is no such message."))
    recipients = {"person": person, "staff_user": staff_user, "partner": partner}
    given = tuple(name for name, value in recipients.items() if value is not None)
    allowed = RECIPIENTS_OF_AUDIENCE[template.audience]
    to_its_audience = given[0] in allowed if len(given) == 1 else not given and not allowed
    if channel not in Channel.values or not to_its_audience:
        raise DomainError("invalid_message", _("A message goes to one person on one channel."))
    if not address.strip():
        raise DomainError("no_address", _("There is no address to send this message to."))
    if gateways.gateway_for(channel) is None:
        raise DomainError(
            "channel_off", _("Messages cannot be sent on this channel here."), status=409
        )
    if event_key and Message.objects.filter(event_key=event_key).exists():
        raise DomainError("already_queued", _("This message was sent already."), status=409)
    key = address_key(channel, address)
    keys = address_keys(channel, address)
    if OptOut.objects.filter(channel=channel, address_key__in=keys).exists():
        raise DomainError(
            "opted_out", _("This number or address asked not to get messages."), status=409
        )
    if (
        template.is_case_related
        and template.audience == "person"
        and (
            case_id is None
            or not SafeContact.objects.filter(
                case_id=case_id, channel=channel, address_key__in=keys
            ).exists()
        )
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
        partner=partner,
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
        event_key=event_key[:120],
        next_attempt_at=timezone.now(),
    )
    _audit(message, "message_queued")
    _enqueue(message)
    return message


# Which of a person's numbers each channel may use, in the order they are tried: the person's
# own WhatsApp, else an SMS to their own mobile. Never a family contact's or a home phone.
CHANNEL_PHONE_KINDS = (
    (Channel.WHATSAPP, (Phone.Kind.WHATSAPP,)),
    (Channel.SMS, (Phone.Kind.MOBILE, Phone.Kind.WHATSAPP)),
)


def person_channel(person: Person) -> tuple[str, str] | None:
    """The channel and number a message to `person` goes to, or None: no own number on record,
    no gateway for it, or every one opted out."""
    phones = list(person.phones.all())
    for channel, kinds in CHANNEL_PHONE_KINDS:
        if gateways.gateway_for(channel) is None:
            continue
        for phone in phones:
            if phone.kind in kinds and not is_opted_out(channel=channel, address=phone.number):
                return channel, phone.number
    return None


def notify_person(
    *,
    office: Organisation,
    person: Person,
    template_code: str,
    parameters: dict[str, object] | Callable[[], dict[str, object]],
    event_key: str = "",
) -> Message | None:
    """Queue a message to a person on their own number, in their language; None when it is
    not sent (no number, opted out, already sent for `event_key`, a merged or anonymised
    record). Never raises for these: the caller's work (calling a ticket, enrolling) goes on.
    `parameters` may be a function, called in the person's language (dates, names of kinds)."""
    if not person.is_active_record:
        return None
    if event_key and Message.objects.filter(event_key=event_key).exists():
        return None  # sent before: no need to look for a number again
    found = person_channel(person)
    if found is None:
        return None
    channel, number = found
    language = language_of(person)
    if callable(parameters):
        with translation.override(language):
            parameters = parameters()
    try:
        return queue_message(
            office=office,
            person=person,
            channel=channel,
            address=number,
            template_code=template_code,
            parameters={name: str(value) for name, value in parameters.items()},
            language=language,
            event_key=event_key,
        )
    except DomainError as error:
        logger.info("person %s: no %s message (%s)", person.pk, template_code, error.code)
        return None


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
    keys = address_keys(channel, address)
    opt_out = OptOut.objects.filter(channel=channel, address_key__in=keys).first()
    if opt_out is None:
        opt_out = OptOut.objects.create(
            channel=channel,
            address_key=keys[0],
            address=normalise(channel, address),
            person=person,
            source=source,
            recorded_by=by,
        )
    now = timezone.now()
    for message in Message.objects.select_for_update().filter(
        channel=channel, address_key__in=keys, status=MessageStatus.QUEUED
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
    the MRC's own services (cases), which check that `by` works on the case. The mark is in
    the audit trail (auditlog: channel, case id, who; never the address)."""
    if channel not in Channel.values:
        raise DomainError("invalid_channel", _("Choose a channel."))
    if not address.strip():
        raise DomainError("no_address", _("There is no address to send this message to."))
    keys = address_keys(channel, address)
    safe = SafeContact.objects.filter(
        case_id=case_id, channel=channel, address_key__in=keys
    ).first()
    if safe is None:
        safe = SafeContact.objects.create(
            case_id=case_id,
            channel=channel,
            address_key=keys[0],
            address=normalise(channel, address),
            marked_by=by,
        )
    return safe


def safe_contacts_of(case_id: int) -> list[SafeContact]:
    return list(SafeContact.objects.filter(case_id=case_id).select_related("marked_by"))


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
    OptOut.objects.filter(person_id__in=person_ids).update(person=None, address="")


def forget_addresses(pks: list[int], context: object = None) -> list[int]:
    """Erase where these messages went and what they said; the messages stay. The retention
    schedule's purge of the record class of `retention.py`."""
    Message.objects.filter(pk__in=pks).update(address="", address_key="", parameters="")
    return pks


@transaction.atomic
def set_office_settings(
    *, office: Organisation, by: User, ticket_calls: bool, ticket_calls_ahead: int
) -> OfficeSettings:
    """The office head turns the queue's messages on or off (audited by auditlog)."""
    if not by.has_perm("notifications.configure_office", office):
        raise DomainError("forbidden", _("You may not do this."), status=403)
    if not 1 <= ticket_calls_ahead <= 10:
        raise DomainError("invalid_ahead", _("Choose between 1 and 10 numbers ahead."), status=422)
    office_settings, _created = OfficeSettings.objects.get_or_create(office=office)
    office_settings.ticket_calls = ticket_calls
    office_settings.ticket_calls_ahead = ticket_calls_ahead
    office_settings.updated_by = by
    office_settings.save()
    return office_settings


@transaction.atomic
def set_digest_subscription(*, user: User, subscribed: bool) -> bool:
    """A staff member asks for the daily digest by e-mail, or stops it."""
    if subscribed:
        if user.office_id_or_none is None or not user.email:
            raise DomainError(
                "no_email",
                _("The digest goes to your e-mail address: ask your office head to record it."),
                status=409,
            )
        DigestSubscription.objects.get_or_create(user=user)
    else:
        DigestSubscription.objects.filter(user=user).delete()
    return subscribed


def rekey_addresses() -> dict[str, int]:
    """Recompute every stored keyed hash of an address under today's SECRET_KEY: after a change
    of SECRET_KEY (the old one in SECRET_KEY_FALLBACKS), so that opt-outs, safe contacts and
    receipts go on matching. Run by `rotate_encryption_keys` (core.encryption's rotation
    steps). A row is recomputed from its own encrypted address; an opt-out whose address was
    erased with its person is matched through the old keys against the addresses still known
    (the outbox, the registry's numbers), and counted as `unmatched` when none is. Returns the
    counts per kind of row."""
    counts = {"messages": 0, "opt_outs": 0, "safe_contacts": 0, "unmatched": 0}
    for model, count_as in (
        (Message, "messages"),
        (OptOut, "opt_outs"),
        (SafeContact, "safe_contacts"),
    ):
        rows = (
            model.objects.exclude(address="")
            .order_by("pk")
            .values_list("pk", "channel", "address", "address_key")
        )
        for pk, channel, address, stored in rows.iterator():
            key = address_key(channel, str(address))
            if key != stored:
                model.objects.filter(pk=pk).update(address_key=key)
                counts[count_as] += 1
    orphans = list(OptOut.objects.filter(address="").exclude(address_key=""))
    if orphans:
        known: dict[tuple[str, str], str] = {}
        addresses = {
            (c, str(a))
            for c, a in Message.objects.exclude(address="").values_list("channel", "address")
        }
        addresses |= {
            (channel, number)
            for number in Phone.objects.values_list("number", flat=True)
            for channel in (Channel.WHATSAPP, Channel.SMS)
        }
        for channel, address in addresses:
            new = address_key(channel, address)
            for old in address_keys(channel, address):
                known[channel, old] = new
        for opt_out in orphans:
            found = known.get((opt_out.channel, opt_out.address_key))
            if found is None:
                counts["unmatched"] += 1
            elif found != opt_out.address_key:
                OptOut.objects.filter(pk=opt_out.pk).update(address_key=found)
                counts["opt_outs"] += 1
    return counts
