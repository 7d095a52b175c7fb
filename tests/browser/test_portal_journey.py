"""The public portal on a 360 px phone with JavaScript off: a worker identifies with her NIK,
date of birth and the code sent to her number, and reads her placement file's stage and the
documents still missing. Nothing on the way needs a script or scrolls sideways."""

from __future__ import annotations

import datetime
import json

import pytest
from playwright.sync_api import Page, expect

from satuatap.core.roles import Role
from satuatap.notifications.models import Message
from satuatap.people.models import Phone
from satuatap.placement.files import services as file_services
from tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

NIK = "3209015403950001"


@pytest.fixture
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "java_script_enabled": False,
        "viewport": {"width": 360, "height": 740},
        "locale": "id-ID",
    }


@pytest.fixture
def worker(office, settings):
    settings.NOTIFICATION_GATEWAYS = {"sms": "http_sms"}
    # A gateway nobody answers: the message is queued and its attempt fails later; the test
    # reads the code from the outbox, as the provider would have carried it.
    settings.SMS_GATEWAY_URL = "http://127.0.0.1:9/sms/send"
    settings.NOTIFICATION_MAX_ATTEMPTS = 1
    person = PersonFactory(
        office=office, nik=NIK, birth_date=datetime.date(1995, 3, 14), full_name="Siti Aminah"
    )
    Phone.objects.create(person=person, number="+6281234567890", kind=Phone.Kind.MOBILE)
    officer = UserFactory(
        username="cirebon.placement", organisation=office, roles=[Role.PLACEMENT_OFFICER]
    )
    file_services.open_file(person=person, by=officer, values={"scheme": "p3mi"})
    return person


def _fits_the_screen(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page is {width} px wide on a 360 px screen"


def test_identify_then_read_the_files_stage_without_javascript(
    page: Page, live_server, worker, screenshot
):
    page.goto(f"{live_server.url}/portal/")
    assert page.locator("noscript").count() == 0
    expect(page.get_by_test_id("quick-exit")).to_be_visible()
    _fits_the_screen(page)
    page.get_by_test_id("portal-status-link").click()

    page.get_by_label("NIK (16 digit, tertera di KTP)").fill(NIK)
    page.get_by_label("Tanggal lahir").fill("14/03/1995")
    _fits_the_screen(page)
    page.get_by_role("button", name="Kirim kode").click()

    expect(page.get_by_test_id("code-sent")).to_be_visible()
    message = Message.objects.get(person=worker, template_code="portal_code")
    code = json.loads(str(message.parameters))["code"]
    page.get_by_label("Kode").fill(code)
    page.get_by_role("button", name="Lanjut").click()

    expect(page.get_by_test_id("portal-file-stage")).to_have_text("Pendaftaran")
    missing = page.get_by_test_id("portal-missing")
    expect(missing).to_contain_text("KTP")
    _fits_the_screen(page)
    screenshot("portal-status-360")

    # The quick exit is a plain link that works without the script.
    href = page.get_by_test_id("quick-exit").get_attribute("href")
    assert href.startswith("https://")
