"""Reads of the IKM survey: the visit a survey token or a ticket code names, whether a desk
served it and whether it was answered."""

from __future__ import annotations

import datetime

from django.db.models import Prefetch, QuerySet

from satuatap.core.models import Desk, Organisation
from satuatap.frontdesk.models import Survey, Ticket, TicketStatus, Visit
from satuatap.frontdesk.surveys import parse_ticket_code


def was_served(visit: Visit) -> bool:
    """Whether a desk has finished serving the visitor (a ticket of the visit is served).
    A served ticket stays served, so a yes cannot turn into a no."""
    return Ticket.objects.filter(visit_id=visit.pk, status=TicketStatus.SERVED).exists()


def has_survey(visit: Visit) -> bool:
    return Survey.objects.filter(visit_id=visit.pk).exists()


def _fits(token: str, max_length: int | None) -> bool:
    """A token worth looking up: not empty and no longer than its field holds."""
    return bool(token) and (max_length is None or len(token) <= max_length)


def _visits() -> QuerySet[Visit]:
    return Visit.objects.select_related("office").prefetch_related(
        Prefetch("tickets", queryset=Ticket.objects.select_related("desk__desk_type"))
    )


def visit_for_survey_token(token: str) -> Visit | None:
    """The visit whose ticket's QR code carries `token`, or None."""
    if not _fits(token, Visit._meta.get_field("survey_token").max_length):
        return None
    return _visits().filter(survey_token=token).first()


def visit_for_ticket_code(office: Organisation, code: str, day: datetime.date) -> Visit | None:
    """The visit of the office's ticket `code` issued on `day` (the exit kiosk asks for it)."""
    parsed = parse_ticket_code(code)
    if parsed is None:
        return None
    prefix, number = parsed
    visit_id = (
        Ticket.objects.filter(office=office, day=day, prefix=prefix, number=number)
        .order_by("-issued_at")
        .values_list("visit_id", flat=True)
        .first()
    )
    return None if visit_id is None else _visits().filter(pk=visit_id).first()


def desks_visited(visit: Visit) -> list[Desk]:
    """The desks the visit had tickets at, in the office's desk order, each once."""
    desks = {t.desk_id: t.desk for t in visit.tickets.all()}
    return sorted(desks.values(), key=lambda d: (d.desk_type.order, d.pk))
