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
    occupation: str
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
    quota_women: int | None = Field(None, ge=0)
    quota_men: int | None = Field(None, ge=0)
    salary_amount: Decimal | None = Field(None, ge=0, max_digits=12, decimal_places=2)
    salary_currency: str | None = Field(None, min_length=3, max_length=3)
    worker_fee_idr: int | None = Field(None, ge=0)
    contract_months: int | None = Field(None, gt=0)
    closing_date: date | None = None
    is_published: bool | None = None


# --- Placement files ------------------------------------------------------------------------


class PlacementFileOut(Schema):
    id: int
    office_id: int
    person_id: int
    person_name: str
    scheme: str
    job_order_id: int | None
    job_order_permit_number: str | None
    employer: str
    employer_name: str
    employer_address: str
    employer_phone: str
    country: str
    destination: str
    sector: str
    occupation: str
    contract_months: int | None
    fee_charged_idr: int | None
    stage: str
    stage_label: str
    stage_since: date
    departure_date: date | None
    contacts_abroad: str
    return_date: date | None
    return_reason: str
    mrc_case_reference: str
    cancel_reason: str
    created_at: datetime
    updated_at: datetime


class PlacementFileIn(Schema):
    person_id: int
    scheme: str = ""
    job_order_id: int | None = None
    employer: str = ""
    employer_address: str = ""
    employer_phone: str = ""
    country: str = ""
    sector: str = ""
    occupation: str = ""
    contract_months: int | None = Field(None, gt=0)
    fee_charged_idr: int | None = Field(None, ge=0)
    contacts_abroad: str = ""


class PlacementFilePatch(Schema):
    scheme: str | None = None
    job_order_id: int | None = None
    employer: str | None = None
    employer_address: str | None = None
    employer_phone: str | None = None
    country: str | None = None
    sector: str | None = None
    occupation: str | None = None
    contract_months: int | None = Field(None, gt=0)
    fee_charged_idr: int | None = Field(None, ge=0)
    contacts_abroad: str | None = None


class DocumentTypeRef(Schema):
    code: str
    name: str


class ChecklistItemOut(Schema):
    document_type: DocumentTypeRef
    status: str
    status_label: str
    document_id: int | None
    rejection_reason: str
    warnings: list[str]


class ChecklistOut(Schema):
    file_id: int
    is_complete: bool
    items: list[ChecklistItemOut]


class GateOverrideOut(Schema):
    id: int
    gate: str
    reason: str
    granted_by_id: int
    granted_by: str
    granted_at: datetime
    used_at: datetime | None


class GateCheckOut(Schema):
    gate: str
    label: str
    passed: bool
    problems: list[str]
    override: GateOverrideOut | None


class ReadinessOut(Schema):
    file_id: int
    is_ready: bool
    checks: list[GateCheckOut]


class StageChangeOut(Schema):
    id: int
    from_stage: str
    to_stage: str
    effective_date: date
    note: str
    changed_by_id: int | None
    changed_by: str
    changed_at: datetime
    override_ids: list[int]


class StageChangeIn(Schema):
    to_stage: str
    note: str = Field("", max_length=255)


class GateOverrideIn(Schema):
    gate: str
    reason: str = Field(..., max_length=2000)


class DepartureIn(Schema):
    departure_date: date
    country: str = Field("", max_length=2)
    note: str = Field("", max_length=255)


class ReturnIn(Schema):
    return_date: date
    reason: str
    mrc_case_reference: str = Field("", max_length=32)
    note: str = Field("", max_length=255)
