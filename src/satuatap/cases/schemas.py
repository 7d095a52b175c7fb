"""Input and output shapes of the MRC API (`cases/api.py`).

Output shapes come in two sizes: a *summary* that lists may show (never the narrative, notes or
safety details, and for a restricted case not even the client's name), and the full case that
only `GET /cases/{id}` returns, after the read of a restricted case was logged with a purpose.
A partner only ever gets `SharedCaseOut`: the fields the client consented to share with it.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import field_validator

from satuatap.cases.models import (
    AgeBand,
    CaseStatus,
    Category,
    Channel,
    ConsentMethod,
    ContactKind,
    GbvType,
    Outcome,
    PersonServed,
    SharedItem,
    Topic,
    Urgency,
)
from satuatap.core.audit import ReadPurpose
from satuatap.core.currencies import is_currency_code
from satuatap.core.limits import MAX_BIGINT
from satuatap.people.models import Sex

SafetyFlag = Literal[
    "immediate_danger",
    "needs_shelter",
    "needs_medical_care",
    "perpetrator_threat",
    "children_at_risk",
]
WorkStatus = Literal["open", "in_progress", "pending_partner"]


class PurposeQuery(Schema):
    purpose: ReadPurpose | None = Field(
        None,
        description="Why a sensitive record is read: required for a restricted case and for "
        "every referral a partner reads.",
    )


# --- Contacts ---------------------------------------------------------------------------------


class ContactFilter(Schema):
    date_from: date | None = Field(None, alias="from", description="occurred on or after")
    date_to: date | None = Field(None, alias="to", description="occurred on or before")
    kind: ContactKind | None = None
    limit: int = Field(100, ge=1, le=500)
    offset: int = Field(0, ge=0, le=MAX_BIGINT)


class GroupCountIn(Schema):
    sex: Sex
    age_band: AgeBand
    count: int = Field(..., ge=0, le=10_000)


class GroupCountOut(Schema):
    sex: str
    age_band: str
    count: int


class ContactIn(Schema):
    kind: ContactKind
    channel: Channel
    topic: Topic
    occurred_on: date
    served: PersonServed | Literal[""] = ""
    person_id: int | None = None
    sex: Sex = Sex.NOT_RECORDED
    age_band: AgeBand = AgeBand.NOT_RECORDED
    is_group: bool = False
    counts: list[GroupCountIn] = []
    participant_ids: list[int] = Field([], max_length=500)
    notes: str = Field("", max_length=10_000)
    case_id: int | None = None


class OfflineContactIn(Schema):
    """A contact recorded offline on a phone (docs/offline.md): no registry record, the
    person's sex and age band (or a group's counts)."""

    id: uuid.UUID = Field(..., description="drawn by the phone; a retried sync sends it again")
    kind: ContactKind
    channel: Channel = Channel.OUTREACH
    topic: Topic
    occurred_on: date
    served: PersonServed | Literal[""] = ""
    sex: Sex = Sex.NOT_RECORDED
    age_band: AgeBand = AgeBand.NOT_RECORDED
    is_group: bool = False
    counts: list[GroupCountIn] = Field([], max_length=30)
    notes: str = Field("", max_length=10_000)


class OfflineContactsIn(Schema):
    contacts: list[OfflineContactIn] = Field(..., max_length=50)


class OfflineContactErrorOut(Schema):
    code: str
    message: str
    details: dict | list | None = None


class OfflineContactResultOut(Schema):
    id: uuid.UUID
    status: Literal["created", "already_synced", "refused"]
    contact_id: int | None = None
    error: OfflineContactErrorOut | None = None


class OfflineContactsOut(Schema):
    contacts: list[OfflineContactResultOut]


class ContactOut(Schema):
    """A contact as lists show it: who and what, never the counsellor's notes."""

    id: int
    office_id: int
    kind: str
    is_group: bool
    channel: str
    topic: str
    served: str
    person_id: int | None
    sex: str
    age_band: str
    counts: list[GroupCountOut]
    participants: int
    total_people: int
    case_id: int | None
    occurred_on: date
    is_restricted: bool = Field(
        description="A sensitive topic with a named person: only who recorded it, the case's "
        "workers and the case supervisors see it."
    )
    recorded_by: str | None
    recorded_at: datetime


