"""Creating and publishing job orders: the licence and scheme rules."""

from __future__ import annotations

import datetime

import pytest

from satuatap.core.exceptions import DomainError
from satuatap.core.roles import Role
from satuatap.placement import services
from satuatap.placement.models import AgencyStatus, Scheme
from tests.placement.conftest import job_order_values

pytestmark = pytest.mark.django_db


def test_officer_creates_a_job_order_for_an_agency_with_a_valid_licence(
    officer, office, agency, today
):
    job_order = services.create_job_order(
        office=office, by=officer, values=job_order_values(today, agency)
    )
    assert job_order.office == office and job_order.agency == agency


@pytest.mark.parametrize(
    "extra",
    [
        {"licence_valid_until": "yesterday"},
        {"status": AgencyStatus.SUSPENDED},
        {"status": AgencyStatus.REVOKED},
    ],
)
def test_job_order_is_refused_for_an_agency_without_a_valid_licence(
    officer, office, make_agency, today, extra
):
    if extra.get("licence_valid_until") == "yesterday":
        extra = {"licence_valid_until": today - datetime.timedelta(days=1)}
    bad = make_agency("SIP3MI/BAD", **extra)
    with pytest.raises(DomainError) as caught:
        services.create_job_order(office=office, by=officer, values=job_order_values(today, bad))
    assert caught.value.code == "agency_licence_invalid"
    assert bad.name in caught.value.message


def test_publishing_a_draft_is_refused_once_the_agency_is_suspended(officer, office, agency, today):
    draft = services.create_job_order(
        office=office, by=officer, values=job_order_values(today, agency, is_published=False)
    )
    agency.status = AgencyStatus.SUSPENDED
    agency.save()
    with pytest.raises(DomainError) as caught:
        services.update_job_order(job_order=draft, by=officer, values={"is_published": True})
    assert caught.value.code == "agency_licence_invalid"
    draft.refresh_from_db()
    assert not draft.is_published
    services.update_job_order(job_order=draft, by=officer, values={"employer": "Other employer"})


def test_p3mi_scheme_needs_an_agency(officer, office, today):
    values = job_order_values(today, None, scheme=Scheme.P3MI)
    with pytest.raises(DomainError) as caught:
        services.create_job_order(office=office, by=officer, values=values)
    assert caught.value.code == "agency_required"


@pytest.mark.parametrize("scheme", [Scheme.GOVERNMENT, Scheme.INDIVIDUAL])
def test_government_and_individual_schemes_need_no_agency(officer, office, today, scheme):
    job_order = services.create_job_order(
        office=office, by=officer, values=job_order_values(today, None, scheme=scheme)
    )
    assert job_order.agency is None


def test_currency_must_be_an_iso_code(officer, office, agency, today):
    with pytest.raises(DomainError) as caught:
        services.create_job_order(
            office=office, by=officer, values=job_order_values(today, agency, salary_currency="hk$")
        )
    assert "salary_currency" in caught.value.details


def test_counsellor_may_not_create_job_orders(make_user, office, agency, today):
    counsellor = make_user(Role.COUNSELLOR)
    with pytest.raises(DomainError) as caught:
        services.create_job_order(
            office=office, by=counsellor, values=job_order_values(today, agency)
        )
    assert caught.value.status == 403


def test_officer_of_another_office_may_not_create_job_orders_here(
    make_user, office, other_office, agency, today
):
    stranger = make_user(Role.PLACEMENT_OFFICER, organisation=other_office)
    with pytest.raises(DomainError):
        services.create_job_order(
            office=office, by=stranger, values=job_order_values(today, agency)
        )
