"""The office head's page of failed messages and its resend action; the person page's panel."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.test import Client

from satuatap.core.exceptions import DomainError
from satuatap.core.roles import Role
from satuatap.notifications import services
from satuatap.notifications.models import LanguagePreference, Message, MessageStatus, OptOut
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(office):
    return PersonFactory(office=office, full_name="Siti Aminah")


def failed_message(person, provider, *, template="document_expiring", case_id=None):
    provider.script.append("error")
    message = services.queue_message(
        office=person.office,
        person=person,
        channel="whatsapp",
        address="+6281234567890",
        template_code=template,
        parameters={"document": "KTP", "expires_on": "1", "office": "A"},
        case_id=case_id,
    )
    return services.attempt_delivery(message_id=message.pk)


def test_head_sees_failed_messages_of_own_office_with_the_error(
    client, gateways, provider, person, head, other_office
):
    mine = failed_message(person, provider)
    theirs = failed_message(PersonFactory(office=other_office), provider)
    client.force_login(head)
    page = client.get("/notifications/outbox/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f"failed-message-{mine.pk}" in html and "131026" in html
    assert f"failed-message-{theirs.pk}" not in html
    assert "•••7890" in html and "+6281234567890" not in html


def test_head_does_not_see_case_messages_the_supervisor_does(
    client, gateways, provider, person, head, make_user
):
    worker = make_user(Role.COUNSELLOR)
    services.mark_safe_contact(case_id=3, channel="whatsapp", address="+6281234567890", by=worker)
    case_message = failed_message(person, provider, template="case_call_back", case_id=3)
    client.force_login(head)
    assert (
        f"failed-message-{case_message.pk}"
        not in client.get("/notifications/outbox/").content.decode()
    )
    assert client.post(f"/notifications/outbox/{case_message.pk}/resend/").status_code == 404
    # The supervisor resends it from the MRC's page (tests/cases/test_case_messages.py), where
    # each case's messages pass the sensitive-data gate; the outbox page shows none of them.
    supervisor = make_user(Role.CASE_SUPERVISOR)
    client.force_login(supervisor)
    page = client.get("/notifications/outbox/").content.decode()
    assert f"failed-message-{case_message.pk}" not in page and "/mrc/messages/" in page


def test_resend_queues_it_again_sends_it_and_is_audited(
    client, gateways, provider, person, head, django_capture_on_commit_callbacks
):
    message = failed_message(person, provider)
    client.force_login(head)
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(f"/notifications/outbox/{message.pk}/resend/")
    assert answer.status_code == 302
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT and message.attempts == 1
    resent = [
        e
        for e in LogEntry.objects.filter(content_type__model="message", object_pk=str(message.pk))
        if (e.additional_data or {}).get("event") == "message_resent"
    ]
    assert len(resent) == 1 and resent[0].actor == head


def test_resend_needs_csrf_and_post(gateways, provider, person, head):
    message = failed_message(person, provider)
    client = Client(enforce_csrf_checks=True)
    client.force_login(head)
    assert client.get(f"/notifications/outbox/{message.pk}/resend/").status_code == 405
    assert client.post(f"/notifications/outbox/{message.pk}/resend/").status_code == 403
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED


def test_resend_of_another_offices_message_is_404(
    client, gateways, provider, other_office, make_user
):
    message = failed_message(PersonFactory(office=other_office), provider)
    client.force_login(make_user(Role.OFFICE_HEAD))
    assert client.post(f"/notifications/outbox/{message.pk}/resend/").status_code == 404
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED


def test_outbox_is_the_heads_only(client, frontdesk):
    client.force_login(frontdesk)
    assert client.get("/notifications/outbox/").status_code == 403


def test_desk_records_an_opt_out_on_the_person_page(client, gateways, person, frontdesk):
    phone = person.phones.create(number="+6281234567890", kind="whatsapp")
    client.force_login(frontdesk)
    page = client.get(f"/people/{person.pk}/").content.decode()
    assert 'data-testid="person-messages-panel"' in page
    answer = client.post(
        f"/notifications/people/{person.pk}/opt-out/", {"phone": phone.pk, "channel": "whatsapp"}
    )
    assert answer.status_code == 302
    opt_out = OptOut.objects.get()
    assert (opt_out.channel, opt_out.source, opt_out.recorded_by) == ("whatsapp", "desk", frontdesk)
    assert "tanpa WhatsApp" in client.get(f"/people/{person.pk}/").content.decode()


def test_opt_out_with_a_number_of_someone_else_changes_nothing(
    client, gateways, person, frontdesk, office
):
    other = PersonFactory(office=office).phones.create(number="+6289999999999")
    client.force_login(frontdesk)
    client.post(
        f"/notifications/people/{person.pk}/opt-out/", {"phone": other.pk, "channel": "sms"}
    )
    assert not OptOut.objects.exists()


def test_language_for_messages_is_used_for_the_next_message(client, gateways, person, frontdesk):
    client.force_login(frontdesk)
    client.post(f"/notifications/people/{person.pk}/language/", {"language": "en"})
    assert LanguagePreference.objects.get(person=person).language == "en"
    message = services.queue_message(
        office=person.office,
        person=person,
        channel="sms",
        address="+6281234567890",
        template_code="document_expiring",
        parameters={},
    )
    assert message.language == "en"
    client.post(f"/notifications/people/{person.pk}/language/", {"language": "xx"})
    assert LanguagePreference.objects.get(person=person).language == "en"


def test_another_offices_person_is_404(client, gateways, other_office, frontdesk):
    stranger = PersonFactory(office=other_office)
    phone = stranger.phones.create(number="+6281234567890")
    client.force_login(frontdesk)
    answer = client.post(
        f"/notifications/people/{stranger.pk}/opt-out/", {"phone": phone.pk, "channel": "sms"}
    )
    assert answer.status_code == 404
    assert not OptOut.objects.exists() and not Message.objects.exists()


def test_erasing_a_person_erases_the_address_and_parameters_of_their_messages(
    gateways, provider, person, head
):
    from satuatap.people.data_rights import services as data_rights

    message = failed_message(person, provider)
    services.set_message_language(person=person, language="en")
    services.record_opt_out(channel="sms", address="+6281234567890", source="desk", person=person)
    data_rights.erase_people([person], by=head, reason="person")
    message.refresh_from_db()
    assert (message.address, message.parameters, message.address_key) == ("", "", "")
    assert message.status == MessageStatus.FAILED  # what happened stays
    assert not LanguagePreference.objects.exists()
    opt_out = OptOut.objects.get()
    assert opt_out.person is None
    assert services.is_opted_out(channel="sms", address="+6281234567890")
    with pytest.raises(DomainError):
        services.resend_message(message=message, by=head)


def test_outbox_reads_a_fixed_number_of_queries_however_many_failed(
    client, gateways, person, head, office, django_assert_max_num_queries
):
    from satuatap.notifications.addresses import address_key

    for index in range(40):
        Message.objects.create(
            office=office,
            person=PersonFactory(office=office) if index % 2 else person,
            channel="sms",
            address=f"+62812000000{index:02d}",
            address_key=address_key("sms", f"+62812000000{index:02d}"),
            template_code="document_expiring",
            status=MessageStatus.FAILED,
            last_error="SMS gateway 400",
        )
    client.force_login(head)
    with django_assert_max_num_queries(15):
        page = client.get("/notifications/outbox/")
    assert page.content.decode().count('data-testid="failed-message-') == 40