# --- Cases ------------------------------------------------------------------------------------


class CaseFilter(Schema):
    status: CaseStatus | None = None
    category: Category | None = None
    mine: bool = Field(False, description="only cases the caller is assigned to")
    limit: int = Field(100, ge=1, le=500)
    offset: int = Field(0, ge=0, le=MAX_BIGINT)


class CaseIn(Schema):
    client_id: int
    channel: Channel
    categories: list[Category] = Field(..., min_length=1)
    received_on: date | None = None
    complainant_id: int | None = None
    complainant_relation: str = Field("", max_length=64)
    gbv_types: list[GbvType] = []
    urgency: Urgency = Urgency.NORMAL
    safety: list[SafetyFlag] = []
    country: str = Field("", max_length=2, description="ISO 3166 alpha-2 code")
    employer: str = Field("", max_length=200)
    agency_id: int | None = None
    recruiter: str = Field("", max_length=500)
    narrative: str = Field("", max_length=20_000)
    safety_notes: str = Field("", max_length=10_000)
    wants_woman_worker: bool = False
    interpreter_language: str = Field("", max_length=64)
    assign_to_id: int | None = None


class WorkerOut(Schema):
    id: int
    full_name: str
    gender: str


class CaseSummaryOut(Schema):
    """A case as lists show it. For a restricted case the client's name is left out too."""

    id: int
    number: str
    office_id: int
    status: str
    priority: int
    urgency: str
    is_restricted: bool
    categories: list[str]
    received_on: date
    country: str
    client_id: int | None
    client_name: str | None
    workers: list[WorkerOut]
    is_mine: bool
    outcome: str
    closure_requested_at: datetime | None
    closed_at: datetime | None


class AssignmentOut(Schema):
    id: int
    worker: WorkerOut
    assigned_at: datetime
    ended_at: datetime | None


class NoteIn(Schema):
    text: str = Field(..., max_length=20_000)


class NoteOut(Schema):
    id: int
    text: str
    author: str | None
    written_at: datetime


class ActionIn(Schema):
    description: str = Field(..., max_length=2_000)
    owner_id: int
    due_on: date


class ActionOut(Schema):
    id: int
    description: str
    owner: WorkerOut
    due_on: date
    done_at: datetime | None
    is_overdue: bool


class CaseOut(CaseSummaryOut):
    """The whole case: only `GET /cases/{id}`, after a restricted read was logged."""

    complainant_id: int | None
    complainant_name: str | None
    complainant_relation: str
    channel: str
    country_name: str
    employer: str
    agency_id: int | None
    agency_name: str | None
    recruiter: str
    narrative: str
    gbv_types: list[str]
    safety: list[str]
    safety_notes: str
    first_steps: list[str]
    wants_woman_worker: bool
    interpreter_language: str
    money_recovered_idr: int
    money_original_amount: Decimal | None
    money_original_currency: str
    return_assisted: bool
    legal_action: bool
    assignments: list[AssignmentOut]
    notes: list[NoteOut]
    actions: list[ActionOut]


class AssignmentIn(Schema):
    worker_id: int
    replace: bool = Field(False, description="Take the current case workers off the case.")


class StatusIn(Schema):
    status: WorkStatus


class ClosureRequestIn(Schema):
    outcome: Outcome
    money_recovered_idr: int = Field(0, ge=0, le=MAX_BIGINT)
    money_original_amount: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    money_original_currency: str = Field(
        "", max_length=3, description="ISO 4217 code of a currency in use (HKD, TWD, MYR …)"
    )
    return_assisted: bool = False
    legal_action: bool = False

    @field_validator("money_original_currency")
    @classmethod
    def _iso_4217(cls, value: str) -> str:
        value = value.strip().upper()
        if value and not is_currency_code(value):
            raise ValueError(
                _("%(code)s is not the ISO 4217 code of a currency in use.") % {"code": value}
            )
        return value


