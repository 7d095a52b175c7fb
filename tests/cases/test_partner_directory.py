"""The office's partner directory, kept by its head (issue 19 point 8): partners, contact people
and consent templates (`core.partners`, `cases.directory`), and what the MRC's forms and the
referral reminders take from it."""

from __future__ import annotations

import datetime

import pytest
from auditlog.models import LogEntry
from django.core import mail
from django.urls import reverse

from satuatap.cases import services
from satuatap.cases.directory import services as directory
from satuatap.cases.forms import ConsentForm, ReferralForm
from satuatap.cases.models import SharedItem
from satuatap.cases.partner import services as partner_services
from satuatap.core import partners
from satuatap.core.exceptions import DomainError
from satuatap.core.models import Organisation, PartnerContact, PartnerType
from satuatap.core.partners import selectors as core_partner_selectors
from satuatap.core.partners import services as core_partner_services
from satuatap.core.roles import Role
from satuatap.core.selectors import office_partners
from tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db


def legal_aid(**extra) -> partners.PartnerDetails:
    values = {
        "name": "LBH Cirebon",
        "partner_type": PartnerType.LEGAL_AID,
        "services_offered": "Pendampingan hukum\n  Mediasi upah  \n",
        "email": "lbh@example.org",
        **extra,
    }
    return partners.PartnerDetails(**values)


def contact(**extra) -> partners.ContactDetails:
    return partners.ContactDetails(**{"name": "Ibu Wulan", "email": "wulan@example.org", **extra})


# --- Partners ---------------------------------------------------------------------------------


def test_the_head_adds_a_partner_that_works_with_the_office_and_it_is_audited(office, head):
    partner = core_partner_services.add_partner(office=office, by=head, details=legal_aid())

    assert partner.is_partner and list(partner.partner_offices.all()) == [office]
    assert partner.services_offered == "Pendampingan hukum\nMediasi upah"
    assert partner in office_partners(office)
    entries = LogEntry.objects.filter(content_type__model="organisation", object_pk=str(partner.pk))
    assert entries.exists() and {entry.actor for entry in entries} == {head}


def test_only_the_head_keeps_the_directory(office, other_office, counsellor, make_user):
    other_head = make_user(Role.OFFICE_HEAD, organisation=other_office)
    for outsider in (counsellor, make_user(Role.CASE_SUPERVISOR), other_head):
        with pytest.raises(DomainError) as error:
            core_partner_services.add_partner(office=office, by=outsider, details=legal_aid())
        assert error.value.status == 403
    assert not Organisation.objects.filter(name="LBH Cirebon").exists()


def test_a_partner_shared_with_another_office_is_kept_by_the_administrator(
    office, other_office, head, partner
):
    core_partner_services.update_partner(
        partner=partner, office=office, by=head, details=legal_aid()
    )
    partner.refresh_from_db()
    assert partner.name == "LBH Cirebon"

    partner.partner_offices.add(other_office)
    with pytest.raises(DomainError) as error:
        core_partner_services.update_partner(
            partner=partner, office=office, by=head, details=legal_aid(name="Renamed")
        )
    assert error.value.code == "shared_partner"
    # Its contacts and consent templates at this office stay the head's.
    core_partner_services.save_contact(office=office, partner=partner, by=head, details=contact())


def test_a_head_never_reaches_a_partner_of_another_office(office, other_office, make_user):
    theirs = PartnerFactory(slug="wcc-tulungagung", name="WCC Tulungagung")
    theirs.partner_offices.add(other_office)
    head = make_user(Role.OFFICE_HEAD)

    for change in (
        lambda: core_partner_services.update_partner(
            partner=theirs, office=office, by=head, details=legal_aid()
        ),
        lambda: core_partner_services.save_contact(
            office=office, partner=theirs, by=head, details=contact()
        ),
        lambda: core_partner_services.stop_working_with(partner=theirs, office=office, by=head),
        lambda: directory.save_consent_template(
            office=office, partner=theirs, by=head, name="Hukum", items=["identity"]
        ),
    ):
        with pytest.raises(DomainError) as error:
            change()
        assert error.value.status == 404


