"""Indicator tables as CSV (UTF-8 with BOM, suppressed cells "<5", formula text neutralised)
and the monthly report as PDF (the same tables, nothing fetched)."""

from __future__ import annotations

import csv
import io
import socket

import pytest
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from satuatap.core.roles import Role
from satuatap.reports import selectors
from satuatap.reports.exports.common import neutralise
from satuatap.reports.exports.csv import indicator_csv
from satuatap.reports.exports.pdf import monthly_report_html, monthly_report_pdf
from satuatap.reports.exports.xlsx import ReportHeader
from tests.reports.core_fixture import MARCH, build
from tests.reports.exports_support import (
    person_result,
    person_row,
    suppressed_result,
    value_result,
)

GROUPS = {"departures": "placement", "complaints": "mrc", "money_recovered": "mrc"}


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


def read_csv(content: bytes) -> list[dict[str, str]]:
    assert content.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


# --- CSV ---------------------------------------------------------------------------------------


def test_csv_has_a_line_per_dimension_value_and_the_total():
    rows = read_csv(indicator_csv([("Cirebon", departures())]))
    assert [(r["Value code"], r["Value"]) for r in rows] == [
        ("HK", "Hong Kong"),
        ("TW", "Taiwan"),
        ("", "Total"),
    ]
    hong_kong = rows[0]
    assert hong_kong["Office"] == "Cirebon"
    assert (hong_kong["From"], hong_kong["To"]) == ("2026-01-01", "2026-01-31")
    assert hong_kong["Indicator code"] == "departures"
    assert (hong_kong["Women"], hong_kong["Men"], hong_kong["Not recorded"]) == ("12", "1", "0")
    assert hong_kong["Total"] == "13"
    assert (hong_kong["18–24"], hong_kong["25–34"], hong_kong["Age not recorded"]) == (
        "12",
        "1",
        "0",
    )
    assert rows[2]["Total"] == "31"


def test_csv_shows_suppressed_cells_as_text():
    (total,) = read_csv(indicator_csv([("National (all offices)", suppressed_result())]))
    assert (total["Women"], total["Men"], total["Total"], total["Not recorded"]) == (
        "<5",
        "×",
        "×",
        "0",
    )


def test_csv_of_a_value_indicator_has_only_the_total():
    (total,) = read_csv(indicator_csv([("Cirebon", value_result("money_recovered", "Money", 5))]))
    assert total["Total"] == "5"
    assert "Women" not in total


@pytest.mark.parametrize("prefix", ["=", "+", "-", "@", "\t", "\r"])
def test_csv_neutralises_text_that_a_spreadsheet_would_run(prefix):
    dangerous = prefix + 'HYPERLINK("http://evil.example","x")'
    result = person_result("departures", "Departures", [person_row("x", dangerous, women=1, men=1)])
    rows = read_csv(indicator_csv([(dangerous, result)]))
    assert rows[0]["Office"] == "'" + dangerous
    assert rows[0]["Value"] == "'" + dangerous
    assert rows[0]["Women"] == "1"  # numbers are left alone


def test_neutralise_leaves_ordinary_text_alone():
    assert neutralise("Desa Maju") == "Desa Maju"
    assert neutralise("=1+1") == "'=1+1"


# --- PDF ---------------------------------------------------------------------------------------


def pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF")
    return " ".join(
        " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split()
    )


def header(scope="LTSA-PPMI Kabupaten Cirebon"):
    return ReportHeader(scope=scope, period="January 2026", title="Monthly report")


def test_pdf_html_holds_the_groups_tables_and_numbers():
    html = monthly_report_html([departures(), suppressed_result()], header=header(), groups=GROUPS)
    assert "LTSA-PPMI Kabupaten Cirebon" in html and "January 2026" in html
    assert html.index("Placement") < html.index("MRC")
    assert "Hong Kong" in html and ">31<" in html
    assert "&lt;5" in html and "×" in html


def test_pdf_escapes_names():
    result = person_result(
        "departures", "Departures", [person_row("x", "<script>alert(1)</script>", women=1, men=0)]
    )
    html = monthly_report_html([result], header=header(), groups=GROUPS)
    assert "<script>" not in html


