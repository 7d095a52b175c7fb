"""The IKM survey a visitor answers at the exit kiosk or through the QR code on the ticket.

Visitors have no account: the visit's survey token (printed as a QR code on the ticket) or the
paired exit kiosk plus a ticket number of today is what lets them answer. One survey per visit,
and only once a desk has served it: a visitor still waiting, or one who left without being
served, has no service to rate, and such answers would count in the office's IKM.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping

from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.utils.translation import gettext as _

from satuatap.core.exceptions import DomainError
from satuatap.core.models import Organisation
from satuatap.frontdesk.ikm import ANSWERS, ELEMENT_CODES
from satuatap.frontdesk.models import Survey, Ticket, TicketStatus, Visit

COMMENT_MAX_LENGTH = 1000
TICKET_CODE = re.compile(r"^\s*([A-Za-z]{1,2})\s*-?\s*(\d{1,4})\s*$")


def _invalid(code: str, message: str) -> DomainError:
    return DomainError(code, message, status=422)


def _already_answered() -> DomainError:
    return DomainError(
        "already_answered", _("This visit's survey has already been answered."), status=409
    )


def _not_served() -> DomainError:
    return DomainError(
        "not_served",
        _(
            "The survey opens once a desk has served you. Please answer it at the end of "
            "your visit."
        ),
        status=409,
    )


def was_served(visit: Visit) -> bool:
    """Whether a desk has finished serving the visitor (a ticket of the visit is served).
    A served ticket stays served, so a yes cannot turn into a no."""
    return Ticket.objects.filter(visit_id=visit.pk, status=TicketStatus.SERVED).exists()


def submit_survey(
    *,
    visit: Visit,
    answers: Mapping[str, int | None],
    comment: str = "",
    channel: str,
) -> Survey:
    """Record the visit's survey. Each answer is 1–4 or blank (None); at least one answered.
    Refused (`not_served`, nothing stored) until a desk has served the visit."""
    if not was_served(visit):
        raise _not_served()
    if channel not in Survey.Channel.values:
        raise _invalid("unknown_channel", _("Unknown survey channel."))
    unknown = set(answers) - set(ELEMENT_CODES)
    if unknown:
        raise _invalid("unknown_element", _("Unknown question in the answers."))
    values: dict[str, int | None] = {}
    for code in ELEMENT_CODES:
        answer = answers.get(code)
        if answer is not None and (type(answer) is not int or answer not in ANSWERS):
            raise _invalid("invalid_answer", _("Each answer is a number from 1 to 4, or blank."))
        values[code] = answer
    if all(v is None for v in values.values()):
        raise _invalid("no_answer", _("Answer at least one question."))
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX_LENGTH:
        raise _invalid(
            "comment_too_long",
            _("The comment is too long: at most %(max)d characters.") % {"max": COMMENT_MAX_LENGTH},
        )
    # No check-then-insert: the one-to-one constraint on `visit` decides, so two submissions
    # at once (a double tap, QR and kiosk together) store one survey and refuse the other.
    try:
        with transaction.atomic():
            return Survey.objects.create(visit=visit, channel=channel, comment=comment, **values)
    except IntegrityError:
        if Survey.objects.filter(visit_id=visit.pk).exists():
            raise _already_answered() from None
        raise


def has_survey(visit: Visit) -> bool:
    return Survey.objects.filter(visit_id=visit.pk).exists()


def _fits(token: str, max_length: int | None) -> bool:
    """A token worth looking up: not empty and no longer than its field holds."""
    return bool(token) and (max_length is None or len(token) <= max_length)


def _visits():
    return Visit.objects.select_related("office").prefetch_related(
        Prefetch("tickets", queryset=Ticket.objects.select_related("desk__desk_type"))
    )


def visit_for_survey_token(token: str) -> Visit | None:
    """The visit whose ticket's QR code carries `token`, or None."""
    if not _fits(token, Visit._meta.get_field("survey_token").max_length):
        return None
    return _visits().filter(survey_token=token).first()


def parse_ticket_code(code: str) -> tuple[str, int] | None:
    """`A-012`, `a12` or `A 12` → ("A", 12); None when it is not a ticket code."""
    match = TICKET_CODE.match(code or "")
    if match is None:
        return None
    return match.group(1).upper(), int(match.group(2))


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


def desks_visited(visit: Visit) -> list:
    """The desks the visit had tickets at, in the office's desk order, each once."""
    desks = {t.desk_id: t.desk for t in visit.tickets.all()}
    return sorted(desks.values(), key=lambda d: (d.desk_type.order, d.pk))
