"""API of the front desk: an office's services, check-in, a desk's queue, calling the next
ticket, finishing one."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from satuatap.core.exceptions import DomainError
from satuatap.core.schemas import ErrorOut
from satuatap.frontdesk import selectors, services
from satuatap.frontdesk.models import Service, Ticket
from satuatap.frontdesk.schemas import (
    FinishIn,
    QueueOut,
    ServiceOut,
    ServicesQuery,
    TicketOut,
    VisitIn,
    VisitOut,
)
from satuatap.people.selectors import get_visible_person

services_router = Router(tags=["front desk"])
visits_router = Router(tags=["front desk"])
desks_router = Router(tags=["front desk"])
tickets_router = Router(tags=["front desk"])

# What a check-in reads of the person (`services.check_in`): loading the whole record would
# decrypt its protected fields for nothing.
CHECK_IN_PERSON_FIELDS = ("id", "office", "sex")


def ticket_out(ticket: Ticket, services=None) -> TicketOut:
    """`services`: the ticket's services when already at hand (saves a query)."""
    return TicketOut(
        id=ticket.pk,
        code=ticket.code,
        desk_id=ticket.desk_id,
        desk=ticket.desk.desk_type.name,
        status=ticket.status,
        is_priority=ticket.is_priority,
        issued_at=ticket.issued_at,
        called_at=ticket.called_at,
        served_at=ticket.served_at,
        finished_at=ticket.finished_at,
        services=[s.name for s in (ticket.services.all() if services is None else services)],
    )


def _desk_or_404(request, desk_id: int):
    desk = selectors.get_desk(request.user, desk_id)
    if desk is None:
        raise DomainError("not_found", _("No such desk."), status=404)
    return desk


def service_out(service: Service) -> ServiceOut:
    desk = service.desk
    return ServiceOut(
        id=service.pk,
        name=service.name,
        name_id=service.name_id,
        name_en=service.name_en,
        desk_id=desk.pk,
        desk=desk.desk_type.name,
        desk_prefix=desk.prefix,
        target_minutes=service.target_minutes,
        allows_anonymous=service.allows_anonymous,
        is_active=service.is_active and desk.is_active,
    )


@services_router.get("", response={200: list[ServiceOut], 404: ErrorOut})
def list_services(request, query: Query[ServicesQuery]):
    """The services of an office, by desk, with the ids `POST /api/v1/visits` takes. For the
    office's own staff; any other office is 404, as if it had no catalogue."""
    services_of_office = selectors.office_services(request.user, query.office_id)
    if services_of_office is None:
        raise DomainError("not_found", _("No such office."), status=404)
    return [service_out(service) for service in services_of_office]


@visits_router.post("", response={201: VisitOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut})
def create_visit(request, payload: VisitIn):
    """Check a visitor in for services; one ticket per desk. Anonymous only for information."""
    user = request.user
    if not user.has_perm("frontdesk.check_in"):
        raise DomainError("forbidden", _("You may not do this."), status=403)
    person = None
    if payload.person_id is not None:
        person = get_visible_person(user, payload.person_id, only=CHECK_IN_PERSON_FIELDS)
        if person is None:
            raise DomainError("not_found", _("No such record."), status=404)
    chosen = list(
        selectors.active_services(user.office).filter(pk__in=payload.service_ids).order_by()
    )
    if len(chosen) != len(set(payload.service_ids)):
        raise DomainError("unknown_service", _("A chosen service is not offered here."), status=422)
    visit = services.check_in(
        by=user,
        services=chosen,
        person=person,
        sex=payload.sex,
        age_band=payload.age_band,
        priority=payload.priority,
    )
    return Status(
        201,
        VisitOut(
            id=visit.pk,
            person_id=visit.person_id,
            survey_url=request.build_absolute_uri(
                reverse("public:survey", kwargs={"token": visit.survey_token})
            ),
            tickets=[ticket_out(t, services=s) for t, s in visit.issued_tickets],
        ),
    )


@desks_router.get("/{desk_id}/queue", response={200: QueueOut, 404: ErrorOut})
def desk_queue(request, desk_id: int):
    """Today's waiting line of a desk (in calling order) and the tickets in service."""
    desk = _desk_or_404(request, desk_id)
    return QueueOut(
        desk_id=desk.pk,
        desk=desk.desk_type.name,
        waiting=[ticket_out(t) for t in selectors.waiting_line(desk).select_related("desk")],
        in_service=[ticket_out(t) for t in selectors.in_service(desk).select_related("desk")],
    )


@desks_router.post(
    "/{desk_id}/call-next", response={200: TicketOut, 204: None, 403: ErrorOut, 404: ErrorOut}
)
def call_next(request, desk_id: int):
    """Call the next ticket (priority first). 204 when nobody is waiting."""
    desk = _desk_or_404(request, desk_id)
    ticket = services.call_next(desk=desk, by=request.user)
    if ticket is None:
        return Status(204, None)
    return ticket_out(ticket)


@tickets_router.post(
    "/{ticket_id}/finish", response={200: TicketOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}
)
def finish(request, ticket_id: int, payload: FinishIn):
    """The visitor was served: record the outcome against the person's record."""
    ticket = selectors.get_visible_ticket(request.user, ticket_id)
    if ticket is None:
        raise DomainError("not_found", _("No such ticket."), status=404)
    done = None
    if payload.service_ids is not None:
        done = list(ticket.desk.services.filter(pk__in=payload.service_ids))
    services.finish_ticket(
        ticket=ticket,
        by=request.user,
        outcome=payload.outcome,
        notes=payload.notes,
        services=done,
    )
    ticket.refresh_from_db()
    return ticket_out(ticket)
