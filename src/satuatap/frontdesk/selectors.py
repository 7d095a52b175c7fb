"""Reads of the front desk, limited to what the user may see."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Min, Q, QuerySet

from satuatap.core.models import Desk, Organisation, User
from satuatap.frontdesk.models import Service, ServiceRecord, Ticket, TicketStatus, Visit
from satuatap.frontdesk.rules import MRC_DESK_TYPE_CODE
from satuatap.people.models import Person

# The order a desk calls its waiting tickets in: priority tickets first, then by ticket number.
# Never by `issued_at`: check-ins at the same moment take their time before their number, so
# a later number may carry an earlier time. The console, the API's queue, call-next and the
# "waiting ahead of you" count on the ticket all follow this one order.
LINE_ORDER = ("-is_priority", "number")


def office_desks(user: User) -> QuerySet[Desk]:
    """Active desks of the user's office (none for users outside an office)."""
    if not user.has_perm("frontdesk.view_queues"):
        return Desk.objects.none()
    return Desk.objects.filter(office_id=user.office_id_or_none, is_active=True).select_related(
        "desk_type", "office"
    )


def get_desk(user: User, desk_id: int) -> Desk | None:
    return office_desks(user).filter(pk=desk_id).first()


def active_services(office: Organisation) -> QuerySet[Service]:
    return Service.objects.filter(
        office=office, is_active=True, desk__is_active=True
    ).select_related("desk__desk_type")


def office_services(user: User, office_id: int) -> QuerySet[Service] | None:
    """Every service of the office (offered now or not), in catalogue order, for the staff of
    that office; None for anyone else, to whom the office's catalogue does not exist."""
    if not user.has_perm("frontdesk.view_queues") or user.office_id_or_none != office_id:
        return None
    return Service.objects.filter(office_id=office_id).select_related("desk__desk_type")


def waiting_line(desk: Desk) -> QuerySet[Ticket]:
    """Today's waiting tickets of a desk, in the order they will be called (`LINE_ORDER`)."""
    return (
        Ticket.objects.filter(desk=desk, day=desk.office.today(), status=TicketStatus.WAITING)
        .select_related("visit__person")
        .prefetch_related("services")
        .order_by(*LINE_ORDER)
    )


def in_service(desk: Desk) -> QuerySet[Ticket]:
    """Today's tickets of a desk that are called or being served."""
    return (
        Ticket.objects.filter(
            desk=desk,
            day=desk.office.today(),
            status__in=[TicketStatus.CALLED, TicketStatus.SERVING],
        )
        .select_related("visit__person", "called_by")
        .prefetch_related("services")
        .order_by("called_at")
    )


def waiting_ahead(ticket: Ticket) -> int | None:
    """How many tickets the desk will call before this one (None once it is no longer waiting):
    the tickets ahead of it in `LINE_ORDER`, as `services.call_next` calls them."""
    if ticket.status != TicketStatus.WAITING:
        return None
    waiting = Ticket.objects.filter(
        desk_id=ticket.desk_id, day=ticket.day, status=TicketStatus.WAITING
    )
    if ticket.is_priority:
        return waiting.filter(is_priority=True, number__lt=ticket.number).count()
    return (
        waiting.filter(is_priority=True).count()
        + waiting.filter(is_priority=False, number__lt=ticket.number).count()
    )


def get_visible_ticket(user: User, ticket_id: int) -> Ticket | None:
    if not user.has_perm("frontdesk.view_queues"):
        return None
    return (
        Ticket.objects.filter(pk=ticket_id, office_id=user.office_id_or_none)
        .select_related("desk__desk_type", "desk__office", "visit__person")
        .first()
    )


def get_visible_visit(user: User, visit_id: int) -> Visit | None:
    if not user.has_perm("frontdesk.view_queues"):
        return None
    return (
        Visit.objects.filter(pk=visit_id, office_id=user.office_id_or_none)
        .select_related("person", "office")
        .prefetch_related("tickets__desk__desk_type", "tickets__services")
        .first()
    )


@dataclass(frozen=True)
class DeskToday:
    """A desk's day so far: tickets waiting, called or being served, served, and when the one
    waiting longest was issued."""

    desk: Desk
    waiting: int
    in_service: int
    served: int
    waiting_since: datetime.datetime | None


def desks_today(user: User) -> list[DeskToday]:
    """The office's active desks with their day so far (`DeskToday`), in one query."""
    office = user.office
    if office is None:
        return []
    of_today = Q(tickets__day=office.today())
    waiting = of_today & Q(tickets__status=TicketStatus.WAITING)
    in_service = of_today & Q(tickets__status__in=[TicketStatus.CALLED, TicketStatus.SERVING])
    desks = (
        office_desks(user)
        .annotate(
            waiting=Count("tickets", filter=waiting),
            in_service=Count("tickets", filter=in_service),
            served=Count("tickets", filter=of_today & Q(tickets__status=TicketStatus.SERVED)),
            waiting_since=Min("tickets__issued_at", filter=waiting),
        )
        .order_by("desk_type__order", "prefix")
    )
    return [
        DeskToday(
            desk=desk,
            waiting=desk.waiting,
            in_service=desk.in_service,
            served=desk.served,
            waiting_since=desk.waiting_since,
        )
        for desk in desks
    ]


def visits_on(user: User, day: datetime.date) -> int:
    """How many visits the user's office checked in on `day` (none outside an office)."""
    if not user.has_perm("frontdesk.view_queues") or user.office_id_or_none is None:
        return 0
    return Visit.objects.filter(office_id=user.office_id_or_none, day=day).count()


def next_in_line(desk: Desk) -> Ticket | None:
    """The ticket the desk calls next (`LINE_ORDER`), if any waits."""
    return (
        Ticket.objects.filter(desk=desk, day=desk.office.today(), status=TicketStatus.WAITING)
        .order_by(*LINE_ORDER)
        .only("prefix", "number")
        .first()
    )


@dataclass(frozen=True)
class ServiceRecords:
    """What the desks recorded for a person that a reader may read. `complete` is False for
    every reader who may not read the MRC desk's records, whether or not there are any, so
    that it says nothing of a visit to the MRC."""

    records: list[ServiceRecord]
    complete: bool


def service_records_of(person: Person, viewer: User) -> ServiceRecords:
    """What each desk recorded when it finished the person's tickets, newest first (the
    services, the outcome, what was done, who and when); the MRC desk's only for its staff
    (`frontdesk.read_mrc_desk_records`)."""
    may_read_mrc = viewer.has_perm("frontdesk.read_mrc_desk_records", person.office)
    records = (
        ServiceRecord.objects.filter(person=person, ticket__office_id=person.office_id)
        .select_related("ticket", "ticket__desk", "ticket__desk__desk_type", "recorded_by")
        .prefetch_related("services")
        .order_by("-recorded_at", "-pk")
    )
    if not may_read_mrc:
        records = records.exclude(ticket__desk__desk_type__code=MRC_DESK_TYPE_CODE)
    return ServiceRecords(records=list(records), complete=may_read_mrc)
