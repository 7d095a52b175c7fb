"""Exports and report pages say which days their case figures count (issue 16).

A file headed "10 March 2026" whose complaints count all of March (or, outside the office, only
the months that are over) misled its reader. `selectors.case_figures_period` gives those days
for a viewer, offices and period; the XLSX and PDF headers say them under the period asked
for, the CSV on each line of case figures, the dashboards above the figures."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from satuatap.core.roles import Role
from satuatap.reports import release, selectors
from satuatap.reports.exports import builders
from satuatap.reports.exports import services as jobs
from satuatap.reports.exports.common import ExportParameters
from satuatap.reports.exports.worker import services as worker
from satuatap.reports.indicators import INDICATORS
from tests.reports.core_fixture import MARCH
from tests.reports.exports_support import read_workbook
from tests.reports.test_dashboards import text_of
from tests.reports.test_exports_csv_pdf import pdf_text, read_csv

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 3, 10)
SHORT = {"from": DAY.isoformat(), "to": DAY.isoformat()}
WIDENED = "count whole calendar months: 1 March 2026 – 31 March 2026."
CASE_CODES = [indicator.code for indicator in INDICATORS if indicator.case_related]


def get(client, user, name, **query):
    client.force_login(user)
    response = client.get(reverse(f"reports:{name}"), query)
    assert response.status_code == 200, response.content[:500]
    return response


def header_lines(content: bytes) -> list[tuple[object, object]]:
    """(column A, column B) of the rows above the suppression legend and the table heading,
    from the first sheet."""
    ws = read_workbook(content).worksheets[0]
    lines = []
    for row in range(2, ws.max_row + 1):
        if ws.cell(row, 1).value == "Indicator and value":
            break
        lines.append((ws.cell(row, 1).value, ws.cell(row, 2).value))
    return lines


# --- The selector --------------------------------------------------------------------------


def test_the_case_period_of_an_office_is_the_whole_months_of_a_short_period(world, head):
    counted = selectors.case_figures_period(
        viewer=head, date_from=DAY, date_to=DAY, office_ids=[world.office.pk]
    )
    assert (counted.date_from, counted.date_to) == MARCH
    assert counted.is_released and not counted.is_as_asked
    with translation.override("en"):
        assert counted.note().endswith(WIDENED)
    whole = selectors.case_figures_period(
        viewer=head, date_from=MARCH[0], date_to=MARCH[1], office_ids=[world.office.pk]
    )
    assert whole.is_as_asked and whole.note() == ""


def test_outside_the_office_the_case_period_stops_at_the_last_month_over(world, national):
    this_month = release.open_month()
    today = this_month + datetime.timedelta(days=3)
    counted = selectors.case_figures_period(viewer=national, date_from=DAY, date_to=today)
    last_over = this_month - datetime.timedelta(days=1)
    assert (counted.date_from, counted.date_to) == (MARCH[0], last_over)
    assert counted.open_month_left_out and not counted.is_as_asked
    with translation.override("en"):
        note = counted.note()
    assert "whole calendar months that are over" in note
    assert f"1 March 2026 – {last_over.day} {last_over:%B %Y}" in note
    assert "The month under way is not released yet." in note

    nothing = selectors.case_figures_period(viewer=national, date_from=this_month, date_to=today)
    assert not nothing.is_released and not nothing.is_as_asked
    with translation.override("en"):
        assert "no month of this period is over yet" in nothing.note()

    over = selectors.case_figures_period(viewer=national, date_from=MARCH[0], date_to=MARCH[1])
    assert over.is_as_asked and over.note() == ""


@pytest.mark.parametrize("viewer_name", ["head", "national"])
@pytest.mark.parametrize(
    "period",
    [(DAY, DAY), (datetime.date(2026, 2, 26), DAY), MARCH, (MARCH[0], None), (None, None)],
)
def test_the_case_period_is_what_every_case_table_counts(world, request, viewer_name, period):
    """The note and the tables cannot disagree: every case-related table of the same read
    counts the selector's days (None: up to a few days into the month under way)."""
    viewer = request.getfixturevalue(viewer_name)
    this_month = release.open_month()
    date_from = period[0] or this_month
    date_to = period[1] or this_month + datetime.timedelta(days=3)
    office_ids = [world.office.pk] if viewer_name == "head" else None
    counted = selectors.case_figures_period(
        viewer=viewer, date_from=date_from, date_to=date_to, office_ids=office_ids
    )
    results = selectors.indicator_results(
        codes=CASE_CODES,
        viewer=viewer,
        date_from=date_from,
        date_to=date_to,
        office_ids=office_ids,
    )
    for result in results:
        assert (result.date_from, result.date_to) == (counted.date_from, counted.date_to)
        assert result.open_month_left_out == counted.open_month_left_out


def test_the_note_names_every_kind_of_case_figure():
    """The note lists the case figures as returns by reason, counselling, complaints, money
    recovered and referrals: a new case-related indicator of another kind must be added to it
    (results.CasePeriod.note)."""
    kinds = {code.split("_")[0] for code in CASE_CODES}
    assert kinds == {"returns", "counselling", "complaints", "money", "referrals"}


# --- XLSX ------------------------------------------------------------------------------------


def test_xlsx_of_a_short_period_says_the_months_the_office_head_sees(client, world, head):
    response = get(client, head, "export-monthly-xlsx", **SHORT)
    lines = header_lines(response.content)
    assert lines[:3] == [
        ("Office", world.office.name),
        ("Period", "10 March 2026 – 10 March 2026"),
        (None, lines[2][1]),
    ]
    assert lines[2][1].startswith("Case figures (returns by reason, counselling, complaints")
    assert lines[2][1].endswith(WIDENED)


