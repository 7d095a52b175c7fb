"""Check-in, the desks' queues and what each desk did. Every write is one transaction."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from satuatap.core.audit import erase_audit_values
from satuatap.core.exceptions import DomainError
from satuatap.core.models import Desk, Organisation, User
from satuatap.core.retention import RunContext, keep_aggregates
from satuatap.frontdesk import notices
from satuatap.frontdesk.models import (
    OPEN_STATUSES,
    AgeBand,
    Device,
    Priority,
    Service,
    ServiceRecord,
    Ticket,
    TicketStatus,
    Visit,
)
from satuatap.frontdesk.numbering import next_number
from satuatap.frontdesk.selectors import LINE_ORDER
from satuatap.people.models import Person, Sex


def _forbidden() -> DomainError:
    return DomainError("forbidden", _("You may not do this."), status=403)


def check_in(
    *,
    by: User,
    services: Iterable[Service],
    person: Person | None = None,
    sex: str = Sex.NOT_RECORDED,
    age_band: str = "",
    priority: str = Priority.NONE,
) -> Visit:
    """Check a visitor in for one or more services; issue one ticket per desk.

    The visit comes back with `issued_tickets`: (ticket, its services) pairs, in desk order."""
    office = by.office
    if office is None or not by.has_perm("frontdesk.check_in"):
        raise _forbidden()
    return _issue_tickets(
        office=office,
        services=services,
        person=person,
        sex=sex,
        age_band=age_band,
        priority=priority,
        checked_in_by=by,
    )


def check_in_at_kiosk(*, device: Device, services: Iterable[Service], person: Person) -> Visit:
    """The arrival kiosk checks in the person whose booking it scanned
    (`bookings.services.check_in_booking_at_kiosk`): the visit is the kiosk's, not a user's."""
    if device.kind != Device.Kind.ARRIVAL_KIOSK or not device.is_paired:
        raise _forbidden()
    return _issue_tickets(
        office=device.office,
        services=services,
        person=person,
        sex=Sex.NOT_RECORDED,
        age_band="",
        priority=Priority.NONE,
        checked_in_device=device,
    )


def _issue_tickets(
    *,
    office: Organisation,
    services: Iterable[Service],
    person: Person | None,
    sex: str,
    age_band: str,
    priority: str,
    checked_in_by: User | None = None,
    checked_in_device: Device | None = None,
) -> Visit:
    services = list(services)
    if not services:
        raise DomainError("no_service", _("Choose at least one service."))
    if any(s.office_id != office.pk or not s.is_active or not s.desk.is_active for s in services):
        raise DomainError("unknown_service", _("A chosen service is not offered here."))
    if person is not None and person.office_id != office.pk:
        raise DomainError("not_found", _("No such record."), status=404)
    if person is None and not all(s.allows_anonymous for s in services):
        raise DomainError(
            "person_required",
            _("Find or register the visitor: only information requests can be anonymous."),
        )
    if priority not in Priority.values:
        raise DomainError("unknown_priority", _("Unknown priority."))
    if person is None and (sex not in Sex.values or age_band not in AgeBand.values):
        raise DomainError("unknown_sex_or_age_band", _("Unknown sex or age band."))
    by_desk: dict[Desk, list[Service]] = defaultdict(list)
    for service in services:
        by_desk[service.desk].append(service)
    day = office.today()
    now = timezone.now()
    with transaction.atomic():
        visit = Visit.objects.create(
            office=office,
            person=person,
            sex=person.sex if person else sex,
            age_band="" if person else age_band,
            priority=priority,
            day=day,
            checked_in_by=checked_in_by,
            checked_in_device=checked_in_device,
        )
        visit.issued_tickets = []
        links = []
        for desk in sorted(by_desk, key=lambda d: (d.desk_type.order, d.pk)):
            ticket = Ticket.objects.create(
                visit=visit,
                office=office,
                desk=desk,
                day=day,
                number=next_number(desk, day),
                prefix=desk.prefix,
                is_priority=bool(priority),
                issued_at=now,
            )
            visit.issued_tickets.append((ticket, by_desk[desk]))
            links += [Ticket.services.through(ticket=ticket, service=s) for s in by_desk[desk]]
        Ticket.services.through.objects.bulk_create(links)
    return visit


def _require_desk(by: User, desk: Desk) -> None:
    if not by.has_perm("frontdesk.work_desk", desk):
        raise _forbidden()


def _take(ticket_id: int, by: User, now: datetime.datetime) -> bool:
    """Claim a waiting ticket; False when another officer was quicker."""
    claimed = Ticket.objects.filter(pk=ticket_id, status=TicketStatus.WAITING).update(
        status=TicketStatus.CALLED, called_at=now, called_by=by, call_count=1
    )
    return claimed == 1


def call_next(*, desk: Desk, by: User) -> Ticket | None:
    """Call the next waiting ticket of the desk (priority first, then by number: `LINE_ORDER`).

    Two officers calling at once never get the same ticket: the claim is a conditional update
    that only one of them can win. On PostgreSQL each officer also skips the rows another one
    has locked (`FOR UPDATE SKIP LOCKED`), so they do not race for the same row at all; SQLite
    runs the whole claim under its write lock (IMMEDIATE transactions).

    Then, when the office turned it on, the visitors are told on their phone (`notices`)."""
    _require_desk(by, desk)
    day = desk.office.today()
    for _attempt in range(20):
        with transaction.atomic():
            candidate = (
                Ticket.objects.filter(desk=desk, day=day, status=TicketStatus.WAITING)
                .order_by(*LINE_ORDER)
                .select_for_update(skip_locked=True)
                .values_list("pk", flat=True)
                .first()
            )
            if candidate is None:
                return None
            if _take(candidate, by, timezone.now()):
                ticket = Ticket.objects.select_related("desk", "visit").get(pk=candidate)
                break
    else:
        raise DomainError("busy", _("The queue is very busy: try again."), status=409)
    notices.ticket_called(ticket)
    return ticket


def call_ticket(*, ticket: Ticket, by: User) -> Ticket:
    """Call a specific waiting ticket, or call again one already called."""
    _require_desk(by, ticket.desk)
    now = timezone.now()
    with transaction.atomic():
        if ticket.status == TicketStatus.CALLED:
            Ticket.objects.filter(pk=ticket.pk, status=TicketStatus.CALLED).update(
                called_at=now, call_count=ticket.call_count + 1
            )
        elif not _take(ticket.pk, by, now):
            raise DomainError("not_waiting", _("This ticket is no longer waiting."), status=409)
    ticket.refresh_from_db()
    notices.ticket_called(ticket)
    return ticket


def start_serving(*, ticket: Ticket, by: User) -> Ticket:
    _require_desk(by, ticket.desk)
    updated = Ticket.objects.filter(pk=ticket.pk, status=TicketStatus.CALLED).update(
        status=TicketStatus.SERVING, served_at=timezone.now()
    )
    if not updated:
        raise DomainError("not_called", _("Call the ticket first."), status=409)
    ticket.refresh_from_db()
    return ticket


# "What was done" is stored encrypted, so the column does not limit it; the console form and
# the API schema give the same limit.
NOTES_LIMIT = 2000


def finish_ticket(
    *,
    ticket: Ticket,
    by: User,
    outcome: str = ServiceRecord.Outcome.COMPLETED,
    notes: str = "",
    services: Iterable[Service] | None = None,
) -> Ticket:
    """The visitor was served: record what was done against the person's record."""
    _require_desk(by, ticket.desk)
    if outcome not in ServiceRecord.Outcome.values:
        raise DomainError("unknown_outcome", _("Unknown outcome."))
    if len(notes or "") > NOTES_LIMIT:
        message = _("Write at most %(limit)s characters.") % {"limit": NOTES_LIMIT}
        raise DomainError("too_long", message, status=422, details={"notes": [message]})
    now = timezone.now()
    with transaction.atomic():
        updated = Ticket.objects.filter(
            pk=ticket.pk, status__in=[TicketStatus.CALLED, TicketStatus.SERVING]
        ).update(status=TicketStatus.SERVED, finished_at=now)
        if not updated:
            raise DomainError("not_in_service", _("This ticket is not being served."), status=409)
        ticket.refresh_from_db()
        if ticket.served_at is None:
            Ticket.objects.filter(pk=ticket.pk).update(served_at=ticket.called_at)
            ticket.served_at = ticket.called_at
        record = ServiceRecord.objects.create(
            ticket=ticket,
            person=ticket.visit.person,
            outcome=outcome,
            notes=notes,
            recorded_by=by,
        )
        record.services.set(services if services is not None else ticket.services.all())
    return ticket


