"""Requests to the MRC from the portal (help, a recruiter's report) and the agency check."""

from __future__ import annotations

import datetime
import json

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.utils import timezone

from satuatap.cases.models import Contact, ContactSource, Topic
from satuatap.cases.selectors import visible_contacts
from satuatap.core.roles import Role
from satuatap.notifications.catalogue import get_template
from satuatap.notifications.models import Message
from satuatap.placement.models import Agency, AgencyStatus
from tests.purpose import is_purpose_page, read

pytestmark = pytest.mark.django_db

STORY = "Majikan menahan paspor saya dan tidak membayar gaji tiga bulan"


def _help(client, office, **extra):
    data = {
        "office": office.pk,
        "what_happened": STORY,
        "reach": "WhatsApp +85291234567 setelah jam 21",
        "country": "HK",
    } | extra
    return client.post("/portal/help/", data)


def test_a_request_for_help_opens_one_contact_for_the_offices_counsellors(
    client, office, other_office, make_user
):
    response = _help(client, office)
    assert response["Location"] == "/portal/thanks/"
    contact = Contact.objects.get()
    assert (contact.office, contact.source, contact.country.code) == (
        office,
        ContactSource.PORTAL_HELP,
        "HK",
    )
    assert str(contact.notes) == STORY
    counsellor = make_user(Role.COUNSELLOR)
    assert list(visible_contacts(counsellor)) == [contact]
    # The counsellor finds it in the office's list of contacts (without its text)...
    client.force_login(counsellor)
    listing = client.get("/mrc/contacts/", {"source": "portal_help"}).content.decode()
    assert STORY not in listing
    url = f"/mrc/contacts/{contact.pk}/request/"
    assert url in listing
    # ... and reads it on its own page, after saying why, with an access entry.
    assert is_purpose_page(client.get(url))
    page = read(client, url, "case").content.decode()
    assert STORY in page and "WhatsApp +85291234567" in page
    access = LogEntry.objects.get_for_object(contact).filter(action=LogEntry.Action.ACCESS)
    assert access.get().actor == counsellor
    # The office head sees the contact in the list but not what was written.
    head = make_user(Role.OFFICE_HEAD)
    client.force_login(head)
    assert client.get(url).status_code == 403
    # Nobody of another office sees it.
    stranger = make_user(Role.COUNSELLOR, organisation=other_office)
    assert not visible_contacts(stranger).exists()


def test_the_thank_you_page_shows_nothing_of_the_request(client, office):
    response = _help(client, office)
    page = client.get(response["Location"]).content.decode()
    assert "paspor" not in page and "WhatsApp +852" not in page and "HK" not in page
    # Nor does the portal's start page.
    assert "paspor" not in client.get("/portal/").content.decode()


def test_what_they_wrote_is_encrypted_in_the_database(client, office):
    _help(client, office)
    with connection.cursor() as cursor:
        cursor.execute("SELECT notes, reach FROM cases_contact")
        notes, reach = cursor.fetchone()
    assert "paspor" not in notes and "85291234567" not in reach


def test_no_message_goes_to_a_phone_unless_asked_for(client, office):
    _help(client, office)
    assert not Message.objects.exists()


def test_the_confirmation_asked_for_names_neither_the_mrc_nor_the_request(client, office):
    _help(client, office, wants_confirmation="on", confirmation_phone="081299998888")
    message = Message.objects.get()
    assert message.template_code == "portal_received"
    assert message.person is None and message.staff_user is None
    assert str(message.address) == "+6281299998888"
    template = get_template(message.template_code)
    for language in ("id", "en"):
        subject, body = template.render(language, json.loads(str(message.parameters)))
        text = f"{subject} {body}".lower()
        for word in ("mrc", "kekerasan", "violence", "help", "bantuan", "paspor", "case", "kasus"):
            assert word not in text


def test_a_request_without_what_happened_is_refused_beside_the_field(client, office):
    response = _help(client, office, what_happened="  ")
    assert response.status_code == 422
    assert not Contact.objects.exists()


def test_requests_for_help_are_rate_limited_per_address(client, office):
    for _ in range(5):
        assert _help(client, office).status_code == 302
    assert _help(client, office).status_code == 429
    assert Contact.objects.count() == 5


def test_an_unlicensed_recruiter_report_lands_as_a_contact(client, office, make_user):
    response = client.post(
        "/portal/report/",
        {
            "office": office.pk,
            "recruiter": "Pak Joko (sponsor)",
            "details": "Minta uang Rp 5 juta untuk kerja di Taiwan",
        },
    )
    assert response["Location"] == "/portal/thanks/"
    contact = Contact.objects.get()
    assert (contact.source, contact.topic) == (ContactSource.PORTAL_REPORT, Topic.JOBS)
    assert str(contact.notes).startswith("Pak Joko (sponsor)")
    assert list(visible_contacts(make_user(Role.COUNSELLOR))) == [contact]


def test_the_agency_check_says_whether_a_licence_is_valid_today(client):
    today = timezone.localdate()
    Agency.objects.create(
        name="PT Bina Karya",
        licence_number="SIP3MI/1",
        licence_valid_from=today - datetime.timedelta(days=30),
        licence_valid_until=today + datetime.timedelta(days=30),
        status=AgencyStatus.ACTIVE,
    )
    Agency.objects.create(
        name="PT Bina Lama",
        licence_number="SIP3MI/2",
        licence_valid_from=today - datetime.timedelta(days=400),
        licence_valid_until=today - datetime.timedelta(days=1),
        status=AgencyStatus.ACTIVE,
    )
    page = client.get("/portal/agencies/", {"q": "bina"}).content.decode()
    assert page.count('data-testid="agency-licensed"') == 1
    assert page.count('data-testid="agency-not-licensed"') == 1
    none = client.get("/portal/agencies/", {"q": "Sponsor Joko"}).content.decode()
    assert 'data-testid="agency-none"' in none
