"""Erasure requests that wait for the MRC (people.data_rights, `register_erasure_review`).

An office head asks for the erasure of a registry record; when the person is the client or
complainant of a case that is still kept, the request waits here. A case supervisor of the
office sees the person's cases (restricted ones included: supervisors see every case of the
office), and either lets the erasure go ahead or keeps the record. The head is never told which
case, or why.

The erasure cannot go ahead while a case of the person is held (open, a referral pending, a
legal hold): the case needs the record. Once it may, the registry record (and the records merged
into it) is anonymised; the closed case stays, pointing at the anonymised record, until its own
retention period ends.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from satuatap.cases.data_rights import held_cases
from satuatap.cases.models import Case
from satuatap.core.exceptions import DomainError
from satuatap.people import data_rights
from satuatap.people.models import ErasureRequest, ErasureRequestStatus


def pending_erasure_requests(user) -> QuerySet[ErasureRequest]:
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


def get_pending_request(user, request_id: int) -> ErasureRequest | None:
    return pending_erasure_requests(user).filter(pk=request_id).first()


def cases_of(erasure_request: ErasureRequest) -> list[Case]:
    """The cases that keep the person's record (the record and those merged into it), each
    marked with whether it holds the erasure back."""
    ids = [p.pk for p in data_rights.merged_group(erasure_request.person)]
    cases = list(
        Case.objects.filter(Q(client_id__in=ids) | Q(complainant_id__in=ids))
        .filter(anonymised_at__isnull=True)
        .order_by("received_on", "pk")
    )
    held = set(held_cases().filter(pk__in=[c.pk for c in cases]).values_list("pk", flat=True))
    for case in cases:
        case.holds_erasure = case.pk in held
    return cases


def _require(by, erasure_request: ErasureRequest) -> None:
    if not by.has_perm("cases.decide_erasure", erasure_request):
        raise DomainError("not_found", _("No such request."), status=404)


def approve_erasure(*, erasure_request: ErasureRequest, by) -> ErasureRequest:
    _require(by, erasure_request)
    if any(case.holds_erasure for case in cases_of(erasure_request)):
        raise DomainError(
            "case_needs_record",
            _(
                "A case of this person is open, waits for a partner or is under a legal hold: "
                "the record cannot be erased yet."
            ),
            status=409,
        )
    return data_rights.carry_out_erasure_request(erasure_request=erasure_request, by=by)


def decline_erasure(*, erasure_request: ErasureRequest, by) -> ErasureRequest:
    _require(by, erasure_request)
    return data_rights.decline_erasure_request(erasure_request=erasure_request, by=by)
