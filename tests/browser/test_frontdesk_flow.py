"""The front desk in one flow, counted in interactions (a click, a choice in a list, or the
keys typed into one field, counted once per field): a returning worker found by NIK to a
printed ticket in 4 or fewer; a walk-in who is not registered yet, registered on the check-in
page itself (no new tab), chosen, ticketed and printed in 12 or fewer. Every page on the way is
checked with axe."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from satuatap.core.models import DeskType
from satuatap.core.roles import Role
from satuatap.frontdesk.models import Visit
from satuatap.people.models import Person
from satuatap.people.names import name_key
from tests.browser.conftest import SCREENSHOTS
from tests.browser.session import sign_in
from tests.factories import DeskFactory, PersonFactory, ServiceFactory

pytestmark = pytest.mark.django_db(transaction=True)

RETURNING_NIK = "3209015403950001"
NEW_NIK = "3209375403960002"  # a woman born 14 March 1996 in Gempol, Kabupaten Cirebon


class Interactions:
    """Does what the officer does, and counts it: each click or choice once, each field typed
    into once however many keys (Enter in a field typed into is part of that entry)."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.count = 0
        self.typed_into: set[str] = set()

    def _field(self, locator: Locator) -> str:
        return locator.evaluate("e => e.id || e.name")

    def type(self, locator: Locator, text: str, *, enter: bool = False) -> None:
        key = self._field(locator)
        if key not in self.typed_into:
            self.typed_into.add(key)
            self.count += 1
        locator.fill(text)
        if enter:
            locator.press("Enter")

    def click(self, locator: Locator) -> None:
        self.count += 1
        locator.click()

    def check(self, locator: Locator) -> None:
        self.count += 1
        locator.check()

    def select(self, locator: Locator, value: str) -> None:
        self.count += 1
        locator.select_option(value)


@pytest.fixture
def front(live_server, browser, make_user, office):
    desk = DeskFactory(office=office, desk_type=DeskType.objects.get(code="ketenagakerjaan"))
    ServiceFactory(desk=desk)
    make_user(Role.FRONTDESK, username="cirebon.frontdesk", language="en")
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    # The print dialog is recorded instead of opened (the test cannot press its buttons).
    context.add_init_script("window.print = () => { window.__printed = true; };")
    page = context.new_page()
    sign_in(page, live_server.url, "cirebon.frontdesk")
    yield page
    context.close()


def _printed(page: Page, code: str) -> None:
    expect(page.get_by_test_id("ticket")).to_contain_text(code)
    for _ in range(50):
        if page.evaluate("() => window.__printed === true"):
            break
        page.wait_for_timeout(100)
    assert page.evaluate("() => window.__printed === true")


def test_a_returning_worker_found_by_nik_is_ticketed_in_four_interactions(
    live_server, front, office, audit
):
    worker = PersonFactory(
        office=office, nik=RETURNING_NIK, full_name="Sulastri", name_key=name_key("Sulastri")
    )
    act = Interactions(front)
    front.goto(f"{live_server.url}/frontdesk/check-in/")
    audit(front)

    act.type(front.get_by_label("Find the visitor by NIK, phone number or name"), RETURNING_NIK)
    # A NIK is one person's: its one match is ticked at once.
    expect(front.get_by_label(re.compile("Sulastri"))).to_be_checked()
    audit(front)
    act.check(front.get_by_label(re.compile("CPMI registration")))
    act.click(front.get_by_role("button", name="Check in and issue tickets"))
    front.wait_for_url(re.compile(r"/frontdesk/visits/\d+/"))
    code = Visit.objects.get(person=worker).tickets.get().code
    audit(front)
    act.click(front.get_by_test_id("print-tickets"))
    _printed(front, code)

    assert act.count <= 4, act.count


def test_a_new_walk_in_is_registered_inline_and_ticketed_in_twelve_interactions(
    live_server, front, office, audit
):
    act = Interactions(front)
    front.goto(f"{live_server.url}/frontdesk/check-in/")
    pages_before = len(front.context.pages)

    act.type(front.get_by_label("Find the visitor by NIK, phone number or name"), NEW_NIK)
    expect(front.get_by_test_id("checkin-people")).to_contain_text("No one matches")
    act.click(front.get_by_test_id("open-register"))
    panel = front.get_by_test_id("checkin-register")
    expect(panel.get_by_label("NIK", exact=True)).to_have_value(NEW_NIK)  # carried over
    # The village picker opens at the office's regency, its districts listed.
    expect(panel.get_by_label("Regency or city", exact=True)).to_have_value("32.09")
    # No sex is chosen for the officer.
    expect(panel.get_by_label("Sex")).to_have_value("")
    audit(front)

    act.type(panel.get_by_label("Full name"), "Dewi Kartika")
    act.select(panel.get_by_label("Sex"), "F")
    search = panel.get_by_label("Find a village, district or regency by name")
    # A name two villages of the regency share: the picker says so instead of taking neither.
    act.type(search, "Karangsari", enter=True)
    status = panel.locator("[data-region-picker-status]")
    expect(status).to_contain_text("could be several places")
    expect(
        panel.get_by_role("button", name="Desa Karangsari, Kec. Weru, Kab. Cirebon")
    ).to_be_visible()
    audit(front)
    # The officer types the right village instead: one place, named in full once taken.
    search.fill("Kedungbunder")
    search.press("Enter")
    expect(status).to_contain_text("Desa Kedungbunder, Kec. Gempol, Kab. Cirebon")
    expect(panel.get_by_label("Village (desa/kelurahan)", exact=True)).to_have_value(
        "32.09.37.2003"
    )
    front.screenshot(path=str(SCREENSHOTS / "check-in-register-inline-en.png"), full_page=True)

    act.click(panel.get_by_role("button", name="Register and choose"))
    chosen = front.get_by_test_id("registered-person")
    expect(chosen).to_contain_text("Registered and chosen: Dewi Kartika")
    expect(chosen.get_by_role("radio")).to_be_checked()
    audit(front)
    person = Person.objects.get(nik=NEW_NIK)
    assert (person.sex, person.village_id) == ("F", "32.09.37.2003")

    act.check(front.get_by_label(re.compile("CPMI registration")))
    act.click(front.get_by_role("button", name="Check in and issue tickets"))
    front.wait_for_url(re.compile(r"/frontdesk/visits/\d+/"))
    code = Visit.objects.get(person=person).tickets.get().code
    act.click(front.get_by_test_id("print-tickets"))
    _printed(front, code)

    assert len(front.context.pages) == pages_before  # no new tab was opened
    assert act.count <= 12, act.count


def test_check_in_from_the_person_page_opens_with_the_person_chosen(
    live_server, front, office, audit
):
    worker = PersonFactory(office=office, full_name="Sulastri", name_key=name_key("Sulastri"))
    front.goto(f"{live_server.url}/people/{worker.pk}/")

    front.get_by_test_id("check-in-person").click()

    expect(front.get_by_test_id("chosen-person").get_by_role("radio")).to_be_checked()
    expect(front.get_by_test_id("chosen-person")).to_contain_text("Sulastri")
    audit(front)
