# ruff: noqa: F811 - fixtures imported from another directory's conftest are parameters here
"""Messages about MRC cases (issue 21): the case worker's safe-contact mark (page, audit), the
case supervisor's list through the sensitive-data gate, the partner told that a referral
awaits it (by e-mail, naming nobody), and the staff's daily digest (counts only)."""

from __future__ import annotations

import datetime
import email

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from satuatap.cases import services
from satuatap.cases.models import CaseEvent, SharedItem
from satuatap.core.audit import ReadPurpose
from satuatap.core.models import PartnerContact
from satuatap.core.roles import Role
from satuatap.frontdesk import services as frontdesk
from satuatap.frontdesk.models import Service
from satuatap.notifications import events
from satuatap.notifications import services as notifications
from satuatap.notifications.models import DigestSubscription, Message, SafeContact
from satuatap.placement.files import services as files
from satuatap.placement.models import Scheme
from tests.factories import DeskFactory, PersonFactory
from tests.notifications.conftest import gateways, provider, smtp_server  # noqa: F401

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def body(mail) -> str:
    return email.message_from_bytes(mail.content).get_payload(decode=True).decode()


def consent(case, by, partner):
    return services.record_consent(
        case=case,
        by=by,
        recipient=partner,
        items=(SharedItem.IDENTITY, SharedItem.SUMMARY),
        given_on=case.office.today(),
        method="signed",
    )


# --- Safe contacts ----------------------------------------------------------------------------


def test_case_worker_marks_a_safe_number_audited_without_the_number(
    client, gateways, make_case, counsellor, client_person, office
):
    case = make_case()
    client.force_login(counsellor)
    page = client.get(f"/mrc/cases/{case.pk}/").content.decode()
    assert f"/mrc/cases/{case.pk}/messages/" in page
    assert (
        'data-testid="safe-contact-form"'
        in client.get(f"/mrc/cases/{case.pk}/messages/").content.decode()
    )
    answer = client.post(
        f"/mrc/cases/{case.pk}/safe-contacts/new/",
        {"channel": "whatsapp", "address": "0812-3456-7890"},
    )
    assert answer.status_code == 302
    mark = SafeContact.objects.get(case_id=case.pk)
    assert (mark.channel, str(mark.address), mark.marked_by) == (
        "whatsapp",
        "+6281234567890",
        counsellor,
    )
    assert CaseEvent.objects.filter(case=case, kind="safe_contact").exists()
    entries = LogEntry.objects.filter(content_type__model="safecontact", object_pk=str(mark.pk))
    assert entries.exists() and "3456" not in str([e.changes for e in entries])
    page = client.get(f"/mrc/cases/{case.pk}/messages/").content.decode()
    assert "•••7890" in page and "+6281234567890" not in page
    # Now a message about the case may go to that number, and only there.
    client_person.phones.create(number="+6281234567890", kind="whatsapp")
    message = notifications.queue_message(
        office=office,
        person=client_person,
        channel="whatsapp",
        address="+6281234567890",
        template_code="case_call_back",
        parameters={"office": office.name},
        case_id=case.pk,
    )
    assert message.is_case_related


def test_who_may_not_work_on_the_case_cannot_mark(client, gateways, make_case, make_user):
    case = make_case()
    head = make_user(Role.OFFICE_HEAD)
    client.force_login(head)
    client.post(
        f"/mrc/cases/{case.pk}/safe-contacts/new/",
        {"channel": "whatsapp", "address": "+6281234567890"},
    )
    assert not SafeContact.objects.exists()


# --- The supervisor's list, through the gate -------------------------------------------------


def failed_case_message(case, person, office):
    notifications.mark_safe_contact(
        case_id=case.pk, channel="sms", address="+6281299990000", by=case.assignments.first().worker
    )
    message = notifications.queue_message(
        office=office,
        person=person,
        channel="sms",
        address="+6281299990000",
        template_code="case_call_back",
        parameters={"office": office.name},
        case_id=case.pk,
    )
    Message.objects.filter(pk=message.pk).update(status="failed", last_error="refused")
    return message


def test_supervisor_list_hides_restricted_cases_messages_until_a_purpose_is_given(
    client, gateways, make_case, gbv_case, supervisor, client_person, office
):
    open_message = failed_case_message(make_case(), client_person, office)
    restricted_message = failed_case_message(gbv_case, client_person, office)
    client.force_login(supervisor)
    page = client.get("/mrc/messages/").content.decode()
    assert f"case-message-{open_message.pk}" in page
    assert f"case-message-{restricted_message.pk}" not in page
    assert f"/mrc/cases/{gbv_case.pk}/messages/" in page
    # The restricted case's own page asks for the purpose (the gate), then shows it.
    gated = client.get(f"/mrc/cases/{gbv_case.pk}/messages/").content.decode()
    assert f"case-message-{restricted_message.pk}" not in gated and 'name="purpose"' in gated
    client.post(
        reverse("core:read-purpose"),
        {
            "purpose": ReadPurpose.CASE_HANDLING,
            "subject": _subject(gbv_case),
            "next": f"/mrc/cases/{gbv_case.pk}/messages/",
        },
    )
    opened = client.get(f"/mrc/cases/{gbv_case.pk}/messages/").content.decode()
    assert f"case-message-{restricted_message.pk}" in opened
    assert f"case-message-{restricted_message.pk}" in client.get("/mrc/messages/").content.decode()
    reads = LogEntry.objects.filter(
        content_type__model="case", object_pk=str(gbv_case.pk), action=LogEntry.Action.ACCESS
    )
    assert reads.exists()


