"""Issue 16's journey: a counsellor restricts a case after a late disclosure; the office head no
longer finds it anywhere; the case supervisor closes it and the partner's view of the referral
is empty.

A wage complaint is referred to the women's crisis centre (name and phone consented). Later the
client tells her counsellor that her husband beats her: the counsellor writes it in a note,
which the office head can still read — until the counsellor restricts the case. Then the head
finds it in no list, search, overdue list or page. The counsellor asks for closure; the
supervisor approves it, confirming that the centre's access ends; the centre's case worker
finds the referral ended, with nothing of the client.
"""

from __future__ import annotations

import datetime
import re

import pytest
from playwright.sync_api import expect

from satuatap.cases import services
from satuatap.cases.models import (
    Case,
    CaseStatus,
    Category,
    Channel,
    Referral,
    ReferralEnd,
    SharedItem,
)
from satuatap.core.roles import Role
from satuatap.people.models import Phone
from satuatap.people.services import register_person
from tests.browser.conftest import SCREENSHOTS
from tests.browser.session import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

CLIENT = "Siti Rahayu"
PHONE = "+6281234567890"
DISCLOSURE = "Klien bercerita suaminya memukulnya sejak ia pulang."


def _wage_case_referred_to(partner, counsellor) -> Referral:
    person = register_person(by=counsellor, full_name=CLIENT, sex="F")
    Phone.objects.create(person=person, number=PHONE)
    case = services.open_case(
        by=counsellor,
        client=person,
        channel=Channel.WALK_IN,
        categories=(Category.WAGES,),
        country="MY",
        narrative="Gaji tidak dibayar selama enam bulan.",
    )
    today = counsellor.office.today()
    services.record_consent(
        case=case,
        by=counsellor,
        recipient=partner,
        items=[SharedItem.IDENTITY, SharedItem.CONTACT],
        given_on=today,
        method="signed",
    )
    return services.send_referral(
        case=case,
        by=counsellor,
        partner=partner,
        service="Pendampingan psikososial",
        due_on=today + datetime.timedelta(days=7),
    )


def _signed_in(browser, live_server, username: str):
    context = browser.new_context()
    page = context.new_page()
    sign_in(page, live_server.url, username)
    return context, page