def mark_no_show(*, ticket: Ticket, by: User) -> Ticket:
    _require_desk(by, ticket.desk)
    updated = Ticket.objects.filter(pk=ticket.pk, status=TicketStatus.CALLED).update(
        status=TicketStatus.NO_SHOW, finished_at=timezone.now()
    )
    if not updated:
        raise DomainError("not_called", _("Only a called ticket can be a no-show."), status=409)
    ticket.refresh_from_db()
    return ticket


def transfer_ticket(
    *, ticket: Ticket, to_desk: Desk, by: User, services: Iterable[Service] = ()
) -> Ticket:
    """Send the visitor to another desk: a new ticket there, ahead of that desk's line, since
    the visitor has already waited once."""
    _require_desk(by, ticket.desk)
    if to_desk.office_id != ticket.office_id or not to_desk.is_active or to_desk == ticket.desk:
        raise DomainError("unknown_desk", _("Choose another desk of this office."))
    now = timezone.now()
    with transaction.atomic():
        updated = Ticket.objects.filter(pk=ticket.pk, status__in=OPEN_STATUSES).update(
            status=TicketStatus.TRANSFERRED, finished_at=now
        )
        if not updated:
            raise DomainError("closed", _("This ticket is already closed."), status=409)
        new = Ticket.objects.create(
            visit=ticket.visit,
            office=ticket.office,
            desk=to_desk,
            day=ticket.day,
            number=next_number(to_desk, ticket.day),
            prefix=to_desk.prefix,
            is_priority=True,
            issued_at=now,
            transferred_from=ticket,
        )
        new.services.set([s for s in services if s.desk_id == to_desk.pk])
    return new


