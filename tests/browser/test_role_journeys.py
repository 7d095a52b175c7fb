"""Each role's main work in a real browser, in Indonesian and English, on a desktop and on a
360 px phone: every main page it passes is in the user's language, does not scroll sideways,
has no axe-core violation of any impact, and is photographed
(`<role>-<page>-<language>-<viewport>.png`; `make screenshots` keeps a small set in docs/)."""

from __future__ import annotations

import datetime
import os
import re
import tempfile
from pathlib import Path

import pytest
from django.utils import translation
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from satuatap.cases import services as case_services
from satuatap.cases.models import Case, Category, Channel, Contact, ReferralState, SharedItem
from satuatap.core.roles import Role
from satuatap.frontdesk.models import TicketStatus, Visit
from satuatap.frontdesk.services import check_in
from satuatap.outreach.models import OutreachEvent
from satuatap.people.services import register_person
from satuatap.placement import services as placement_services
from satuatap.placement.files import services as files
from satuatap.placement.models import (
    Agency,
    AgencyConcern,
    AgencyStatus,
    ConcernKind,
    JobOrder,
    Scheme,
)
from tests.browser.conftest import DOCS_SCREENSHOTS
from tests.browser.session import sign_in
from tests.browser.waiting import wait_until
from tests.factories import DeskFactory, PersonFactory, ServiceFactory
from tests.placement.conftest import job_order_values

pytestmark = pytest.mark.django_db(transaction=True)

VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 360, "height": 740}}
variants = pytest.mark.parametrize(
    ("language", "viewport"),
    [(language, viewport) for language in ("id", "en") for viewport in VIEWPORTS],
)
# The pictures `make screenshots` keeps in docs/: each role's main page on a desktop in both
# languages, and a few phones. Every other variant goes to the scratch folder.
DOCS_PAGES = {
    "frontdesk-check-in",
    "deskofficer-console",
    "placement-file",
    "counsellor-contact-form",
    "supervisor-team-cases",
    "outreach-event",
    "head-office-dashboard",
    "partner-referral",
    "analyst-national-dashboard",
    "admin-admin-site",
}
DOCS_PHONES = {
    "frontdesk-check-in-id-phone",
    "deskofficer-console-id-phone",
    "counsellor-contact-form-en-phone",
    "head-office-dashboard-id-phone",
}


def in_docs(name: str) -> bool:
    """Whether `<role>-<page>-<language>-<viewport>` belongs to the set kept in docs/."""
    page_name, _language, viewport = name.rsplit("-", 2)
    return (viewport == "desktop" and page_name in DOCS_PAGES) or name in DOCS_PHONES


def text(msgid: str, language: str, **values) -> str:
    """The interface text in the language, from the catalogue the site uses."""
    with translation.override(language):
        translated = translation.gettext(msgid)
    if language != "en":
        assert translated != msgid, f"{msgid!r} has no {language} translation"
    return translated % values if values else translated


class Tour:
    """One role's walk through the site in one language on one screen size."""

    def __init__(
        self, page: Page, *, base_url: str, role: str, language: str, viewport: str, audit
    ) -> None:
        self.page, self.base_url, self.role = page, base_url, role
        self.language, self.viewport, self.audit = language, viewport, audit

    def t(self, msgid: str, **values) -> str:
        return text(msgid, self.language, **values)

    def sign_in(self, username: str) -> None:
        """Sign in on a desktop-sized window (the signed-in header, which the sign-in helper
        waits for, is folded into the menu on a phone), then take the journey's screen size."""
        self.page.set_viewport_size(VIEWPORTS["desktop"])
        sign_in(self.page, self.base_url, username)
        self.page.set_viewport_size(VIEWPORTS[self.viewport])

    def open_tile(self, label: str) -> None:
        """Follow a tile of the home page (the menu is folded away on a phone)."""
        self.page.goto(f"{self.base_url}/")
        tile = self.page.get_by_test_id("home-actions").get_by_role(
            "link", name=re.compile("^" + re.escape(self.t(label)))
        )
        tile.click()

    def arrived(self, page_name: str, heading: str) -> None:
        """The page is in the user's language, fits the screen, passes axe-core; photograph it."""
        page = self.page
        expect(page.locator("html")).to_have_attribute("lang", self.language)
        expect(page.locator("h1").first).to_contain_text(heading)
        page.wait_for_load_state("load")  # the stylesheets are applied
        fits = "document.documentElement.scrollWidth <= window.innerWidth + 1"
        try:
            wait_until(page, fits, timeout=5000)
        except PlaywrightTimeoutError:
            width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            raise AssertionError(
                f"{page.url} is {width[0]} px wide on a {width[1]} px screen"
            ) from None
        self.audit(page)
        name = f"{self.role}-{page_name}-{self.language}-{self.viewport}"
        if os.environ.get("SATUATAP_SCREENSHOTS") and in_docs(name):
            page.screenshot(path=str(DOCS_SCREENSHOTS / f"{name}.png"), full_page=True)
        else:  # the scratch copy only shows the screen, which is much quicker to take
            SCREENSHOTS_SCRATCH.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS_SCRATCH / f"{name}.png"))


