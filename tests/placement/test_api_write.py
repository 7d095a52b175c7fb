"""The write API of agencies and job orders: through the services, with the same rules and the
same JSON errors as the pages."""

from __future__ import annotations

import datetime

import pytest
from auditlog.models import LogEntry
from django.utils import translation

from satuatap.core.roles import Role
from satuatap.placement.models import Agency, AgencyStatus, JobOrder

pytestmark = pytest.mark.django_db


def _post(client, url, body):
    return client.post(url, body, content_type="application/json")


def _patch(client, url, body):
    return client.patch(url, body, content_type="application/json")


def _agency_body(today, **extra):
    return {
        "name": "PT Karya Mandiri",
        "licence_number": "SIP3MI/API/1",
        "licence_valid_from": (today - datetime.timedelta(days=30)).isoformat(),
        "licence_valid_until": (today + datetime.timedelta(days=700)).isoformat(),
        "branches": ["Cirebon", " Indramayu ", ""],
        "phone": "021-5550101",
        "email": "kontak@karya.example",
    } | extra


def _job_order_body(today, agency=None, **extra):
    return {
        "agency_id": agency.pk if agency else None,
        "scheme": "p3mi" if agency else "g2g",
        "permit_number": "SIP2MI/API/1",
        "permit_valid_from": (today - datetime.timedelta(days=5)).isoformat(),
        "permit_valid_until": (today + datetime.timedelta(days=200)).isoformat(),
        "country": "tw",
        "employer": "Care home Taichung",
        "sector": "caregiving",
        "occupation": "Caregiver",
        "quota_women": 4,
        "quota_men": 1,
        "salary_amount": "28590.00",
        "salary_currency": "twd",
        "worker_fee_idr": 0,
        "contract_months": 36,
        "closing_date": (today + datetime.timedelta(days=30)).isoformat(),
        "is_published": True,
    } | extra


# --- Agencies -------------------------------------------------------------------------------


def test_ministry_adds_an_agency_and_it_is_audited(client, national_placement, today):
    client.force_login(national_placement)
    response = _post(client, "/api/v1/agencies", _agency_body(today))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["licence_state"] == "valid" and body["status"] == "active"
    assert body["branches"] == ["Cirebon", "Indramayu"]
    agency = Agency.objects.get(pk=body["id"])
    assert agency.branches == "Cirebon\nIndramayu"
    assert LogEntry.objects.get_for_object(agency).get().actor == national_placement


def test_the_administrator_does_not_write_agencies(client, administrator, today, agency):
    client.force_login(administrator)
    assert _post(client, "/api/v1/agencies", _agency_body(today)).status_code == 403
    response = _patch(client, f"/api/v1/agencies/{agency.pk}", {"status": "revoked"})
    assert response.status_code == 403
    agency.refresh_from_db()
    assert agency.status == AgencyStatus.ACTIVE


def test_agency_fields_are_checked_together(client, national_placement, today):
    client.force_login(national_placement)
    body = _agency_body(today, email="not-an-email", status="closed")
    response = _post(client, "/api/v1/agencies", body)
    assert response.status_code == 422
    error = response.json()
    assert error["code"] == "invalid"
    assert {"email", "status"} <= set(error["details"])
    assert not Agency.objects.exists()


def test_a_licence_number_is_registered_once(client, national_placement, today, agency):
    client.force_login(national_placement)
    response = _post(
        client, "/api/v1/agencies", _agency_body(today, licence_number=agency.licence_number)
    )
    assert response.status_code == 422
    assert "licence_number" in response.json()["details"]


def test_missing_fields_are_a_json_422(client, national_placement):
    client.force_login(national_placement)
    response = _post(client, "/api/v1/agencies", {"name": "PT Tanpa Izin"})
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"


def test_patch_changes_only_the_fields_sent(client, national_placement, agency):
    client.force_login(national_placement)
    response = _patch(
        client, f"/api/v1/agencies/{agency.pk}", {"status": "suspended", "branches": ["Blitar"]}
    )
    assert response.status_code == 200, response.json()
    assert response.json()["licence_state"] == "suspended"
    agency.refresh_from_db()
    assert agency.status == AgencyStatus.SUSPENDED
    assert agency.branches == "Blitar" and agency.name == "PT Bina Karya"


def test_patch_of_an_unknown_agency_is_404(client, national_placement):
    client.force_login(national_placement)
    response = _patch(client, "/api/v1/agencies/999999", {"status": "revoked"})
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_a_licence_that_ends_before_it_starts_is_refused(client, national_placement, agency):
    client.force_login(national_placement)
    response = _patch(
        client,
        f"/api/v1/agencies/{agency.pk}",
        {"licence_valid_until": (agency.licence_valid_from - datetime.timedelta(1)).isoformat()},
    )
    assert response.status_code == 422
    agency.refresh_from_db()
    assert agency.licence_valid_until > agency.licence_valid_from


def test_anonymous_caller_cannot_write(client, db, today):
    response = _post(client, "/api/v1/agencies", _agency_body(today))
    assert response.status_code == 401 and response.json()["code"] == "not_authenticated"


# --- Job orders -----------------------------------------------------------------------------


def test_officer_creates_a_job_order_for_the_office(client, officer, office, today, agency):
    client.force_login(officer)
    response = _post(client, "/api/v1/job-orders", _job_order_body(today, agency))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["office_id"] == office.pk and body["agency_id"] == agency.pk
    assert body["country"] == "TW" and body["salary_currency"] == "TWD"
    assert JobOrder.objects.get(pk=body["id"]).office == office