def test_after_stopping_work_with_a_partner_no_new_consent_names_it(
    office, head, partner, make_case, counsellor
):
    core_partner_services.stop_working_with(partner=partner, office=office, by=head)

    assert partner not in office_partners(office)
    with pytest.raises(DomainError) as error:
        services.record_consent(
            case=make_case(),
            by=counsellor,
            recipient=partner,
            items=[SharedItem.IDENTITY],
            given_on=office.today(),
            method="signed",
        )
    assert error.value.code == "invalid_partner"


# --- Contacts and reminders ------------------------------------------------------------------


def test_a_contact_who_takes_reminders_needs_an_address(office, head, partner):
    with pytest.raises(DomainError) as error:
        core_partner_services.save_contact(
            office=office,
            partner=partner,
            by=head,
            details=contact(email="", receives_reminders=True),
        )
    assert "email" in error.value.details


def _late_referral(make_case, counsellor, partner):
    case = make_case()
    services.record_consent(
        case=case,
        by=counsellor,
        recipient=partner,
        items=[SharedItem.IDENTITY],
        given_on=case.office.today(),
        method="signed",
    )
    return services.send_referral(
        case=case,
        by=counsellor,
        partner=partner,
        service="Pendampingan hukum",
        due_on=case.office.today() + datetime.timedelta(days=1),
    )