SCREENSHOTS_SCRATCH = Path(tempfile.gettempdir()) / "satuatap-screenshots"


@pytest.fixture
def tour(request, browser, live_server, audit, language, viewport):
    def start(role: str) -> Tour:
        context = browser.new_context(viewport=VIEWPORTS[viewport])
        request.addfinalizer(context.close)
        return Tour(
            context.new_page(),
            base_url=live_server.url,
            role=role,
            language=language,
            viewport=viewport,
            audit=audit,
        )

    return start


@pytest.fixture
def labour_desk(office):
    desk = DeskFactory(office=office)
    service = ServiceFactory(desk=desk)
    return desk, service


@pytest.fixture
def open_case(make_user):
    """A wage complaint opened by a counsellor, with an action item overdue since last week."""

    def make(counsellor):
        client = PersonFactory(office=counsellor.office, sex="F", full_name="Siti Rahayu")
        case = case_services.open_case(
            by=counsellor,
            client=client,
            channel=Channel.WALK_IN,
            categories=(Category.WAGES,),
            country="MY",
            narrative="Gaji tidak dibayar selama enam bulan.",
        )
        case_services.add_action(
            case=case,
            description="Hubungi agensi",
            owner=counsellor,
            by=counsellor,
            due_on=counsellor.office.today() - datetime.timedelta(days=7),
        )
        return case

    return make


@variants
def test_front_desk_checks_a_visitor_in(tour, make_user, office, labour_desk, language):
    frontdesk = make_user(Role.FRONTDESK, username="cirebon.frontdesk", language=language)
    person = register_person(by=frontdesk, full_name="Sulastri Wulandari", sex="F")
    journey = tour("frontdesk")
    journey.sign_in("cirebon.frontdesk")
    journey.arrived("home", journey.t("Welcome, %(name)s", name=""))

    journey.open_tile("Check-in")
    journey.arrived("check-in", journey.t("Check-in"))
    page = journey.page
    page.locator("#checkin-q").fill("sulastri")
    # The type-ahead answers after a pause: let it land before choosing, or it drops the choice.
    visitor = page.get_by_test_id("checkin-people").get_by_label(re.compile("Sulastri Wulandari"))
    expect(visitor).to_be_visible()
    page.wait_for_load_state("networkidle")
    visitor.check()
    service_name = "CPMI registration" if language == "en" else "Pendaftaran CPMI"
    page.get_by_label(re.compile(service_name)).check()
    page.get_by_role("button", name=journey.t("Check in and issue tickets")).click()
    page.wait_for_url(re.compile(r"/frontdesk/visits/\d+/"))
    ticket = Visit.objects.get(person=person).tickets.get()
    expect(page.get_by_text(ticket.code).first).to_be_visible()
    journey.arrived("visit", journey.t("Visit"))


@variants
def test_desk_officer_calls_and_serves_the_next_ticket(
    tour, make_user, office, labour_desk, language
):
    desk, service = labour_desk
    frontdesk = make_user(Role.FRONTDESK)
    make_user(Role.DESK_OFFICER, username="cirebon.deskofficer", desk=desk, language=language)
    person = PersonFactory(office=office, full_name="Sulastri Wulandari")
    ticket = check_in(by=frontdesk, services=[service], person=person).tickets.get()
    journey = tour("deskofficer")
    journey.sign_in("cirebon.deskofficer")

    journey.open_tile("Desk console")
    heading = journey.t("Desk %(prefix)s · %(name)s", prefix=desk.prefix, name="")
    expect(journey.page.get_by_test_id("waiting-line")).to_contain_text(ticket.code)
    journey.arrived("console", heading)
    page = journey.page
    page.get_by_role("button", name=journey.t("Call next")).click()
    expect(page.get_by_test_id(f"ticket-{ticket.code}")).to_contain_text("Sulastri Wulandari")
    page.get_by_role("button", name=journey.t("Start serving")).click()
    page.get_by_label(journey.t("What was done")).fill("Berkas pendaftaran diperiksa")
    page.get_by_role("button", name=journey.t("Record and finish")).click()
    expect(page.get_by_test_id("nobody-with-me")).to_be_visible()
    journey.arrived("console-served", heading)
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.SERVED


