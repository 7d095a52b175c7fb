"""Every role's home starts from its work (issue 19): signed in as the demo's people of the
Cirebon office (and its partner and the ministry) on a 1366×768 screen in Indonesian, each home
shows the role's panel with the counts of the records made here, the menu grouped by task stays
on one line, the account menu holds signing out, and axe-core finds no violation. With
`SATUATAP_SCREENSHOTS=1` each home is photographed into docs/screenshots/home-<role>-id.png."""

from __future__ import annotations

import datetime
import os
import re
from dataclasses import dataclass, field

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from playwright.sync_api import Page, expect

from satuatap.cases import services as cases
from satuatap.cases.models import Category, Channel, GbvType, Outcome, SharedItem
from satuatap.core.models import DeskType
from satuatap.core.roles import Role
from satuatap.frontdesk.models import Service
from satuatap.frontdesk.services import check_in
from satuatap.people.documents import services as documents
from satuatap.people.models import DocumentType
from satuatap.placement import services as placement
from satuatap.placement.files import services as files
from satuatap.placement.files.models import Stage
from satuatap.placement.models import Agency, AgencyStatus, ConcernKind, JobOrder
from satuatap.privacy import services as privacy
from satuatap.privacy.models import DataCategory
from satuatap.reports.models import StoredRelease
from tests.browser.conftest import DOCS_SCREENSHOTS, SCREENSHOTS
from tests.browser.session import sign_in
from tests.factories import DeskFactory, PersonFactory
from tests.placement.conftest import job_order_values

pytestmark = pytest.mark.django_db(transaction=True)

SCREEN = {"width": 1366, "height": 768}
RESTRICTED_CLIENT = "Nur Aisyah"
DAY = datetime.timedelta(days=1)


def text(msgid: str, context: str | None = None) -> str:
    """The Indonesian interface text, from the catalogue the site uses."""
    with translation.override("id"):
        translated = translation.pgettext(context, msgid) if context else translation.gettext(msgid)
    assert translated != msgid or msgid == "MRC", f"{msgid!r} has no Indonesian translation"
    return translated


@dataclass
class Home:
    """Who signs in, and what their home must show: (panel key, item label, count)."""

    role: str
    username: str
    counts: list[tuple[str, str, int]] = field(default_factory=list)
    panels: list[str] = field(default_factory=list)  # panels shown without a count to check
    absent: list[str] = field(default_factory=list)  # text that must not be on the page


def _pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile(
        "scan.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "application/pdf"
    )


