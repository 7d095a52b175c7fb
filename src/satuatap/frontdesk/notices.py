"""What the queue tells visitors on their phone, when the office head turned it on
(notifications' office settings, off by default): "your number will be called soon" once a
ticket has only a few numbers ahead of it, and "your number is called" when a desk calls it.

Only for tickets of a registered person with their own mobile or WhatsApp number on record
(`notifications.services.notify_person`: never a family contact's number, never one that
opted out, in the person's language). Each ticket is told each thing once (`event_key`).
Called after the call's transaction: a message that cannot be queued never stops a call.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from satuatap.core.models import Desk
from satuatap.frontdesk.models import Ticket
from satuatap.frontdesk.selectors import waiting_line
from satuatap.notifications import selectors as notification_selectors
from satuatap.notifications import services as notifications


def _desk_label(desk: Desk) -> str:
    return _("desk %(prefix)s, %(name)s") % {"prefix": desk.prefix, "name": desk.desk_type.name}


def ticket_called(ticket: Ticket) -> None:
    """Tell the ticket's person that it is called, and the next ones that theirs is near."""
    settings = notification_selectors.office_settings(ticket.office_id)
    if settings is None or not settings.ticket_calls:
        return
    desk = Desk.objects.select_related("office", "desk_type").get(pk=ticket.desk_id)
    person = ticket.visit.person
    if person is not None:
        notifications.notify_person(
            office=desk.office,
            person=person,
            template_code="ticket_called",
            parameters=lambda: {
                "ticket": ticket.code,
                "desk": _desk_label(desk),
                "office": desk.office.name,
            },
            event_key=f"ticket_called:{ticket.pk}:{ticket.call_count}",
        )
    line = list(waiting_line(desk)[: settings.ticket_calls_ahead + 1])
    for ahead, waiting in enumerate(line):
        if waiting.visit.person is None:
            continue
        notifications.notify_person(
            office=desk.office,
            person=waiting.visit.person,
            template_code="ticket_soon",
            parameters={"ticket": waiting.code, "ahead": ahead, "office": desk.office.name},
            event_key=f"ticket_soon:{waiting.pk}",
        )


def tickets_issued(office, day) -> int:
    """The staff digest's count: tickets the office issued on `day`."""
    return Ticket.objects.filter(office=office, day=day).count()


def register() -> None:
    from satuatap.notifications.events import register_digest_count

    register_digest_count("tickets", tickets_issued)
