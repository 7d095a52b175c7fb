"""The front desk checks a visitor in through the check-in page; the desk officer calls the
next ticket from the console, and the calling screen on the waiting-room TV (a paired device, no
sign-in) shows it within 2 seconds."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from satuatap.core.models import DeskType
from satuatap.core.roles import Role
from satuatap.frontdesk import devices
from satuatap.frontdesk.devices import services as device_services
from satuatap.frontdesk.models import Device, Service, TicketStatus
from satuatap.frontdesk.services import call_next, check_in
from tests.browser.conftest import SCREENSHOTS
from tests.factories import PASSWORD, DeskFactory, PersonFactory, ServiceFactory, pair_device

pytestmark = pytest.mark.django_db(transaction=True)


def test_desk_officer_calls_next_and_the_calling_screen_shows_it(
    live_server, page, browser, make_user, office
):
    desk = DeskFactory(office=office)
    ServiceFactory(desk=desk, allows_anonymous=True)
    frontdesk = make_user(Role.FRONTDESK, username="cirebon.frontdesk", language="en")
    make_user(Role.DESK_OFFICER, username="cirebon.loket-a", desk=desk, language="en")
    head = make_user(Role.OFFICE_HEAD)
    person = PersonFactory(
        office=office, full_name="Sulastri Wulandari", name_key="sulastri wulandari"
    )
    # Other desks of the office: immigration has called two visitors already, the MRC none.
    immigration = DeskFactory(office=office, desk_type=DeskType.objects.get(code="keimigrasian"))
    DeskFactory(office=office, desk_type=DeskType.objects.get(code="pengaduan-informasi"))
    passport = Service.objects.create(
        office=office, desk=immigration, name_id="Paspor", target_minutes=30
    )
    immigration_officer = make_user(Role.DESK_OFFICER, username="imi", desk=immigration)
    for _ in range(3):
        check_in(by=frontdesk, services=[passport], person=PersonFactory(office=office))
    for _ in range(2):
        call_next(desk=immigration, by=immigration_officer)
    screen, credential = pair_device(office=office, kind=Device.Kind.CALLING_SCREEN, by=head)

    # The front desk checks the visitor in through the page and gets a printed ticket.
    desk_context = browser.new_context(viewport={"width": 1280, "height": 900})
    front = desk_context.new_page()
    front.goto(f"{live_server.url}/login/")
    front.get_by_label("Nama pengguna").fill("cirebon.frontdesk")
    front.get_by_label("Sandi").fill(PASSWORD)
    front.get_by_role("button", name="Masuk").click()
    front.goto(f"{live_server.url}/frontdesk/check-in/")
    front.get_by_label("Find the visitor by NIK, phone number or name").fill("sulastri wulandari")
    front.get_by_role("button", name="Search").click()
    # Both the type-ahead and the button fetch results: let both land before choosing, or a
    # late one replaces the list and drops the choice.
    front.wait_for_load_state("networkidle")
    front.get_by_label(re.compile("Sulastri Wulandari")).check()
    front.get_by_label(re.compile("CPMI registration")).check()
    front.get_by_role("button", name="Check in and issue tickets").click()
    # Wait for the printed tickets: the check-in is saved once the page shows them.
    front.wait_for_url(re.compile(r"/frontdesk/visits/\d+/"))
    ticket = person.visits.get().tickets.get()
    code = ticket.code
    expect(front.get_by_text(code)).to_be_visible()
    front.screenshot(path=str(SCREENSHOTS / "check-in-visit-en.png"), full_page=True)
    desk_context.close()

    # The TV: its own browser profile, never signed in, paired (its credential in a cookie).
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.context.add_cookies(
        [{"name": devices.DEVICE_COOKIE, "value": credential, "url": live_server.url}]
    )
    page.goto(f"{live_server.url}/display/")
    tile_code = page.get_by_test_id(f"desk-{desk.prefix}-code")
    expect(tile_code).not_to_contain_text(code)
    expect(page.get_by_test_id(f"desk-{immigration.prefix}-code")).to_contain_text("E-002")
    page.locator("#sound-on").click()  # whoever sets up the TV turns the sound on once
    assert page.evaluate("localStorage.getItem('satuatap.display.sound')") == "on"

    # The desk officer, in another browser profile.
    officer_context = browser.new_context(viewport={"width": 1400, "height": 900})
    console = officer_context.new_page()
    console.goto(f"{live_server.url}/login/")
    console.get_by_label("Nama pengguna").fill("cirebon.loket-a")
    console.get_by_label("Sandi").fill(PASSWORD)
    console.get_by_role("button", name="Masuk").click()
    console.goto(f"{live_server.url}/frontdesk/desks/")
    expect(console.get_by_role("heading", name=f"Desk {desk.prefix}")).to_be_visible()
    expect(console.get_by_test_id("waiting-line")).to_contain_text(code)

    console.get_by_role("button", name="Call next").click()

    expect(console.get_by_test_id(f"ticket-{code}")).to_contain_text("Sulastri Wulandari")
    expect(tile_code).to_contain_text(code, timeout=2000)
    expect(page.locator(f'[data-desk="{desk.pk}"]')).to_have_class(re.compile("is-new"))
    assert "Sulastri" not in page.content()
    console.screenshot(path=str(SCREENSHOTS / "desk-console-en.png"), full_page=True)

    console.get_by_role("button", name="Start serving").click()
    console.get_by_label("What was done").fill("Berkas pendaftaran diperiksa")
    console.get_by_role("button", name="Record and finish").click()
    expect(console.get_by_test_id("nobody-with-me")).to_be_visible()
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.SERVED
    assert ticket.record.person == person

    # The office head revokes the screen: the TV says so at its next poll.
    device_services.revoke_device(device=screen, by=head)
    expect(page.locator("#revoked")).to_be_visible(timeout=3000)
    expect(tile_code).to_have_count(0)
    officer_context.close()