def test_reminders_go_to_the_contacts_who_take_them_else_to_the_partner(
    office, head, partner, make_case, counsellor, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    partner.email = "info@wcc.example.org"
    partner.save()
    referral = _late_referral(make_case, counsellor, partner)
    later = referral.due_on + datetime.timedelta(days=3)

    partner_services.send_referral_reminders(today=later)
    assert mail.outbox[-1].to == ["info@wcc.example.org"]

    core_partner_services.save_contact(office=office, partner=partner, by=head, details=contact())
    core_partner_services.save_contact(
        office=office,
        partner=partner,
        by=head,
        details=contact(name="Pak Dedi", email="dedi@example.org", receives_reminders=True),
    )
    partner_services.send_referral_reminders(today=later + datetime.timedelta(days=1))
    assert mail.outbox[-1].to == ["dedi@example.org"]


def test_another_offices_contacts_at_a_shared_partner_get_none_of_our_reminders(
    office, other_office, head, partner, make_user
):
    partner.partner_offices.add(other_office)
    other_head = make_user(Role.OFFICE_HEAD, organisation=other_office)
    core_partner_services.save_contact(
        office=other_office,
        partner=partner,
        by=other_head,
        details=contact(receives_reminders=True),
    )

    assert core_partner_selectors.reminder_addresses(partner=partner, office=office) == []
    assert PartnerContact.objects.filter(office=office).count() == 0


# --- Consent templates and the MRC's forms ---------------------------------------------------


@pytest.fixture
def template(office, head, partner):
    return directory.save_consent_template(
        office=office,
        partner=partner,
        by=head,
        name="Pendampingan psikososial",
        items=[SharedItem.SUMMARY, SharedItem.IDENTITY],
        explanation="WCC mendampingi Ibu; persetujuan dapat dicabut kapan saja.",
    )


def test_a_template_holds_known_items_only(office, head, partner):
    with pytest.raises(DomainError) as error:
        directory.save_consent_template(
            office=office, partner=partner, by=head, name="Semua", items=["everything"]
        )
    assert "items" in error.value.details


def test_a_template_fills_the_consent_form(office, template, partner):
    form = ConsentForm(
        {"template": template.pk, "given_on": office.today().isoformat(), "method": "signed"},
        office=office,
    )

    assert form.is_valid(), form.errors
    assert form.cleaned_data["recipient"] == partner
    assert form.cleaned_data["items"] == [SharedItem.IDENTITY, SharedItem.SUMMARY]
    assert "template" not in form.cleaned_data  # not an argument of record_consent


def test_the_client_may_agree_to_less_than_the_template(office, template):
    form = ConsentForm(
        {
            "template": template.pk,
            "items": [SharedItem.IDENTITY],
            "given_on": office.today().isoformat(),
            "method": "signed",
        },
        office=office,
    )

    assert form.is_valid(), form.errors
    assert form.cleaned_data["items"] == [SharedItem.IDENTITY]


def test_a_template_for_another_partner_than_the_one_chosen_is_refused(office, template, head):
    legal = core_partner_services.add_partner(office=office, by=head, details=legal_aid())
    form = ConsentForm(
        {
            "template": template.pk,
            "recipient": legal.pk,
            "given_on": office.today().isoformat(),
            "method": "signed",
        },
        office=office,
    )

    assert not form.is_valid() and "template" in form.errors


def test_a_withdrawn_template_or_a_former_partners_is_not_offered(office, head, template, partner):
    offered = ConsentForm(office=office).fields["template"].queryset
    assert list(offered) == [template]

    core_partner_services.stop_working_with(partner=partner, office=office, by=head)
    assert list(ConsentForm(office=office).fields["template"].queryset) == []


def test_the_referral_form_suggests_the_partners_services(office, head):
    core_partner_services.add_partner(office=office, by=head, details=legal_aid())

    form = ReferralForm(office=office)

    assert form.service_suggestions == ["Mediasi upah", "Pendampingan hukum"]
    assert form.fields["service"].widget.attrs["list"] == "referral-services"


# --- Pages ----------------------------------------------------------------------------------------


def test_the_head_keeps_the_directory_on_its_pages(client, office, head, partner):
    client.force_login(head)

    response = client.post(
        reverse("cases:partner-contact-new", args=[partner.pk]),
        {"name": "Ibu Wulan", "email": "wulan@example.org", "receives_reminders": "on"},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("cases:consent-template-new", args=[partner.pk]),
        {"name": "Psikososial", "items": ["identity", "summary"], "is_active": "on"},
    )
    assert response.status_code == 302

    page = client.get(reverse("cases:partner-directory")).content.decode()
    assert "Ibu Wulan" in page and "Psikososial" in page
    assert reverse("cases:partner-edit", args=[partner.pk]) in page


def test_a_counsellor_reads_the_directory_but_does_not_keep_it(client, counsellor, partner):
    client.force_login(counsellor)

    page = client.get(reverse("cases:partner-directory")).content.decode()

    assert partner.name in page
    assert reverse("cases:partner-edit", args=[partner.pk]) not in page
    assert client.get(reverse("cases:partner-edit", args=[partner.pk])).status_code == 403


def test_the_directory_reads_a_bounded_number_of_queries(
    client, office, head, counsellor, django_assert_max_num_queries
):
    for number in range(30):
        partner = core_partner_services.add_partner(
            office=office, by=head, details=legal_aid(name=f"Mitra {number}")
        )
        core_partner_services.save_contact(
            office=office, partner=partner, by=head, details=contact()
        )
        directory.save_consent_template(
            office=office, partner=partner, by=head, name="Hukum", items=["identity"]
        )
    client.force_login(counsellor)

    with django_assert_max_num_queries(12):
        response = client.get(reverse("cases:partner-directory"))

    assert response.content.decode().count("Ibu Wulan") == 30


def test_stopping_work_with_a_partner_says_nothing_of_the_cases_referred_there(
    office, head, partner, gbv_case, counsellor, make_case
):
    """The head may not see a restricted case: whether one was referred to the partner must
    change nothing in what she is told."""
    _late_referral(lambda: gbv_case, counsellor, partner)

    core_partner_services.stop_working_with(partner=partner, office=office, by=head)

    assert partner not in office_partners(office)
    # The referral goes on until its case worker ends it.
    assert gbv_case.referrals.get().stopped_at is None


def test_the_case_page_offers_the_templates_and_the_partners_services(
    client, office, head, template, make_case, counsellor
):
    core_partner_services.add_partner(office=office, by=head, details=legal_aid())
    case = make_case()
    client.force_login(counsellor)

    page = client.get(reverse("cases:case-detail", args=[case.pk])).content.decode()

    assert f'<option value="{template.pk}">' in page
    assert '<datalist id="referral-services">' in page
    assert '<option value="Mediasi upah">' in page
    assert "persetujuan dapat dicabut kapan saja" in page  # the words for the client
