from __future__ import annotations

from datetime import date
from decimal import Decimal

from ninja import Schema


class AgencyOut(Schema):
    id: int
    name: str
    licence_number: str
    licence_valid_from: date
    licence_valid_until: date
    status: str
    licence_state: str
    has_valid_licence: bool
    branches: list[str]
    address: str
    phone: str
    email: str
    contact_person: str


class JobOrderOut(Schema):
    id: int
    office_id: int
    agency_id: int | None
    agency_name: str | None
    agency_licence_state: str | None
    scheme: str
    permit_number: str
    permit_valid_from: date
    permit_valid_until: date
    country: str
    country_name: str
    employer: str
    sector: str
    occupation: str
    quota_women: int
    quota_men: int
    salary_amount: Decimal
    salary_currency: str
    worker_fee_idr: int
    contract_months: int
    closing_date: date
    is_published: bool
