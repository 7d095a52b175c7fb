"""Documents about to expire: the daily reminder, end to end to the WhatsApp server."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from satuatap.core.roles import Role
from satuatap.notifications import events, services, tasks
from satuatap.notifications.models import Message, MessageStatus
from satuatap.people.documents import services as documents
from satuatap.people.models import DocumentType
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
TODAY = datetime.date(2027, 3, 1)
IN_30_DAYS = TODAY + datetime.timedelta(days=30)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "private"


def document(person, by, *, expires_on, code="paspor"):
    return documents.upload_document(
        person=person,
        document_type=DocumentType.objects.get(code=code),
        file=SimpleUploadedFile("scan.pdf", PDF, content_type="application/pdf"),
        by=by,
        issued_on=datetime.date(2022, 1, 1),
        expires_on=expires_on,
    )


def test_expiring_passport_is_reminded_on_whatsapp_in_the_persons_language(
    gateways, provider, office, make_user, django_capture_on_commit_callbacks
):
    officer = make_user(Role.FRONTDESK)
    siti = PersonFactory(office=office)
    siti.phones.create(number="+6281234567890", kind="whatsapp")
    services.set_message_language(person=siti, language="en")
    document(siti, officer, expires_on=IN_30_DAYS)
    dewi = PersonFactory(office=office)  # no number on record: nothing to send
    document(dewi, officer, expires_on=IN_30_DAYS)
    ani = PersonFactory(office=office)  # expires later: not today's reminder
    ani.phones.create(number="+6281200000001", kind="mobile")
    document(ani, officer, expires_on=IN_30_DAYS + datetime.timedelta(days=1))

    with django_capture_on_commit_callbacks(execute=True):
        assert events.queue_document_expiry_reminders(today=TODAY) == 1
    message = Message.objects.get()
    assert (message.person, message.channel, message.language) == (siti, "whatsapp", "en")
    assert message.status == MessageStatus.SENT
    [request] = provider.requests
    template = request["body"]["template"]
    assert template["name"] == "document_expiring" and template["language"]["code"] == "en"
    texts = [p["text"] for p in template["components"][0]["parameters"]]
    assert texts[0] == "Passport" and "2027" in texts[1]


def test_family_contact_and_home_phone_are_never_used(gateways, office, make_user):
    officer = make_user(Role.FRONTDESK)
    person = PersonFactory(office=office)
    person.phones.create(number="+6281234567890", kind="family")
    person.phones.create(number="+62231000000", kind="home")
    document(person, officer, expires_on=IN_30_DAYS)
    assert events.queue_document_expiry_reminders(today=TODAY) == 0


def test_opted_out_whatsapp_falls_back_to_sms_and_both_opted_out_sends_nothing(
    gateways, office, make_user
):
    officer = make_user(Role.FRONTDESK)
    person = PersonFactory(office=office)
    person.phones.create(number="+6281234567890", kind="whatsapp")
    document(person, officer, expires_on=IN_30_DAYS)
    services.record_opt_out(channel="whatsapp", address="+6281234567890", source="desk")
    assert events.queue_document_expiry_reminders(today=TODAY) == 1
    assert Message.objects.get().channel == "sms"
    Message.objects.all().delete()
    services.record_opt_out(channel="sms", address="+6281234567890", source="reply")
    assert events.queue_document_expiry_reminders(today=TODAY) == 0


def test_daily_task_runs_for_the_offices_today(gateways, office, make_user):
    officer = make_user(Role.FRONTDESK)
    person = PersonFactory(office=office)
    person.phones.create(number="+6281234567890", kind="mobile")
    document(person, officer, expires_on=office.today() + datetime.timedelta(days=30))
    tasks.document_expiry_reminders_task.call_local()
    assert Message.objects.get().channel == "sms"
