"""A complaint of gender-based violence from intake to a completed referral: the counsellor takes
it in for a registry person, opens the restricted case with a purpose, records the client's
consent to share with the women's crisis centre and refers her; the centre's case worker accepts
the referral in the partner portal, reports and completes it; the counsellor sees it completed."""

from __future__ import annotations

import re

import pytest
from auditlog.models import LogEntry
from playwright.sync_api import expect

from satuatap.cases.models import Case, CaseConsent, Referral, ReferralState, SharedItem
from satuatap.core.roles import Role
from satuatap.people.services import register_person
from tests.browser.session import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_gbv_complaint_is_referred_to_the_wcc_and_completed_by_the_partner(
    live_server, page, browser, make_user, office, partner, settings, tmp_path, screenshot
):
    settings.MEDIA_ROOT = tmp_path / "private"
    counsellor = make_user(
        Role.COUNSELLOR, username="cirebon.counsellor", language="en", gender="F"
    )
    make_user(
        Role.PARTNER_CASEWORKER,
        organisation=partner,
        username="wcc-mawar-balqis.caseworker",
        language="en",
    )
    person = register_person(by=counsellor, full_name="Siti Rahayu", sex="F")

    # The counsellor takes the complaint in.
    sign_in(page, live_server.url, "cirebon.counsellor")
    page.get_by_role("link", name="Cases").first.click()
    page.get_by_role("link", name="Take in a complaint").click()
    page.get_by_label("Find the person affected by NIK, phone number or name").fill("siti rahayu")
    page.get_by_test_id("client-choices").get_by_label(re.compile("Siti Rahayu")).check()
    page.get_by_label("Needs shelter").check()
    page.get_by_label("Threatened by the perpetrator").check()
    page.get_by_label("Gender-based violence").check()
    page.get_by_label("Physical assault").check()
    page.get_by_label("Psychological or emotional abuse").check()
    page.get_by_label("Where it happened").select_option("TW")
    page.get_by_label("Employer", exact=True).fill("Keluarga Lin, Taichung")
    page.get_by_label("What happened").fill("Dipukul dan diancam oleh majikan.")
    page.get_by_label("The client asks for a woman case worker").check()
    screenshot("mrc-intake-en")
    page.get_by_role("button", name="Open the case").click()

    # A restricted case asks the reader's purpose first.
    expect(page.get_by_test_id("read-purpose-form")).to_be_visible()
    page.get_by_label("Handling the person's case").check()
    page.get_by_role("button", name="Open the record").click()
    case = Case.objects.get()
    assert case.client == person and case.is_restricted and case.priority == 2
    expect(page.get_by_test_id("restricted-badge")).to_be_visible()
    expect(page.get_by_test_id("first-steps")).to_contain_text("Find shelter today")
    expect(page.get_by_test_id("case-gbv-types")).to_contain_text("Physical assault")
    expect(page.get_by_test_id("case-workers")).to_contain_text(str(counsellor))
    assert LogEntry.objects.filter(
        action=LogEntry.Action.ACCESS, object_pk=str(case.pk), actor=counsellor
    ).exists()
    screenshot("mrc-case-en")

    # Consent to share with the WCC, then the referral.
    consent_form = page.get_by_test_id("consent-form")
    consent_form.get_by_label("Partner", exact=True).select_option(str(partner.pk))
    consent_form.get_by_label("Name, sex and age").check()
    consent_form.get_by_label("Case categories, country and employer").check()
    consent_form.get_by_label("What happened (the narrative)").check()
    consent_form.get_by_label("How").select_option("signed")
    consent_form.get_by_role("button", name="Record the consent").click()
    expect(page.get_by_test_id("consents")).to_contain_text(partner.name)
    assert CaseConsent.objects.get().items == sorted(
        [SharedItem.IDENTITY, SharedItem.SUMMARY, SharedItem.NARRATIVE]
    )

    referral_form = page.get_by_test_id("referral-form")
    referral_form.get_by_label("Partner", exact=True).select_option(str(partner.pk))
    referral_form.get_by_label("Service asked for").fill("Pendampingan psikososial dan shelter")
    referral_form.get_by_label("Message to the partner").fill("Klien butuh tempat aman segera.")
    referral_form.get_by_role("button", name="Send the referral").click()
    referral = Referral.objects.get()
    expect(page.get_by_test_id(f"referral-{referral.pk}")).to_contain_text("Sent")

    # The WCC's case worker answers in the partner portal.
    partner_context = browser.new_context()
    partner_page = partner_context.new_page()
    sign_in(partner_page, live_server.url, "wcc-mawar-balqis.caseworker")
    partner_page.get_by_role("link", name="Referrals to us").first.click()
    partner_page.get_by_test_id("partner-referrals").get_by_role(
        "link", name=f"#{referral.pk}"
    ).click()
    # Everything a partner reads of a referral is a survivor's data: it asks why first.
    expect(partner_page.get_by_test_id("read-purpose-form")).to_be_visible()
    expect(partner_page.get_by_label("Handling the person's case")).to_be_checked()
    partner_page.get_by_role("button", name="Open the record").click()
    shared = partner_page.get_by_test_id("shared-view")
    expect(shared).to_contain_text("Siti Rahayu")
    expect(shared).to_contain_text("Dipukul dan diancam oleh majikan.")
    partner_page.get_by_role("button", name="Accept the referral").click()
    expect(partner_page.get_by_test_id("referral-state")).to_contain_text("Accepted")
    partner_page.get_by_label("Update or feedback for the office").fill(
        "Klien ditempatkan di rumah aman dan mendapat konseling."
    )
    partner_page.get_by_role("button", name="Complete the referral with this feedback").click()
    expect(partner_page.get_by_test_id("referral-state")).to_contain_text("Completed")
    partner_context.close()
    referral.refresh_from_db()
    assert referral.state == ReferralState.COMPLETED

    # Back with the counsellor: the case page shows the referral completed, with the feedback.
    page.reload()
    row = page.get_by_test_id(f"referral-{referral.pk}")
    expect(row.get_by_test_id("referral-state")).to_have_text("Completed")
    expect(row.get_by_test_id("referral-feedback")).to_contain_text("rumah aman")
