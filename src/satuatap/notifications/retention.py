"""The outbox in the retention schedule (`core/retention/`).

A message sent, delivered or failed long ago no longer needs where it went nor what it said:
once due, its address (and the address's keyed hash) and its parameters are erased; the message
itself (to whom in the registry, which template, channel, dates, status, attempts) stays as the
office's record of what it sent. A message still queued is never due; one about a held person
(an open MRC case, a legal hold) waits, as every record of theirs does. Opt-outs and
safe-contact marks are not in the schedule: an opt-out is the number's wish, kept as long as
the deployment, and holds no address, only its keyed hash.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from satuatap.core.retention import Cutoff, RecordClass, register_record_class
from satuatap.notifications.models import Message, MessageStatus
from satuatap.notifications.services import forget_addresses
from satuatap.people.retention import held_people


def _due(cutoff: Cutoff):
    return (
        Message.objects.filter(created_at__lt=cutoff.moment)
        .exclude(status=MessageStatus.QUEUED)
        .exclude(address="")
    )


def _not_held(messages):
    return messages.exclude(held_people("person"))


def register() -> None:
    register_record_class(
        RecordClass(
            key="messages",
            label=_("Messages sent to people and staff"),
            default="1y",
            counted_from=_("the moment the message was queued"),
            action=_(
                "the address and the message's details are erased; the recipient, template, "
                "channel, dates and result stay"
            ),
            due=_due,
            exclude_held=_not_held,
            purge=forget_addresses,
            office="office_id",
            order=57,
        )
    )