def test_pdf_is_a_pdf_with_the_report(monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("the PDF tried to reach the network")

    monkeypatch.setattr(socket, "create_connection", no_network)
    offices = [("Cirebon", [departures()]), ("Blitar", [suppressed_result("departures")])]
    data = monthly_report_pdf(
        [departures()], header=header("National (all offices)"), groups=GROUPS, offices=offices
    )
    text = pdf_text(data)
    assert "Monthly report" in text
    assert "National (all offices)" in text
    assert "Hong Kong" in text and "Taiwan" in text
    assert "Blitar" in text and "<5" in text


# --- Downloads ---------------------------------------------------------------------------------


@pytest.fixture
def world(office):
    return build(office)


@pytest.fixture
def head(make_user):
    return make_user(Role.OFFICE_HEAD, language="en")


@pytest.fixture
def national_viewer(analyst):
    analyst.language = "en"
    analyst.save()
    return analyst


def get(client, user, name, **query):
    client.force_login(user)
    return client.get(reverse(f"reports:{name}"), query)


@pytest.mark.django_db
def test_office_csv_of_one_indicator_matches_the_hand_count(client, world, head):
    response = get(client, head, "export-indicator-csv", indicator="registrations", month="2026-03")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="satuatap-cirebon-2026-03-registrations.csv"'
    )
    assert response["Cache-Control"] == "private, no-store"
    (total,) = read_csv(response.content)
    assert total["Office"] == world.office.name
    assert (total["Total"], total["Women"], total["Men"], total["Not recorded"]) == (
        "5",
        "3",
        "1",
        "1",
    )


@pytest.mark.django_db
def test_national_csv_is_suppressed_as_the_selectors_return_it(client, world, national_viewer):
    response = get(
        client,
        national_viewer,
        "export-indicator-csv",
        indicator="complaints_received",
        month="2026-03",
    )
    assert response.status_code == 200
    rows = read_csv(response.content)
    with translation.override("en"):
        result = selectors.indicator_result(
            code="complaints_received",
            viewer=national_viewer,
            date_from=MARCH[0],
            date_to=MARCH[1],
        )
    assert result.suppressed_cells
    assert [row["Office"] for row in rows] == ["National (all offices)"] * len(rows)
    by_value = {row["Value code"]: row for row in rows}
    for row in [*result.rows, result.total]:
        written = by_value[row.dimension]
        assert written["Total"] == row.total.display()
        assert written["Women"] == row.by_sex["F"].display()


@pytest.mark.django_db
def test_csv_needs_a_known_indicator(client, world, head):
    for query in ({"indicator": "nope"}, {}):
        response = get(client, head, "export-indicator-csv", **query)
        assert response.status_code == 400, query
        assert not response.has_header("Content-Disposition"), query
        assert "Choose one of the indicators." in response.content.decode(), query


@pytest.mark.django_db
def test_csv_of_another_office_is_404(client, world, head):
    response = get(
        client,
        head,
        "export-indicator-csv",
        indicator="registrations",
        office=world.other_office.pk,
    )
    assert response.status_code == 404
    assert not response.has_header("Content-Disposition")
    assert not response["Content-Type"].startswith("text/csv")
    assert world.other_office.name not in response.content.decode()


@pytest.mark.django_db
def test_office_head_downloads_the_monthly_pdf(client, world, head):
    response = get(client, head, "export-monthly-pdf", month="2026-03")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Cache-Control"] == "private, no-store"
    text = pdf_text(response.content)
    assert world.office.name in text
    assert "March 2026" in text
    assert "Registrations" in text and "Departures by destination" in text


@pytest.mark.django_db
def test_office_pdf_has_letterhead_signature_block_and_a_name_with_the_filters(
    client, world, make_user
):
    head = make_user(Role.OFFICE_HEAD, language="id")
    with translation.override("id"):
        response = get(client, head, "export-monthly-pdf", month="2026-03", sex="F")
        role_label = str(Role.FRONTDESK.label)
    assert response["Content-Disposition"] == (
        'attachment; filename="satuatap-cirebon-2026-03-perempuan.pdf"'
    )
    reader = PdfReader(io.BytesIO(response.content))
    assert reader.metadata.title == f"Laporan bulanan · {world.office.name} · Maret 2026"
    text = pdf_text(response.content)
    first_page = reader.pages[0].extract_text()
    assert world.office.name in first_page and "LTSA-PPMI" in first_page  # the letterhead
    assert "Jenis kelamin: Perempuan" in text
    assert "Layanan loket" in text and role_label not in text
    # The signature block: the place and the office's today, the head's title, a name line.
    today = world.office.today()
    months = [
        "Januari",
        "Februari",
        "Maret",
        "April",
        "Mei",
        "Juni",
        "Juli",
        "Agustus",
        "September",
        "Oktober",
        "November",
        "Desember",
    ]
    assert f"Cirebon, {today.day} {months[today.month - 1]} {today.year}" in text
    assert f"Kepala {world.office.name}" in text
    assert text.index(f"Kepala {world.office.name}") > text.index("Layanan loket")


def test_national_pdf_has_no_signature_block():
    html = monthly_report_html(
        [departures()], header=header("National (all offices)"), groups=GROUPS
    )
    assert 'class="signature"' not in html
    assert "SatuAtap: all offices" in html
