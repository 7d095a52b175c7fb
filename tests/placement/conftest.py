from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from satuatap.core.roles import Role
from satuatap.people.models import Sector
from satuatap.placement.models import Agency, AgencyStatus, JobOrder, Scheme


@pytest.fixture
def today(office):
    return office.today()


@pytest.fixture
def officer(make_user):
    return make_user(Role.PLACEMENT_OFFICER)


@pytest.fixture
def make_agency(db, today):
    def make(number: str = "SIP3MI/001", **extra) -> Agency:
        values = {
            "name": f"PT {number}",
            "licence_valid_from": today - datetime.timedelta(days=365),
            "licence_valid_until": today + datetime.timedelta(days=365),
            "status": AgencyStatus.ACTIVE,
        } | extra
        return Agency.objects.create(licence_number=number, **values)

    return make


@pytest.fixture
def agency(make_agency):
    return make_agency("SIP3MI/VALID", name="PT Bina Karya")


def job_order_values(today, agency=None, **extra) -> dict:
    return {
        "agency": agency,
        "scheme": Scheme.P3MI if agency else Scheme.GOVERNMENT,
        "permit_number": "SIP2MI/1",
        "permit_valid_from": today - datetime.timedelta(days=10),
        "permit_valid_until": today + datetime.timedelta(days=100),
        "country": "HK",
        "employer": "Household employer",
        "sector": Sector.DOMESTIC,
        "occupation": "Domestic worker",
        "quota_women": 10,
        "quota_men": 0,
        "salary_amount": Decimal("4990.00"),
        "salary_currency": "HKD",
        "worker_fee_idr": 0,
        "contract_months": 24,
        "closing_date": today + datetime.timedelta(days=30),
        "is_published": True,
    } | extra


@pytest.fixture
def make_job_order(db, office, today):
    """A job order written straight to the database (bypassing the licence rule on purpose)."""

    def make(permit_number: str, *, office=office, agency=None, **extra) -> JobOrder:
        values = job_order_values(today, agency, permit_number=permit_number, **extra)
        return JobOrder.objects.create(office=office, **values)

    return make


@pytest.fixture
def head(make_user):
    return make_user(Role.OFFICE_HEAD)


@pytest.fixture
def make_worker(db, office):
    """A woman of 25, single, registered at the office."""
    from tests.factories import PersonFactory

    def make(**extra):
        values = {
            "office": office,
            "sex": "F",
            "birth_date": office.today().replace(year=office.today().year - 25, day=1),
            "marital_status": "single",
        } | extra
        return PersonFactory(**values)

    return make
