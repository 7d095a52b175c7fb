"""API of the IKM survey: a visitor submits a survey (no account: the ticket's survey token is
the credential), and an office's IKM for a period.

`router` is mounted at /api/v1/surveys and `ikm_router` at /api/v1/offices."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from pydantic import StrictInt

from satuatap.core.exceptions import DomainError
from satuatap.core.schemas import ErrorOut
from satuatap.core.selectors import visible_offices
from satuatap.frontdesk.ikm import IkmResult, office_ikm
from satuatap.frontdesk.models import Survey
from satuatap.frontdesk.surveys import selectors as survey_selectors
from satuatap.frontdesk.surveys import services as survey_services

router = Router(tags=["surveys"])
ikm_router = Router(tags=["surveys"])


class SurveyIn(Schema):
    token: str = Field(..., max_length=64, description="The survey token of the visit (QR code).")
    answers: dict[str, StrictInt | None] = Field(
        ..., description="u1..u9: 1 (not good) to 4 (very good), or null for no answer."
    )
    comment: str = ""
    channel: str = Field(Survey.Channel.QR, description="`qr` or `kiosk`.")


class SurveyOut(Schema):
    id: int


class IkmFilter(Schema):
    date_from: datetime.date | None = Field(
        None, alias="from", description="First office day; default the 1st of this month."
    )
    date_to: datetime.date | None = Field(
        None, alias="to", description="Last office day (included); default today."
    )
    desk: int | None = Field(None, description="Only visits that had a ticket at this desk.")


class ElementOut(Schema):
    code: str
    label: str
    respondents: int = Field(..., description="Surveys that answered this element.")
    mean: float | None = Field(..., description="Mean answer (1–4), to 4 decimals.")
    converted: float | None = Field(..., description="Mean × 25, rounded half up to 2 decimals.")


class IkmOut(Schema):
    office_id: int
    date_from: datetime.date
    date_to: datetime.date
    desk_id: int | None
    respondents: int
    elements: list[ElementOut]
    index: float | None = Field(..., description="Σ mean/9 × 25, rounded half up to 2 decimals.")
    grade: str | None = Field(..., description="A (88.31–100), B, C or D (25.00–64.99).")
    grade_label: str | None
    reason: str = Field("", description="Why there is no index (no surveys, element unanswered).")


@router.post(
    "",
    auth=None,
    url_name="survey-submit",
    response={201: SurveyOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
)
def submit_survey(request, payload: SurveyIn):
    """Submit the satisfaction survey of a visit. No sign-in: the visit's survey token is the
    credential. One survey per visit (409 `already_answered`), once a desk has served the
    visit (409 `not_served` before that; nothing is stored)."""
    visit = survey_selectors.visit_for_survey_token(payload.token)
    if visit is None:
        raise DomainError("not_found", _("No such survey."), status=404)
    survey = survey_services.submit_survey(
        visit=visit, answers=payload.answers, comment=payload.comment, channel=payload.channel
    )
    return Status(201, SurveyOut(id=survey.pk))


def ikm_out(result: IkmResult, **context) -> IkmOut:
    return IkmOut(
        **context,
        respondents=result.respondents,
        elements=[
            ElementOut(
                code=e.code,
                label=str(e.label),
                respondents=e.respondents,
                mean=None if e.mean is None else round(float(e.mean), 4),
                converted=None if e.converted is None else float(e.converted),
            )
            for e in result.elements
        ],
        index=None if result.index is None else float(result.index),
        grade=result.grade_letter,
        grade_label=result.grade_label,
        reason=result.reason,
    )


@ikm_router.get(
    "/{office_id}/ikm",
    url_name="office-ikm",
    response={200: IkmOut, 404: ErrorOut, 422: ErrorOut},
)
def office_ikm_report(request, office_id: int, filters: Query[IkmFilter]):
    """The office's IKM per element and overall for visits on office days `from`..`to`."""
    office = visible_offices(request.user).filter(pk=office_id).first()
    if office is None:
        raise DomainError("not_found", _("No such office."), status=404)
    today = office.today()
    date_from = filters.date_from or today.replace(day=1)
    date_to = filters.date_to or today
    if date_from > date_to:
        raise DomainError(
            "invalid_period", _("The end of the period is before its start."), status=422
        )
    desk = None
    if filters.desk is not None:
        desk = office.desks.filter(pk=filters.desk).first()
        if desk is None:
            raise DomainError("not_found", _("No such desk."), status=404)
    result = office_ikm(office, date_from=date_from, date_to=date_to, desk=desk)
    return ikm_out(
        result,
        office_id=office.pk,
        date_from=date_from,
        date_to=date_to,
        desk_id=desk.pk if desk else None,
    )