def _subject(case):
    from satuatap.core import sensitive

    return sensitive.subject_token(case)


def test_colleague_not_on_a_restricted_case_never_sees_its_messages(
    client, gateways, gbv_case, make_user, client_person, office
):
    message = failed_case_message(gbv_case, client_person, office)
    other = make_user(Role.COUNSELLOR, username="cirebon.other")
    client.force_login(other)
    assert client.get("/mrc/messages/").status_code == 403
    assert client.get(f"/mrc/cases/{gbv_case.pk}/messages/").status_code == 404
    assert message.pk


# --- Referral updates to the partner ---------------------------------------------------------


def test_partner_is_told_a_referral_awaits_without_the_client_or_the_case(
    gateways,
    smtp_server,
    make_case,
    counsellor,
    partner,
    office,
    django_capture_on_commit_callbacks,
):
    PartnerContact.objects.create(
        office=office,
        partner=partner,
        name="Bu Ani",
        email="ani@wcc.example",
        receives_reminders=True,
    )
    case = make_case()
    consent(case, counsellor, partner)
    with django_capture_on_commit_callbacks(execute=True):
        referral = services.send_referral(
            case=case,
            by=counsellor,
            partner=partner,
            service="Shelter",
            due_on=office.today() + 3 * DAY,
        )
    [mail] = smtp_server.messages
    assert mail.rcpt_tos == ["ani@wcc.example"]
    text = mail.content.decode()
    assert "/mrc/partner/" in text or "partner" in text.lower()
    for secret in (case.client.full_name, case.number, "Shelter", "Gaji"):
        assert secret not in text
    message = Message.objects.get(partner=partner)
    assert message.is_case_related and message.case_id == case.pk
    with django_capture_on_commit_callbacks(execute=True):
        services.revoke_referral(referral=referral, by=counsellor, reason="Client moved")
    assert len(smtp_server.messages) == 2
    assert "Client moved" not in smtp_server.messages[1].content.decode()


# --- The staff's daily digest ----------------------------------------------------------------


def test_daily_digest_counts_only_to_those_who_asked(
    client,
    gateways,
    smtp_server,
    make_case,
    counsellor,
    partner,
    office,
    make_user,
    django_capture_on_commit_callbacks,
):
    head = make_user(Role.OFFICE_HEAD, email="kepala@ltsa.example")
    make_user(Role.FRONTDESK, email="desk@ltsa.example")  # did not ask
    outreach = make_user(Role.OUTREACH_WORKER, email="lapangan@ltsa.example")
    notifications.set_digest_subscription(user=outreach, subscribed=True)
    client.force_login(head)
    assert 'name="subscribed"' in client.get("/notifications/digest/").content.decode()
    client.post("/notifications/digest/", {"subscribed": "on"})
    assert DigestSubscription.objects.filter(user=head).exists()

    desk = DeskFactory(office=office)
    service = Service.objects.create(
        office=office, desk=desk, name_id="Pendaftaran", target_minutes=10
    )
    visitor = PersonFactory(office=office, full_name="Dewi Lestari")
    frontdesk.check_in(by=make_user(Role.FRONTDESK), services=[service], person=visitor)
    files.open_file(
        person=visitor,
        by=make_user(Role.PLACEMENT_OFFICER),
        values={"scheme": Scheme.INDIVIDUAL, "employer": "Mr Chan"},
    )
    case = make_case()
    consent(case, counsellor, partner)
    services.send_referral(
        case=case,
        by=counsellor,
        partner=partner,
        service="Shelter",
        due_on=office.today() + 3 * DAY,
    )
    smtp_server.messages.clear()
    tomorrow = office.today() + DAY
    with django_capture_on_commit_callbacks(execute=True):
        assert events.queue_staff_digests(today=tomorrow) == 2
    assert events.queue_staff_digests(today=tomorrow) == 0  # once a day
    mails = {mail.rcpt_tos[0]: body(mail) for mail in smtp_server.messages}
    assert set(mails) == {"kepala@ltsa.example", "lapangan@ltsa.example"}
    day = office.today().isoformat()
    # The head works with cases: every figure; the outreach worker does not: no MRC count.
    assert f"{day}: 1 tiket" in mails["kepala@ltsa.example"]
    assert "1 berkas" in mails["kepala@ltsa.example"]
    assert "1 rujukan" in mails["kepala@ltsa.example"]
    assert "– rujukan" in mails["lapangan@ltsa.example"]
    assert "1 tiket" in mails["lapangan@ltsa.example"]
    for text in mails.values():
        assert "Dewi" not in text and case.client.full_name not in text
    client.post("/notifications/digest/", {})
    assert not DigestSubscription.objects.filter(user=head).exists()
