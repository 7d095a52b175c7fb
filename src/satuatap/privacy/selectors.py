"""Reads of the registers, already limited to what the reader may see."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import cast

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from satuatap.core.models import User
from satuatap.people.models import Person
from satuatap.privacy.deadlines import BREACH_NOTICE_HOURS
from satuatap.privacy.models import (
    OPEN_BREACH_STATUSES,
    OPEN_REQUEST_STATUSES,
    REQUIRED_RECIPIENTS,
    Breach,
    BreachNotice,
    RequestStatus,
    SubjectRequest,
)

# --- Data-subject requests -------------------------------------------------------------------


def visible_subject_requests(user: User) -> QuerySet[SubjectRequest]:
    """The office head: every request of the office. Anyone else who records requests: those
    they recorded. Nobody else: none."""
    if not user.is_authenticated or not user.has_perm("privacy.register_subject_request"):
        return SubjectRequest.objects.none()
    requests = SubjectRequest.objects.filter(office_id=user.office_id_or_none)
    if not user.has_perm("privacy.view_office_subject_requests"):
        requests = requests.filter(received_by=user)
    return requests.select_related(
        "office", "person", "received_by", "answered_by", "erasure_request"
    )


def get_visible_subject_request(user: User, subject_request_id: int) -> SubjectRequest | None:
    return visible_subject_requests(user).filter(pk=subject_request_id).first()


def overdue_filter(now: datetime.datetime | None = None) -> Q:
    return Q(status__in=OPEN_REQUEST_STATUSES, due_at__lt=now or timezone.now())


STATUS_FILTERS = {
    "open": Q(status__in=OPEN_REQUEST_STATUSES),
    "closed": ~Q(status__in=OPEN_REQUEST_STATUSES),
    **{status.value: Q(status=status) for status in RequestStatus},
}


def filter_subject_requests(
    requests: QuerySet[SubjectRequest],
    *,
    status: str = "open",
    request_type: str = "",
    overdue: bool = False,
    now: datetime.datetime | None = None,
) -> QuerySet[SubjectRequest]:
    """The register as filtered on its page: open requests by due date (the most pressing
    first), closed ones newest first."""
    if status in STATUS_FILTERS:
        requests = requests.filter(STATUS_FILTERS[status])
    if request_type:
        requests = requests.filter(request_type=request_type)
    if overdue:
        requests = requests.filter(overdue_filter(now))
    if status == "open" or overdue:
        return requests.order_by("due_at", "pk")
    return requests.order_by("-received_at", "-pk")


@dataclass(frozen=True)
class RequestCounts:
    open: int
    overdue: int


def open_request_counts(user: User, now: datetime.datetime | None = None) -> RequestCounts:
    """The counts on the office head's tile (and at the top of the register)."""
    requests = visible_subject_requests(user).filter(status__in=OPEN_REQUEST_STATUSES)
    return RequestCounts(
        open=requests.count(), overdue=requests.filter(overdue_filter(now)).count()
    )


def requests_about(user: User, person: Person) -> QuerySet[SubjectRequest]:
    """The requests about a person that the reader may see (the person page's panel)."""
    return visible_subject_requests(user).filter(person=person).order_by("-received_at", "-pk")


# --- Breaches --------------------------------------------------------------------------------


def visible_breaches(user: User) -> QuerySet[Breach]:
    """The administrator: the whole register. Anyone who may report: what they reported."""
    if not user.is_authenticated:
        return Breach.objects.none()
    if user.has_perm("privacy.manage_breaches"):
        breaches = Breach.objects.all()
    elif user.has_perm("privacy.report_breach"):
        breaches = Breach.objects.filter(reported_by=user)
    else:
        return Breach.objects.none()
    return breaches.select_related("office", "reported_by")


def get_visible_breach(user: User, breach_id: int) -> Breach | None:
    return visible_breaches(user).filter(pk=breach_id).first()


def _notified(recipient: str) -> Exists:
    return Exists(BreachNotice.objects.filter(breach=OuterRef("pk"), recipient=recipient))


def with_notice_state(breaches: QuerySet[Breach]) -> QuerySet[Breach]:
    """Each breach with `subjects_notified` and `authority_notified` (booleans)."""
    return breaches.annotate(
        subjects_notified=_notified("subjects"), authority_notified=_notified("authority")
    )


def notices_overdue_filter(now: datetime.datetime | None = None) -> Q:
    """Open breaches discovered more than 3 x 24 hours ago whose subjects or authority have not
    been notified in writing (Pasal 46(1))."""
    since = (now or timezone.now()) - datetime.timedelta(hours=BREACH_NOTICE_HOURS)
    missing = Q()
    for recipient in REQUIRED_RECIPIENTS:
        # Q | Exists is a Q at run time; the stubs type it as a Combinable.
        missing = cast(Q, missing | ~_notified(recipient))
    return Q(status__in=OPEN_BREACH_STATUSES, discovered_at__lt=since) & missing


BREACH_STATUS_FILTERS = {
    "open": Q(status__in=OPEN_BREACH_STATUSES),
    "closed": ~Q(status__in=OPEN_BREACH_STATUSES),
}


def filter_breaches(
    breaches: QuerySet[Breach],
    *,
    status: str = "open",
    overdue: bool = False,
    now: datetime.datetime | None = None,
) -> QuerySet[Breach]:
    if status in BREACH_STATUS_FILTERS:
        breaches = breaches.filter(BREACH_STATUS_FILTERS[status])
    if overdue:
        breaches = breaches.filter(notices_overdue_filter(now))
    return with_notice_state(breaches).order_by("-discovered_at", "-pk")


@dataclass(frozen=True)
class BreachCounts:
    open: int
    notices_overdue: int


def open_breach_counts(user: User, now: datetime.datetime | None = None) -> BreachCounts:
    breaches = visible_breaches(user)
    return BreachCounts(
        open=breaches.filter(status__in=OPEN_BREACH_STATUSES).count(),
        notices_overdue=breaches.filter(notices_overdue_filter(now)).count(),
    )


def notices_of(breach: Breach) -> QuerySet[BreachNotice]:
    return breach.notices.select_related("recorded_by").order_by("sent_at", "pk")
