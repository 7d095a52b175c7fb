"""Booking a visit in the portal, and the booking becoming a ticket at the front desk."""

from __future__ import annotations

import datetime

import pytest
import segno

from satuatap.core.exceptions import DomainError
from satuatap.frontdesk import services as frontdesk_services
from satuatap.frontdesk.bookings import services as booking_services
from satuatap.frontdesk.models import Booking, Ticket, Visit, VisitSlot
from tests.factories import PersonFactory
from tests.portal.conftest import sign_in

pytestmark = pytest.mark.django_db


def _book(client, slot, service, day):
    return client.post(
        "/portal/book/",
        {"desk": slot.desk_id, "service": service.pk, "time": f"{slot.pk}:{day.isoformat()}"},
    )


def test_the_office_head_opens_a_time_for_booking(client, head, labour_desk):
    client.force_login(head)
    response = client.post(
        "/frontdesk/slots/",
        {"desk": labour_desk.pk, "weekday": 0, "starts_at": "09:30", "capacity": 3},
    )
    assert response.status_code == 302
    slot = VisitSlot.objects.get()
    assert (slot.desk, slot.weekday, slot.starts_at, slot.capacity) == (
        labour_desk,
        0,
        datetime.time(9, 30),
        3,
    )
    # The same time again is refused beside its field.
    again = client.post(
        "/frontdesk/slots/",
        {"desk": labour_desk.pk, "weekday": 0, "starts_at": "09:30", "capacity": 3},
    )
    assert again.status_code == 409
    assert VisitSlot.objects.count() == 1


def test_only_the_office_head_sets_visit_times(client, frontdesk, labour_desk):
    client.force_login(frontdesk)
    assert client.get("/frontdesk/slots/").status_code == 403


def test_a_booking_becomes_exactly_one_ticket_when_scanned_twice(
    client, worker, office, slot_today, registration_service, frontdesk
):
    # A walk-in takes the desk's first number of the day.
    walk_in = frontdesk_services.check_in(
        by=frontdesk, services=[registration_service], person=PersonFactory(office=office)
    )
    sign_in(client, worker)
    response = _book(client, slot_today, registration_service, office.today())
    booking = Booking.objects.get()
    assert response["Location"] == f"/portal/bookings/{booking.reference}/"
    page = client.get(response["Location"]).content.decode()
    assert booking.reference in page and "<svg" in page
    # The QR code holds the desk's page with the booking's secret token (the same SVG as the
    # code of that address).
    desk_page = f"https://satuatap.example.go.id/frontdesk/bookings/{booking.token}/"
    assert (
        segno.make(desk_page, error="m", micro=False)
        .svg_inline(scale=1, border=4, omitsize=True, svgclass="qr-code", lineclass=None)
        .split("<path", 1)[1]
        in page
    )

    desk = type(client)()
    desk.force_login(frontdesk)
    first = desk.post(f"/frontdesk/bookings/{booking.token}/")
    second = desk.post(f"/frontdesk/bookings/{booking.token}/")
    booking.refresh_from_db()
    visit = booking.visit
    assert first["Location"] == second["Location"] == f"/frontdesk/visits/{visit.pk}/"
    assert Visit.objects.filter(person=worker).count() == 1
    ticket = Ticket.objects.get(visit=visit)
    walk_in_ticket = Ticket.objects.get(visit=walk_in)
    # Numbered like any walk-in: the desk-day's next number.
    assert (walk_in_ticket.number, ticket.number) == (1, 2)
    assert ticket.desk == slot_today.desk
    assert list(ticket.services.all()) == [registration_service]