@variants
def test_placement_officer_opens_a_placement_file(tour, make_user, office, language):
    officer = make_user(Role.PLACEMENT_OFFICER, username="cirebon.placement", language=language)
    today = office.today()
    agency = Agency.objects.create(
        licence_number="SIP3MI/001",
        name="PT Bina Karya",
        status=AgencyStatus.ACTIVE,
        licence_valid_from=today - datetime.timedelta(days=365),
        licence_valid_until=today + datetime.timedelta(days=365),
    )
    job_order = JobOrder.objects.create(
        office=office, **job_order_values(today, agency, permit_number="SIP2MI/HK")
    )
    person = PersonFactory(office=office, sex="F", full_name="Dewi Lestari")
    placement_file = files.open_file(person=person, by=officer, values={"job_order": job_order})
    assert placement_file.scheme == Scheme.P3MI
    journey = tour("placement")
    journey.sign_in("cirebon.placement")

    journey.open_tile("Placement files")
    journey.arrived("files", journey.t("Placement files"))
    journey.page.get_by_role("link", name=re.compile("Dewi Lestari")).first.click()
    journey.arrived(
        "file",
        journey.t("Placement file #%(id)s: %(name)s", id=placement_file.pk, name="Dewi Lestari"),
    )


@variants
def test_counsellor_records_an_information_contact(tour, make_user, language):
    make_user(Role.COUNSELLOR, username="cirebon.counsellor", language=language, gender="F")
    journey = tour("counsellor")
    journey.sign_in("cirebon.counsellor")

    journey.open_tile("Record a contact")
    journey.arrived("contact-form", journey.t("Record a contact"))
    page = journey.page
    page.locator("#id_topic").select_option(index=1)
    page.locator("#id_served").select_option(index=1)
    page.locator("#id_sex").select_option("F")
    page.get_by_role("button", name=journey.t("Record the contact")).click()
    expect(page.get_by_role("status")).to_contain_text(journey.t("The contact is recorded."))
    journey.arrived("contacts", journey.t("Contacts"))
    contact = Contact.objects.get()
    assert contact.recorded_by.username == "cirebon.counsellor"


@variants
def test_supervisor_sees_the_team_cases_and_what_is_overdue(tour, make_user, open_case, language):
    counsellor = make_user(Role.COUNSELLOR, gender="F")
    make_user(Role.CASE_SUPERVISOR, username="cirebon.supervisor", language=language, gender="F")
    case = open_case(counsellor)
    journey = tour("supervisor")
    journey.sign_in("cirebon.supervisor")

    journey.open_tile("Team cases")
    expect(journey.page.get_by_text(case.number).first).to_be_visible()
    journey.arrived("team-cases", journey.t("Team cases"))
    journey.page.goto(f"{journey.base_url}/mrc/cases/overdue/")
    expect(journey.page.get_by_text("Hubungi agensi")).to_be_visible()
    journey.arrived("overdue", journey.t("Overdue"))


@variants
def test_outreach_worker_records_a_village_event(tour, make_user, language):
    make_user(Role.OUTREACH_WORKER, username="cirebon.outreach", language=language)
    journey = tour("outreach")
    journey.sign_in("cirebon.outreach")

    journey.open_tile("Outreach")
    journey.arrived("events", journey.t("Village outreach of %(office)s", office=""))
    page = journey.page
    page.get_by_role("link", name=journey.t("Record an event")).first.click()
    journey.arrived("event-form", journey.t("Record an outreach event"))
    page.locator("#id_kind").select_option(index=1)
    page.locator("#id_title").fill("Sosialisasi migrasi aman di Waled")
    page.locator("#id_village_district").select_option("32.09.01")
    page.locator("#id_village_village").select_option("32.09.01.2008")
    page.locator("#id_topics_0").check()
    page.get_by_test_id("count-grid").locator("input").first.fill("12")
    page.get_by_role("button", name=journey.t("Save the event")).click()
    journey.arrived("event", "Sosialisasi migrasi aman di Waled")
    event = OutreachEvent.objects.get()
    assert event.village_id == "32.09.01.2008"


@variants
def test_office_head_reads_the_office_dashboard(tour, make_user, office, language):
    head = make_user(Role.OFFICE_HEAD, username="cirebon.head", language=language)
    for name, sex in (("Ani", "F"), ("Citra", "F"), ("Budi", "M")):
        PersonFactory(office=office, full_name=name, sex=sex, created_by=head)
    journey = tour("head")
    journey.sign_in("cirebon.head")

    journey.open_tile("Office dashboard")
    expect(journey.page.get_by_test_id("figure-registrations-now")).to_have_text("3")
    journey.arrived("office-dashboard", journey.t("Office dashboard"))
    journey.open_tile("Queues today")
    journey.arrived("queues-today", journey.t("Queues today"))


