"""An office head opens the office dashboard, filters it to women and downloads the monthly
report as XLSX; the national analyst opens the national dashboard."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from satuatap.core.roles import Role
from satuatap.people.models import Person
from tests.browser.session import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def registrations_row(path) -> dict:
    """The total row of the registrations table in the workbook's registry sheet, by column."""
    sheet = load_workbook(path)["Registry"]
    rows = list(sheet.iter_rows(values_only=True))
    heading = next(row for row in rows if "Women" in row)
    start = next(i for i, row in enumerate(rows) if str(row[0] or "").startswith("Registrations"))
    total = next(row for row in rows[start + 1 :] if row[0] == "Total")
    return dict(zip(heading, total, strict=False))


def test_office_head_filters_the_dashboard_by_sex_and_downloads_the_xlsx(
    live_server, page, make_user, office, screenshot, tmp_path
):
    head = make_user(Role.OFFICE_HEAD, username="cirebon.head", language="en")
    for name, sex in (("Ani", "F"), ("Citra", "F"), ("Dewi", "F"), ("Budi", "M"), ("Eko", "M")):
        Person.objects.create(office=office, full_name=name, sex=sex, created_by=head)

    sign_in(page, live_server.url, "cirebon.head")
    page.get_by_role("link", name="Office dashboard").first.click()
    registrations = page.get_by_test_id("figure-registrations-now")
    expect(registrations).to_have_text("5")
    expect(page.get_by_test_id("trend-registrations")).to_be_visible()
    screenshot("office-dashboard-en")

    page.get_by_label("Sex").select_option("F")
    page.get_by_role("button", name="Show").click()
    expect(registrations).to_have_text("3")
    expect(page.get_by_test_id("dashboard-scope")).to_contain_text("women")
    expect(page.get_by_test_id("trend-registrations-table")).not_to_contain_text("Men")

    with page.expect_download() as download_info:
        page.get_by_test_id("download-xlsx").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    row = registrations_row(path)
    assert row["Women"] == 3 and row["Total"] == 3


def test_national_analyst_opens_the_national_dashboard(
    live_server, page, make_user, ministry, office, other_office, screenshot
):
    make_user(
        Role.NATIONAL_ANALYST, organisation=ministry, username="national.analyst", language="en"
    )
    head = make_user(Role.OFFICE_HEAD)
    # Registered in the middle of last month: the national dashboard opens on the last month
    # that is over (case figures leave the offices a month at a time).
    ani = Person.objects.create(office=office, full_name="Ani", sex="F", created_by=head)
    ani.created_at = timezone.now().replace(day=1) - datetime.timedelta(days=15)
    ani.save()

    sign_in(page, live_server.url, "national.analyst")
    page.get_by_role("link", name="National dashboard").first.click()
    comparison = page.get_by_test_id("office-comparison")
    expect(comparison).to_contain_text(office.name)
    expect(comparison).to_contain_text(other_office.name)
    expect(page.get_by_test_id(f"office-row-{office.pk}")).to_contain_text("1")
    screenshot("national-dashboard-en")
