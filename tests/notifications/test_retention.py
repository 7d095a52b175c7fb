"""The outbox in the retention schedule: a year after it was queued, a message sent, delivered
or failed loses its address and parameters; the message stays. A queued one stays whole."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from satuatap.core.retention import services as retention_services
from satuatap.notifications import services
from satuatap.notifications.models import Message, MessageStatus
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def _result(run, key: str) -> dict[str, int]:
    found = next(r for r in run.results if r["key"] == key)
    return {name: sum(row[name] for row in found["offices"]) for name in ("due", "held", "done")}


def test_a_message_of_last_year_loses_its_address_and_parameters(gateways, office):
    person = PersonFactory(office=office)

    def message(status):
        queued = services.queue_message(
            office=office,
            person=person,
            channel="sms",
            address="+6281234567890",
            template_code="document_expiring",
            parameters={"document": "KTP"},
        )
        Message.objects.filter(pk=queued.pk).update(
            status=status, created_at=timezone.now() - datetime.timedelta(days=400)
        )
        return queued

    sent, failed, waiting = (
        message(MessageStatus.SENT),
        message(MessageStatus.FAILED),
        message(MessageStatus.QUEUED),
    )
    recent = services.queue_message(
        office=office,
        person=person,
        channel="sms",
        address="+6281234567890",
        template_code="document_expiring",
        parameters={},
    )
    Message.objects.filter(pk=recent.pk).update(status=MessageStatus.SENT)

    run = retention_services.run(today=office.today())

    assert _result(run, "messages") == {"due": 2, "held": 0, "done": 2}
    for gone in (sent, failed):
        gone.refresh_from_db()
        assert (gone.address, gone.address_key, gone.parameters) == ("", "", "")
        assert gone.template_code == "document_expiring" and gone.person == person
    for kept in (waiting, recent):
        kept.refresh_from_db()
        assert kept.address == "+6281234567890"
    assert _result(retention_services.run(today=office.today()), "messages")["due"] == 0
