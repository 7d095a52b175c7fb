"""A prospective worker from registration to "ready", entirely through the pages: the placement
officer opens her file on a job order and uploads every document the checklist asks for; each
desk verifies its own documents from the file's page; the placement officer verifies the
Disnaker documents and moves the file to ready."""

from __future__ import annotations

import datetime
import re
from collections import defaultdict

import pytest
from dateutil.relativedelta import relativedelta
from playwright.sync_api import expect

from satuatap.core.models import DeskType
from satuatap.core.roles import Role
from satuatap.people.models import Sex
from satuatap.placement.files.checklist import checklist
from satuatap.placement.files.models import PlacementFile, Stage
from satuatap.placement.models import Agency, JobOrder, Scheme
from tests.browser.session import sign_in
from tests.factories import DeskFactory, PersonFactory

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PLACEMENT_DESK = "ketenagakerjaan"


def open_file_from_home(page, name: str) -> None:
    page.get_by_role("link", name="Placement files").first.click()
    page.get_by_test_id("file-table").get_by_role("link", name=name).click()


def test_placement_officer_takes_a_worker_to_ready_with_every_desk_verifying(
    live_server, page, browser, make_user, office, settings, tmp_path, screenshot
):
    settings.MEDIA_ROOT = tmp_path / "private"
    today = office.today()
    agency = Agency.objects.create(
        name="PT Bina Karya",
        licence_number="SIP3MI/777",
        licence_valid_from=today - datetime.timedelta(days=365),
        licence_valid_until=today + datetime.timedelta(days=365),
    )
    job_order = JobOrder.objects.create(
        office=office,
        agency=agency,
        scheme=Scheme.P3MI,
        permit_number="SIP2MI/HK/042",
        permit_valid_from=today - datetime.timedelta(days=10),
        permit_valid_until=today + datetime.timedelta(days=180),
        country="HK",
        employer="Household in Kowloon",
        sector="domestic",
        occupation="Domestic worker",
        quota_women=5,
        quota_men=0,
        salary_amount="4990.00",
        salary_currency="HKD",
        contract_months=24,
        closing_date=today + datetime.timedelta(days=60),
        is_published=True,
    )
    PersonFactory(
        office=office,
        full_name="Sulastri Wulandari",
        name_key="sulastri wulandari",
        sex=Sex.FEMALE,
        birth_date=today - relativedelta(years=25, days=10),
        marital_status="single",
    )
    make_user(Role.PLACEMENT_OFFICER, username="cirebon.placement", language="en")
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(PDF)

    # The placement officer opens the file from the person's page.
    sign_in(page, live_server.url, "cirebon.placement")
    page.get_by_role("link", name="Person registry").first.click()
    page.get_by_test_id("people-table").get_by_role("link", name="Sulastri Wulandari").click()
    page.get_by_role("link", name="Open placement file").click()
    page.get_by_label("Job order").select_option(str(job_order.pk))
    page.get_by_role("button", name="Open the file").click()
    expect(page.get_by_role("heading", name=re.compile("Sulastri Wulandari"))).to_be_visible()
    expect(page.get_by_test_id("file-stage")).to_contain_text("Registration")
    placement_file = PlacementFile.objects.get()

    # She uploads every document of the checklist through the upload page.
    required = [item.document_type for item in checklist(placement_file, today)]
    assert len(required) >= 10
    for document_type in required:
        row = page.get_by_test_id(f"checklist-{document_type.code}")
        expect(row).to_have_attribute("data-status", "missing")
        row.get_by_role("link", name=re.compile("^Upload")).click()
        expect(page.get_by_label("Document type")).to_have_value(str(document_type.pk))
        if document_type.validity_days:  # health letter, SKCK: valid N days after issue
            page.get_by_label("Issued on").fill(today.isoformat())
        if document_type.code == "paspor":
            page.get_by_label("Document number").fill("C1234567")
            page.get_by_label("Expires on").fill((today + relativedelta(years=5)).isoformat())
        page.get_by_label("Scan").set_input_files(str(scan))
        page.get_by_role("button", name="Upload", exact=True).click()
        expect(row).to_have_attribute("data-status", "submitted")
    expect(page.get_by_test_id("gate-documents")).to_have_attribute("data-passed", "no")
    # While the gate fails, the stage selector does not offer "Ready to depart".
    expect(page.get_by_label("Move to").locator('option[value="ready"]')).to_have_count(0)
    expect(page.get_by_test_id("ready-not-offered")).to_be_visible()

    # Each desk that owns documents verifies them from the file's page.
    by_desk = defaultdict(list)
    for document_type in required:
        by_desk[document_type.desk_type_code].append(document_type)
    assert len(by_desk) >= 5
    for desk_type_code, document_types in sorted(by_desk.items()):
        if desk_type_code == PLACEMENT_DESK:
            continue
        desk = DeskFactory(office=office, desk_type=DeskType.objects.get(code=desk_type_code))
        username = f"cirebon.desk.{desk_type_code}"
        make_user(Role.DESK_OFFICER, username=username, desk=desk, language="en")
        context = browser.new_context()
        desk_page = context.new_page()
        sign_in(desk_page, live_server.url, username)
        # The desk's home lists the documents waiting for it.
        expect(desk_page.get_by_text("Sulastri Wulandari").first).to_be_visible()
        open_file_from_home(desk_page, "Sulastri Wulandari")
        # The checklist names this desk for its documents.
        first = desk_page.get_by_test_id(f"checklist-{document_types[0].code}")
        expect(first.get_by_test_id("verified-at")).to_contain_text(f"desk {desk.prefix}, ")
        # Only this desk's documents offer it a Verify button.
        verify_buttons = desk_page.get_by_role("button", name=re.compile("^Verify"))
        expect(verify_buttons).to_have_count(len(document_types))
        for document_type in document_types:
            row = desk_page.get_by_test_id(f"checklist-{document_type.code}")
            row.get_by_role("button", name=re.compile("^Verify")).click()
            expect(row).to_have_attribute("data-status", "verified")
        context.close()

    # The placement officer verifies the Disnaker documents and moves the file to ready.
    page.reload()
    for document_type in by_desk[PLACEMENT_DESK]:
        row = page.get_by_test_id(f"checklist-{document_type.code}")
        row.get_by_role("button", name=re.compile("^Verify")).click()
        expect(row).to_have_attribute("data-status", "verified")
    expect(page.get_by_test_id("gate-documents")).to_have_attribute("data-passed", "yes")
    expect(page.get_by_test_id("readiness-summary")).to_contain_text("Every condition is met")
    page.get_by_label("Move to").select_option(Stage.READY)
    page.get_by_role("button", name="Change the stage").click()

    expect(page.get_by_test_id("file-stage")).to_contain_text("Ready to depart")
    expect(page.get_by_test_id("file-history")).to_contain_text("Registration → Ready to depart")
    expect(page.get_by_test_id("readiness-summary")).to_have_attribute("data-ready", "yes")
    expect(page.get_by_test_id("readiness-summary")).to_contain_text("Ready to depart")
    screenshot("placement-file-ready-en")
    placement_file.refresh_from_db()
    assert placement_file.stage == Stage.READY
