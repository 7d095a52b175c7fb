"""The arrival kiosk (`/arrival/`): a visitor scans the QR code of a visit booked in the portal
and gets the desk's number, checked in by the kiosk (never by a user, never twice)."""

from __future__ import annotations

import datetime

import pytest
from auditlog.models import LogEntry
from django.db import IntegrityError, transaction
from django.test import Client

from satuatap.core.exceptions import DomainError
from satuatap.frontdesk import devices
from satuatap.frontdesk import services as frontdesk_services
from satuatap.frontdesk.bookings import services as booking_services
from satuatap.frontdesk.devices import services as device_services
from satuatap.frontdesk.models import Device, DevicePairing, Ticket, Visit, VisitSlot
from tests.factories import PersonFactory, pair_device

pytestmark = pytest.mark.django_db

SITE = "https://satuatap.example.go.id"


@pytest.fixture
def kiosk(office, head):
    device, raw = pair_device(
        office=office, kind=Device.Kind.ARRIVAL_KIOSK, by=head, name="Lobi depan"
    )
    client = Client()
    client.cookies[devices.DEVICE_COOKIE] = raw
    client.device = device
    return client


@pytest.fixture
def booking(worker, office, slot_today, registration_service):
    return booking_services.book_visit(
        person=worker, slot=slot_today, service=registration_service, day=office.today()
    )


def _scan(kiosk, scanned: str):
    return kiosk.post("/arrival/", {"scanned": scanned})


def test_a_scanned_booking_becomes_one_ticket_checked_in_by_the_kiosk(
    kiosk, booking, worker, office, registration_service, frontdesk
):
    walk_in = frontdesk_services.check_in(
        by=frontdesk, services=[registration_service], person=PersonFactory(office=office)
    )

    first = _scan(kiosk, f"{SITE}/frontdesk/bookings/{booking.token}/")

    assert first.status_code == 201
    booking.refresh_from_db()
    visit = booking.visit
    assert (visit.checked_in_device, visit.checked_in_by) == (kiosk.device, None)
    ticket = Ticket.objects.get(visit=visit)
    # Numbered like any walk-in: the desk-day's next number, shown on the kiosk.
    assert (Ticket.objects.get(visit=walk_in).number, ticket.number) == (1, 2)
    page = first.content.decode()
    assert ticket.code in page and 'data-testid="arrival-ticket"' in page
    # A public screen: the visitor's name, NIK and booking reference are not on it.
    for secret in (worker.full_name, worker.nik, booking.reference):
        assert secret not in page

    # Scanned again (at the kiosk, then at the front desk): the same visit, one ticket.
    again = _scan(kiosk, booking.reference.lower())
    assert again.status_code == 200 and ticket.code in again.content.decode()
    desk_visit, is_new = booking_services.check_in_booking(booking=booking, by=frontdesk)
    assert (desk_visit, is_new) == (visit, False)
    assert Visit.objects.filter(person=worker).count() == 1


def test_the_kiosk_page_asks_for_the_booking_without_javascript(kiosk):
    response = kiosk.get("/arrival/")
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="arrival-form"' in page and 'name="scanned"' in page
    assert "autofocus" in page and "csrfmiddlewaretoken" in page
    assert "Pindai kode QR pemesanan" in page  # Indonesian first


@pytest.mark.parametrize("scanned", ["NOPE2345", f"{SITE}/frontdesk/bookings/not-a-token/", ""])
def test_an_unknown_code_is_refused_with_a_translated_error_and_nothing_changes(
    kiosk, booking, scanned
):
    response = _scan(kiosk, scanned)

    assert response.status_code in (404, 422)
    page = response.content.decode()
    assert 'data-testid="arrival-error"' in page
    if scanned:
        assert "Tidak ada pemesanan di kantor ini dengan kode ini" in page
    assert not Visit.objects.exists()


