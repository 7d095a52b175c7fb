"""A partner refers a client it met first to an office's MRC (issue 22, point 2): a contact for
the office's counsellors, with her consent; the partner reads nothing of the office."""

from __future__ import annotations

import datetime

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.urls import reverse

from satuatap.cases.models import Contact, ContactSource, PartnerReferralIn
from satuatap.core.exceptions import DomainError
from satuatap.core.roles import Role
from tests import purpose as purpose_form

pytestmark = pytest.mark.django_db

STORY = "Gaji tidak dibayar enam bulan, paspor ditahan majikan di Riyadh."
REACH = "WhatsApp kakaknya, sore hari setelah jam 5"
NAME = "Dewi Lestari"


def _form(office, **extra) -> dict:
    return {
        "office": office.pk,
        "client_name": NAME,
        "sex": "F",
        "age_band": "25-39",
        "topic": "rights",
        "what_happened": STORY,
        "reach": REACH,
        "country": "SA",
        "consent_given_on": office.today().isoformat(),
        "consent_method": "written",
        "consent": "on",
    } | extra


def _refer(by, office, **extra):
    """A referral through the service, as the form sends it."""
    from satuatap.cases.partner import services

    values = {
        "client_name": NAME,
        "sex": "F",
        "age_band": "25-39",
        "topic": "gbv",
        "what_happened": STORY,
        "reach": REACH,
        "country": "",
        "consent_given_on": office.today(),
        "consent_method": "verbal",
    } | extra
    return services.refer_to_office(by=by, office=office, **values)


def test_a_partner_refers_a_client_and_the_offices_counsellors_get_a_contact(
    client, partner_worker, partner, office, counsellor
):
    client.force_login(partner_worker)
    response = client.post(reverse("cases:partner-inbound-create"), _form(office))

    assert response.status_code == 302
    referral = PartnerReferralIn.objects.get()
    contact = referral.contact
    assert (contact.office, contact.source, contact.topic) == (
        office,
        ContactSource.PARTNER,
        "rights",
    )
    assert (contact.sex, contact.age_band, contact.country.code) == ("F", "25-39", "SA")
    assert (referral.partner, referral.recorded_by, referral.consent_method) == (
        partner,
        partner_worker,
        "written",
    )
    # The name, the story and the way to reach her are encrypted in the database.
    with connection.cursor() as cursor:
        cursor.execute("SELECT client_name FROM cases_partnerreferralin")
        stored_name = cursor.fetchone()[0]
        cursor.execute("SELECT notes, reach FROM cases_contact WHERE id = %s", [contact.pk])
        stored = cursor.fetchone()
    assert NAME not in stored_name and STORY not in stored[0] and REACH not in stored[1]
    # Nothing of it in the audit trail.
    assert all(
        NAME not in str(e.changes) and STORY not in str(e.changes) for e in LogEntry.objects.all()
    )

    # The partner's list says it was sent, to which office; the office's counsellor reads it.
    listed = client.get(reverse("cases:partner-inbound-list")).content.decode()
    assert office.name in listed and STORY not in listed
    client.force_login(counsellor)
    url = reverse("cases:portal-request", args=[contact.pk])
    page = purpose_form.read(client, url, "case").content.decode()
    assert NAME in page and STORY in page and REACH in page and partner.name in page


def test_the_request_is_read_with_a_purpose_and_not_by_the_office_head(
    client, partner_worker, office, counsellor, head
):
    referral = _refer(partner_worker, office)
    url = reverse("cases:portal-request", args=[referral.contact_id])
    client.force_login(counsellor)
    assert purpose_form.is_purpose_page(client.get(url))
    client.force_login(head)
    response = client.get(url)
    assert response.status_code in (403, 404) and STORY not in response.content.decode()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"consent_given_on": ""}, "consent_given_on"),
        ({"consent": ""}, "consent"),
        ({"what_happened": ""}, "what_happened"),
        ({"reach": ""}, "reach"),
        ({"client_name": ""}, "client_name"),
        ({"consent_method": "email"}, "consent_method"),
    ],
)
def test_a_referral_without_consent_or_what_is_needed_is_refused_and_nothing_is_written(
    client, partner_worker, office, change, field
):
    client.force_login(partner_worker)
    response = client.post(reverse("cases:partner-inbound-create"), _form(office, **change))
    assert response.status_code == 422
    assert response.context["form"].errors[field]
    assert not Contact.objects.exists() and not PartnerReferralIn.objects.exists()


def test_a_consent_dated_in_the_future_is_refused(client, partner_worker, office):
    client.force_login(partner_worker)
    tomorrow = (office.today() + datetime.timedelta(days=1)).isoformat()
    response = client.post(
        reverse("cases:partner-inbound-create"), _form(office, consent_given_on=tomorrow)
    )
    assert response.status_code == 422
    assert "Tanggal tidak boleh melewati hari ini." in response.content.decode()
    assert not Contact.objects.exists()


def test_a_partner_refers_only_to_an_office_it_works_with(partner_worker, other_office):
    with pytest.raises(DomainError) as refused:
        _refer(partner_worker, other_office)
    assert "office" in refused.value.details
    assert not Contact.objects.exists()


@pytest.mark.parametrize("role", [Role.COUNSELLOR, Role.OFFICE_HEAD, Role.FRONTDESK])
def test_only_a_partner_case_worker_refers(client, make_user, role, office):
    client.force_login(make_user(role))
    assert client.get(reverse("cases:partner-inbound-list")).status_code == 403
    assert client.post(reverse("cases:partner-inbound-create"), _form(office)).status_code == 403
    assert not Contact.objects.exists()


def test_a_partner_sees_only_what_it_sent(client, partner_worker, office, make_user):
    from tests.factories import PartnerFactory

    other = PartnerFactory()
    other.partner_offices.add(office)
    _refer(make_user(Role.PARTNER_CASEWORKER, organisation=other), office)
    client.force_login(partner_worker)
    page = client.get(reverse("cases:partner-inbound-list")).content.decode()
    assert 'data-testid="partner-inbound"' not in page