@pytest.fixture
def cirebon_day(office, partner, ministry, make_user, settings, tmp_path):
    """A morning at the Cirebon office, with one of each kind of work waiting."""
    settings.MEDIA_ROOT = tmp_path / "private"
    today = office.today()
    labour = DeskFactory(office=office, desk_type=DeskType.objects.get(code="ketenagakerjaan"))
    mrc = DeskFactory(office=office, desk_type=DeskType.objects.get(code="pengaduan-informasi"))
    registration = Service.objects.create(
        office=office, desk=labour, name_id="Pendaftaran CPMI", target_minutes=20
    )
    information = Service.objects.create(
        office=office, desk=mrc, name_id="Informasi", target_minutes=10, allows_anonymous=True
    )

    def staff(role, username, full_name, gender, **extra):
        return make_user(
            role, username=username, full_name=full_name, gender=gender, language="id", **extra
        )

    frontdesk = staff(Role.FRONTDESK, "cirebon.frontdesk", "Rina Marlina", "F")
    staff(Role.DESK_OFFICER, "cirebon.deskofficer", "Agus Setiawan", "M", desk=labour)
    officer = staff(Role.PLACEMENT_OFFICER, "cirebon.placement", "Dedi Kurniawan", "M")
    counsellor = staff(Role.COUNSELLOR, "cirebon.counsellor", "Siti Nurjanah", "F")
    counsellor2 = staff(Role.COUNSELLOR, "cirebon.counsellor2", "Ahmad Fauzi", "M")
    staff(Role.CASE_SUPERVISOR, "cirebon.supervisor", "Hj. Euis Komariah", "F")
    staff(Role.OUTREACH_WORKER, "cirebon.outreach", "Wahyuni", "F")
    staff(Role.OFFICE_HEAD, "cirebon.head", "Drs. Bambang Sutrisno", "M")
    staff(
        Role.PARTNER_CASEWORKER,
        "wcc-mawar-balqis.caseworker",
        "Nurul Hidayah",
        "F",
        organisation=partner,
    )
    staff(Role.NATIONAL_ANALYST, "national.analyst", "Dian Pratiwi", "F", organisation=ministry)
    staff(
        Role.NATIONAL_PLACEMENT, "national.placement", "Ratna Wulandari", "F", organisation=ministry
    )
    staff(
        Role.ADMINISTRATOR,
        "admin",
        "Administrator SatuAtap",
        "M",
        organisation=ministry,
        is_staff=True,
    )

    # The desks: two waiting at the labour desk, one at the MRC's information desk.
    sulastri = PersonFactory(office=office, full_name="Sulastri Wulandari")
    dewi = PersonFactory(office=office, full_name="Dewi Lestari")
    for person in (sulastri, dewi):
        check_in(by=frontdesk, services=[registration], person=person)
    check_in(by=frontdesk, services=[information], sex="F")
    # A diploma waiting for the labour desk's verification.
    documents.upload_document(
        person=dewi,
        document_type=DocumentType.objects.get(code="ijazah"),
        file=_pdf(),
        by=frontdesk,
    )
    # A file at the last step whose documents are missing: blocked at the gate.
    agency = Agency.objects.create(
        licence_number="SIP3MI/001",
        name="PT Bina Karya",
        status=AgencyStatus.ACTIVE,
        licence_valid_from=today - 365 * DAY,
        licence_valid_until=today + 365 * DAY,
    )
    job_order = JobOrder.objects.create(
        office=office, **job_order_values(today, agency, permit_number="SIP2MI/HK")
    )
    worker = PersonFactory(
        office=office,
        full_name="Ani Suryani",
        birth_date=today.replace(year=today.year - 25, day=1),
        marital_status="single",
    )
    placement_file = files.open_file(person=worker, by=officer, values={"job_order": job_order})
    files.change_stage(placement_file=placement_file, to_stage=Stage.OPP, by=officer)
    placement.raise_concern(
        agency=agency, by=officer, kind=ConcernKind.FEES, text="Biaya pelatihan ditagih di muka."
    )
    # The MRC: a wage case with an action a week overdue, referred to the crisis centre; one
    # waiting for the supervisor's closure; a restricted case of the other counsellor.
    wages = cases.open_case(
        by=counsellor,
        client=PersonFactory(office=office, full_name="Wulan Sari"),
        channel=Channel.WALK_IN,
        categories=(Category.WAGES,),
    )
    cases.add_action(
        case=wages,
        description="Hubungi agensi",
        owner=counsellor,
        by=counsellor,
        due_on=today - 7 * DAY,
    )
    cases.record_consent(
        case=wages,
        by=counsellor,
        recipient=partner,
        items=[SharedItem.IDENTITY],
        given_on=today,
        method="signed",
    )
    cases.send_referral(
        case=wages,
        by=counsellor,
        partner=partner,
        service="Pendampingan hukum",
        due_on=today + 7 * DAY,
    )
    resolved = cases.open_case(
        by=counsellor,
        client=PersonFactory(office=office, full_name="Yanti Susanti"),
        channel=Channel.PHONE,
        categories=(Category.CONTRACT,),
    )
    cases.request_closure(case=resolved, by=counsellor, outcome=Outcome.RESOLVED)
    restricted = cases.open_case(
        by=counsellor2,
        client=PersonFactory(office=office, full_name=RESTRICTED_CLIENT),
        channel=Channel.WALK_IN,
        categories=(Category.GBV,),
        gbv_types=(GbvType.PHYSICAL_ASSAULT,),
    )
    assert restricted.is_restricted
    # The ministry: a breach reported, a month released.
    privacy.report_breach(
        by=frontdesk,
        title="Map berkas tertinggal",
        discovered_at=timezone.now() - datetime.timedelta(hours=3),
        data_categories=[DataCategory.IDENTITY],
        how="Map berisi fotokopi KTP tertinggal di ruang tunggu.",
        subject_count=4,
        remediation="Map ditemukan dan disimpan di lemari terkunci.",
    )
    last_month = (today.replace(day=1) - DAY).replace(day=1)
    StoredRelease.objects.create(
        indicator="not-an-indicator",  # the home reads only its month
        month=last_month,
        offices=[office.pk],
        rows=[],
        cells=[],
        built_at=timezone.now(),
    )
    return {"restricted": restricted}