class ClosureDecisionIn(Schema):
    approve: bool
    reason: str = Field("", max_length=2_000, description="Required to send the case back.")
    open_actions: Literal["done", "leave"] | None = Field(
        None,
        description="Approving while actions of the plan are open: mark them `done`, or "
        "`leave` them open (they come back if the case is reopened). Without it: 409 "
        "`open_actions`, listing them.",
    )
    end_referrals: bool = Field(
        False,
        description="Approving while referrals are open (sent or accepted): confirm that "
        "their partners' access ends. Without it: 409 `open_referrals`, listing them.",
    )


class ReasonIn(Schema):
    reason: str = Field(..., min_length=1, max_length=2_000)


class EventOut(Schema):
    kind: str
    label: str
    detail: str = Field(..., description="In the language of the request.")
    params: dict
    by: str | None
    at: datetime


# --- Consent and referrals --------------------------------------------------------------------


class ConsentIn(Schema):
    recipient_id: int
    items: list[SharedItem] = Field(..., min_length=1)
    given_on: date
    method: ConsentMethod
    witness: str = Field("", max_length=200)


class ConsentOut(Schema):
    id: int
    recipient_id: int
    recipient_name: str
    items: list[str]
    given_on: date
    method: str
    witness: str
    taken_by: str | None
    is_active: bool
    withdrawn_on: date | None


class ReferralIn(Schema):
    partner_id: int
    service: str = Field(..., max_length=200)
    due_on: date
    message: str = Field("", max_length=10_000)


class ReferralOut(Schema):
    """A referral as the office sees it."""

    id: int
    partner_id: int
    partner_name: str
    consent_id: int
    service: str
    message: str
    due_on: date
    state: str
    is_overdue: bool
    is_stopped: bool = Field(..., description="The partner's access has ended.")
    ended_at: datetime | None
    end_reason: str = Field(
        ..., description="`consent_withdrawn`, `case_closed`, `revoked`, or empty while live."
    )
    decline_reason: str
    feedback: str
    sent_by: str | None
    sent_at: datetime
    answered_at: datetime | None
    completed_at: datetime | None


# --- Partner portal ---------------------------------------------------------------------------


class SharedCaseOut(Schema):
    """Only what the client consented to share with this partner; absent items are null."""

    number: str
    service: str
    items: list[str]
    client_name: str | None = None
    client_sex: str | None = None
    client_age: int | None = None
    client_phones: list[str] | None = None
    client_address: str | None = None
    categories: list[str] | None = None
    country: str | None = None
    employer: str | None = None
    narrative: str | None = None
    message: str | None = None
    safety: list[str] | None = None
    safety_notes: str | None = None


PARTNER_END_REASON = Field(
    None,
    description="Why it ended, as the partner is told: `case_closed` or `ended_by_office` "
    "(consent withdrawn or revoked); null while the referral is live.",
)


class PartnerReferralSummaryOut(Schema):
    """A referral in the partner's list. Once it has ended: no case number, no service."""

    id: int
    number: str | None
    office_name: str
    service: str | None
    state: str
    due_on: date | None
    is_overdue: bool
    sent_at: datetime
    has_ended: bool
    end_reason: str | None = PARTNER_END_REASON


class PartnerReferralOut(Schema):
    """One referral. Once it has ended, `shared` is null and nothing of the client is given."""

    id: int
    office_name: str
    state: str
    due_on: date | None
    is_overdue: bool
    sent_at: datetime
    answered_at: datetime | None
    completed_at: datetime | None
    decline_reason: str
    feedback: str
    has_ended: bool
    ended_at: datetime | None
    end_reason: str | None = PARTNER_END_REASON
    shared: SharedCaseOut | None


class PartnerReferralStateOut(Schema):
    id: int
    state: str
    due_on: date
    answered_at: datetime | None
    completed_at: datetime | None


class DeclineIn(Schema):
    reason: str = Field(..., max_length=255)


class FeedbackIn(Schema):
    feedback: str = Field(..., max_length=10_000)
    complete: bool = False
