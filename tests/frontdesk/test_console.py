"""The desk console through the test client: calling, serving, no-shows, transfers,
permissions, the polled waiting line, and two officers calling at once."""

from __future__ import annotations

import re
import threading

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.urls import reverse

from satuatap.core.roles import Role
from satuatap.frontdesk.models import Service, ServiceRecord, Ticket, TicketStatus
from satuatap.frontdesk.services import call_next, check_in
from tests.factories import DeskFactory, PersonFactory, UserFactory


def _issue(frontdesk, service, **extra):
    person = extra.pop("person", None) or PersonFactory()
    return check_in(by=frontdesk, services=[service], person=person, **extra).tickets.get()


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def officer(make_user, desks):
    return make_user(Role.DESK_OFFICER, desk=desks["ketenagakerjaan"], language="en")


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


@pytest.fixture
def labour(desks):
    return desks["ketenagakerjaan"]


def _url(name, desk, ticket=None):
    args = [desk.pk] if ticket is None else [desk.pk, ticket.pk]
    return reverse(f"frontdesk:{name}", args=args)


@pytest.mark.django_db
def test_desk_officer_lands_on_own_desk_console_from_the_desk_list(officer_client, labour):
    response = officer_client.get(reverse("frontdesk:desk-list"))
    assert response.status_code == 302
    assert response.url == reverse("frontdesk:console", args=[labour.pk])


@pytest.mark.django_db
def test_officer_of_two_desks_chooses_from_the_list(client, office, desks):
    user = UserFactory(
        username="both", organisation=office, roles=[Role.COUNSELLOR, Role.PLACEMENT_OFFICER]
    )
    client.force_login(user)
    response = client.get(reverse("frontdesk:desk-list"))
    assert response.status_code == 200
    body = response.content.decode()
    for code in ("ketenagakerjaan", "pengaduan-informasi"):
        assert reverse("frontdesk:console", args=[desks[code].pk]) in body
    assert reverse("frontdesk:console", args=[desks["keimigrasian"].pk]) not in body


@pytest.mark.django_db
def test_call_next_then_finish_records_the_outcome_against_the_person(
    officer_client, frontdesk, services, labour
):
    person = PersonFactory(full_name="Sri Wahyuni")
    ticket = _issue(frontdesk, services["registration"], person=person)

    response = officer_client.post(_url("console-call-next", labour))
    assert response.status_code == 302 and response.url == _url("console", labour)
    assert _messages(response) == [f"Called {ticket.code}."]

    page = officer_client.get(_url("console", labour)).content.decode()
    assert ticket.code in page
    assert "Sri Wahyuni" in page
    assert reverse("people:detail", args=[person.pk]) in page

    officer_client.post(_url("console-start", labour, ticket))
    response = officer_client.post(
        _url("console-finish", labour, ticket),
        {
            "outcome": ServiceRecord.Outcome.INCOMPLETE_DOCUMENTS,
            "notes": "  KK belum dibawa ",
            "services": [services["registration"].pk],
        },
    )

    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.SERVED
    record = ServiceRecord.objects.get(ticket=ticket)
    assert record.person == person
    assert (record.outcome, record.notes) == ("incomplete", "KK belum dibawa")
    assert list(record.services.all()) == [services["registration"]]
    assert list(person.service_records.all()) == [record]


@pytest.mark.django_db
def test_no_show_closes_the_called_ticket(officer_client, officer, frontdesk, services, labour):
    ticket = _issue(frontdesk, services["registration"])
    call_next(desk=labour, by=officer)

    response = officer_client.post(_url("console-no-show", labour, ticket))

    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.NO_SHOW


@pytest.mark.django_db
def test_transfer_creates_a_new_ticket_at_the_other_desk(
    officer_client, officer, frontdesk, services, labour, desks
):
    ticket = _issue(frontdesk, services["registration"])
    call_next(desk=labour, by=officer)
    immigration = desks["keimigrasian"]

    response = officer_client.post(
        _url("console-transfer", labour, ticket),
        {"to_desk": immigration.pk, "services": [services["passport"].pk]},
    )

    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.TRANSFERRED
    new = Ticket.objects.get(transferred_from=ticket)
    assert (new.desk, new.status, new.is_priority) == (immigration, TicketStatus.WAITING, True)
    assert list(new.services.all()) == [services["passport"]]
    assert _messages(response) == [f"{ticket.code} is sent to {immigration} as {new.code}."]