def homes(restricted_number: str) -> list[Home]:
    hidden = [RESTRICTED_CLIENT, restricted_number]
    return [
        Home(
            "frontdesk",
            "cirebon.frontdesk",
            counts=[
                ("frontdesk-office-day", "checked in today", 3),
                ("frontdesk-office-day", "waiting now", 3),
            ],
        ),
        Home(
            "deskofficer",
            "cirebon.deskofficer",
            counts=[
                ("frontdesk-desk-line", "waiting", 2),
                ("people-documents", "waiting for verification", 1),
            ],
        ),
        Home(
            "placement",
            "cirebon.placement",
            counts=[
                ("placement-gate", "at the last step (OPP)", 1),
                ("placement-gate", "blocked", 1),
                ("people-documents", "waiting for verification", 1),
            ],
        ),
        Home(
            "counsellor",
            "cirebon.counsellor",
            counts=[
                ("cases-mine", "open, assigned to you", 2),
                ("cases-mine", "with something overdue", 1),
                ("frontdesk-desk-line", "waiting", 1),
            ],
            absent=hidden,
        ),
        Home(
            "supervisor",
            "cirebon.supervisor",
            counts=[
                ("cases-team", "closures to approve", 1),
                ("cases-team", "without a case worker", 0),
            ],
        ),
        Home("outreach", "cirebon.outreach", absent=hidden),
        Home(
            "head",
            "cirebon.head",
            counts=[
                ("frontdesk-office-day", "waiting now", 3),
                ("placement-gate", "blocked", 1),
                ("privacy-subject-requests", "open", 0),
            ],
            absent=hidden,
        ),
        Home(
            "partner",
            "wcc-mawar-balqis.caseworker",
            counts=[("cases-partner", "new, to answer", 1)],
            absent=["Wulan Sari"],
        ),
        Home("analyst", "national.analyst", panels=["reports-latest-release"]),
        Home(
            "placementadmin",
            "national.placement",
            counts=[("placement-concerns", "open", 1)],
        ),
        Home(
            "admin",
            "admin",
            counts=[("privacy-breaches", "open", 1)],
            panels=["reports-latest-release"],
        ),
    ]


def assert_menu_on_one_line(page: Page, role: str) -> None:
    """Every entry of the bar (the groups and the account menu) on one line, nothing wrapped."""
    tops = page.evaluate(
        """() => [...document.querySelectorAll('#main-menu > ul > li')]
                 .map(item => Math.round(item.getBoundingClientRect().top))"""
    )
    height = page.locator("nav.navbar").evaluate("nav => nav.getBoundingClientRect().height")
    assert tops and max(tops) - min(tops) <= 2, f"{role}: the menu wraps ({tops})"
    assert height <= 64, f"{role}: the menu is {height} px high"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def assert_count(page: Page, role: str, key: str, label: str, count: int) -> None:
    panel = page.get_by_test_id(f"work-{key}")
    expect(panel, f"{role}: no panel {key}").to_be_visible()
    item = panel.get_by_test_id("work-item").filter(
        has=page.locator(".work-label", has_text=re.compile(f"^{re.escape(text(label))}$"))
    )
    expect(item.get_by_test_id("work-count")).to_have_text(str(count))


def test_each_roles_home_starts_from_its_work_with_the_menu_on_one_line(
    browser, live_server, cirebon_day, audit
):
    for home in homes(cirebon_day["restricted"].number):
        context = browser.new_context(viewport=SCREEN)
        page = context.new_page()
        try:
            sign_in(page, live_server.url, home.username)
            page.goto(f"{live_server.url}/")
            expect(page.locator("html")).to_have_attribute("lang", "id")
            page.wait_for_load_state("load")  # the stylesheets are applied
            assert_menu_on_one_line(page, home.role)
            for key, label, count in home.counts:
                assert_count(page, home.role, key, label, count)
            for key in home.panels:
                expect(page.get_by_test_id(f"work-{key}")).to_be_visible()
            if not home.counts and not home.panels:
                expect(page.get_by_test_id("your-work")).to_have_count(0)
            content = page.content()
            for hidden in home.absent:
                assert hidden not in content, f"{home.role}'s home shows {hidden!r}"
            expect(page.get_by_test_id("home-actions")).to_be_visible()
            audit(page)
            page.get_by_test_id("account-menu").click()
            expect(page.get_by_role("button", name=text("Sign out"))).to_be_visible()
            audit(page)
            page.keyboard.press("Escape")
            page.evaluate("document.activeElement.blur()")
            name = f"home-{home.role}-id.png"
            if os.environ.get("SATUATAP_SCREENSHOTS"):
                page.screenshot(path=str(DOCS_SCREENSHOTS / name), full_page=True)
            else:
                SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(SCREENSHOTS / name))
        finally:
            context.close()


def test_a_menu_group_opens_and_leads_to_its_page(browser, live_server, cirebon_day):
    context = browser.new_context(viewport=SCREEN)
    page = context.new_page()
    sign_in(page, live_server.url, "cirebon.head")
    page.get_by_test_id("menu-placement").get_by_role(
        "button", name=text("Placement", "menu group")
    ).click()
    page.get_by_test_id("menu-placement").get_by_role("link", name=text("Fraud signals")).click()
    expect(page).to_have_url(re.compile(r"/placement/fraud-signals/$"))
    page.get_by_test_id("account-menu").click()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "account-menu-id.png"))
    page.get_by_role("button", name=text("Sign out")).click()
    expect(page).to_have_url(re.compile(r"/login/"))
    context.close()
