"""Check-in at the front desk and complaint intake at the MRC with the keyboard alone: Tab,
Shift+Tab, Enter, Space, arrow keys and typing, never the mouse. Every element the focus lands
on shows where it is (an outline or a focus ring)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from satuatap.cases.models import Case, Category
from satuatap.core.roles import Role
from satuatap.frontdesk.models import Visit
from satuatap.people.services import register_person
from tests.browser.session import sign_in
from tests.browser.waiting import wait_until
from tests.factories import DeskFactory, ServiceFactory

pytestmark = pytest.mark.django_db(transaction=True)

# Where the focus is, and whether it can be seen: a non-zero outline or a box-shadow ring.
FOCUS_STATE = """selector => {
  const el = document.activeElement;
  if (!el || el === document.body) return {matches: false, visible: false, what: "nothing"};
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  const ring = style.boxShadow && style.boxShadow !== "none";
  // A date field's focus is on one of its parts (day, month, year), which Chromium highlights
  // itself; the field then does not match :focus, so our focus ring does not apply.
  const segment = ["date", "time", "datetime-local", "month", "week"].includes(el.type) &&
    !el.matches(":focus");
  const what = `${el.tagName.toLowerCase()}#${el.id}[name=${el.getAttribute("name")}] ` +
    (el.innerText || el.value || "").trim().slice(0, 40);
  return {matches: el.matches(selector), visible: outline || ring || segment, what};
}"""


def tab_to(page: Page, selector: str, *, backwards: bool = False, limit: int = 120) -> None:
    """Press Tab (or Shift+Tab) until the focus is on `selector`, checking on every stop that
    the focused element shows its focus."""
    key = "Shift+Tab" if backwards else "Tab"
    passed = []
    for _ in range(limit):
        page.keyboard.press(key)
        try:  # a focus ring may be fading in (Bootstrap's 0.15 s transition)
            wait_until(page, f"s => ({FOCUS_STATE})(s).visible", selector, timeout=2000)
        except PlaywrightTimeoutError:
            pass
        state = page.evaluate(FOCUS_STATE, selector)
        assert state["visible"], f"the focus cannot be seen on {state['what']}"
        passed.append(state["what"])
        if state["matches"]:
            return
    raise AssertionError(f"{selector} is not reachable with {key}; passed: {passed}")


def skip_to_content(page: Page) -> None:
    """The first Tab of a page reaches the skip link, and Enter moves the focus to the content."""
    page.keyboard.press("Tab")
    skip = page.locator("a.skip-link")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()


@pytest.fixture
def keyboard_page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    yield context.new_page()
    context.close()


def test_front_desk_checks_a_visitor_in_with_the_keyboard_only(
    live_server, keyboard_page, make_user, office
):
    desk = DeskFactory(office=office)
    ServiceFactory(desk=desk)
    frontdesk = make_user(Role.FRONTDESK, username="cirebon.frontdesk", language="en")
    person = register_person(by=frontdesk, full_name="Sulastri Wulandari", sex="F")
    page = keyboard_page
    sign_in(page, live_server.url, "cirebon.frontdesk")
    page.goto(f"{live_server.url}/frontdesk/check-in/")

    skip_to_content(page)
    tab_to(page, "#checkin-q")
    page.keyboard.type("sulastri")
    visitor = page.get_by_test_id("checkin-people").get_by_label(re.compile("Sulastri Wulandari"))
    expect(visitor).to_be_visible()
    page.wait_for_load_state("networkidle")
    tab_to(page, f"#checkin-people input[value='{person.pk}']")
    page.keyboard.press("Space")
    expect(visitor).to_be_checked()
    tab_to(page, "input[name=services]")
    page.keyboard.press("Space")
    expect(page.get_by_label(re.compile("CPMI registration"))).to_be_checked()
    # The check-in button is the last control of the form: come back to it from the footer.
    tab_to(page, "footer a")
    tab_to(page, "[data-testid=checkin-form] button[type=submit]", backwards=True)
    page.keyboard.press("Enter")

    page.wait_for_url(re.compile(r"/frontdesk/visits/\d+/"))
    ticket = Visit.objects.get(person=person).tickets.get()
    expect(page.get_by_text(ticket.code).first).to_be_visible()
    assert ticket.desk == desk


def test_counsellor_takes_a_complaint_in_with_the_keyboard_only(
    live_server, keyboard_page, make_user, office
):
    counsellor = make_user(
        Role.COUNSELLOR, username="cirebon.counsellor", language="en", gender="F"
    )
    client = register_person(by=counsellor, full_name="Siti Rahayu", sex="F")
    page = keyboard_page
    sign_in(page, live_server.url, "cirebon.counsellor")
    page.goto(f"{live_server.url}/mrc/cases/new/")

    skip_to_content(page)
    tab_to(page, "#client-q")
    page.keyboard.type("siti rahayu")
    choice = page.get_by_test_id("client-choices").get_by_label(re.compile("Siti Rahayu"))
    expect(choice).to_be_visible()
    page.wait_for_load_state("networkidle")
    tab_to(page, f"input[name=client][value='{client.pk}']")
    page.keyboard.press("Space")
    expect(choice).to_be_checked()
    tab_to(page, "#id_channel")
    page.keyboard.press("ArrowDown")  # walk-in → the next channel
    tab_to(page, "#id_categories_0")  # unpaid wages
    page.keyboard.press("Space")
    tab_to(page, "#id_narrative")
    page.keyboard.type("Gaji tidak dibayar selama enam bulan.")
    tab_to(page, "#id_country")
    page.keyboard.type("Malaysia")
    tab_to(page, "main form button[type=submit]:last-of-type")
    page.keyboard.press("Enter")

    page.wait_for_url(re.compile(r"/mrc/cases/\d+/$"))
    case = Case.objects.get()
    assert case.client == client
    assert list(case.categories.values_list("category", flat=True)) == [Category.WAGES]
    assert case.channel != "walk_in"
    assert case.country == "MY"
    assert case.narrative == "Gaji tidak dibayar selama enam bulan."
    expect(page.get_by_text(case.number).first).to_be_visible()