@pytest.mark.django_db
def test_transfer_refuses_services_of_another_desk(
    officer_client, officer, frontdesk, services, labour, desks
):
    ticket = _issue(frontdesk, services["registration"])
    call_next(desk=labour, by=officer)

    officer_client.post(
        _url("console-transfer", labour, ticket),
        {"to_desk": desks["keimigrasian"].pk, "services": [services["information"].pk]},
    )

    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.CALLED
    assert not Ticket.objects.filter(transferred_from=ticket).exists()


@pytest.mark.django_db
def test_call_a_specific_ticket_and_call_it_again(officer_client, frontdesk, services, labour):
    first = _issue(frontdesk, services["registration"])
    second = _issue(frontdesk, services["registration"])

    response = officer_client.post(_url("console-call", labour, second))
    assert _messages(response) == [f"Called {second.code}."]
    response = officer_client.post(_url("console-call", labour, second))
    assert _messages(response)[-1] == f"Called {second.code} again."

    second.refresh_from_db()
    first.refresh_from_db()
    assert (second.status, second.call_count) == (TicketStatus.CALLED, 2)
    assert first.status == TicketStatus.WAITING


@pytest.mark.django_db
def test_priority_ticket_is_called_before_an_earlier_normal_one(
    officer_client, frontdesk, services, labour
):
    _issue(frontdesk, services["registration"])
    elderly = _issue(frontdesk, services["registration"], priority="elderly")

    line = officer_client.get(_url("console", labour)).content.decode()
    assert line.index(elderly.code) < line.index("A-001")
    assert "Elderly person" in line

    response = officer_client.post(_url("console-call-next", labour))

    assert _messages(response) == [f"Called {elderly.code}."]


@pytest.mark.django_db
def test_domain_errors_become_messages(officer_client, frontdesk, services, labour):
    ticket = _issue(frontdesk, services["registration"])

    response = officer_client.post(
        _url("console-finish", labour, ticket), {"outcome": "completed"}, follow=True
    )

    assert response.status_code == 200
    assert "This ticket is not being served." in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.WAITING


@pytest.mark.django_db
def test_call_next_with_nobody_waiting_says_so(officer_client, labour):
    response = officer_client.post(_url("console-call-next", labour))
    assert _messages(response) == ["Nobody is waiting."]


@pytest.mark.django_db
def test_waiting_line_fragment_for_htmx_and_full_page_otherwise(
    officer_client, frontdesk, services, labour
):
    ticket = _issue(frontdesk, services["registration"])

    page = officer_client.get(_url("console", labour))
    fragment = officer_client.get(_url("console", labour), headers={"HX-Request": "true"})

    assert [t.name for t in page.templates][0] == "frontdesk/console.html"
    assert [t.name for t in fragment.templates][0] == "frontdesk/_console_line.html"
    assert b"<html" not in fragment.content and ticket.code in fragment.content.decode()
    assert b'hx-trigger="every 5s"' in page.content


@pytest.mark.django_db
def test_the_console_shows_the_line_in_calling_order_whatever_the_issue_times(
    officer_client, frontdesk, services, labour
):
    from tests.frontdesk.test_queue import LINE, issue_with_shuffled_times

    issue_with_shuffled_times(frontdesk, services["registration"])

    page = officer_client.get(_url("console", labour)).content.decode()
    called = []
    for _ in LINE:
        response = officer_client.post(_url("console-call-next", labour), follow=True)
        called += [m.removeprefix("Called ").rstrip(".") for m in _messages(response)]

    assert re.findall(r"Call (A-\d{3})", page) == LINE
    assert called == LINE


