"""The outbox and its gateways against real servers: an SMTP server and an HTTP server that
speaks the WhatsApp Cloud API's and the SMS gateway's documented formats (conftest)."""

from __future__ import annotations

import datetime
import json

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.utils import timezone

from satuatap.core.exceptions import DomainError
from satuatap.notifications import services
from satuatap.notifications.models import Message, MessageStatus
from tests.factories import PersonFactory
from tests.notifications.conftest import PHONE_NUMBER_ID

pytestmark = pytest.mark.django_db

PARAMETERS = {"document": "Paspor", "expires_on": "7 Januari 2027", "office": "LTSA Cirebon"}


def queue(person, channel="whatsapp", address="0812-3456-7890", **extra) -> Message:
    return services.queue_message(
        office=person.office,
        person=person,
        channel=channel,
        address=address,
        template_code="document_expiring",
        parameters=PARAMETERS,
        **extra,
    )


@pytest.fixture
def person(office):
    return PersonFactory(office=office)


def test_whatsapp_message_is_sent_as_a_template_message_when_the_transaction_commits(
    gateways, provider, person, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = queue(person)
        assert provider.requests == []  # nothing leaves before the commit
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert message.attempts == 1
    assert message.provider_message_id == "wamid.TEST1"
    [request] = provider.sent(f"/{PHONE_NUMBER_ID}/messages")
    assert request["body"] == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": "6281234567890",
        "type": "template",
        "template": {
            "name": "document_expiring",
            "language": {"code": "id"},
            "components": [
                {
                    "type": "body",
                    "parameters": [
                        {"type": "text", "text": "Paspor"},
                        {"type": "text", "text": "7 Januari 2027"},
                        {"type": "text", "text": "LTSA Cirebon"},
                    ],
                }
            ],
        },
    }


def test_address_and_parameters_are_stored_encrypted(gateways, person):
    message = queue(person)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT address, parameters FROM notifications_message WHERE id = %s", [message.pk]
        )
        address, parameters = cursor.fetchone()
    row = {"address": address, "parameters": parameters}
    assert row["address"].startswith("fernet:") and "6281" not in row["address"]
    assert row["parameters"].startswith("fernet:") and "Paspor" not in row["parameters"]
    message.refresh_from_db()
    assert message.address == "+6281234567890"


def test_rate_limit_is_retried_with_exponential_back_off_then_fails_and_stays(
    gateways, provider, person
):
    provider.script.extend(["rate_limit", "rate_limit", "rate_limit"])
    message = queue(person)
    start = timezone.now()

    first = services.attempt_delivery(message_id=message.pk, now=start)
    assert (first.status, first.attempts) == (MessageStatus.QUEUED, 1)
    assert "130429" in first.last_error
    assert first.next_attempt_at == start + datetime.timedelta(seconds=60)

    # Not due yet: the sweep leaves it alone and the provider hears nothing.
    assert services.send_due_messages(now=start + datetime.timedelta(seconds=59)) == 0
    assert len(provider.requests) == 1

    at = start + datetime.timedelta(seconds=60)
    assert services.send_due_messages(now=at) == 1
    second = Message.objects.get(pk=message.pk)
    assert (second.status, second.attempts) == (MessageStatus.QUEUED, 2)
    assert second.next_attempt_at == at + datetime.timedelta(seconds=120)

    at += datetime.timedelta(seconds=120)
    assert services.send_due_messages(now=at) == 1
    last = Message.objects.get(pk=message.pk)
    assert (last.status, last.attempts) == (MessageStatus.FAILED, 3)
    assert "130429" in last.last_error and last.failed_at == at
    assert len(provider.requests) == 3
    # Failed is final until someone resends it: the sweep never picks it up again.
    assert services.send_due_messages(now=at + datetime.timedelta(days=1)) == 0
    assert len(provider.requests) == 3


def test_rate_limit_then_success(gateways, provider, person):
    provider.script.extend(["rate_limit"])
    message = queue(person)
    now = timezone.now()
    services.attempt_delivery(message_id=message.pk, now=now)
    sent = services.attempt_delivery(
        message_id=message.pk, now=now + datetime.timedelta(seconds=60)
    )
    assert (sent.status, sent.attempts, sent.last_error) == (MessageStatus.SENT, 2, "")


def test_provider_retry_after_longer_than_back_off_is_honoured(settings):
    settings.NOTIFICATION_RETRY_BASE_SECONDS = 60
    assert services.retry_delay(1) == 60
    assert services.retry_delay(3) == 240
    assert services.retry_delay(1, retry_after=600) == 600


def test_undeliverable_number_fails_at_once_with_the_providers_error(gateways, provider, person):
    provider.script.append("error")
    message = queue(person)
    failed = services.attempt_delivery(message_id=message.pk)
    assert (failed.status, failed.attempts) == (MessageStatus.FAILED, 1)
    assert "131026" in failed.last_error
    assert "6281" not in failed.last_error  # the error never holds the number


def test_wrong_whatsapp_token_is_a_permanent_failure(gateways, provider, person, settings):
    settings.WHATSAPP_ACCESS_TOKEN = "wrong"
    failed = services.attempt_delivery(message_id=queue(person).pk)
    assert failed.status == MessageStatus.FAILED and "190" in failed.last_error


def test_sms_is_posted_with_the_payload_template_and_basic_auth(gateways, provider, person):
    message = queue(person, channel="sms", language="en")
    sent = services.attempt_delivery(message_id=message.pk)
    assert sent.status == MessageStatus.SENT
    assert sent.provider_message_id == "sms-1"
    [request] = provider.sent("/sms/send")
    assert request["body"]["to"] == "+6281234567890"
    assert request["body"]["reference"] == str(message.pk)
    assert request["body"]["text"].startswith("Your Paspor expires on 7 Januari 2027.")


