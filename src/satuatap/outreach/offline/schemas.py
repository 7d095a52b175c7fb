"""Shapes of the offline sync API (`api.py`)."""

from __future__ import annotations

import datetime
import uuid
from typing import Literal

from ninja import Field, Schema

from satuatap.outreach.models import AgeBand, EventKind, Topic
from satuatap.people.models import Sex


class OfflineCountIn(Schema):
    sex: Sex
    age_band: AgeBand
    count: int = Field(..., ge=0, le=100_000)


class OfflineParticipantIn(Schema):
    full_name: str = Field(..., min_length=1, max_length=200)
    sex: Sex = Sex.NOT_RECORDED
    nik: str = Field("", max_length=32, description="16 digits, separators allowed")
    birth_date: datetime.date | None = None


class OfflineEventIn(Schema):
    id: uuid.UUID = Field(..., description="drawn by the phone; a retried sync sends it again")
    village: str = Field(..., max_length=16, description="Kemendagri code, e.g. 32.09.01.2001")
    date: datetime.date
    kind: EventKind
    title: str = Field(..., max_length=200)
    topics: list[Topic] = Field([], max_length=20)
    counts: list[OfflineCountIn] = Field(..., max_length=30)
    participants: list[OfflineParticipantIn] = Field([], max_length=500)
    materials: str = Field("", max_length=5000)
    notes: str = Field("", max_length=5000)


class OfflineSyncIn(Schema):
    events: list[OfflineEventIn] = Field(..., max_length=50)


class SyncErrorOut(Schema):
    code: str
    message: str
    details: dict | list | None = None


class SyncConflictOut(Schema):
    id: int
    kind: str
    kind_label: str
    resolution: str
    resolution_label: str
    entered_name: str
    person_id: int | None


class OfflineEventResultOut(Schema):
    id: uuid.UUID
    status: Literal["created", "already_synced", "refused"]
    event_id: int | None = None
    error: SyncErrorOut | None = None
    conflicts: list[SyncConflictOut] = []


class OfflineSyncOut(Schema):
    events: list[OfflineEventResultOut]
