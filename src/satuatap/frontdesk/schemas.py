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
