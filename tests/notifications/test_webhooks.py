"""Delivery receipts and STOP replies from the providers: signed, or nothing changes."""

from __future__ import annotations

import hashlib
import hmac
import json

import pytest
from django.urls import reverse

from satuatap.core.exceptions import DomainError
from satuatap.notifications import services
from satuatap.notifications.models import Message, MessageStatus, OptOut
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

WHATSAPP_URL = "/notifications/webhooks/whatsapp/"
SMS_URL = "/notifications/webhooks/sms/"


def signed(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def whatsapp_post(client, payload: dict, *, secret: str = "app-secret", signature=None):
    body = json.dumps(payload).encode()
    return client.post(
        WHATSAPP_URL,
        body,
        content_type="application/json",
        headers={"X-Hub-Signature-256": signature or signed(secret, body)},
    )


def statuses(*items: dict) -> dict:
    return {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": "102290129340398",
                "changes": [
                    {
                        "field": "messages",
                        "value": {
                            "messaging_product": "whatsapp",
                            "metadata": {
                                "display_phone_number": "15550783881",
                                "phone_number_id": "106540352242922",
                            },
                            **items[0],
                        },
                    }
                ],
            }
        ],
    }


@pytest.fixture
def person(office):
    return PersonFactory(office=office)


@pytest.fixture
def sent(gateways, person):
    message = services.queue_message(
        office=person.office,
        person=person,
        channel="whatsapp",
        address="+6281234567890",
        template_code="document_expiring",
        parameters={"document": "KTP", "expires_on": "1", "office": "A"},
    )
    return services.attempt_delivery(message_id=message.pk)


def test_verification_answers_the_challenge_with_the_right_token(client, gateways):
    answer = client.get(
        WHATSAPP_URL,
        {"hub.mode": "subscribe", "hub.verify_token": "verify-me", "hub.challenge": "1158201444"},
    )
    assert answer.status_code == 200 and answer.content == b"1158201444"


@pytest.mark.parametrize("token", ["wrong", ""])
def test_verification_with_a_wrong_token_is_refused(client, gateways, token):
    answer = client.get(
        WHATSAPP_URL, {"hub.mode": "subscribe", "hub.verify_token": token, "hub.challenge": "1"}
    )
    assert answer.status_code == 403


def test_signed_delivered_status_marks_the_message_delivered(client, sent):
    payload = statuses(
        {
            "statuses": [
                {
                    "id": sent.provider_message_id,
                    "status": "delivered",
                    "timestamp": "1700000000",
                    "recipient_id": "6281234567890",
                }
            ]
        }
    )
    assert whatsapp_post(client, payload).status_code == 200
    sent.refresh_from_db()
    assert sent.status == MessageStatus.DELIVERED and sent.delivered_at is not None


def test_failed_status_keeps_the_providers_error(client, sent):
    payload = statuses(
        {
            "statuses": [
                {
                    "id": sent.provider_message_id,
                    "status": "failed",
                    "errors": [{"code": 131047, "title": "Re-engagement message"}],
                }
            ]
        }
    )
    whatsapp_post(client, payload)
    sent.refresh_from_db()
    assert sent.status == MessageStatus.FAILED and "131047" in sent.last_error


@pytest.mark.parametrize("signature", ["sha256=" + "0" * 64, "", "md5=abc"])
def test_bad_signature_changes_nothing_and_is_refused(client, sent, signature):
    payload = statuses({"statuses": [{"id": sent.provider_message_id, "status": "delivered"}]})
    body = json.dumps(payload).encode()
    answer = client.post(
        WHATSAPP_URL,
        body,
        content_type="application/json",
        headers={"X-Hub-Signature-256": signature} if signature else {},
    )
    assert answer.status_code == 403
    sent.refresh_from_db()
    assert sent.status == MessageStatus.SENT


def test_signature_with_another_secret_is_refused(client, sent):
    payload = statuses({"statuses": [{"id": sent.provider_message_id, "status": "delivered"}]})
    assert whatsapp_post(client, payload, secret="not-the-app-secret").status_code == 403
    sent.refresh_from_db()
    assert sent.status == MessageStatus.SENT


