from __future__ import annotations

from datetime import date

from ninja import Field, Schema


class PhoneOut(Schema):
    number: str
    kind: str


class PersonOut(Schema):
    id: int
    office_id: int
    nik: str | None
    full_name: str
    sex: str
    birth_date: date | None
    birth_place: str
    village_code: str | None
    address: str
    marital_status: str
    education: str
    languages: str
    disability: str
    phones: list[PhoneOut]
    current_status: str | None
    is_sensitive: bool
    is_missing_nik: bool


class PersonSummaryOut(Schema):
    id: int
    full_name: str
    nik_masked: str
    sex: str
    village_code: str | None
    score: float | None = None
    matched_by: str | None = None


class PersonIn(Schema):
    full_name: str = Field(..., min_length=1, max_length=200)
    sex: str = Field(..., pattern="^[FMU]$")
    nik: str | None = None
    nik_missing_reason: str = ""
    birth_date: date | None = None
    birth_place: str = ""
    village_code: str | None = None
    address: str = ""
    marital_status: str = ""
    education: str = ""
    languages: str = ""
    disability: str = "none"
    phones: list[str] = []
    confirm_nik_warnings: bool = False


class PersonPatch(Schema):
    full_name: str | None = Field(None, min_length=1, max_length=200)
    sex: str | None = Field(None, pattern="^[FMU]$")
    nik: str | None = None
    nik_missing_reason: str | None = None
    birth_date: date | None = None
    birth_place: str | None = None
    village_code: str | None = None
    address: str | None = None
    marital_status: str | None = None
    education: str | None = None
    languages: str | None = None
    disability: str | None = None
    phones: list[str] | None = None
    confirm_nik_warnings: bool = False


class TimelineEventOut(Schema):
    status: str
    effective_date: date
    country: str
    employer: str
    sector: str
