"""A new office from nothing to its first ticket, as docs/onboarding.md tells it (issue 19
point 8): the administrator creates the office and its head; the head sets a password from the
mailed link, sets up two-factor sign-in, chooses the desks, adds the default services and a
front-desk officer; the officer sets a password from the link the head hands over, checks a
walk-in in and prints the first ticket. Every page is checked with axe on the way."""

from __future__ import annotations

import base64
import re

import pytest
from django.core import mail
from django_otp.oath import TOTP
from playwright.sync_api import expect

from satuatap.core.models import Organisation, User
from satuatap.core.roles import Role
from satuatap.frontdesk.models import Ticket
from tests.browser.conftest import SCREENSHOTS
from tests.browser.session import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

HEAD_PASSWORD = "Kopi-tubruk-pagi-42"
OFFICER_PASSWORD = "Teh-manis-hangat-77"


def _password_from_link(page, url: str, password: str, audit) -> None:
    page.goto(url)
    expect(page.get_by_test_id("set-password")).to_be_visible()
    audit(page)
    page.locator("input[name=new_password1]").fill(password)
    page.locator("input[name=new_password2]").fill(password)
    page.get_by_test_id("set-password-submit").click()
    expect(page).to_have_url(re.compile(r"/login/"))


def _password_sign_in(page, username: str, password: str) -> None:
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Sandi").fill(password)
    page.get_by_role("button", name="Masuk").click()


def _code_from_secret(secret_text: str) -> str:
    key = base64.b32decode(secret_text.replace(" ", ""))
    return f"{TOTP(key).token():06d}"


def test_a_new_office_goes_from_nothing_to_its_first_ticket(
    live_server, browser, page, make_user, ministry, audit
):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    make_user(Role.ADMINISTRATOR, organisation=ministry, username="admin", language="en")

    # 1. The administrator creates the office and its first head.
    sign_in(page, live_server.url, "admin")
    page.goto(f"{live_server.url}/")
    page.get_by_test_id("home-actions").get_by_role("link", name=re.compile("^Offices")).click()
    page.get_by_test_id("office-create").click()
    form = page.get_by_test_id("office-form")
    expect(form).to_be_visible()
    audit(page)
    form.get_by_label("Office name").fill("LTSA-PPMI Blitar")
    form.get_by_label("Short name").fill("blitar")
    page.locator("#id_region_province").select_option("35")
    expect(page.locator("#id_region_regency")).to_be_enabled()
    page.locator("#id_region_regency").select_option("35.05")
    form.get_by_label("Time zone").select_option("Asia/Jakarta")
    form.get_by_label("User name of the head").fill("blitar.head")
    form.get_by_label("Full name of the head").fill("Sri Wahyuni")
    form.get_by_label("E-mail address of the head").fill("sri.wahyuni@example.go.id")
    form.get_by_label("Language of the head").select_option("en")
    form.get_by_role("button", name="Create the office").click()
    expect(page.get_by_test_id("password-link-emailed")).to_contain_text("sri.wahyuni@example")
    office = Organisation.objects.get(slug="blitar")
    assert office.region_id == "35.05"
    [message] = mail.outbox
    mailed = re.search(r"/account/set-password/\S+", message.body)
    assert mailed, message.body

    # 2. The head sets a password from the mail and sets up two-factor sign-in.
    head_context = browser.new_context(viewport={"width": 1366, "height": 900})
    head = head_context.new_page()
    _password_from_link(head, live_server.url + mailed.group(0), HEAD_PASSWORD, audit)
    _password_sign_in(head, "blitar.head", HEAD_PASSWORD)
    expect(head.get_by_test_id("two-factor-setup")).to_be_visible()
    secret = head.get_by_test_id("two-factor-secret").inner_text()
    head.locator("input[name=code]").fill(_code_from_secret(secret))
    head.get_by_test_id("two-factor-submit").click()
    expect(head.get_by_test_id("recovery-code-list")).to_be_visible()
    head.get_by_test_id("two-factor-continue").click()
    expect(head.get_by_test_id("whoami")).to_be_visible()

    # 3. Desks: the labour desk and the MRC's information desk; then the default services.
    head.goto(f"{live_server.url}/office/desks/")
    head.locator("#id_has_ketenagakerjaan").check()
    head.locator("#id_has_pengaduan-informasi").check()
    head.get_by_role("button", name="Save desks").click()
    expect(head.get_by_text("The office's desks are saved.")).to_be_visible()
    head.goto(f"{live_server.url}/frontdesk/services/")
    head.get_by_test_id("install-defaults").click()
    expect(head.get_by_text("Safe-migration information")).to_be_visible()

    # 4. A front-desk officer, without an e-mail address: the head hands the link over.
    head.goto(f"{live_server.url}/")
    head.get_by_test_id("home-actions").get_by_role(
        "link", name=re.compile("^Office staff")
    ).click()
    audit(head)
    head.get_by_test_id("staff-add").click()
    staff_form = head.get_by_test_id("staff-form")
    staff_form.get_by_label("User name").fill("blitar.loket")
    staff_form.get_by_label("Full name").fill("Dewi Lestari")
    staff_form.get_by_label("Gender").select_option("F")
    staff_form.get_by_label("Language").select_option("en")
    staff_form.get_by_label("Front desk").check()
    audit(head)
    staff_form.get_by_role("button", name="Add the colleague").click()
    link = head.get_by_test_id("password-link").input_value()
    assert "/account/set-password/" in link
    audit(head)
    head.get_by_role("link", name="Done").click()
    expect(head.get_by_test_id("staff-blitar.loket")).to_contain_text("no password yet")
    audit(head)
    head.screenshot(path=str(SCREENSHOTS / "onboarding-office-staff.png"), full_page=True)
    officer_user = User.objects.get(username="blitar.loket")
    assert officer_user.organisation == office and officer_user.roles == {Role.FRONTDESK}

    # 5. The officer sets a password, signs in and checks a walk-in in: the first ticket.
    officer_context = browser.new_context(viewport={"width": 1366, "height": 900})
    officer_context.add_init_script("window.print = () => { window.__printed = true; };")
    officer = officer_context.new_page()
    _password_from_link(officer, link, OFFICER_PASSWORD, audit)
    _password_sign_in(officer, "blitar.loket", OFFICER_PASSWORD)
    expect(officer.get_by_test_id("whoami")).to_be_visible()
    officer.goto(f"{live_server.url}/frontdesk/check-in/")
    officer.locator("#visitor-anonymous").check()
    officer.get_by_label("Sex").select_option("F")
    officer.get_by_label(re.compile("Safe-migration information")).check()
    officer.get_by_role("button", name="Check in and issue tickets").click()
    officer.wait_for_url(re.compile(r"/frontdesk/visits/\d+/"))
    ticket = Ticket.objects.get(office=office)
    expect(officer.get_by_test_id("visit-tickets")).to_contain_text(ticket.code)
    officer.get_by_test_id("print-tickets").click()
    expect(officer.get_by_test_id("ticket")).to_contain_text(ticket.code)
    # The print dialog opened by itself (the page's own script; polled from outside the page,
    # whose Content-Security-Policy allows no evaluated script).
    for _ in range(50):
        if officer.evaluate("() => window.__printed === true"):
            break
        officer.wait_for_timeout(100)
    assert officer.evaluate("() => window.__printed === true")
    officer.screenshot(path=str(SCREENSHOTS / "onboarding-first-ticket.png"), full_page=True)
    head_context.close()
    officer_context.close()
