"""Reads of the MRC's retention: which cases a hold keeps, and the erasure requests that wait
for a case supervisor (`people.data_rights.hooks.register_erasure_review`).

An office head asks for the erasure of a registry record; when the person is the client or
complainant of a case that is still kept, the request waits here. A case supervisor of the
office sees the person's cases (restricted ones included: supervisors see every case of the
office), and either lets the erasure go ahead or keeps the record (`services.py`). The head is
never told which case, or why.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from satuatap.cases.models import Case, CaseStatus, LegalHold, Referral, ReferralState
from satuatap.core.models import User
from satuatap.people.models import ErasureRequest, ErasureRequestStatus
from satuatap.people.selectors import merged_group


def held_cases() -> QuerySet[Case]:
    """Cases a hold keeps: not closed, a referral still pending, or a legal hold standing."""
    pending = Referral.objects.filter(
        state__in=[ReferralState.SENT, ReferralState.ACCEPTED], stopped_at__isnull=True
    )
    return Case.objects.filter(
        ~Q(status=CaseStatus.CLOSED)
        | Q(pk__in=pending.values("case_id"))
        | Q(pk__in=LegalHold.objects.filter(lifted_at__isnull=True).values("case_id"))
    )


def pending_erasure_requests(user: User) -> QuerySet[ErasureRequest]:
    """The office's requests waiting for review, for a case supervisor; nothing for others."""
    if not user.has_perm("cases.review_erasure"):
        return ErasureRequest.objects.none()
    return (
        ErasureRequest.objects.filter(
            office_id=user.office_id_or_none, status=ErasureRequestStatus.PENDING
        )
        .select_related("person", "requested_by")
        .order_by("requested_at", "pk")
    )


def get_pending_request(user: User, request_id: int) -> ErasureRequest | None:
    return pending_erasure_requests(user).filter(pk=request_id).first()


def cases_of(erasure_request: ErasureRequest) -> list[Case]:
    """The cases that keep the person's record (the record and those merged into it), each
    marked with whether it holds the erasure back."""
    ids = [p.pk for p in merged_group(erasure_request.person)]
    cases = list(
        Case.objects.filter(Q(client_id__in=ids) | Q(complainant_id__in=ids))
        .filter(anonymised_at__isnull=True)
        .order_by("received_on", "pk")
    )
    held = set(held_cases().filter(pk__in=[c.pk for c in cases]).values_list("pk", flat=True))
    for case in cases:
        case.holds_erasure = case.pk in held
    return cases
