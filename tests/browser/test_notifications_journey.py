"""Notifications in the browser (issue 21): at the desk, the person page's section on messages
(stop WhatsApp for a number, choose English); the office head's page of messages that could not
be sent, and sending one again — to the WhatsApp server of the notification tests. Every page
passes axe-core and the Content-Security-Policy."""

# ruff: noqa: F811 - the notification tests' gateway fixtures are parameters here

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from satuatap.core.roles import Role
from satuatap.notifications import services
from satuatap.notifications.models import LanguagePreference, Message, MessageStatus, OptOut
from tests.browser.session import sign_in
from tests.factories import PersonFactory
from tests.notifications.conftest import gateways, provider, smtp_server  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


def test_desk_stops_whatsapp_for_a_number_and_sets_the_language(
    live_server, page, make_user, office, gateways, audit
):
    make_user(Role.FRONTDESK, username="cirebon.frontdesk", language="en")
    person = PersonFactory(office=office, full_name="Sulastri Wulandari")
    person.phones.create(number="+6281234567890", kind="whatsapp")

    sign_in(page, live_server.url, "cirebon.frontdesk")
    page.goto(f"{live_server.url}/people/{person.pk}/")
    panel = page.get_by_test_id("person-messages-panel")
    expect(panel.get_by_test_id("person-opt-outs")).to_contain_text("messages allowed")
    audit(page)
    panel.get_by_label("Channel").select_option("whatsapp")
    panel.get_by_role("button", name="Stop messages").click()
    expect(page.get_by_text("No more messages go to this number on this channel.")).to_be_visible()
    expect(page.get_by_test_id("person-opt-outs")).to_contain_text("no WhatsApp")
    assert OptOut.objects.get().channel == "whatsapp"
    assert services.is_opted_out(channel="whatsapp", address="+6281234567890")

    page.get_by_test_id("person-messages-panel").get_by_label(
        "Language for messages"
    ).select_option("en")
    page.get_by_test_id("person-messages-panel").get_by_role("button", name="Save").click()
    expect(page.get_by_text("The language for messages is saved.")).to_be_visible()
    assert LanguagePreference.objects.get(person=person).language == "en"
    audit(page)


def test_head_sends_a_failed_message_again(
    live_server, page, make_user, office, gateways, provider, audit
):
    make_user(Role.OFFICE_HEAD, username="cirebon.head", language="en")
    person = PersonFactory(office=office, full_name="Dewi Lestari")
    person.phones.create(number="+6281200000009", kind="whatsapp")
    provider.script.extend(["error"])  # WhatsApp refuses it: 131026, fails at once
    message = services.queue_message(
        office=office,
        person=person,
        channel="whatsapp",
        address="+6281200000009",
        template_code="document_expiring",
        parameters={"document": "Paspor", "expires_on": "1 April 2027", "office": office.name},
    )
    services.attempt_delivery(message_id=message.pk)
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED

    sign_in(page, live_server.url, "cirebon.head")
    page.goto(f"{live_server.url}/notifications/outbox/")
    row = page.get_by_test_id(f"failed-message-{message.pk}")
    expect(row).to_contain_text("Dewi Lestari")
    expect(row).to_contain_text("131026")
    expect(row).not_to_contain_text("+6281200000009")
    audit(page)
    row.get_by_role("button", name="Send again").click()
    expect(page.get_by_text("The message is queued again.")).to_be_visible()
    expect(page.get_by_test_id(f"failed-message-{message.pk}")).to_have_count(0)
    message.refresh_from_db()
    assert message.status in (MessageStatus.QUEUED, MessageStatus.SENT)
    services.send_due_messages()
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT and message.attempts == 1
    assert Message.objects.count() == 1
    audit(page)