def test_another_offices_booking_does_not_exist_at_this_kiosk(booking, other_office, make_user):
    from satuatap.core.roles import Role

    other_head = make_user(Role.OFFICE_HEAD, organisation=other_office)
    _device, raw = pair_device(office=other_office, kind=Device.Kind.ARRIVAL_KIOSK, by=other_head)
    stranger = Client()
    stranger.cookies[devices.DEVICE_COOKIE] = raw

    assert _scan(stranger, booking.token).status_code == 404
    with pytest.raises(DomainError) as refused:
        booking_services.check_in_booking_at_kiosk(booking=booking, device=_device)
    assert refused.value.code == "forbidden"
    assert not Visit.objects.exists()


def test_a_cancelled_booking_or_one_for_another_day_gets_no_ticket(
    kiosk, booking, worker, office, labour_desk, registration_service
):
    booking_services.cancel_booking(booking=booking, person=worker)
    response = _scan(kiosk, booking.token)
    assert response.status_code == 409
    assert "Pemesanan ini sudah dibatalkan." in response.content.decode()

    tomorrow = office.today() + datetime.timedelta(days=1)
    slot = VisitSlot.objects.create(
        office=office, desk=labour_desk, weekday=tomorrow.weekday(), starts_at="09:00", capacity=1
    )
    later = booking_services.book_visit(
        person=worker, slot=slot, service=registration_service, day=tomorrow
    )
    response = _scan(kiosk, later.token)
    assert response.status_code == 409
    assert tomorrow.strftime("%d/%m/%Y") in response.content.decode()
    assert not Visit.objects.exists()


def test_only_an_arrival_kiosk_that_is_still_paired_checks_in(kiosk, booking, office, head):
    exit_kiosk, _raw = pair_device(office=office, kind=Device.Kind.EXIT_KIOSK, by=head)
    with pytest.raises(DomainError):
        booking_services.check_in_booking_at_kiosk(booking=booking, device=exit_kiosk)

    device_services.revoke_device(device=kiosk.device, by=head)
    kiosk.device.refresh_from_db()
    with pytest.raises(DomainError):
        booking_services.check_in_booking_at_kiosk(booking=booking, device=kiosk.device)
    # The revoked kiosk's page shows a new pairing code, and checks nobody in.
    response = _scan(kiosk, booking.token)
    assert response.status_code == 200 and 'data-testid="pairing-code"' in response.content.decode()
    assert not Visit.objects.exists()


def test_an_unpaired_browser_at_the_arrival_page_shows_a_code_for_an_arrival_kiosk(client):
    response = client.get("/arrival/")
    assert response.status_code == 200 and 'data-testid="pairing-code"' in response.content.decode()
    assert DevicePairing.objects.get().kind == Device.Kind.ARRIVAL_KIOSK


def test_a_visit_is_checked_in_by_staff_or_by_a_kiosk_never_both_nor_neither(
    kiosk, office, frontdesk
):
    for by, device in ((None, None), (frontdesk, kiosk.device)):
        with pytest.raises(IntegrityError), transaction.atomic():
            Visit.objects.create(
                office=office, day=office.today(), checked_in_by=by, checked_in_device=device
            )


def test_the_kiosks_check_in_is_in_the_audit_trail_as_the_kiosks(kiosk, booking):
    _scan(kiosk, booking.token)
    booking.refresh_from_db()
    entry = LogEntry.objects.get_for_object(booking.visit).get()
    assert entry.actor is None
    assert entry.changes_dict["checked_in_device"][1] == str(kiosk.device.pk)
    assert all(booking.token not in str(e.changes) for e in LogEntry.objects.all())


def test_the_arrival_kiosks_credential_opens_nothing_else(kiosk):
    for url in ("/", "/frontdesk/bookings/", "/frontdesk/check-in/", "/people/"):
        response = kiosk.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert kiosk.get("/api/v1/auth/me").status_code == 401
    # The other devices' pages send it back to its own.
    for url in ("/display/", "/kiosk/"):
        assert kiosk.get(url)["Location"] == "/arrival/"
    assert kiosk.get("/display/now/").status_code == 404