def test_a_case_restricted_after_a_disclosure_disappears_and_its_closure_ends_the_partners_view(
    live_server, page, browser, make_user, office, partner, audit, screenshot
):
    counsellor = make_user(
        Role.COUNSELLOR, username="cirebon.counsellor", language="en", gender="F"
    )
    make_user(Role.OFFICE_HEAD, username="cirebon.head", language="en")
    make_user(Role.CASE_SUPERVISOR, username="cirebon.supervisor", language="en", gender="F")
    make_user(
        Role.PARTNER_CASEWORKER,
        organisation=partner,
        username="wcc-mawar-balqis.caseworker",
        language="en",
    )
    referral = _wage_case_referred_to(partner, counsellor)
    case = referral.case
    case_url = f"{live_server.url}/mrc/cases/{case.pk}/"

    # The counsellor writes down the disclosure in a note.
    sign_in(page, live_server.url, "cirebon.counsellor")
    page.goto(case_url)
    page.get_by_label("Note", exact=True).fill(DISCLOSURE)
    page.get_by_role("button", name="Add the note").click()
    expect(page.get_by_test_id("case-timeline")).to_contain_text(DISCLOSURE)

    # The office head can still read it: the case is not restricted yet.
    head_context, head = _signed_in(browser, live_server, "cirebon.head")
    head.goto(case_url)
    expect(head.get_by_test_id("case-timeline")).to_contain_text(DISCLOSURE)

    # The counsellor restricts the case, with a reason, and reads it on with a purpose.
    restrict = page.get_by_test_id("restrict")
    restrict.locator("summary").click()
    restrict.get_by_label("Reason").fill("Kekerasan dalam rumah tangga terungkap.")
    screenshot("mrc-restrict-en")
    restrict.get_by_role("button", name="Restrict the case").click()
    expect(page.get_by_test_id("read-purpose-form")).to_be_visible()
    page.get_by_label("Handling the person's case").check()
    page.get_by_role("button", name="Open the record").click()
    expect(page.get_by_test_id("restricted-badge")).to_be_visible()
    expect(page.get_by_test_id("case-timeline")).to_contain_text("Case restricted")
    case.refresh_from_db()
    assert case.is_restricted

    # The head no longer finds it anywhere: not its page, not a list, not a search.
    response = head.goto(case_url)
    assert response.status == 404
    expect(head.locator("body")).not_to_contain_text(DISCLOSURE)
    for path in ("/mrc/cases/", "/mrc/cases/mine/", "/mrc/cases/overdue/", "/mrc/contacts/"):
        head.goto(f"{live_server.url}{path}")
        expect(head.locator("main")).not_to_contain_text(case.number)
        expect(head.locator("main")).not_to_contain_text(CLIENT)
    head.goto(f"{live_server.url}/mrc/cases/?q={case.number}")
    expect(head.get_by_role("link", name=case.number)).to_have_count(0)
    api = head.request.get(f"{live_server.url}/api/v1/cases/{case.pk}?purpose=supervision")
    assert api.status == 404
    head_context.close()

    # The counsellor asks for closure; the form lists the partner that still sees the case.
    page.locator("summary", has_text="Request closure").click()
    closure = page.get_by_test_id("closure-form")
    expect(closure.get_by_test_id("closure-open-items")).to_contain_text(partner.name)
    closure.get_by_label("Outcome").select_option("resolved")
    closure.get_by_role("button", name="Ask a supervisor to close the case").click()
    expect(page.get_by_test_id("closure-requested")).to_be_visible()

    # The supervisor approves it, confirming that the partner's access ends.
    supervisor_context, supervisor = _signed_in(browser, live_server, "cirebon.supervisor")
    supervisor.goto(case_url)
    supervisor.get_by_label("Supervision or quality review").check()
    supervisor.get_by_role("button", name="Open the record").click()
    decision = supervisor.get_by_test_id("decision-form")
    expect(decision.get_by_test_id("closure-open-items")).to_contain_text(partner.name)
    decision.get_by_label("Approve the closure").check()
    decision.get_by_role("button", name="Record the decision").click()
    # Without the confirmation nothing is closed, and the page says why.
    expect(supervisor.locator(".alert-danger, .alert-error").first).to_contain_text("still open")
    decision = supervisor.get_by_test_id("decision-form")
    decision.get_by_label("Approve the closure").check()
    decision.get_by_label(re.compile("End the partners' access")).check()
    audit(supervisor)
    decision.get_by_role("button", name="Record the decision").click()
    expect(supervisor.get_by_test_id("case-closed")).to_be_visible()
    expect(supervisor.get_by_test_id(f"referral-{referral.pk}")).to_contain_text(
        "ended: case closed"
    )
    supervisor_context.close()
    case.refresh_from_db()
    referral.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert referral.end_reason == ReferralEnd.CASE_CLOSED

    # The crisis centre finds the referral ended, and nothing of the client.
    partner_context, partner_page = _signed_in(browser, live_server, "wcc-mawar-balqis.caseworker")
    partner_page.get_by_role("link", name="Referrals to us").first.click()
    listing = partner_page.get_by_test_id("partner-referrals")
    expect(listing.get_by_test_id(f"ended-referral-{referral.pk}")).to_contain_text("Ended")
    expect(listing).not_to_contain_text(CLIENT)
    listing.get_by_role("link", name=f"#{referral.pk}").click()
    expect(partner_page.get_by_test_id("referral-ended")).to_contain_text(
        "This referral has ended."
    )
    body = partner_page.locator("body")
    for secret in (CLIENT, PHONE, case.number, "Pendampingan psikososial"):
        expect(body).not_to_contain_text(secret)
    expect(partner_page.get_by_role("button", name="Accept the referral")).to_have_count(0)
    audit(partner_page)
    screenshot("mrc-restricted-case-closed-en")  # the counsellor's window
    partner_page.screenshot(path=str(SCREENSHOTS / "mrc-partner-referral-ended-en.png"))
    partner_context.close()
    assert Case.objects.get(pk=case.pk).is_restricted
