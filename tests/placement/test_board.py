"""The public job board: open, valid job orders only, with the agency's licence flag."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from satuatap.placement.models import AgencyStatus, LicenceState

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def test_board_lists_only_open_published_job_orders_with_a_valid_permit(
    client, office, other_office, agency, make_job_order, today
):
    make_job_order("OPEN", agency=agency, occupation="Caregiver")
    make_job_order("CLOSES-TODAY", agency=agency, closing_date=today, occupation="Cook")
    make_job_order("CLOSED", agency=agency, closing_date=today - DAY, occupation="Closed job")
    make_job_order("DRAFT", agency=agency, is_published=False, occupation="Draft job")
    make_job_order(
        "PERMIT-OVER", agency=agency, permit_valid_until=today - DAY, occupation="Lapsed"
    )
    make_job_order("ELSEWHERE", office=other_office, agency=agency, occupation="Elsewhere job")

    response = client.get(reverse("public_jobs:board", args=[office.slug]))

    assert response.status_code == 200
    listed = {j.permit_number for j in response.context["job_orders"]}
    assert listed == {"OPEN", "CLOSES-TODAY"}
    page = response.content.decode()
    assert "Closed job" not in page and "Draft job" not in page and "Elsewhere job" not in page
    assert agency.licence_number in page
    assert 'data-licence-state="valid"' in page


def test_board_flags_an_agency_whose_licence_is_no_longer_valid(
    client, office, make_agency, make_job_order
):
    suspended = make_agency("SIP3MI/SUSP", status=AgencyStatus.SUSPENDED)
    make_job_order("JOB", agency=suspended)

    page = client.get(reverse("public_jobs:board", args=[office.slug])).content.decode()

    assert 'data-licence-state="suspended"' in page
    assert str(LicenceState.SUSPENDED.label) in page


def test_board_explains_that_unlisted_jobs_should_be_checked_at_the_office(client, office):
    client.cookies["satuatap_language"] = "en"  # a visitor who chose English
    response = client.get(reverse("public_jobs:board", args=[office.slug]))
    assert response.status_code == 200
    assert "not listed here" in response.content.decode()


def test_board_of_an_unknown_office_is_not_found(client, office, agency, make_job_order):
    make_job_order("OPEN", agency=agency, occupation="Caregiver")  # on a real office's board

    response = client.get("/jobs/nowhere/")

    assert response.status_code == 404
    assert "Caregiver" not in response.content.decode()  # no office's board stands in


def test_board_query_count_does_not_grow_with_job_orders(
    client, office, make_agency, make_job_order, django_assert_max_num_queries
):
    for n in range(20):
        make_job_order(f"J{n}", agency=make_agency(f"SIP3MI/{n}"))
    with django_assert_max_num_queries(6):
        response = client.get(reverse("public_jobs:board", args=[office.slug]))
    assert len(response.context["job_orders"]) == 20
