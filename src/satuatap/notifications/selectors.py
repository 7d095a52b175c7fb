"""Reads of the outbox, already limited to what the reader may see."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from satuatap.core.models import User
from satuatap.core.rules import is_case_supervisor, is_office_head
from satuatap.notifications.addresses import address_key
from satuatap.notifications.models import (
    DigestSubscription,
    Message,
    MessageStatus,
    OfficeSettings,
    OptOut,
)
from satuatap.people.models import Person


def visible_messages(user: User) -> QuerySet[Message]:
    """The office head: the office's messages not about a case. The case supervisor: the
    office's messages about a case. Nobody else: none."""
    office_id = user.office_id_or_none
    if office_id is None or not user.has_perm("notifications.view_outbox"):
        return Message.objects.none()
    messages = Message.objects.filter(office_id=office_id)
    kinds = []
    if is_office_head(user):
        kinds.append(False)
    if is_case_supervisor(user):
        kinds.append(True)
    return messages.filter(is_case_related__in=kinds).select_related(
        "office", "person", "staff_user"
    )


def failed_messages(user: User) -> QuerySet[Message]:
    return visible_messages(user).filter(status=MessageStatus.FAILED).order_by("-failed_at", "-pk")


def get_visible_message(user: User, message_id: int) -> Message | None:
    return visible_messages(user).filter(pk=message_id).first()


def opted_out_channels(person: Person) -> dict[int, list[str]]:
    """For each of the person's phone numbers (by id), the channels it opted out of."""
    phones = list(person.phones.all())
    keys = {}
    for phone in phones:
        for channel in ("whatsapp", "sms"):
            keys[address_key(channel, phone.number), channel] = phone.pk
    found: dict[int, list[str]] = {phone.pk: [] for phone in phones}
    for key, channel in OptOut.objects.filter(
        address_key__in={key for key, _c in keys}
    ).values_list("address_key", "channel"):
        if (key, channel) in keys:
            found[keys[key, channel]].append(channel)
    return found


def office_settings(office_id: int | None) -> OfficeSettings | None:
    if office_id is None:
        return None
    return OfficeSettings.objects.filter(office_id=office_id).first()


def is_digest_subscriber(user: User) -> bool:
    return DigestSubscription.objects.filter(user=user).exists()


def case_messages(case_ids: Iterable[int]) -> QuerySet[Message]:
    """The outbox's messages about these MRC cases (to the client or to a partner), newest
    first. The caller (the MRC's pages) decides which cases the reader may see."""
    return Message.objects.filter(is_case_related=True, case_id__in=case_ids).select_related(
        "person", "partner"
    )
