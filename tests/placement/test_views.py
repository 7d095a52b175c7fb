"""Staff pages: who reaches them, the licence badge, and field errors."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from satuatap.core.roles import Role
from satuatap.placement.models import AgencyStatus, JobOrder

pytestmark = pytest.mark.django_db


def _form_data(today, agency=None, **extra):
    data = {
        "agency": agency.pk if agency else "",
        "scheme": "p3mi" if agency else "g2g",
        "permit_number": "SIP2MI/NEW",
        "permit_valid_from": (today - datetime.timedelta(days=5)).isoformat(),
        "permit_valid_until": (today + datetime.timedelta(days=100)).isoformat(),
        "country": "TW",
        "employer": "Care home",
        "sector": "caregiving",
        "occupation": "Caregiver",
        "quota_women": "5",
        "quota_men": "1",
        "salary_amount": "28590",
        "salary_currency": "twd",
        "worker_fee_idr": "0",
        "contract_months": "36",
        "closing_date": (today + datetime.timedelta(days=20)).isoformat(),
        "is_published": "on",
    }
    return data | extra


def test_edit_buttons_show_only_to_the_ministry(client, officer, national_placement, agency):
    edit = reverse("placement:agency-edit", args=[agency.pk])
    create = reverse("placement:agency-create")
    detail = reverse("placement:agency-detail", args=[agency.pk])
    client.force_login(officer)
    assert create not in client.get(reverse("placement:agency-list")).content.decode()
    assert edit not in client.get(detail).content.decode()
    client.force_login(national_placement)
    assert create in client.get(reverse("placement:agency-list")).content.decode()
    assert edit in client.get(detail).content.decode()


def test_job_order_of_another_office_is_not_found(
    client, make_user, other_office, agency, make_job_order, today
):
    theirs = make_job_order("THEIRS", office=other_office, agency=agency)
    client.force_login(make_user(Role.PLACEMENT_OFFICER))
    url = reverse("placement:job-order-edit", args=[theirs.pk])

    page = client.get(url)
    posted = client.post(url, _form_data(today, agency, permit_number="THEIRS", quota_women="1"))

    assert page.status_code == 404 and posted.status_code == 404
    assert "THEIRS" not in page.content.decode() + posted.content.decode()
    theirs.refresh_from_db()
    assert theirs.quota_women == 10 and theirs.office == other_office


def test_agency_list_shows_each_licence_state_as_a_badge_with_text(
    client, officer, agency, make_agency, today
):
    make_agency("SIP3MI/OLD", licence_valid_until=today - datetime.timedelta(days=1))
    make_agency("SIP3MI/REV", status=AgencyStatus.REVOKED)
    client.force_login(officer)
    page = client.get(reverse("placement:agency-list")).content.decode()
    for state in ("valid", "expired", "revoked"):
        assert f'data-licence-state="{state}"' in page


def test_officer_adds_a_job_order_through_the_form(client, officer, office, agency, today):
    client.force_login(officer)
    response = client.post(reverse("placement:job-order-create"), _form_data(today, agency))
    assert response.status_code == 302
    job_order = JobOrder.objects.get(permit_number="SIP2MI/NEW")
    assert job_order.office == office and job_order.salary_currency == "TWD"


def test_job_order_form_takes_the_title_in_both_languages_and_the_list_shows_the_readers(
    client, officer, agency, today
):
    client.force_login(officer)
    data = _form_data(
        today,
        agency,
        occupation="Pengasuh lansia",
        occupation_en="Caregiver",
        salary_amount="28590.5",
    )
    assert client.post(reverse("placement:job-order-create"), data).status_code == 302
    job_order = JobOrder.objects.get(permit_number="SIP2MI/NEW")
    assert (job_order.occupation, job_order.occupation_en) == ("Pengasuh lansia", "Caregiver")

    officer.language = "en"
    officer.save(update_fields=["language"])
    english = client.get(reverse("placement:job-order-list")).content.decode()
    officer.language = "id"
    officer.save(update_fields=["language"])
    indonesian = client.get(reverse("placement:job-order-list")).content.decode()

    assert "Caregiver" in english and "Pengasuh lansia" not in english
    assert "TWD 28,590.50" in english
    assert "Pengasuh lansia" in indonesian and "TWD 28.590,50" in indonesian


def test_form_shows_the_licence_refusal_next_to_the_agency(client, officer, make_agency, today):
    suspended = make_agency("SIP3MI/SUSP", status=AgencyStatus.SUSPENDED)
    client.force_login(officer)
    response = client.post(reverse("placement:job-order-create"), _form_data(today, suspended))
    assert response.status_code == 200
    assert response.context["form"].errors["agency"]
    assert not JobOrder.objects.exists()


def test_form_puts_errors_by_their_fields(client, officer, today):
    client.force_login(officer)
    data = _form_data(
        today,
        None,
        scheme="p3mi",
        salary_currency="R$",
        permit_valid_until=(today - datetime.timedelta(days=30)).isoformat(),
    )
    errors = client.post(reverse("placement:job-order-create"), data).context["form"].errors
    assert {"agency", "salary_currency", "permit_valid_until"} <= set(errors)


def test_ministry_edits_an_agency_and_a_bad_date_range_is_a_field_error(
    client, national_placement, agency, today
):
    client.force_login(national_placement)
    url = reverse("placement:agency-edit", args=[agency.pk])
    data = {
        "name": "PT Baru",
        "licence_number": agency.licence_number,
        "licence_valid_from": today.isoformat(),
        "licence_valid_until": (today - datetime.timedelta(days=1)).isoformat(),
        "status": "active",
    }
    response = client.post(url, data)
    assert "licence_valid_until" in response.context["form"].errors
    data["licence_valid_until"] = (today + datetime.timedelta(days=10)).isoformat()
    assert client.post(url, data).status_code == 302
    agency.refresh_from_db()
    assert agency.name == "PT Baru"


def test_agency_detail_and_job_order_list_query_counts_stay_flat(
    client, officer, make_agency, make_job_order, django_assert_max_num_queries
):
    agencies = [make_agency(f"SIP3MI/{n}") for n in range(20)]
    for n, agency in enumerate(agencies):
        make_job_order(f"J{n}", agency=agency)
    client.force_login(officer)
    with django_assert_max_num_queries(12):
        job_orders = client.get(reverse("placement:job-order-list"))
    with django_assert_max_num_queries(12):
        agency_list = client.get(reverse("placement:agency-list"))

    # Every row is drawn within the budget.
    assert job_orders.status_code == 200 and agency_list.status_code == 200
    assert sorted(j.permit_number for j in job_orders.context["job_orders"]) == sorted(
        f"J{n}" for n in range(20)
    )
    assert all(agency.name in job_orders.content.decode() for agency in agencies)
    html = agency_list.content.decode()
    assert all(reverse("placement:agency-detail", args=[a.pk]) in html for a in agencies)


def test_the_admin_site_shows_agencies_read_only(client, make_user, ministry, agency):
    superuser = make_user(
        Role.ADMINISTRATOR,
        organisation=ministry,
        username="admin",
        is_staff=True,
        is_superuser=True,
    )
    client.force_login(superuser)
    change = reverse("admin:placement_agency_change", args=[agency.pk])
    assert client.get(change).status_code == 200  # to read
    response = client.post(change, {"name": agency.name, "status": "revoked"})
    assert response.status_code == 403
    assert client.get(reverse("admin:placement_agency_add")).status_code == 403
    delete = reverse("admin:placement_agency_delete", args=[agency.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    agency.refresh_from_db()
    assert agency.status == AgencyStatus.ACTIVE


def test_the_data_migration_keeps_the_existing_title_for_english_readers(make_job_order, agency):
    """Before 0008 a job order had one title; the migration copies it to the English title, so
    both readers see what they saw before. A title already translated is left alone."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("satuatap.placement.migrations.0008_job_title_in_english")
    old = make_job_order("SIP2MI/OLD", agency=agency, occupation="Caregiver", occupation_en="")
    done = make_job_order(
        "SIP2MI/DONE", agency=agency, occupation="Pengasuh lansia", occupation_en="Caregiver"
    )

    migration.keep_the_existing_title(apps, None)

    old.refresh_from_db()
    done.refresh_from_db()
    assert (old.occupation, old.occupation_en) == ("Caregiver", "Caregiver")
    assert (done.occupation, done.occupation_en) == ("Pengasuh lansia", "Caregiver")