@variants
def test_partner_case_worker_accepts_a_referral(
    tour, make_user, office, partner, open_case, language
):
    counsellor = make_user(Role.COUNSELLOR, gender="F")
    make_user(
        Role.PARTNER_CASEWORKER,
        organisation=partner,
        username="wcc-mawar-balqis.caseworker",
        language=language,
    )
    case = open_case(counsellor)
    case_services.record_consent(
        case=case,
        by=counsellor,
        recipient=partner,
        items=[SharedItem.IDENTITY],
        given_on=office.today(),
        method="signed",
    )
    referral = case_services.send_referral(
        case=case,
        by=counsellor,
        partner=partner,
        service="Pendampingan hukum",
        due_on=office.today() + datetime.timedelta(days=7),
    )
    journey = tour("partner")
    journey.sign_in("wcc-mawar-balqis.caseworker")

    journey.open_tile("Referrals to us")
    journey.arrived("referrals", journey.t("Referrals to us"))
    journey.page.get_by_test_id("partner-referrals").get_by_role(
        "link", name=f"#{referral.pk}"
    ).click()
    journey.arrived("referral-purpose", journey.t("This record holds sensitive personal data"))
    journey.page.get_by_role("button", name=journey.t("Open the record")).click()
    heading = journey.t("Referral #%(id)s from %(office)s", id=referral.pk, office=office.name)
    journey.arrived("referral", heading)
    journey.page.get_by_role("button", name=journey.t("Accept the referral")).click()
    expect(journey.page.get_by_test_id("referral-state")).to_contain_text(journey.t("Accepted"))
    referral.refresh_from_db()
    assert referral.state == ReferralState.ACCEPTED
    assert Case.objects.filter(pk=case.pk).exists()


@variants
def test_national_analyst_compares_the_offices(
    tour, make_user, ministry, office, other_office, language
):
    make_user(
        Role.NATIONAL_ANALYST,
        organisation=ministry,
        username="national.analyst",
        language=language,
    )
    PersonFactory(office=office, full_name="Ani", sex="F")
    journey = tour("analyst")
    journey.sign_in("national.analyst")

    journey.open_tile("National dashboard")
    comparison = journey.page.get_by_test_id("office-comparison")
    expect(comparison).to_contain_text(office.name)
    expect(comparison).to_contain_text(other_office.name)
    journey.arrived("national-dashboard", journey.t("National dashboard"))


@variants
def test_ministry_placement_administrator_resolves_a_concern_and_suspends_the_licence(
    tour, make_user, ministry, office, language
):
    make_user(
        Role.NATIONAL_PLACEMENT,
        organisation=ministry,
        username="national.placement",
        language=language,
    )
    today = office.today()
    agency = Agency.objects.create(
        licence_number="SIP3MI/001",
        name="PT Bina Karya",
        status=AgencyStatus.ACTIVE,
        licence_valid_from=today - datetime.timedelta(days=365),
        licence_valid_until=today + datetime.timedelta(days=365),
    )
    placement_services.raise_concern(
        agency=agency,
        by=make_user(Role.PLACEMENT_OFFICER),
        kind=ConcernKind.FEES,
        text="Biaya pelatihan Rp 12 juta ditagih di muka oleh kantor cabang.",
    )
    journey = tour("placementadmin")
    journey.sign_in("national.placement")
    page = journey.page

    journey.open_tile("Concerns about agencies")
    journey.arrived("concerns", journey.t("Concerns about agencies"))
    page.get_by_test_id("concern-list").get_by_role("link").first.click()
    journey.arrived("concern", journey.t("Concern about an agency"))
    page.get_by_role("button", name=journey.t("Acknowledge")).click()
    expect(page.locator("[data-concern-status=acknowledged]")).to_be_visible()
    page.get_by_label(journey.t("What the ministry did")).fill("Izin dibekukan 30 hari.")
    page.get_by_role("button", name=journey.t("Resolve the concern")).click()
    expect(page.get_by_test_id("concern-note")).to_contain_text("Izin dibekukan 30 hari.")

    page.get_by_role("link", name=journey.t("Change the agency's licence")).click()
    journey.arrived("agency-edit", journey.t("Change an agency"))
    page.locator("select[name=status]").select_option("suspended")
    page.get_by_role("button", name=journey.t("Save the agency")).click()
    journey.arrived("agency", "PT Bina Karya")
    expect(page.locator("[data-licence-state=suspended]").first).to_be_visible()
    agency.refresh_from_db()
    assert agency.status == AgencyStatus.SUSPENDED
    assert AgencyConcern.objects.get().status == "resolved"


@variants
def test_administrator_opens_the_administration_site_and_the_audit_trail(
    tour, make_user, ministry, language
):
    make_user(
        Role.ADMINISTRATOR,
        organisation=ministry,
        username="admin",
        language=language,
        is_staff=True,
    )
    journey = tour("admin")
    journey.sign_in("admin")

    journey.open_tile("Users and configuration")
    journey.arrived("admin-site", journey.t("Site administration"))
    journey.open_tile("Audit trail")
    journey.arrived("audit-trail", journey.t("Audit trail"))
