"""The arrival kiosk on a tablet: a visitor who booked a visit in the portal scans the booking's
QR code (a hand-held scanner types its address and presses Enter) and gets the desk's queue
number on the screen; scanned again, the same number, and one visit."""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import expect

from satuatap.core.models import DeskType
from satuatap.core.roles import Role
from satuatap.frontdesk import devices
from satuatap.frontdesk.bookings import services as booking_services
from satuatap.frontdesk.models import Device, Service, Ticket, Visit, VisitSlot
from tests.factories import DeskFactory, PersonFactory, pair_device

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_visitor_scans_her_booking_at_the_arrival_kiosk_and_gets_her_number(
    live_server, page, make_user, office, screenshot, audit
):
    head = make_user(Role.OFFICE_HEAD)
    desk = DeskFactory(office=office, desk_type=DeskType.objects.get(code="ketenagakerjaan"))
    service = Service.objects.create(
        office=office, desk=desk, name_id="Pendaftaran CPMI", target_minutes=20
    )
    slot = VisitSlot.objects.create(
        office=office,
        desk=desk,
        weekday=office.today().weekday(),
        starts_at=datetime.time(23, 59),
        capacity=2,
    )
    worker = PersonFactory(office=office, full_name="Siti Aminah")
    booking = booking_services.book_visit(
        person=worker, slot=slot, service=service, day=office.today()
    )
    _kiosk, credential = pair_device(
        office=office, kind=Device.Kind.ARRIVAL_KIOSK, by=head, name="Lobi depan"
    )
    page.set_viewport_size({"width": 1024, "height": 768})
    page.context.add_cookies(
        [{"name": devices.DEVICE_COOKIE, "value": credential, "url": live_server.url}]
    )

    page.goto(f"{live_server.url}/arrival/")
    field = page.get_by_label("Kode pemesanan")
    expect(field).to_be_focused()  # the scanner types into the page as it is
    audit(page)
    screenshot("arrival-kiosk-start")
    field.type(f"{live_server.url}/frontdesk/bookings/{booking.token}/")
    page.keyboard.press("Enter")

    expect(page.get_by_test_id("arrival-ticket")).to_be_visible()
    ticket = Ticket.objects.get(visit__person=worker)
    expect(page.get_by_test_id("ticket-code")).to_have_text(ticket.code)
    expect(page.get_by_text("Siti Aminah")).to_have_count(0)
    audit(page)
    screenshot("arrival-kiosk-ticket")

    # The next scan is taken on this page as it is: the same booking shows the same number.
    page.get_by_label("Pengunjung berikutnya: kode pemesanan").type(booking.reference)
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("ticket-code")).to_have_text(ticket.code)
    expect(page.get_by_role("heading", level=1)).to_contain_text("sudah didaftarkan hadir")
    assert Visit.objects.filter(person=worker).count() == 1
    assert Visit.objects.get(person=worker).checked_in_device_id == _kiosk.pk
    # "Done" goes back to the start.
    page.get_by_role("link", name="Selesai").click()
    expect(page.get_by_test_id("arrival-kiosk")).to_be_visible()
