"""Writes on agencies, concerns about them and job orders. Views, API, commands and tests all go
through these."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from satuatap.core.exceptions import DomainError
from satuatap.core.models import Organisation, User
from satuatap.placement.models import (
    CONCERN_TEXT_MAX,
    Agency,
    AgencyConcern,
    ConcernStatus,
    JobOrder,
    Scheme,
)

AGENCY_FIELDS = (
    "name",
    "licence_number",
    "licence_valid_from",
    "licence_valid_until",
    "status",
    "branches",
    "address",
    "phone",
    "email",
    "contact_person",
)
JOB_ORDER_FIELDS = (
    "agency",
    "scheme",
    "permit_number",
    "permit_valid_from",
    "permit_valid_until",
    "country",
    "employer",
    "sector",
    "occupation",
    "occupation_en",
    "quota_women",
    "quota_men",
    "salary_amount",
    "salary_currency",
    "worker_fee_idr",
    "contract_months",
    "closing_date",
    "is_published",
)


def _assign(instance: Model, values: dict[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = set(values) - set(allowed)
    if unknown:
        raise DomainError("unknown_field", _("Unknown field."), status=422, details=sorted(unknown))
    for name, value in values.items():
        setattr(instance, name, value)


def _validate(instance: Model) -> None:
    try:
        instance.full_clean()
    except ValidationError as error:
        raise DomainError(
            "invalid", _("Some fields are not valid."), status=422, details=error.message_dict
        ) from error


def _require(user: User, permission: str, target: Model | None = None) -> None:
    allowed = user.has_perm(permission, target) if target is not None else user.has_perm(permission)
    if not allowed:
        raise DomainError("forbidden", _("You may not do this."), status=403)


@transaction.atomic
def create_agency(*, by: User, values: dict[str, Any]) -> Agency:
    _require(by, "placement.manage_agencies")
    agency = Agency()
    _assign(agency, values, AGENCY_FIELDS)
    _validate(agency)
    agency.save()
    return agency


@transaction.atomic
def update_agency(*, agency: Agency, by: User, values: dict[str, Any]) -> Agency:
    _require(by, "placement.manage_agencies")
    _assign(agency, values, AGENCY_FIELDS)
    _validate(agency)
    agency.save()
    return agency


# --- Concerns about agencies ----------------------------------------------------------------


def _checked_text(name: str, text: str, *, required: bool) -> str:
    text = (text or "").strip()
    problem = None
    if required and not text:
        problem = _("This field is required.")
    elif len(text) > CONCERN_TEXT_MAX:
        problem = _("Write at most %(limit)s characters.") % {"limit": CONCERN_TEXT_MAX}
    if problem:
        raise DomainError(
            "invalid", _("Some fields are not valid."), status=422, details={name: [problem]}
        )
    return text


@transaction.atomic
def raise_concern(*, agency: Agency, by: User, kind: str, text: str) -> AgencyConcern:
    """An office's concern about an agency, for the ministry to review. The office is the
    caller's; the agency's licence and data are not touched."""
    _require(by, "placement.raise_agency_concern")
    concern = AgencyConcern(
        agency=agency,
        office=by.office,
        kind=kind,
        text=_checked_text("text", text, required=True),
        raised_by=by,
    )
    _validate(concern)
    concern.save()
    return concern


@transaction.atomic
def review_concern(
    *, concern: AgencyConcern, by: User, status: str, note: str = ""
) -> AgencyConcern:
    """The ministry acknowledges an open concern, or resolves an open or acknowledged one with
    a note saying what it did. A resolved concern stays resolved."""
    _require(by, "placement.review_agency_concerns")
    if status not in (ConcernStatus.ACKNOWLEDGED, ConcernStatus.RESOLVED):
        raise DomainError(
            "invalid",
            _("Some fields are not valid."),
            status=422,
            details={"status": [_("A concern can be acknowledged or resolved.")]},
        )
    concern = AgencyConcern.objects.select_for_update().get(pk=concern.pk)
    note = _checked_text("note", note, required=status == ConcernStatus.RESOLVED)
    if concern.status == ConcernStatus.RESOLVED:
        raise DomainError("concern_resolved", _("This concern is already resolved."), status=409)
    now = timezone.now()
    if status == ConcernStatus.ACKNOWLEDGED:
        if concern.status != ConcernStatus.OPEN:
            raise DomainError(
                "concern_acknowledged", _("This concern is already acknowledged."), status=409
            )
        if note:  # nothing typed is dropped silently: the note belongs to the resolution
            raise DomainError(
                "invalid",
                _("Some fields are not valid."),
                status=422,
                details={"note": [_("A note is written when the concern is resolved.")]},
            )
        concern.acknowledged_by, concern.acknowledged_at = by, now
    else:
        concern.resolved_by, concern.resolved_at = by, now
        concern.resolution_note = note
    concern.status = status
    concern.save()
    return concern


def _check_job_order_rules(job_order: JobOrder, *, agency_changed: bool, is_new: bool) -> None:
    if job_order.scheme == Scheme.P3MI and job_order.agency is None:
        raise DomainError(
            "agency_required", _("A job order under the P3MI scheme needs an agency."), status=422
        )
    agency = job_order.agency
    if agency is None or not (is_new or agency_changed or job_order.is_published):
        return
    today = job_order.office.today()
    if not agency.has_valid_licence(today):
        state = agency.licence_state(today)
        raise DomainError(
            "agency_licence_invalid",
            _(
                "%(agency)s cannot receive job orders: %(state)s. Only an agency with a valid "
                "licence today may have a job order created or published."
            )
            % {"agency": agency.name, "state": state.label.lower()},
            status=422,
        )


@transaction.atomic
def create_job_order(*, office: Organisation, by: User, values: dict[str, Any]) -> JobOrder:
    _require(by, "placement.manage_job_orders", office)
    job_order = JobOrder(office=office)
    _assign(job_order, values, JOB_ORDER_FIELDS)
    _check_job_order_rules(job_order, agency_changed=True, is_new=True)
    _validate(job_order)
    job_order.save()
    return job_order


@transaction.atomic
def update_job_order(*, job_order: JobOrder, by: User, values: dict[str, Any]) -> JobOrder:
    _require(by, "placement.manage_job_orders", job_order.office)
    previous_agency_id = job_order.agency_id
    _assign(job_order, values, JOB_ORDER_FIELDS)
    _check_job_order_rules(
        job_order, agency_changed=job_order.agency_id != previous_agency_id, is_new=False
    )
    _validate(job_order)
    job_order.save()
    return job_order