@pytest.mark.django_db
def test_waiting_line_query_count_does_not_grow_with_the_line(
    officer_client, frontdesk, services, labour, django_assert_max_num_queries
):
    for n in range(40):
        _issue(frontdesk, services["registration"], priority="pregnant" if n % 5 == 0 else "")
    with django_assert_max_num_queries(8):
        response = officer_client.get(_url("console", labour), headers={"HX-Request": "true"})
    assert response.content.decode().count("Call A-0") == 40


@pytest.mark.django_db
def test_front_desk_cannot_work_a_desk(client, frontdesk, services, labour):
    ticket = _issue(frontdesk, services["registration"])
    client.force_login(frontdesk)

    response = client.get(reverse("frontdesk:desk-list"))
    client.post(_url("console-call", labour, ticket))  # refused: tests/security/access_matrix.py

    assert reverse("frontdesk:console", args=[labour.pk]) not in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.WAITING


@pytest.mark.django_db
def test_officer_of_desk_a_cannot_call_at_desk_b(officer_client, frontdesk, services, desks):
    immigration = desks["keimigrasian"]
    ticket = _issue(frontdesk, services["passport"])

    assert officer_client.get(_url("console", immigration)).status_code == 403
    assert officer_client.post(_url("console-call-next", immigration)).status_code == 403
    assert officer_client.post(_url("console-call", immigration, ticket)).status_code == 403
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.WAITING


@pytest.mark.django_db
def test_a_ticket_of_another_desk_is_not_found_through_this_desk(
    officer_client, frontdesk, services, labour
):
    ticket = _issue(frontdesk, services["passport"])

    response = officer_client.post(_url("console-call", labour, ticket))

    assert response.status_code == 404
    assert ticket.code not in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.WAITING and ticket.called_at is None


@pytest.mark.django_db
def test_desks_of_another_office_are_not_found(officer_client, make_user, other_office):
    desk = DeskFactory(office=other_office)
    service = Service.objects.create(
        office=other_office, desk=desk, name_id="Layanan lain", target_minutes=10
    )
    their_frontdesk = make_user(Role.FRONTDESK, organisation=other_office, username="their.fd")
    ticket = _issue(their_frontdesk, service, person=PersonFactory(office=other_office))

    console = officer_client.get(_url("console", desk))
    called = officer_client.post(_url("console-call-next", desk))

    assert console.status_code == 404 and called.status_code == 404
    body = console.content.decode() + called.content.decode()
    assert ticket.code not in body and ticket.visit.person.full_name not in body
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.WAITING


OFFICERS = 2
CALLS_EACH = 6
WAITING = 10


@pytest.mark.django_db(transaction=True)
def test_two_officers_calling_next_at_once_never_get_the_same_ticket(
    make_user, frontdesk, services, desks
):
    desk = desks["ketenagakerjaan"]
    officers = [
        make_user(Role.DESK_OFFICER, desk=desk, username=f"officer{n}", language="en")
        for n in range(OFFICERS)
    ]
    for _ in range(WAITING):
        _issue(frontdesk, services["registration"])
    clients = []
    for officer in officers:
        client = Client()
        client.force_login(officer)
        clients.append(client)
    barrier = threading.Barrier(OFFICERS)
    got: dict[str, list[str]] = {officer.username: [] for officer in officers}
    failures: list[BaseException] = []

    def work(officer, client) -> None:
        try:
            barrier.wait()
            for _ in range(CALLS_EACH):
                response = client.post(_url("console-call-next", desk))
                assert response.status_code == 302
                # Unread messages pile up in the cookie: this call's is the last one.
                latest = _messages(response)[-1]
                got[officer.username] += re.findall(r"[A-Z]{1,2}-\d{3}", latest)
        except BaseException as error:  # noqa: BLE001 - reported below
            failures.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=work, args=pair) for pair in zip(officers, clients, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert failures == []
    codes = [code for codes in got.values() for code in codes]
    assert len(codes) == WAITING and len(set(codes)) == WAITING
    tickets = {t.code: t for t in Ticket.objects.filter(desk=desk)}
    assert set(codes) == set(tickets)
    for officer in officers:
        for code in got[officer.username]:
            assert tickets[code].called_by_id == officer.pk
            assert tickets[code].call_count == 1
    assert all(t.status == TicketStatus.CALLED for t in tickets.values())