def test_without_an_app_secret_configured_every_post_is_refused(client, sent, settings):
    settings.WHATSAPP_APP_SECRET = ""
    payload = statuses({"statuses": [{"id": sent.provider_message_id, "status": "delivered"}]})
    assert whatsapp_post(client, payload, secret="").status_code == 403


def test_stop_reply_opts_the_number_out_of_whatsapp_only(client, gateways, person):
    payload = statuses(
        {
            "contacts": [{"profile": {"name": "X"}, "wa_id": "6281234567890"}],
            "messages": [
                {
                    "from": "6281234567890",
                    "id": "wamid.IN1",
                    "timestamp": "1700000000",
                    "type": "text",
                    "text": {"body": " stop "},
                }
            ],
        }
    )
    assert whatsapp_post(client, payload).status_code == 200
    assert OptOut.objects.filter(channel="whatsapp").count() == 1
    # The number is never used on WhatsApp again, in any spelling; SMS is still open.
    with pytest.raises(DomainError) as refused:
        services.queue_message(
            office=person.office,
            person=person,
            channel="whatsapp",
            address="0812 3456 7890",
            template_code="document_expiring",
            parameters={},
        )
    assert refused.value.code == "opted_out"
    services.queue_message(
        office=person.office,
        person=person,
        channel="sms",
        address="0812 3456 7890",
        template_code="document_expiring",
        parameters={},
    )


def test_queued_message_to_a_number_that_opts_out_is_never_sent(gateways, provider, person):
    message = services.queue_message(
        office=person.office,
        person=person,
        channel="whatsapp",
        address="+6281234567890",
        template_code="document_expiring",
        parameters={},
    )
    services.record_opt_out(channel="whatsapp", address="+62 812-3456-7890", source="reply")
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED
    assert services.attempt_delivery(message_id=message.pk) is None
    assert provider.requests == []


def test_other_text_is_not_an_opt_out(client, gateways):
    payload = statuses(
        {"messages": [{"from": "6281234567890", "type": "text", "text": {"body": "terima kasih"}}]}
    )
    whatsapp_post(client, payload)
    assert not OptOut.objects.exists()


def sms_post(client, payload: dict, secret: str = "sms-webhook-secret"):
    body = json.dumps(payload).encode()
    return client.post(
        SMS_URL,
        body,
        content_type="application/json",
        headers={"X-Signature-256": signed(secret, body)},
    )


def test_sms_receipt_and_stop(client, gateways, provider, person):
    message = services.queue_message(
        office=person.office,
        person=person,
        channel="sms",
        address="+6281234567890",
        template_code="document_expiring",
        parameters={},
    )
    message = services.attempt_delivery(message_id=message.pk)
    receipt = {"type": "receipt", "id": message.provider_message_id, "status": "delivered"}
    assert sms_post(client, receipt, secret="wrong").status_code == 403
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert sms_post(client, receipt).status_code == 200
    message.refresh_from_db()
    assert message.status == MessageStatus.DELIVERED
    assert (
        sms_post(client, {"type": "inbound", "from": "081234567890", "text": "STOP"}).status_code
        == 200
    )
    assert list(OptOut.objects.values_list("channel", "source")) == [("sms", "reply")]


def test_receipt_for_an_unknown_message_changes_nothing(client, gateways):
    answer = sms_post(client, {"type": "receipt", "id": "nope", "status": "delivered"})
    assert answer.status_code == 200
    assert not Message.objects.exists()


def test_webhook_urls(client):
    assert reverse("notifications:whatsapp-webhook") == WHATSAPP_URL
    assert reverse("notifications:sms-webhook") == SMS_URL


def test_receipts_and_opt_outs_are_audited_on_behalf_of_the_webhook(client, sent):
    from auditlog.models import LogEntry

    payload = statuses({"statuses": [{"id": sent.provider_message_id, "status": "delivered"}]})
    whatsapp_post(client, payload)
    entry = LogEntry.objects.filter(
        content_type__model="message", additional_data__event="receipt_delivered"
    ).get()
    assert entry.actor is None
    assert entry.additional_data["on_behalf_of"] == "public:notifications:whatsapp-webhook"
