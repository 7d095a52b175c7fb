"""Calling tickets: priority first, exclusivity, transfers, finishing and no-shows."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.db import connection
from django.utils import timezone

from satuatap.core.exceptions import DomainError
from satuatap.core.roles import Role
from satuatap.frontdesk.models import ServiceRecord, Ticket, TicketStatus
from satuatap.frontdesk.selectors import waiting_ahead, waiting_line
from satuatap.frontdesk.services import (
    call_next,
    call_ticket,
    check_in,
    finish_ticket,
    mark_no_show,
    start_serving,
    transfer_ticket,
)
from tests.factories import PersonFactory


def _ticket(visit):
    return visit.tickets.get()


@pytest.mark.django_db
def test_priority_visitor_is_called_before_earlier_visitors(frontdesk, desk_officer, services):
    first = check_in(by=frontdesk, services=[services["registration"]], person=PersonFactory())
    check_in(by=frontdesk, services=[services["registration"]], person=PersonFactory())
    pregnant = check_in(
        by=frontdesk,
        services=[services["registration"]],
        person=PersonFactory(),
        priority="pregnant",
    )
    desk = _ticket(first).desk

    order = [call_next(desk=desk, by=desk_officer).code for _ in range(3)]

    assert order == [_ticket(pregnant).code, "A-001", "A-002"]
    assert call_next(desk=desk, by=desk_officer) is None


# Seconds after the first check-in at which each ticket (A-001, A-002, …) took its issue time.
# Check-ins at the same moment take their time before their number, so under load the times
# come out of order; A-005 is a pregnant woman's.
SHUFFLED_SECONDS = [0, 9, 1, 8, 2, 7, 3, 6, 4, 5]
PRIORITY_NUMBER = 5


def issue_with_shuffled_times(frontdesk, service) -> list[Ticket]:
    """Ten tickets at one desk whose issue times are not in the order of their numbers."""
    tickets = []
    for number in range(1, len(SHUFFLED_SECONDS) + 1):
        priority = "pregnant" if number == PRIORITY_NUMBER else ""
        visit = check_in(
            by=frontdesk, services=[service], person=PersonFactory(), priority=priority
        )
        tickets.append(_ticket(visit))
    start = tickets[0].issued_at
    for ticket, seconds in zip(tickets, SHUFFLED_SECONDS, strict=True):
        ticket.issued_at = start + datetime.timedelta(seconds=seconds)
        ticket.save(update_fields=["issued_at"])
    return tickets


# The calling order: the priority ticket, then the others by number.
LINE = ["A-005", "A-001", "A-002", "A-003", "A-004", "A-006", "A-007", "A-008", "A-009", "A-010"]


@pytest.mark.django_db
def test_the_line_is_priority_then_number_whatever_the_issue_times(
    frontdesk, desk_officer, services
):
    desk = issue_with_shuffled_times(frontdesk, services["registration"])[0].desk

    line = list(waiting_line(desk))
    ahead = [waiting_ahead(ticket) for ticket in line]
    called = [call_next(desk=desk, by=desk_officer).code for _ in LINE]

    assert [ticket.code for ticket in line] == LINE
    assert ahead == list(range(len(LINE)))
    assert called == LINE


@pytest.mark.django_db
def test_serving_and_finishing_records_what_was_done_against_the_person(
    frontdesk, desk_officer, services
):
    person = PersonFactory()
    visit = check_in(by=frontdesk, services=[services["registration"]], person=person)
    ticket = call_next(desk=_ticket(visit).desk, by=desk_officer)
    start_serving(ticket=ticket, by=desk_officer)

    finish_ticket(ticket=ticket, by=desk_officer, outcome="incomplete", notes="KK missing")

    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.SERVED
    assert ticket.issued_at <= ticket.called_at <= ticket.served_at <= ticket.finished_at
    record = ServiceRecord.objects.get(ticket=ticket)
    assert (record.person, record.outcome, record.notes) == (person, "incomplete", "KK missing")
    assert list(record.services.all()) == [services["registration"]]
    assert list(person.service_records.all()) == [record]


@pytest.mark.django_db
def test_no_show_closes_the_ticket(frontdesk, desk_officer, services):
    visit = check_in(by=frontdesk, services=[services["registration"]], person=PersonFactory())
    ticket = call_next(desk=_ticket(visit).desk, by=desk_officer)
    mark_no_show(ticket=ticket, by=desk_officer)
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.NO_SHOW and ticket.finished_at is not None
    with pytest.raises(DomainError):
        finish_ticket(ticket=ticket, by=desk_officer)


@pytest.mark.django_db
def test_transfer_issues_a_priority_ticket_at_the_other_desk(
    frontdesk, desk_officer, services, desks
):
    check_in(by=frontdesk, services=[services["passport"]], person=PersonFactory())
    visit = check_in(by=frontdesk, services=[services["registration"]], person=PersonFactory())
    ticket = call_next(desk=_ticket(visit).desk, by=desk_officer)

    new = transfer_ticket(
        ticket=ticket,
        to_desk=desks["keimigrasian"],
        by=desk_officer,
        services=[services["passport"]],
    )

    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.TRANSFERRED
    assert (new.code, new.is_priority, new.transferred_from) == ("E-002", True, ticket)
    assert new.visit == visit
    assert list(new.services.all()) == [services["passport"]]


@pytest.mark.django_db
def test_call_again_and_call_a_specific_ticket(frontdesk, desk_officer, services):
    a = _ticket(check_in(by=frontdesk, services=[services["registration"]], person=PersonFactory()))
    b = _ticket(check_in(by=frontdesk, services=[services["registration"]], person=PersonFactory()))

    called = call_ticket(ticket=b, by=desk_officer)
    again = call_ticket(ticket=called, by=desk_officer)

    assert (called.status, again.call_count) == (TicketStatus.CALLED, 2)
    assert call_next(desk=a.desk, by=desk_officer) == a


@pytest.mark.django_db
def test_officers_work_only_their_own_desk(frontdesk, make_user, services, desks):
    visit = check_in(by=frontdesk, services=[services["registration"]], person=PersonFactory())
    immigration = make_user(Role.DESK_OFFICER, desk=desks["keimigrasian"], username="imi")
    counsellor = make_user(Role.COUNSELLOR, username="mrc")
    for outsider in (immigration, counsellor, frontdesk):
        with pytest.raises(DomainError) as error:
            call_next(desk=_ticket(visit).desk, by=outsider)
        assert error.value.status == 403
    assert call_next(desk=desks["pengaduan-informasi"], by=counsellor) is None


OFFICERS = 4
TICKETS = 60


@pytest.mark.django_db(transaction=True)
def test_two_officers_never_call_the_same_ticket(frontdesk, make_user, services, desks):
    officers = [
        make_user(Role.DESK_OFFICER, desk=desks["ketenagakerjaan"], username=f"officer{n}")
        for n in range(OFFICERS)
    ]
    for _ in range(TICKETS):
        check_in(by=frontdesk, services=[services["registration"]], person=PersonFactory())
    desk = desks["ketenagakerjaan"]
    barrier = threading.Barrier(OFFICERS)
    called: list[int] = []
    failures: list[BaseException] = []
    lock = threading.Lock()

    def work(officer) -> None:
        try:
            barrier.wait()
            while (ticket := call_next(desk=desk, by=officer)) is not None:
                with lock:
                    called.append(ticket.pk)
        except BaseException as error:  # noqa: BLE001 - an officer told "busy" is a failure
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(o,)) for o in officers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert failures == []
    assert len(called) == TICKETS and len(set(called)) == TICKETS
    assert not Ticket.objects.filter(status=TicketStatus.WAITING).exists()


@pytest.mark.django_db
def test_tickets_of_yesterday_are_not_called_today(frontdesk, desk_officer, services, monkeypatch):
    yesterday = timezone.now() - datetime.timedelta(days=1)
    monkeypatch.setattr(timezone, "now", lambda: yesterday)
    visit = check_in(by=frontdesk, services=[services["registration"]], person=PersonFactory())
    monkeypatch.undo()
    assert call_next(desk=_ticket(visit).desk, by=desk_officer) is None