def test_the_front_desk_finds_a_booking_by_its_reference(
    client, worker, office, slot_today, registration_service, frontdesk
):
    booking = booking_services.book_visit(
        person=worker, slot=slot_today, service=registration_service, day=office.today()
    )
    client.force_login(frontdesk)
    response = client.get("/frontdesk/bookings/", {"scanned": booking.reference.lower()})
    assert response["Location"] == f"/frontdesk/bookings/{booking.token}/"
    response = client.get(
        "/frontdesk/bookings/",
        {"scanned": f"https://satuatap.example.go.id/frontdesk/bookings/{booking.token}/"},
    )
    assert response["Location"] == f"/frontdesk/bookings/{booking.token}/"
    assert client.get("/frontdesk/bookings/", {"scanned": "NOPE2345"}).status_code == 404


def test_another_offices_front_desk_cannot_open_the_booking(
    client, worker, office, other_office, slot_today, registration_service, make_user
):
    from satuatap.core.roles import Role

    booking = booking_services.book_visit(
        person=worker, slot=slot_today, service=registration_service, day=office.today()
    )
    stranger = make_user(Role.FRONTDESK, organisation=other_office)
    client.force_login(stranger)
    assert client.post(f"/frontdesk/bookings/{booking.token}/").status_code == 404
    assert not Visit.objects.exists()


def test_a_full_time_is_refused(worker, office, slot_today, registration_service):
    for _ in range(2):
        booking_services.book_visit(
            person=PersonFactory(office=office),
            slot=slot_today,
            service=registration_service,
            day=office.today(),
        )
    with pytest.raises(DomainError) as refused:
        booking_services.book_visit(
            person=worker, slot=slot_today, service=registration_service, day=office.today()
        )
    assert refused.value.code == "slot_full"


def test_a_day_that_is_not_the_slots_weekday_is_refused(
    worker, office, slot_today, registration_service
):
    with pytest.raises(DomainError) as refused:
        booking_services.book_visit(
            person=worker,
            slot=slot_today,
            service=registration_service,
            day=office.today() + datetime.timedelta(days=1),
        )
    assert refused.value.code == "slot_closed"


def test_a_booking_for_another_day_is_not_checked_in_today(
    worker, office, labour_desk, registration_service, frontdesk
):
    tomorrow = office.today() + datetime.timedelta(days=1)
    slot = VisitSlot.objects.create(
        office=office,
        desk=labour_desk,
        weekday=tomorrow.weekday(),
        starts_at=datetime.time(9, 0),
        capacity=1,
    )
    booking = booking_services.book_visit(
        person=worker, slot=slot, service=registration_service, day=tomorrow
    )
    with pytest.raises(DomainError) as refused:
        booking_services.check_in_booking(booking=booking, by=frontdesk)
    assert refused.value.code == "not_today"
    assert not Visit.objects.exists()


def test_a_person_cancels_their_booking_in_the_portal(
    client, worker, office, slot_today, registration_service
):
    sign_in(client, worker)
    _book(client, slot_today, registration_service, office.today())
    booking = Booking.objects.get()
    client.post(f"/portal/bookings/{booking.reference}/cancel/")
    booking.refresh_from_db()
    assert booking.cancelled_at is not None


def test_another_persons_booking_is_not_found_in_the_portal(
    client, worker, office, slot_today, registration_service
):
    other = booking_services.book_visit(
        person=PersonFactory(office=office),
        slot=slot_today,
        service=registration_service,
        day=office.today(),
    )
    sign_in(client, worker)
    assert client.get(f"/portal/bookings/{other.reference}/").status_code == 404


def test_a_booking_and_its_check_in_are_audited_without_the_token(
    worker, office, slot_today, registration_service, frontdesk
):
    from auditlog.models import LogEntry

    booking = booking_services.book_visit(
        person=worker, slot=slot_today, service=registration_service, day=office.today()
    )
    booking_services.check_in_booking(booking=booking, by=frontdesk)
    entries = LogEntry.objects.get_for_object(booking).order_by("pk")
    assert [entry.action for entry in entries] == [LogEntry.Action.CREATE, LogEntry.Action.UPDATE]
    assert "visit" in entries[1].changes_dict
    assert all(booking.token not in str(entry.changes) for entry in entries)
