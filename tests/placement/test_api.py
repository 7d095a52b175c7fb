"""The placement API: agencies with their licence state, the office's job orders."""

from __future__ import annotations

import pytest

from satuatap.placement.models import AgencyStatus

pytestmark = pytest.mark.django_db


def test_agencies_are_listed_with_their_licence_state(client, officer, agency, make_agency):
    make_agency("SIP3MI/SUSP", status=AgencyStatus.SUSPENDED)
    client.force_login(officer)
    body = client.get("/api/v1/agencies").json()
    states = {a["licence_number"]: a["licence_state"] for a in body}
    assert states == {agency.licence_number: "valid", "SIP3MI/SUSP": "suspended"}
    one = client.get(f"/api/v1/agencies/{agency.pk}").json()
    assert one["has_valid_licence"] is True
    assert client.get("/api/v1/agencies/999999").status_code == 404


def test_job_orders_are_those_of_the_callers_office(
    client, officer, other_office, agency, make_job_order
):
    ours = make_job_order("OURS", agency=agency)
    theirs = make_job_order("THEIRS", office=other_office, agency=agency)
    client.force_login(officer)
    listed = client.get("/api/v1/job-orders").json()
    assert [j["permit_number"] for j in listed] == ["OURS"]
    one = client.get(f"/api/v1/job-orders/{ours.pk}").json()
    assert one["country"] == "HK" and one["agency_licence_state"] == "valid"
    assert client.get(f"/api/v1/job-orders/{theirs.pk}").status_code == 404