# --- Retention (the schedule's purges, `retention.py`) ------------------------------------------


def age_band_on(person: Person, day: datetime.date) -> str:
    """The visit's own age band for this person on `day` (the reports' bands)."""
    age = person.age_on(day)
    if age is None or age < 0:
        return AgeBand.UNKNOWN
    if age < 18:
        return AgeBand.UNDER_18
    if age < 25:
        return AgeBand.YOUNG
    if age < 40:
        return AgeBand.ADULT
    if age < 60:
        return AgeBand.MIDDLE
    return AgeBand.OLDER


def anonymise_visits(pks: list[int], context: RunContext | None = None) -> list[int]:
    """Take the person off these visits (keeping their sex and age band on the visit) and erase
    the desks' notes; the audit trail loses the person and the notes too. The retention
    schedule's purge of the record class `visits` (`retention.py`)."""
    visits = list(Visit.objects.filter(pk__in=pks).select_related("person"))
    ids = [visit.pk for visit in visits]
    records = list(
        ServiceRecord.objects.filter(ticket__visit_id__in=ids).values_list("pk", flat=True)
    )
    with keep_aggregates(records=[(Visit, ids)]):
        for visit in visits:
            if visit.person is None:
                continue
            visit.sex = visit.person.sex
            visit.age_band = age_band_on(visit.person, visit.day)
            visit.person = None
            visit.save(update_fields=["sex", "age_band", "person"])
        ServiceRecord.objects.filter(pk__in=records).update(person=None, notes="")
        erase_audit_values(Visit, ids, fields=("person",))
        erase_audit_values(ServiceRecord, records, fields=("person", "notes"))
    return ids