def test_xlsx_of_a_short_period_says_the_months_the_analyst_sees(client, world, national):
    response = get(client, national, "export-monthly-xlsx", office=world.office.pk, **SHORT)
    lines = header_lines(response.content)
    assert lines[1] == ("Period", "10 March 2026 – 10 March 2026")
    assert lines[2][0] is None and lines[2][1].endswith(WIDENED)


def test_xlsx_of_a_whole_month_has_no_note(client, world, head):
    response = get(client, head, "export-monthly-xlsx", month="2026-03")
    lines = header_lines(response.content)
    assert lines[1] == ("Period", "March 2026")
    assert lines[2][0] == "Made on"
    assert not any("Case figures" in str(value) for _name, value in lines)


def test_xlsx_note_is_in_indonesian(client, world, make_user):
    head = make_user(Role.OFFICE_HEAD, language="id")
    response = get(client, head, "export-monthly-xlsx", **SHORT)
    with translation.override("id"):
        note = selectors.case_figures_period(
            viewer=head, date_from=DAY, date_to=DAY, office_ids=[world.office.pk]
        ).note()
    lines = header_lines(response.content)
    assert (None, note) in lines
    assert "1 Maret 2026 – 31 Maret 2026" in note
    assert "Case figures" not in note


# --- CSV -------------------------------------------------------------------------------------


def test_csv_of_a_short_period_says_the_months_on_every_line(client, world, head):
    response = get(client, head, "export-indicator-csv", indicator="complaints_received", **SHORT)
    rows = read_csv(response.content)
    assert rows
    for row in rows:
        assert (row["From"], row["To"]) == ("2026-03-01", "2026-03-31")
        assert row["Note"].endswith(WIDENED)


def test_csv_of_the_analyst_says_the_months_on_every_line(client, world, national):
    response = get(
        client, national, "export-indicator-csv", indicator="complaints_received", **SHORT
    )
    rows = read_csv(response.content)
    assert rows and all(row["Note"].endswith(WIDENED) for row in rows)
    assert all((row["From"], row["To"]) == ("2026-03-01", "2026-03-31") for row in rows)


def test_csv_of_a_whole_month_or_of_figures_that_are_not_case_figures_has_no_note(
    client, world, head
):
    month = get(
        client, head, "export-indicator-csv", indicator="complaints_received", month="2026-03"
    )
    assert all(row["Note"] == "" for row in read_csv(month.content))
    day = get(client, head, "export-indicator-csv", indicator="registrations", **SHORT)
    (total,) = read_csv(day.content)
    assert (total["From"], total["To"], total["Note"]) == ("2026-03-10", "2026-03-10", "")


def test_national_csv_lines_of_each_office_count_the_same_months(world, national):
    """The offices' totals below a national CSV count the months the note says, not the days
    asked for."""
    params = ExportParameters(date_from=DAY, date_to=DAY)
    with translation.override("en"):
        made = builders.build_csv(params, viewer=national, on_progress=lambda done, total: None)
    rows = read_csv(made.content)
    offices = [row for row in rows if row["Office"] == world.office.name]
    complaints = [row for row in offices if row["Indicator code"] == "complaints_received"]
    assert complaints and all(
        (row["From"], row["To"], row["Note"][-len(WIDENED) :])
        == ("2026-03-01", "2026-03-31", WIDENED)
        for row in complaints
    )
    visitors = [row for row in offices if row["Indicator code"] == "visitors"]
    assert visitors and all(
        (row["From"], row["To"], row["Note"]) == ("2026-03-10", "2026-03-10", "")
        for row in visitors
    )


# --- PDF -------------------------------------------------------------------------------------


def test_pdf_of_a_short_period_says_the_months_the_office_head_sees(client, world, head):
    text = pdf_text(get(client, head, "export-monthly-pdf", **SHORT).content)
    assert "10 March 2026 – 10 March 2026" in text
    assert WIDENED in text


def test_pdf_of_a_short_period_says_the_months_the_analyst_sees(client, world, national):
    response = get(client, national, "export-monthly-pdf", office=world.office.pk, **SHORT)
    assert WIDENED in pdf_text(response.content)


def test_pdf_of_a_whole_month_has_no_note(client, world, head):
    text = pdf_text(get(client, head, "export-monthly-pdf", month="2026-03").content)
    assert "March 2026" in text and "Case figures" not in text


def test_national_pdf_made_in_the_background_says_the_months(world, national, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    params = ExportParameters(date_from=DAY, date_to=DAY)
    job = worker.run_export(jobs.start_export(by=national, kind="pdf", params=params).pk)
    with job.file.open("rb") as handle:
        text = pdf_text(handle.read())
    assert "National (all offices)" in text and WIDENED in text


# --- Report pages ----------------------------------------------------------------------------


def test_the_national_dashboard_says_the_months_of_a_short_period(client, world, national):
    client.force_login(national)
    html = client.get(reverse("reports:national-dashboard"), SHORT).content.decode()
    assert text_of(html, "case-period-note").endswith(WIDENED)
    whole = client.get(reverse("reports:national-dashboard"), {"month": "2026-03"})
    assert 'data-testid="case-period-note"' not in whole.content.decode()


def test_the_national_dashboard_says_when_no_month_is_over(client, world, national):
    client.force_login(national)
    this_month = release.open_month()
    html = client.get(
        reverse("reports:national-dashboard"), {"month": this_month.strftime("%Y-%m")}
    ).content.decode()
    assert "no month of this period is over yet" in text_of(html, "case-period-note")