def test_sms_server_error_is_retried_and_refusal_is_final(gateways, provider, person):
    provider.script.extend(["server_error", "error"])
    message = queue(person, channel="sms")
    now = timezone.now()
    retried = services.attempt_delivery(message_id=message.pk, now=now)
    assert retried.status == MessageStatus.QUEUED and "500" in retried.last_error
    final = services.attempt_delivery(
        message_id=message.pk, now=now + datetime.timedelta(seconds=60)
    )
    assert final.status == MessageStatus.FAILED
    assert "invalid destination number" in final.last_error
    assert "6281234567890" not in final.last_error  # the provider quoted it; we do not keep it


def test_unreachable_gateway_is_a_temporary_failure(gateways, person, settings):
    settings.SMS_GATEWAY_URL = "http://127.0.0.1:9/sms/send"  # nothing listens on port 9
    retried = services.attempt_delivery(message_id=queue(person, channel="sms").pk)
    assert retried.status == MessageStatus.QUEUED
    assert retried.last_error.startswith("no answer from the gateway")


def test_email_goes_through_a_real_smtp_server_in_the_persons_language(
    gateways, smtp_server, office, head
):
    message = services.queue_message(
        office=office,
        staff_user=head,
        channel="email",
        address="Kepala@LTSA.example",
        template_code="document_expiring",
        parameters=PARAMETERS,
    )
    sent = services.attempt_delivery(message_id=message.pk)
    assert sent.status == MessageStatus.SENT
    assert sent.provider_message_id.startswith("<")
    [envelope] = smtp_server.messages
    assert envelope.rcpt_tos == ["kepala@ltsa.example"]
    text = envelope.content.decode()
    assert "Subject: Dokumen Anda segera habis masa berlakunya" in text
    assert "Paspor Anda habis masa berlakunya pada 7 Januari 2027." in text
    assert sent.provider_message_id in text


def test_email_temporary_refusal_is_retried_and_permanent_refusal_fails(
    gateways, smtp_server, office, head
):
    smtp_server.script.extend(["temporary", "refused"])
    message = services.queue_message(
        office=office,
        staff_user=head,
        channel="email",
        address="kepala@ltsa.example",
        template_code="document_expiring",
        parameters=PARAMETERS,
    )
    now = timezone.now()
    retried = services.attempt_delivery(message_id=message.pk, now=now)
    assert retried.status == MessageStatus.QUEUED and "451" in retried.last_error
    final = services.attempt_delivery(
        message_id=message.pk, now=now + datetime.timedelta(seconds=60)
    )
    assert final.status == MessageStatus.FAILED and "550" in final.last_error
    assert smtp_server.messages == []


def test_channel_without_gateway_is_refused(settings, person):
    settings.NOTIFICATION_GATEWAYS = {}
    with pytest.raises(DomainError) as refused:
        queue(person)
    assert refused.value.code == "channel_off"
    assert not Message.objects.exists()


def test_every_send_is_audited_without_address_or_text(gateways, person):
    message = queue(person)
    services.attempt_delivery(message_id=message.pk)
    entries = LogEntry.objects.filter(object_pk=str(message.pk), content_type__model="message")
    events = [e.additional_data.get("event") for e in entries if e.additional_data]
    assert "message_queued" in events and "message_sent" in events
    dumped = json.dumps([[e.changes, e.additional_data, e.changes_text] for e in entries])
    assert "6281" not in dumped and "Paspor" not in dumped and "fernet:" not in dumped


def test_check_accepts_the_test_configuration_and_names_what_is_missing(gateways, settings):
    from satuatap.notifications.checks import configuration_errors

    assert configuration_errors() == []
    settings.WHATSAPP_APP_SECRET = ""
    settings.NOTIFICATION_GATEWAYS = {**settings.NOTIFICATION_GATEWAYS, "fax": "smtp"}
    settings.SMS_GATEWAY_PAYLOAD = "[1]"
    assert configuration_errors() == [
        "whatsapp: WHATSAPP_APP_SECRET is not set",
        "unknown channel 'fax' (email, whatsapp, sms)",
        "SMS_GATEWAY_PAYLOAD is not a JSON object",
    ]


def test_sends_and_failures_are_counted_per_channel_for_the_operator(gateways, provider, person):
    from satuatap.core import metrics
    from satuatap.core.models import OperationsCounter

    provider.script.extend(["ok", "error"])
    services.attempt_delivery(message_id=queue(person).pk)
    services.attempt_delivery(message_id=queue(person).pk)

    def value(metric):
        row = OperationsCounter.objects.filter(metric=metric, label="message_whatsapp").first()
        return row.value if row else 0

    assert (value(metrics.NOTIFICATIONS_SENT), value(metrics.NOTIFICATIONS_FAILED)) == (1, 1)


def test_a_broken_setting_ends_in_failed_not_in_an_endless_loop(gateways, person, settings):
    settings.SMS_GATEWAY_PAYLOAD = "{not json"
    message = queue(person, channel="sms")
    now = timezone.now()
    for minutes in (0, 1, 3):
        services.attempt_delivery(
            message_id=message.pk, now=now + datetime.timedelta(minutes=minutes)
        )
    message.refresh_from_db()
    assert (message.status, message.attempts) == (MessageStatus.FAILED, 3)
    assert message.last_error == "unexpected error: JSONDecodeError"
