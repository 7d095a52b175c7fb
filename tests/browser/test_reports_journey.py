"""An office head opens the office dashboard, filters it to women and downloads the monthly
report as XLSX; the dashboard fits two screens of a 1366×768 laptop, each chart switches to its
table and back (mouse and keyboard) and axe-core finds no violation; the national analyst opens
the national dashboard."""

from __future__ import annotations

import datetime
import re

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


LAPTOP = {"width": 1366, "height": 768}


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
    page.get_by_role("button", name="Show", exact=True).click()
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


def test_office_dashboard_fits_two_laptop_screens_and_each_chart_switches_to_its_table(
    live_server, page, make_user, office, audit, screenshot
):
    head = make_user(Role.OFFICE_HEAD, username="cirebon.head", language="en")
    for name, sex in (("Ani", "F"), ("Budi", "M")):
        Person.objects.create(office=office, full_name=name, sex=sex, created_by=head)
    page.set_viewport_size(LAPTOP)
    sign_in(page, live_server.url, "cirebon.head")
    page.get_by_role("link", name="Office dashboard").first.click()
    expect(page.get_by_test_id("figure-registrations-now")).to_have_text("2")
    page.wait_for_load_state("load")  # its style sheets applied
    screenshot("office-dashboard-1366")
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height <= 2 * LAPTOP["height"], height

    # The chart shows, its table waits behind the button; pressing it swaps them.
    chart, table = (
        page.get_by_test_id("trend-registrations"),
        page.locator("#trend-registrations-table-view"),
    )
    toggle = page.get_by_role("button", name=re.compile(r"^Table\W+Registrations$"))
    expect(toggle).to_have_attribute("aria-controls", re.compile("trend-registrations"))
    expect(chart).to_be_visible()
    expect(table).to_be_hidden()
    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "true")
    expect(table).to_be_visible()
    expect(page.get_by_test_id("trend-registrations-table")).to_contain_text("Women")
    expect(chart).to_be_hidden()
    audit(page)  # with a table shown
    # And back, from the keyboard.
    toggle.focus()
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-pressed", "false")
    expect(chart).to_be_visible()
    expect(table).to_be_hidden()
    page.keyboard.press("Space")
    expect(table).to_be_visible()
    audit(page)

    # Every number stays one link away: a breakdown opens its page, chart and table switched.
    page.get_by_role("link", name="Departures by destination").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Departures by destination")
    # Nobody departed: no bars to draw, so the table (all zero) shows as it is; the twelve
    # months switch as on the dashboard.
    expect(page.get_by_test_id("bars-departures_by_destination-table")).to_be_visible()
    page.get_by_role("button", name=re.compile(r"^Table\W+Departures$")).click()
    expect(page.get_by_test_id("trend-departures_by_destination-table")).to_be_visible()
    audit(page)
    page.get_by_test_id("back-to-dashboard").click()
    expect(page.get_by_test_id("key-figures")).to_be_visible()