def test_a_job_order_has_its_title_in_both_languages_through_the_api(
    client, officer, today, agency
):
    client.force_login(officer)
    body = _job_order_body(today, agency, occupation="Pengasuh lansia", occupation_en="Caregiver")
    created = _post(client, "/api/v1/job-orders", body)
    assert created.status_code == 201, created.json()
    assert (created.json()["occupation"], created.json()["occupation_en"]) == (
        "Pengasuh lansia",
        "Caregiver",
    )
    job_order_id = created.json()["id"]

    patched = _patch(client, f"/api/v1/job-orders/{job_order_id}", {"occupation_en": ""})

    assert patched.status_code == 200 and patched.json()["occupation_en"] == ""
    with translation.override("en"):
        assert JobOrder.objects.get(pk=job_order_id).title == "Pengasuh lansia"  # the fallback


def test_job_order_for_an_agency_without_a_valid_licence_is_422(
    client, officer, today, make_agency
):
    expired = make_agency(
        "SIP3MI/OLD",
        licence_valid_from=today - datetime.timedelta(days=800),
        licence_valid_until=today - datetime.timedelta(days=1),
    )
    client.force_login(officer)
    response = _post(client, "/api/v1/job-orders", _job_order_body(today, expired))
    assert response.status_code == 422
    assert response.json()["code"] == "agency_licence_invalid"
    assert not JobOrder.objects.exists()


def test_p3mi_job_order_needs_an_agency(client, officer, today):
    client.force_login(officer)
    response = _post(client, "/api/v1/job-orders", _job_order_body(today, None, scheme="p3mi"))
    assert response.status_code == 422 and response.json()["code"] == "agency_required"


def test_an_unknown_agency_is_a_field_error(client, officer, today, agency):
    client.force_login(officer)
    body = _job_order_body(today, agency, agency_id=999999)
    response = _post(client, "/api/v1/job-orders", body)
    assert response.status_code == 422
    assert "agency_id" in response.json()["details"]


def test_job_order_fields_are_checked(client, officer, today):
    client.force_login(officer)
    body = _job_order_body(today, None, country="XX", sector="piracy")
    response = _post(client, "/api/v1/job-orders", body)
    assert response.status_code == 422
    assert {"country", "sector"} <= set(response.json()["details"])


def test_patch_changes_a_job_order_of_the_office(client, officer, agency, make_job_order):
    job_order = make_job_order("SIP2MI/P", agency=agency)
    client.force_login(officer)
    response = _patch(
        client, f"/api/v1/job-orders/{job_order.pk}", {"quota_women": 25, "is_published": False}
    )
    assert response.status_code == 200, response.json()
    job_order.refresh_from_db()
    assert job_order.quota_women == 25 and job_order.is_published is False


def test_publishing_a_job_order_of_a_suspended_agency_is_422(
    client, officer, agency, make_job_order
):
    job_order = make_job_order("SIP2MI/DRAFT", agency=agency, is_published=False)
    Agency.objects.filter(pk=agency.pk).update(status=AgencyStatus.SUSPENDED)
    client.force_login(officer)
    response = _patch(client, f"/api/v1/job-orders/{job_order.pk}", {"is_published": True})
    assert response.status_code == 422
    assert response.json()["code"] == "agency_licence_invalid"
    job_order.refresh_from_db()
    assert job_order.is_published is False


def test_a_job_order_of_another_office_is_404(
    client, officer, other_office, agency, make_job_order
):
    theirs = make_job_order("SIP2MI/THEIRS", office=other_office, agency=agency)
    client.force_login(officer)
    response = _patch(client, f"/api/v1/job-orders/{theirs.pk}", {"quota_women": 0})
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.quota_women == 10


def test_head_of_another_office_cannot_touch_our_job_order(
    client, make_user, other_office, agency, make_job_order
):
    ours = make_job_order("SIP2MI/OURS", agency=agency)
    client.force_login(make_user(Role.OFFICE_HEAD, organisation=other_office))

    response = _patch(client, f"/api/v1/job-orders/{ours.pk}", {"quota_men": 3})

    assert response.status_code == 404
    assert "SIP2MI/OURS" not in response.content.decode()
    ours.refresh_from_db()
    assert ours.quota_men == 0


def test_error_messages_follow_accept_language(client, make_user, today, agency):
    client.force_login(make_user(Role.FRONTDESK))
    response = client.post(
        "/api/v1/agencies",
        _agency_body(today),
        content_type="application/json",
        headers={"accept-language": "en"},
    )
    assert response.status_code == 403
    assert response.json()["message"] == "You may not do this."
    indonesian = _post(client, "/api/v1/agencies", _agency_body(today))
    assert indonesian.json()["code"] == "forbidden"
    assert indonesian.json()["message"] != "You may not do this."


def test_openapi_document_lists_the_write_routes_with_their_schemas(client):
    schema = client.get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/agencies"])
    assert {"get", "patch"} <= set(paths["/api/v1/agencies/{agency_id}"])
    assert {"get", "post"} <= set(paths["/api/v1/job-orders"])
    assert {"get", "patch"} <= set(paths["/api/v1/job-orders/{job_order_id}"])
    created = paths["/api/v1/job-orders"]["post"]["responses"]
    assert {"201", "403", "422"} <= set(created)
    assert "AgencyIn" in schema["components"]["schemas"]
    assert "JobOrderPatch" in schema["components"]["schemas"]
