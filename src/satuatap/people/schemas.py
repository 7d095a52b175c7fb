from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from ninja import Field, Schema

from satuatap.people.models import Disability, Education, MaritalStatus


class PhoneOut(Schema):
    number: str
    kind: str


class NikWarningOut(Schema):
    code: str = Field(
        ...,
        description="`retired_region_code` (issued under a region code that changed since; "
        "`message` names today's code), `unknown_district`, `sex_mismatch`, "
        "`birth_date_mismatch`.",
    )
    message: str = Field(..., description="In the language of the request.")


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
    nik_warnings: list[NikWarningOut] = Field(
        ...,
        description="What the NIK check says of the NIK as stored, none of it an error: a "
        "region code that changed since the NIK was issued (no confirmation needed), and "
        "differences from the data entered that were confirmed with `confirm_nik_warnings`.",
    )


class PersonSummaryOut(Schema):
    id: int
    full_name: str
    nik_masked: str
    sex: str
    village_code: str | None
    score: float | None = None
    matched_by: str | None = None


# Choice fields take only their codes and text fields only what their column holds, so bad
# input is a 422 and never a database error or a value no form can show.
class PersonIn(Schema):
    full_name: str = Field(..., min_length=1, max_length=200)
    sex: str = Field(..., pattern="^[FMU]$")
    nik: str | None = Field(None, max_length=40)
    nik_missing_reason: str = Field("", max_length=200)
    birth_date: date | None = None
    birth_place: str = Field("", max_length=120)
    village_code: str | None = Field(None, max_length=20)
    address: str = Field("", max_length=255)
    marital_status: MaritalStatus | Literal[""] = ""
    education: Education | Literal[""] = ""
    languages: str = Field("", max_length=200)
    disability: Disability = Disability.NONE
    phones: list[str] = []
    confirm_nik_warnings: bool = False


class PersonPatch(Schema):
    full_name: str | None = Field(None, min_length=1, max_length=200)
    sex: str | None = Field(None, pattern="^[FMU]$")
    nik: str | None = Field(None, max_length=40)
    nik_missing_reason: str | None = Field(None, max_length=200)
    birth_date: date | None = None
    birth_place: str | None = Field(None, max_length=120)
    village_code: str | None = Field(None, max_length=20)
    address: str | None = Field(None, max_length=255)
    marital_status: MaritalStatus | Literal[""] | None = None
    education: Education | Literal[""] | None = None
    languages: str | None = Field(None, max_length=200)
    disability: Disability | None = None
    phones: list[str] | None = None
    confirm_nik_warnings: bool = False


class TimelineEventOut(Schema):
    status: str
    effective_date: date
    country: str
    employer: str
    sector: str


class AccessLogEntryOut(Schema):
    """One read of the record (`core.sensitive` logs every read)."""

    id: int
    at: datetime
    reader: str = Field(..., description="The user who read it.")
    organisation: str = Field(..., description="The reader's office or organisation.")
    purpose: str = Field(
        ...,
        description="The purpose the reader chose (`service`, `case`, `verification`, "
        "`supervision`, `data_subject`, `legal`), or empty when the record needed none.",
    )
    purpose_label: str = Field(..., description="The purpose, in the language of the request.")
    channel: Literal["web", "api"]
    api_token_id: int | None = Field(None, description="The API token used, for an API read.")
    read: str = Field(
        ..., description="What was read when it was not the record itself (a document)."
    )
