"""An office's own case figures for a period shorter than whole calendar months (issue 16).

An office head asking for one day saw "gender-based violence 1, woman, 18–24": one client.
Case-related tables of the office's own staff are counted over the calendar months the period
touches (`selectors._own_office_months`); whole months stay as they are."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from satuatap.cases.models import Case, CaseCategory
from satuatap.core.roles import Role
from satuatap.people.models import Person
from satuatap.reports import selectors
from tests.reports.test_dashboards import text_of

pytestmark = pytest.mark.django_db

OFFICE = reverse("reports:office-dashboard")
DAY = datetime.date(2026, 3, 10)


def d(month: int, day: int) -> datetime.date:
    return datetime.date(2026, month, day)


@pytest.fixture
def march(office):
    """March 2026: one GBV case on the 10th (a woman of 20), two more GBV cases and three wage
    cases on other days; a GBV case in February."""

    def case(number, sex, birth_year, received, category):
        client = Person.objects.create(
            office=office,
            full_name=f"Klien {number}",
            sex=sex,
            birth_date=datetime.date(birth_year, 1, 1),
        )
        item = Case.objects.create(
            office=office, number=number, client=client, channel="walk_in", received_on=received
        )
        CaseCategory.objects.create(case=item, category=category)

    case("G1", "F", 2005, DAY, "gbv")
    case("G2", "F", 1990, d(3, 3), "gbv")
    case("G3", "M", 1980, d(3, 20), "gbv")
    for n, day in enumerate((2, 4, 25)):
        case(f"W{n}", "M", 1985, d(3, day), "wages")
    case("F1", "F", 1995, d(2, 14), "gbv")


@pytest.fixture
def head(make_user):
    return make_user(Role.OFFICE_HEAD, language="en")


def received(viewer, office, date_from, date_to):
    return selectors.indicator_result(
        code="complaints_received",
        viewer=viewer,
        date_from=date_from,
        date_to=date_to,
        office_ids=[office.pk],
    )


def gbv_row(result):
    return next(row for row in result.rows if row.dimension == "gbv")


def test_one_day_of_an_office_counts_its_whole_month(march, office, head):
    result = received(head, office, DAY, DAY)
    assert (result.date_from, result.date_to) == (d(3, 1), d(3, 31))
    gbv = gbv_row(result)
    assert gbv.total.value == 3  # the month's, not the day's 1
    assert gbv.by_sex["F"].value == 2 and gbv.by_age_band["18-24"].value == 1
    assert result.total.total.value == 6
    # A week across two months counts both months.
    week = received(head, office, d(2, 26), d(3, 4))
    assert (week.date_from, week.date_to) == (d(2, 1), d(3, 31))
    assert gbv_row(week).total.value == 4


def test_a_whole_month_shows_the_offices_real_numbers(march, office, head):
    result = received(head, office, d(3, 1), d(3, 31))
    assert (result.date_from, result.date_to) == (d(3, 1), d(3, 31))
    assert gbv_row(result).total.value == 3
    assert result.total.total.value == 6
    assert not result.total.total.suppressed


def test_other_tables_keep_the_days_asked_for(march, office, head):
    result = selectors.indicator_result(
        code="registrations", viewer=head, date_from=DAY, date_to=DAY, office_ids=[office.pk]
    )
    assert (result.date_from, result.date_to) == (DAY, DAY)


def test_the_monthly_series_counts_the_last_month_whole(march, office, head):
    points = selectors.monthly_series(
        code="complaints_received", viewer=head, months=2, end=DAY, office_ids=[office.pk]
    )
    assert [(day, cell.value) for day, cell in points] == [(d(2, 1), 1), (d(3, 1), 6)]


def test_a_head_asking_for_one_day_sees_no_one_on_the_dashboard(client, march, head):
    client.force_login(head)
    html = client.get(OFFICE, {"from": DAY.isoformat(), "to": DAY.isoformat()}).content.decode()
    assert text_of(html, "figure-complaints_received-now") == "6"
    assert 'data-testid="case-months-note"' in html
    assert "March 1, 2026 to March 31, 2026" in text_of(html, "case-months-note")
    # Both periods widened to March: no comparison with "the day before".
    assert 'data-testid="figure-complaints_received-change"' not in html


def test_a_whole_month_on_the_dashboard_has_no_note(client, march, head):
    client.force_login(head)
    html = client.get(OFFICE, {"month": "2026-03"}).content.decode()
    assert text_of(html, "figure-complaints_received-now") == "6"
    assert 'data-testid="case-months-note"' not in html


def test_the_api_gives_the_office_its_whole_month_for_one_day(client, march, office, head):
    client.force_login(head)
    response = client.get(
        "/api/v1/reports/indicators",
        {
            "office": office.pk,
            "from": DAY.isoformat(),
            "to": DAY.isoformat(),
            "indicator": "complaints_received",
        },
    )
    assert response.status_code == 200, response.content
    table = response.json()["indicators"][0]
    assert (table["from"], table["to"]) == ("2026-03-01", "2026-03-31")
    gbv = next(row for row in table["rows"] if row["dimension"] == "gbv")
    assert gbv["total"]["value"] == 3


def test_the_indicator_page_counts_one_day_as_its_whole_month_too(client, march, head):
    client.force_login(head)
    url = reverse("reports:office-indicator", args=["complaints_received"])
    html = client.get(url, {"from": DAY.isoformat(), "to": DAY.isoformat()}).content.decode()
    assert "1 March 2026 – 31 March 2026" in text_of(html, "case-months-note")
