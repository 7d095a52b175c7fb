"""The partner portal's API, `/api/v1/partner/referrals` (mounted by `satuatap/api.py`): a
partner case worker reaches only the referrals sent to their organisation, and only the fields
the client consented to share, while the referral is live; an ended one (consent withdrawn,
revoked, case closed) says only that it ended, and answering it is a 409 `referral_ended`.
The same selectors and services as the portal's pages (`selectors.py`, `services.py`).
Errors are `{code, message, details}` (`satuatap.api`).
"""

from __future__ import annotations

from django.db.models import QuerySet
from ninja import Query, Router

from satuatap.cases.guards import forbidden, not_found
from satuatap.cases.models import Referral, ReferralState
from satuatap.cases.partner import selectors as partner_selectors
from satuatap.cases.partner import services as partner_services
from satuatap.cases.schemas import (
    DeclineIn,
    FeedbackIn,
    PartnerReferralOut,
    PartnerReferralStateOut,
    PartnerReferralSummaryOut,
    PurposeQuery,
    SharedCaseOut,
)
from satuatap.core import sensitive
from satuatap.core.schemas import ErrorOut

partner_router = Router(tags=["partner portal"])

# The operations' ids are those django-ninja gave them where they were first written
# (`satuatap.cases.api`): clients generated from the OpenAPI document keep their names.
# `tests/api/test_openapi_operations.py` holds every (path, method, operationId).
OPERATION_ID_PREFIX = "satuatap_cases_api_"


def _partner_referrals(user) -> QuerySet[Referral]:
    return partner_selectors.partner_referrals(user).select_related("case__office")


def _partner_referral(request, referral_id: int) -> Referral:
    referral = _partner_referrals(request.user).filter(pk=referral_id).first()
    if referral is None:
        raise not_found()
    return referral


def partner_referral_state_out(referral: Referral) -> PartnerReferralStateOut:
    """What a partner's answer returns: the referral's state, none of the client's data."""
    return PartnerReferralStateOut(
        id=referral.pk,
        state=referral.state,
        due_on=referral.due_on,
        answered_at=referral.answered_at,
        completed_at=referral.completed_at,
    )


def partner_referral_out(request, referral: Referral, purpose: str | None) -> PartnerReferralOut:
    """The referral and the consented fields of the case, read with a purpose (core.sensitive:
    everything a partner reads of a live referral is a survivor's personal data). An ended
    referral says when it ended and nothing of the client (no shared fields, feedback or due
    date), so it needs no purpose."""
    case = referral.case
    if referral.has_ended:
        return PartnerReferralOut(
            id=referral.pk,
            office_name=case.office.name,
            state=referral.state,
            due_on=None,
            is_overdue=False,
            sent_at=referral.sent_at,
            answered_at=referral.answered_at,
            completed_at=referral.completed_at,
            decline_reason="",
            feedback="",
            has_ended=True,
            ended_at=referral.stopped_at or case.closed_at,
            end_reason=partner_selectors.partner_end_reason(referral),
            shared=None,
        )
    sensitive.api_read(request, referral, purpose)
    return PartnerReferralOut(
        id=referral.pk,
        office_name=case.office.name,
        state=referral.state,
        due_on=referral.due_on,
        is_overdue=referral.is_overdue_on(case.office.today()),
        sent_at=referral.sent_at,
        answered_at=referral.answered_at,
        completed_at=referral.completed_at,
        decline_reason=referral.decline_reason,
        feedback=referral.feedback,
        has_ended=False,
        ended_at=None,
        end_reason=None,
        shared=SharedCaseOut(**partner_selectors.shared_view(referral)),
    )


def partner_summary_out(referral: Referral) -> PartnerReferralSummaryOut:
    if referral.has_ended:
        return PartnerReferralSummaryOut(
            id=referral.pk,
            number=None,
            office_name=referral.case.office.name,
            service=None,
            state=referral.state,
            due_on=None,
            is_overdue=False,
            sent_at=referral.sent_at,
            has_ended=True,
            end_reason=partner_selectors.partner_end_reason(referral),
        )
    return PartnerReferralSummaryOut(
        id=referral.pk,
        number=referral.case.number,
        office_name=referral.case.office.name,
        service=referral.service,
        state=referral.state,
        due_on=referral.due_on,
        is_overdue=referral.is_overdue_on(referral.case.office.today()),
        sent_at=referral.sent_at,
        has_ended=False,
        end_reason=None,
    )


@partner_router.get(
    "",
    response={200: list[PartnerReferralSummaryOut], 403: ErrorOut},
    operation_id=f"{OPERATION_ID_PREFIX}list_partner_referrals",
)
def list_partner_referrals(
    request, state: ReferralState | None = None, has_ended: bool | None = None
):
    """Referrals sent to the caller's partner organisation, newest first. One that has ended
    (`has_ended`: consent withdrawn, revoked, case closed) carries no case number or service."""
    if not request.user.has_perm("cases.use_partner_portal"):
        raise forbidden()
    referrals = _partner_referrals(request.user)
    if state is not None:
        referrals = referrals.filter(state=state)
    if has_ended is True:
        referrals = referrals.filter(partner_selectors.ended_referrals_q())
    elif has_ended is False:
        referrals = referrals.exclude(partner_selectors.ended_referrals_q())
    return [partner_summary_out(r) for r in referrals[:500]]


@partner_router.get(
    "/{referral_id}",
    response={200: PartnerReferralOut, 404: ErrorOut, 428: ErrorOut},
    operation_id=f"{OPERATION_ID_PREFIX}get_partner_referral",
)
def get_partner_referral(request, referral_id: int, query: Query[PurposeQuery]):
    """One referral with only the information the client consented to share. It needs
    `?purpose=` (else 428 `purpose_required`) and the read is logged with it."""
    return partner_referral_out(request, _partner_referral(request, referral_id), query.purpose)


@partner_router.post(
    "/{referral_id}/accept",
    response={200: PartnerReferralStateOut, 404: ErrorOut, 409: ErrorOut},
    operation_id=f"{OPERATION_ID_PREFIX}accept_referral",
)
def accept_referral(request, referral_id: int):
    referral = _partner_referral(request, referral_id)
    partner_services.answer_referral(referral=referral, by=request.user, accept=True)
    return partner_referral_state_out(referral)


@partner_router.post(
    "/{referral_id}/decline",
    response={200: PartnerReferralStateOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    operation_id=f"{OPERATION_ID_PREFIX}decline_referral",
)
def decline_referral(request, referral_id: int, payload: DeclineIn):
    referral = _partner_referral(request, referral_id)
    partner_services.answer_referral(
        referral=referral, by=request.user, accept=False, reason=payload.reason
    )
    return partner_referral_state_out(referral)


@partner_router.post(
    "/{referral_id}/feedback",
    response={200: PartnerReferralStateOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    operation_id=f"{OPERATION_ID_PREFIX}add_referral_feedback",
)
def add_referral_feedback(request, referral_id: int, payload: FeedbackIn):
    """An update on an accepted referral; `complete: true` completes it."""
    referral = _partner_referral(request, referral_id)
    partner_services.add_feedback(
        referral=referral, by=request.user, feedback=payload.feedback, complete=payload.complete
    )
    return partner_referral_state_out(referral)
