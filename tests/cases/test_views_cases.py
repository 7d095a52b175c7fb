"""The case pages: intake, the case page and its forms (assignment, plan, notes, attachments,
consent, referrals, status, closure), the lists and the partner directory."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from satuatap.cases import services
from satuatap.cases.models import (
    Case,
    CaseAttachment,
    CaseConsent,
    CaseStatus,
    Category,
    Channel,
    GbvType,
    Outcome,
    Referral,
    ReferralState,
    SharedItem,
    Urgency,
)
from satuatap.cases.partner import services as partner_services
from satuatap.core.audit import ReadPurpose
from satuatap.core.models import PartnerType
from satuatap.core.roles import Role
from tests import purpose as purpose_form
from tests.factories import PartnerFactory, PersonFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def english(counsellor, supervisor):
    """The counsellor and the supervisor read the pages in English."""
    for user in (counsellor, supervisor):
        user.language = "en"
        user.save(update_fields=["language"])


@pytest.fixture
def wage_case(make_case):
    return make_case(categories=(Category.WAGES,))


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def _intake(http, person, **data):
    values = {
        "client": str(person.pk),
        "complainant": "",
        "channel": Channel.WALK_IN,
        "received_on": person.office.today().isoformat(),
        "categories": [Category.WAGES],
        "urgency": Urgency.NORMAL,
        **data,
    }
    return http.post(reverse("cases:case-create"), values)


# --- Intake -----------------------------------------------------------------------------------


def test_intake_form_finds_the_person_affected_with_the_registry_search(client, counsellor, office):
    from satuatap.people.services import register_person

    person = register_person(by=counsellor, full_name="Sri Mulyani", sex="F")
    client.force_login(counsellor)
    page = client.get(reverse("cases:case-create"))
    assert page.status_code == 200
    assert page.context["form"]["received_on"].value() == office.today()
    assert reverse("people:create") in page.content.decode()

    found = client.get(
        reverse("cases:case-create"), {"client_q": "sri mulyani"}, HTTP_HX_REQUEST="true"
    )
    assert f'name="client" id="client-{person.pk}"' in found.content.decode()
    complainant = client.get(
        reverse("cases:case-create"), {"complainant_q": "sri"}, HTTP_HX_REQUEST="true"
    )
    assert f'name="complainant" id="complainant-{person.pk}"' in complainant.content.decode()


def test_a_wage_complaint_opens_a_case_and_shows_its_priority(
    client, counsellor, client_person, english
):
    client.force_login(counsellor)
    response = _intake(client, client_person, country="HK", employer="Mr Chan", narrative="Gaji")
    case = Case.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("cases:case-detail", args=[case.pk])
    assert (case.priority, case.is_restricted, case.country.code) == (3, False, "HK")
    page = client.get(response.url)
    html = page.content.decode()
    assert 'data-priority="3"' in html
    assert "Priority 3: normal" in html
    assert case.number in html
    assert not page.context["first_steps"]


def test_a_gbv_complaint_in_danger_is_restricted_priority_one_with_first_steps(
    client, counsellor, client_person, english
):
    client.force_login(counsellor)
    response = _intake(
        client,
        client_person,
        categories=[Category.GBV, Category.WAGES],
        gbv_types=[GbvType.PHYSICAL_ASSAULT, GbvType.PSYCHOLOGICAL],
        safety=["immediate_danger", "needs_shelter"],
        safety_notes="Di rumah majikan.",
        narrative="Dipukul.",
        recruiter="Pak Darto",
    )
    case = Case.objects.get()
    assert case.is_restricted and case.priority == 1
    assert set(case.gbv_types.values_list("gbv_type", flat=True)) == {
        GbvType.PHYSICAL_ASSAULT,
        GbvType.PSYCHOLOGICAL,
    }
    assert case.recruiter == "Pak Darto"
    prompt = client.get(response.url)
    assert "Dipukul" not in prompt.content.decode()
    page = purpose_form.read(client, response.url, ReadPurpose.CASE_HANDLING)
    html = page.content.decode()
    assert 'data-testid="restricted-badge"' in html
    assert 'data-priority="1"' in html
    assert "What to do first" in html
    assert "Immediate danger: contact the police" in html
    assert "Find shelter today" in html
    assert "Physical assault" in html


def test_a_gbv_type_without_a_violence_category_is_refused(client, counsellor, client_person):
    client.force_login(counsellor)
    response = _intake(client, client_person, gbv_types=[GbvType.RAPE])
    assert response.status_code == 200
    assert response.context["form"].errors["gbv_types"]
    assert not Case.objects.exists()


def test_a_complainant_other_than_the_person_affected_needs_the_relation(
    client, counsellor, client_person, office
):
    mother = PersonFactory(office=office, full_name="Ibu Kasmini")
    client.force_login(counsellor)
    refused = _intake(client, client_person, complainant=str(mother.pk))
    assert refused.context["form"].errors["complainant_relation"]
    assert refused.context["chosen_client"] == client_person
    assert not Case.objects.exists()
    _intake(client, client_person, complainant=str(mother.pk), complainant_relation="ibu")
    case = Case.objects.get()
    assert (case.complainant, case.complainant_relation) == (mother, "ibu")


def test_intake_without_a_person_or_category_changes_nothing(client, counsellor, client_person):
    client.force_login(counsellor)
    response = _intake(client, client_person, client="", categories=[])
    form = response.context["form"]
    assert form.errors["client"] and form.errors["categories"]
    assert not Case.objects.exists()


def test_only_case_workers_take_in_complaints(client, head, client_person):
    client.force_login(head)
    assert client.get(reverse("cases:case-create")).status_code == 403
    assert _intake(client, client_person).status_code == 403
    assert not Case.objects.exists()


# --- Assignment -------------------------------------------------------------------------------


def test_a_client_asking_for_a_woman_is_not_assigned_a_man(
    client, counsellor, supervisor, woman_counsellor, client_person, english
):
    counsellor.gender = "M"
    counsellor.save(update_fields=["gender"])
    client.force_login(counsellor)
    _intake(client, client_person, wants_woman_worker="on")
    case = Case.objects.get()
    assert not case.assignments.exists()
    page = client.get(reverse("cases:case-detail", args=[case.pk]))
    assert "Not assigned yet" in page.content.decode()

    client.force_login(supervisor)
    url = reverse("cases:case-assign", args=[case.pk])
    refused = client.post(url, {"worker": counsellor.pk}, follow=True)
    assert "The client asked for a woman case worker; assign a woman." in _messages(refused)
    assert not case.assignments.exists()

    client.post(url, {"worker": woman_counsellor.pk})
    assert list(case.assignments.values_list("worker", flat=True)) == [woman_counsellor.pk]


def test_a_supervisor_reassigns_and_a_counsellor_may_not(
    client, counsellor, supervisor, woman_counsellor, wage_case
):
    client.force_login(counsellor)
    url = reverse("cases:case-assign", args=[wage_case.pk])
    assert client.post(url, {"worker": woman_counsellor.pk}).status_code == 403
    client.force_login(supervisor)
    client.post(url, {"worker": woman_counsellor.pk, "replace": "on"})
    current = wage_case.assignments.filter(ended_at__isnull=True)
    assert list(current.values_list("worker", flat=True)) == [woman_counsellor.pk]


# --- Plan, notes, status, attachments ---------------------------------------------------------


def test_plan_notes_and_status_from_the_case_page(client, counsellor, wage_case, office, english):
    client.force_login(counsellor)
    due = office.today() + datetime.timedelta(days=3)
    client.post(
        reverse("cases:action-add", args=[wage_case.pk]),
        {"description": "Hubungi agensi", "owner": counsellor.pk, "due_on": due.isoformat()},
    )
    action = wage_case.actions.get()
    assert (action.description, action.owner, action.due_on) == ("Hubungi agensi", counsellor, due)
    client.post(reverse("cases:action-done", args=[wage_case.pk, action.pk]))
    action.refresh_from_db()
    assert action.done_at is not None

    client.post(reverse("cases:note-add", args=[wage_case.pk]), {"text": "Klien menelepon."})
    client.post(reverse("cases:case-status", args=[wage_case.pk]), {"status": "in_progress"})
    wage_case.refresh_from_db()
    assert wage_case.status == CaseStatus.IN_PROGRESS

    page = client.get(reverse("cases:case-detail", args=[wage_case.pk]))
    kinds = [row["kind"] for row in page.context["timeline"]]
    assert kinds[0] == "opened"
    assert {"action", "action_done", "note", "status"} <= set(kinds)
    assert "Klien menelepon." in page.content.decode()


def test_an_empty_note_is_refused_with_a_message(client, counsellor, wage_case, english):
    client.force_login(counsellor)
    response = client.post(
        reverse("cases:note-add", args=[wage_case.pk]), {"text": "  "}, follow=True
    )
    assert any("Note" in message for message in _messages(response))
    assert not wage_case.notes.exists()


def test_attachment_upload_refuses_an_html_file(client, counsellor, wage_case, english):
    client.force_login(counsellor)
    url = reverse("cases:attachment-upload", args=[wage_case.pk])
    html = SimpleUploadedFile(
        "scan.pdf", b"<html><script>alert(1)</script></html>", content_type="application/pdf"
    )
    response = client.post(url, {"title": "Kontrak", "file": html}, follow=True)
    assert any("not a PDF, JPEG or PNG" in message for message in _messages(response))
    assert not CaseAttachment.objects.exists()

    png = SimpleUploadedFile("photo.png", PNG, content_type="image/png")
    client.post(url, {"title": "Foto paspor", "file": png})
    attachment = CaseAttachment.objects.get()
    assert (attachment.title, attachment.content_type) == ("Foto paspor", "image/png")
    download = client.get(reverse("cases:attachment-file", args=[wage_case.pk, attachment.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PNG
    assert download["X-Content-Type-Options"] == "nosniff"


def test_attachments_are_downloaded_only_by_who_can_view_the_case(
    client, counsellor, wage_case, make_user, other_office
):
    upload = SimpleUploadedFile("x.pdf", PDF)
    client.force_login(counsellor)
    client.post(
        reverse("cases:attachment-upload", args=[wage_case.pk]), {"title": "Slip", "file": upload}
    )
    attachment = CaseAttachment.objects.get()
    url = reverse("cases:attachment-file", args=[wage_case.pk, attachment.pk])
    assert b"".join(client.get(url).streaming_content) == PDF  # the assigned counsellor
    for outsider in (
        make_user(Role.COUNSELLOR, organisation=other_office),
        make_user(Role.FRONTDESK),
    ):
        client.force_login(outsider)
        response = client.get(url)
        assert response.status_code == 404, outsider
        assert not response.streaming and PDF not in response.content, outsider
        assert "Slip" not in response.content.decode(), outsider


# --- Consent and referral ---------------------------------------------------------------------


def _consent_data(partner, office, **extra):
    return {
        "recipient": partner.pk,
        "items": [SharedItem.IDENTITY, SharedItem.SUMMARY],
        "given_on": office.today().isoformat(),
        "method": "signed",
        **extra,
    }


def _referral_data(partner, office, **extra):
    return {
        "partner": partner.pk,
        "service": "Pendampingan psikososial",
        "due_on": (office.today() + datetime.timedelta(days=5)).isoformat(),
        **extra,
    }


def test_referral_without_consent_shows_the_error_and_creates_nothing(
    client, counsellor, wage_case, partner, office, english
):
    client.force_login(counsellor)
    response = client.post(
        reverse("cases:referral-send", args=[wage_case.pk]),
        _referral_data(partner, office),
        follow=True,
    )
    assert response.status_code == 200
    assert any("has not consented" in message for message in _messages(response))
    assert "has not consented" in response.content.decode()
    assert not Referral.objects.exists()
    wage_case.refresh_from_db()
    assert wage_case.status == CaseStatus.OPEN


def test_consent_then_referral_from_the_case_page(client, counsellor, wage_case, partner, office):
    client.force_login(counsellor)
    client.post(reverse("cases:consent-add", args=[wage_case.pk]), _consent_data(partner, office))
    consent = CaseConsent.objects.get()
    assert (consent.recipient, consent.items, consent.taken_by) == (
        partner,
        [SharedItem.IDENTITY, SharedItem.SUMMARY],
        counsellor,
    )
    client.post(
        reverse("cases:referral-send", args=[wage_case.pk]), _referral_data(partner, office)
    )
    referral = Referral.objects.get()
    assert (referral.partner, referral.consent, referral.state) == (
        partner,
        consent,
        ReferralState.SENT,
    )
    wage_case.refresh_from_db()
    assert wage_case.status == CaseStatus.PENDING_PARTNER
    page = client.get(reverse("cases:case-detail", args=[wage_case.pk]))
    assert f'data-testid="referral-{referral.pk}"' in page.content.decode()


def test_a_message_needs_consent_to_share_the_narrative(
    client, counsellor, wage_case, partner, office, english
):
    client.force_login(counsellor)
    client.post(reverse("cases:consent-add", args=[wage_case.pk]), _consent_data(partner, office))
    response = client.post(
        reverse("cases:referral-send", args=[wage_case.pk]),
        _referral_data(partner, office, message="Dia dipukul."),
        follow=True,
    )
    assert any("did not consent to share the story" in m for m in _messages(response))
    assert not Referral.objects.exists()


def test_verbal_consent_needs_a_witness(client, counsellor, wage_case, partner, office, english):
    client.force_login(counsellor)
    response = client.post(
        reverse("cases:consent-add", args=[wage_case.pk]),
        _consent_data(partner, office, method="verbal"),
        follow=True,
    )
    assert "Verbal consent needs a witness." in _messages(response)
    assert not CaseConsent.objects.exists()


def test_only_partners_of_the_office_can_be_chosen(client, counsellor, wage_case, office):
    stranger = PartnerFactory(slug="lbh-elsewhere", name="LBH Elsewhere")
    client.force_login(counsellor)
    client.post(reverse("cases:consent-add", args=[wage_case.pk]), _consent_data(stranger, office))
    assert not CaseConsent.objects.exists()
    client.post(
        reverse("cases:referral-send", args=[wage_case.pk]), _referral_data(stranger, office)
    )
    assert not Referral.objects.exists()


def test_withdrawing_consent_stops_its_referrals(client, counsellor, wage_case, partner, office):
    client.force_login(counsellor)
    client.post(reverse("cases:consent-add", args=[wage_case.pk]), _consent_data(partner, office))
    client.post(
        reverse("cases:referral-send", args=[wage_case.pk]), _referral_data(partner, office)
    )
    consent, referral = CaseConsent.objects.get(), Referral.objects.get()
    client.post(reverse("cases:consent-withdraw", args=[wage_case.pk, consent.pk]))
    consent.refresh_from_db()
    referral.refresh_from_db()
    assert consent.withdrawn_on is not None and referral.stopped_at is not None
    again = client.post(
        reverse("cases:referral-send", args=[wage_case.pk]), _referral_data(partner, office)
    )
    assert again.status_code == 302
    assert Referral.objects.count() == 1


def test_the_case_page_shows_the_partners_answer(
    client, counsellor, wage_case, partner, partner_worker, office, english
):
    consent = services.record_consent(
        case=wage_case,
        by=counsellor,
        recipient=partner,
        items=[SharedItem.IDENTITY],
        given_on=office.today(),
        method="signed",
    )
    assert consent.is_active
    referral = services.send_referral(
        case=wage_case,
        by=counsellor,
        partner=partner,
        service="Shelter",
        due_on=office.today() + datetime.timedelta(days=2),
    )
    partner_services.answer_referral(referral=referral, by=partner_worker, accept=True)
    partner_services.add_feedback(
        referral=referral, by=partner_worker, feedback="Klien sudah aman.", complete=True
    )
    client.force_login(counsellor)
    html = client.get(reverse("cases:case-detail", args=[wage_case.pk])).content.decode()
    assert "Completed" in html
    assert "Klien sudah aman." in html


# --- Closure ----------------------------------------------------------------------------------


def test_closure_request_and_supervisor_approval(
    client, counsellor, supervisor, wage_case, english
):
    client.force_login(counsellor)
    client.post(
        reverse("cases:closure-request", args=[wage_case.pk]),
        {
            "outcome": Outcome.PARTLY,
            "money_recovered_idr": "15000000",
            "money_original_amount": "7000.00",
            "money_original_currency": "hkd",
            "return_assisted": "on",
        },
    )
    wage_case.refresh_from_db()
    assert wage_case.status == CaseStatus.RESOLVED
    assert (wage_case.money_recovered_idr, wage_case.money_original_currency) == (15000000, "HKD")
    assert wage_case.return_assisted and not wage_case.legal_action
    decide = reverse("cases:closure-decide", args=[wage_case.pk])
    assert client.post(decide, {"decision": "approve"}).status_code == 403

    client.force_login(supervisor)
    page = client.get(reverse("cases:case-detail", args=[wage_case.pk]))
    assert page.context["decision_form"] is not None
    refused = client.post(decide, {"decision": "send_back"}, follow=True)
    assert "Say why the case goes back to work." in _messages(refused)
    wage_case.refresh_from_db()
    assert wage_case.status == CaseStatus.RESOLVED

    client.post(decide, {"decision": "approve"})
    wage_case.refresh_from_db()
    assert (wage_case.status, wage_case.closed_by) == (CaseStatus.CLOSED, supervisor)
    closed = client.get(reverse("cases:case-detail", args=[wage_case.pk]))
    assert closed.context["closure_form"] is None and closed.context["action_form"] is None


def test_a_supervisor_sends_a_closure_back_with_a_reason(client, counsellor, supervisor, wage_case):
    services.request_closure(case=wage_case, by=counsellor, outcome=Outcome.RESOLVED)
    client.force_login(supervisor)
    client.post(
        reverse("cases:closure-decide", args=[wage_case.pk]),
        {"decision": "send_back", "reason": "Uang belum diterima klien."},
    )
    wage_case.refresh_from_db()
    assert wage_case.status == CaseStatus.IN_PROGRESS
    assert [note.text for note in wage_case.notes.all()] == ["Uang belum diterima klien."]


def test_closure_without_an_outcome_is_refused(client, counsellor, wage_case):
    client.force_login(counsellor)
    client.post(reverse("cases:closure-request", args=[wage_case.pk]), {"outcome": ""})
    wage_case.refresh_from_db()
    assert wage_case.status == CaseStatus.OPEN


# --- Lists ------------------------------------------------------------------------------------


def test_overdue_page_lists_past_due_actions_and_unanswered_referrals(
    client, counsellor, wage_case, partner, office
):
    late = office.today() - datetime.timedelta(days=4)
    services.add_action(
        case=wage_case, description="Surati agensi", owner=counsellor, due_on=late, by=counsellor
    )
    services.add_action(
        case=wage_case,
        description="Nanti saja",
        owner=counsellor,
        due_on=office.today() + datetime.timedelta(days=4),
        by=counsellor,
    )
    services.record_consent(
        case=wage_case,
        by=counsellor,
        recipient=partner,
        items=[SharedItem.IDENTITY],
        given_on=office.today(),
        method="signed",
    )
    referral = services.send_referral(
        case=wage_case, by=counsellor, partner=partner, service="Hukum", due_on=office.today()
    )
    Referral.objects.filter(pk=referral.pk).update(due_on=late)  # the partner never answered
    client.force_login(counsellor)
    response = client.get(reverse("cases:overdue"))
    html = response.content.decode()
    assert [a.description for a in response.context["actions"]] == ["Surati agensi"]
    assert list(response.context["referrals"]) == [referral]
    assert "Surati agensi" in html and "Nanti saja" not in html
    assert partner.name in html

    page = client.get(reverse("cases:case-detail", args=[wage_case.pk]))
    overdue = [a for a in page.context["actions"] if a.is_overdue]
    assert [a.description for a in overdue] == ["Surati agensi"]


def test_case_list_filters_by_category_status_and_number(client, counsellor, make_case):
    wages = make_case(categories=(Category.WAGES,))
    fraud = make_case(categories=(Category.RECRUITER_FRAUD, Category.FEES))
    services.set_status(case=fraud, status=CaseStatus.IN_PROGRESS, by=counsellor)
    client.force_login(counsellor)
    url = reverse("cases:case-list")

    def listed(**params):
        return [case.pk for case in client.get(url, params).context["page"]]

    assert set(listed()) == {wages.pk, fraud.pk}
    assert listed(category=Category.FEES) == [fraud.pk]
    assert listed(status=CaseStatus.OPEN) == [wages.pk]
    assert listed(q=fraud.number.lower()) == [fraud.pk]
    partial = client.get(url, {"q": wages.number}, HTTP_HX_REQUEST="true")
    assert [t.name for t in partial.templates][0] == "cases/_case_rows.html"


def test_my_cases_and_team_cases(client, counsellor, supervisor, woman_counsellor, make_case):
    mine = make_case()
    theirs = make_case(by=woman_counsellor)
    client.force_login(counsellor)
    assert [c.pk for c in client.get(reverse("cases:my-cases")).context["page"]] == [mine.pk]
    assert client.get(reverse("cases:team-cases")).status_code == 403
    client.force_login(supervisor)
    team = client.get(reverse("cases:team-cases"))
    assert {c.pk for c in team.context["page"]} == {mine.pk, theirs.pk}
    html = team.content.decode()
    assert str(counsellor) in html and str(woman_counsellor) in html


def test_the_case_list_needs_a_fixed_number_of_queries(
    client, supervisor, make_case, django_assert_max_num_queries
):
    for index in range(25):
        make_case(
            categories=(Category.GBV,) if index % 4 == 0 else (Category.WAGES, Category.FEES),
            gbv=(GbvType.DENIAL,) if index % 4 == 0 else (),
        )
    client.force_login(supervisor)
    for name in ("cases:case-list", "cases:team-cases"):
        with django_assert_max_num_queries(12):
            response = client.get(reverse(name))
        assert len(response.context["page"]) == 25


# --- Partner directory ------------------------------------------------------------------------


def test_partner_directory_lists_the_offices_partners_by_type(client, counsellor, partner, office):
    legal = PartnerFactory(
        slug="lbh-cirebon",
        name="LBH Cirebon",
        partner_type=PartnerType.LEGAL_AID,
        services_offered="Pendampingan hukum\nMediasi",
        focal_person="Ibu Ratna",
    )
    legal.partner_offices.add(office)
    PartnerFactory(slug="lbh-far", name="LBH Far Away", partner_type=PartnerType.LEGAL_AID)
    client.force_login(counsellor)
    url = reverse("cases:partner-directory")
    response = client.get(url)
    assert set(response.context["partners"]) == {partner, legal}
    html = response.content.decode()
    assert "Mediasi" in html and "Ibu Ratna" in html and "LBH Far Away" not in html
    legal_only = client.get(url, {"partner_type": PartnerType.LEGAL_AID})
    assert list(legal_only.context["partners"]) == [legal]
