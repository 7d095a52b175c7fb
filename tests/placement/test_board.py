"""The public job board: open, valid job orders only, with the agency's licence flag."""

from __future__ import annotations

import datetime
import html
from decimal import Decimal

import pytest
from django.urls import reverse

from satuatap.placement.models import AgencyStatus, LicenceState, Scheme

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


# --- Placement clarity (issue 19 point 5): money, titles, how to apply, licensed agencies ----


def board_text(client, office, language: str = "id") -> str:
    client.cookies["satuatap_language"] = language
    response = client.get(reverse("public_jobs:board", args=[office.slug]))
    assert response.status_code == 200
    return " ".join(html.unescape(response.content.decode()).split())


@pytest.mark.parametrize(
    ("language", "salary", "fee"),
    [("id", "KRW 2.060.740", "Rp 1.500.000"), ("en", "KRW 2,060,740", "IDR 1,500,000")],
)
def test_board_shows_money_grouped_for_the_reader_without_empty_cents(
    client, office, make_job_order, language, salary, fee
):
    make_job_order(
        "KR",
        scheme=Scheme.GOVERNMENT,
        country="KR",
        salary_amount=Decimal("2060740.00"),
        salary_currency="KRW",
        worker_fee_idr=1_500_000,
    )

    page = board_text(client, office, language)

    assert salary in page and fee in page
    assert "2060740" not in page
    assert f"{salary},00" not in page and f"{salary}.00" not in page


def test_board_shows_the_job_title_in_the_reader_language_falling_back_to_indonesian(
    client, office, make_job_order
):
    make_job_order("KR", occupation="Pekerja pabrik (EPS)", occupation_en="Factory worker (EPS)")
    make_job_order("HK", occupation="Pekerja rumah tangga", occupation_en="")

    indonesian = board_text(client, office, "id")
    english = board_text(client, office, "en")

    assert "Pekerja pabrik (EPS)" in indonesian and "Factory worker" not in indonesian
    assert "Factory worker (EPS)" in english and "Pekerja pabrik" not in english
    assert "Pekerja rumah tangga" in indonesian and "Pekerja rumah tangga" in english


def test_board_tells_how_to_apply_what_to_bring_where_and_when_in_both_languages(client, office):
    office.address = "Jl. Sunan Drajat No. 15, Sumber"
    office.phone = "0231-555-0119"
    office.opening_hours_id = "Senin–Kamis 08.00–15.30 WIB"
    office.opening_hours_en = "Monday to Thursday 8:00–15:30 WIB"
    office.save()

    indonesian = board_text(client, office, "id")
    english = board_text(client, office, "en")

    assert "Cara melamar" in indonesian
    assert "KTP (Kartu Tanda Penduduk)" in indonesian and "Kartu Keluarga" in indonesian
    assert "Jl. Sunan Drajat No. 15, Sumber" in indonesian and "0231-555-0119" in indonesian
    assert "Senin–Kamis 08.00–15.30 WIB" in indonesian
    assert "How to apply" in english
    assert "ID card (KTP)" in english and "Family card (KK)" in english
    assert "School diploma" in english
    assert "Jl. Sunan Drajat No. 15, Sumber" in english
    assert "Monday to Thursday 8:00–15:30 WIB" in english and "Senin–Kamis" not in english
    assert "Registering is free of charge" in english


def test_board_without_opening_hours_says_to_ask_the_office(client, office):
    page = board_text(client, office, "en")
    assert "Ask the office for its opening hours." in page


def test_board_links_to_the_licensed_agencies_of_its_office(client, office):
    client.cookies["satuatap_language"] = "en"
    response = client.get(reverse("public_jobs:board", args=[office.slug]))
    assert f'href="/jobs/{office.slug}/agencies/"' in response.content.decode()
    assert "See the agencies (P3MI) whose licence is valid today" in page_text(response)


def page_text(response) -> str:
    return " ".join(html.unescape(response.content.decode()).split())


def test_licensed_agencies_lists_only_agencies_whose_licence_is_valid_today(
    client, office, make_agency, today
):
    make_agency("SIP3MI/OK", name="PT Valid Karya", branches="Cirebon\nIndramayu")
    make_agency("SIP3MI/LAST", name="PT Last Day", licence_valid_until=today)
    make_agency("SIP3MI/OLD", name="PT Expired", licence_valid_until=today - DAY)
    make_agency("SIP3MI/SOON", name="PT Not Yet", licence_valid_from=today + DAY)
    make_agency("SIP3MI/SUSP", name="PT Suspended", status=AgencyStatus.SUSPENDED)
    make_agency("SIP3MI/REV", name="PT Revoked", status=AgencyStatus.REVOKED)

    assert reverse("public_jobs:agencies", args=[office.slug]) == f"/jobs/{office.slug}/agencies/"
    client.cookies["satuatap_language"] = "en"
    response = client.get(f"/jobs/{office.slug}/agencies/")

    assert response.status_code == 200
    assert [a.name for a in response.context["page"]] == ["PT Last Day", "PT Valid Karya"]
    page = page_text(response)
    assert "SIP3MI/OK" in page and "Cirebon; Indramayu" in page
    for hidden in ("PT Expired", "PT Not Yet", "PT Suspended", "PT Revoked"):
        assert hidden not in page
    assert "Placement agencies (P3MI) with a valid licence" in page


def test_licensed_agencies_page_reads_in_indonesian_by_default_and_searches(
    client, office, make_agency
):
    make_agency("SIP3MI/OK", name="PT Valid Karya")
    make_agency("SIP3MI/OTHER", name="PT Bina Sejahtera")

    response = client.get(f"/jobs/{office.slug}/agencies/", {"q": "karya"})

    page = page_text(response)
    assert "Agen penempatan (P3MI) dengan izin yang berlaku" in page
    assert "PT Valid Karya" in page and "PT Bina Sejahtera" not in page


def test_licensed_agencies_of_an_unknown_office_is_not_found(client, make_agency):
    make_agency("SIP3MI/OK", name="PT Valid Karya")
    response = client.get("/jobs/nowhere/agencies/")
    assert response.status_code == 404
    assert "PT Valid Karya" not in response.content.decode()


def test_licensed_agencies_query_count_does_not_grow_with_agencies(
    client, office, make_agency, django_assert_max_num_queries
):
    for n in range(30):
        make_agency(f"SIP3MI/{n}")
    with django_assert_max_num_queries(6):
        response = client.get(f"/jobs/{office.slug}/agencies/")
    assert len(response.context["page"]) == 30
