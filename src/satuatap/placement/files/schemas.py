"""The API's shapes of a placement file, its checklist, readiness, history and actions."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Field, Schema


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
    # The national placement system's (SISKOP2MI) reference and status (placement/national).
    national_reference: str
    ekpmi_number: str
    national_status: str
    national_status_on: date | None
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
    verified_at: str = Field(
        description="The desk that verifies this kind of document at the file's office."
    )


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
    file_is_ready: bool = Field(
        description='The file is at the "ready" stage: it passed the gate (with the overrides '
        "its move used, shown on their conditions)."
    )
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
