from __future__ import annotations

from datetime import datetime

from ninja import Field, Schema


class VisitIn(Schema):
    service_ids: list[int] = Field(..., min_length=1)
    person_id: int | None = None
    sex: str = Field("U", pattern="^[FMU]$")
    age_band: str = ""
    priority: str = ""


class TicketOut(Schema):
    id: int
    code: str
    desk_id: int
    desk: str
    status: str
    is_priority: bool
    issued_at: datetime
    called_at: datetime | None
    served_at: datetime | None
    finished_at: datetime | None
    services: list[str]


class VisitOut(Schema):
    id: int
    person_id: int | None
    survey_url: str
    tickets: list[TicketOut]


class QueueOut(Schema):
    desk_id: int
    desk: str
    waiting: list[TicketOut]
    in_service: list[TicketOut]


class FinishIn(Schema):
    outcome: str = "completed"
    notes: str = Field("", max_length=2000)
    service_ids: list[int] | None = None


class ServicesQuery(Schema):
    office_id: int = Field(..., description="The office whose services to list (your own).")


class ServiceOut(Schema):
    id: int = Field(..., description="What `service_ids` of `POST /api/v1/visits` takes.")
    name: str = Field(..., description="In the language of the request.")
    name_id: str
    name_en: str
    desk_id: int
    desk: str = Field(..., description="The desk's name, in the language of the request.")
    desk_prefix: str = Field(..., description="The letter of the desk's tickets (`A` in A-012).")
    target_minutes: int
    allows_anonymous: bool = Field(..., description="A visitor may check in without a record.")
    is_active: bool = Field(
        ...,
        description="Offered now: the service and its desk are active. "
        "`POST /api/v1/visits` accepts only these.",
    )
