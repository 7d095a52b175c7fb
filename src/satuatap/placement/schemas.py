from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Schema


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
    occupation: str = Field(description="The job title in Indonesian.")
    occupation_en: str = Field(description="The job title in English; empty: the Indonesian one.")
    quota_women: int
    quota_men: int
    salary_amount: Decimal
    salary_currency: str
    worker_fee_idr: int
    contract_months: int
    closing_date: date
    is_published: bool


# --- Writes on agencies and job orders ------------------------------------------------------


class AgencyIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    licence_number: str = Field(..., min_length=1, max_length=64)
    licence_valid_from: date
    licence_valid_until: date
    status: str = "active"
    branches: list[str] = []
    address: str = ""
    phone: str = ""
    email: str = ""
    contact_person: str = ""


class AgencyPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    licence_number: str | None = Field(None, min_length=1, max_length=64)
    licence_valid_from: date | None = None
    licence_valid_until: date | None = None
    status: str | None = None
    branches: list[str] | None = None
    address: str | None = None
    phone: str | None = None
    email: str | None = None
    contact_person: str | None = None


# --- Concerns about agencies ----------------------------------------------------------------


class ConcernIn(Schema):
    kind: str = Field(
        ...,
        max_length=16,
        description="fees, recruiting, documents, treatment, list_data or other",
    )
    text: str = Field(
        ...,
        min_length=1,
        max_length=2000,
        description="What the office saw. No worker's name, NIK, phone or address.",
    )


class ConcernReviewIn(Schema):
    status: str = Field(..., max_length=16, description="acknowledged or resolved")
    note: str = Field(
        "", max_length=2000, description="What the ministry did: required to resolve."
    )


class ConcernOut(Schema):
    id: int
    agency_id: int
    agency_name: str
    office_id: int
    office_name: str
    kind: str
    text: str
    status: str
    raised_by: str
    raised_at: datetime
    acknowledged_at: datetime | None
    resolved_at: datetime | None
    resolution_note: str


class JobOrderIn(Schema):
    agency_id: int | None = None
    scheme: str
    permit_number: str = Field(..., min_length=1, max_length=64)
    permit_valid_from: date
    permit_valid_until: date
    country: str = Field(..., min_length=2, max_length=2)
    employer: str = Field(..., min_length=1, max_length=200)
    sector: str
    occupation: str = Field(..., min_length=1, max_length=200)
    occupation_en: str = Field("", max_length=200)
    quota_women: int = Field(0, ge=0)
    quota_men: int = Field(0, ge=0)
    salary_amount: Decimal = Field(..., ge=0, max_digits=12, decimal_places=2)
    salary_currency: str = Field(..., min_length=3, max_length=3)
    worker_fee_idr: int = Field(0, ge=0)
    contract_months: int = Field(..., gt=0)
    closing_date: date
    is_published: bool = False


class JobOrderPatch(Schema):
    agency_id: int | None = None
    scheme: str | None = None
    permit_number: str | None = Field(None, min_length=1, max_length=64)
    permit_valid_from: date | None = None
    permit_valid_until: date | None = None
    country: str | None = Field(None, min_length=2, max_length=2)
    employer: str | None = Field(None, min_length=1, max_length=200)
    sector: str | None = None
    occupation: str | None = Field(None, min_length=1, max_length=200)
    occupation_en: str | None = Field(None, max_length=200)
    quota_women: int | None = Field(None, ge=0)
    quota_men: int | None = Field(None, ge=0)
    salary_amount: Decimal | None = Field(None, ge=0, max_digits=12, decimal_places=2)
    salary_currency: str | None = Field(None, min_length=3, max_length=3)
    worker_fee_idr: int | None = Field(None, ge=0)
    contract_months: int | None = Field(None, gt=0)
    closing_date: date | None = None
    is_published: bool | None = None
