"""API of placement services: the national list of agencies, the concerns offices raise about
them, and the office's job orders. Only the ministry placement administrator writes agencies.

Reads go through `selectors`, writes through `services` (which check the caller's permission
and raise `DomainError`, turned into `{code, message, details}` by `satuatap.api`). Placement
files have their own router in `files/api.py`.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils.translation import gettext as _
from ninja import Router, Status

from satuatap.core.exceptions import DomainError
from satuatap.core.schemas import ErrorOut
from satuatap.placement import selectors, services
from satuatap.placement.models import Agency, AgencyConcern, ConcernStatus, JobOrder
from satuatap.placement.schemas import (
    AgencyIn,
    AgencyOut,
    AgencyPatch,
    ConcernIn,
    ConcernOut,
    ConcernReviewIn,
    JobOrderIn,
    JobOrderOut,
    JobOrderPatch,
)

agencies_router = Router(tags=["placement"])
job_orders_router = Router(tags=["placement"])


def _require(user, permission: str) -> None:
    if not user.has_perm(permission):
        raise DomainError("forbidden", _("You may not do this."), status=403)


def agency_out(agency: Agency, today: datetime.date) -> AgencyOut:
    return AgencyOut(
        id=agency.pk,
        name=agency.name,
        licence_number=agency.licence_number,
        licence_valid_from=agency.licence_valid_from,
        licence_valid_until=agency.licence_valid_until,
        status=agency.status,
        licence_state=agency.licence_state(today),
        has_valid_licence=agency.has_valid_licence(today),
        branches=agency.branch_list(),
        address=agency.address,
        phone=agency.phone,
        email=agency.email,
        contact_person=agency.contact_person,
    )


def job_order_out(job_order: JobOrder, today: datetime.date) -> JobOrderOut:
    agency = job_order.agency
    return JobOrderOut(
        id=job_order.pk,
        office_id=job_order.office_id,
        agency_id=job_order.agency_id,
        agency_name=agency.name if agency else None,
        agency_licence_state=agency.licence_state(today) if agency else None,
        scheme=job_order.scheme,
        permit_number=job_order.permit_number,
        permit_valid_from=job_order.permit_valid_from,
        permit_valid_until=job_order.permit_valid_until,
        country=job_order.country.code,
        country_name=str(job_order.country.name),
        employer=job_order.employer,
        sector=job_order.sector,
        occupation=job_order.occupation,
        occupation_en=job_order.occupation_en,
        quota_women=job_order.quota_women,
        quota_men=job_order.quota_men,
        salary_amount=job_order.salary_amount,
        salary_currency=job_order.salary_currency,
        worker_fee_idr=job_order.worker_fee_idr,
        contract_months=job_order.contract_months,
        closing_date=job_order.closing_date,
        is_published=job_order.is_published,
    )


@agencies_router.get("", response={200: list[AgencyOut], 403: ErrorOut})
def list_agencies(request, q: str = ""):
    """Every licensed agency (P3MI), with its licence state on the caller's today."""
    _require(request.user, "placement.view_agencies")
    today = selectors.today_for(request.user)
    return [agency_out(a, today) for a in selectors.agencies(search=q.strip()[:100])]


def concern_out(concern: AgencyConcern) -> ConcernOut:
    return ConcernOut(
        id=concern.pk,
        agency_id=concern.agency_id,
        agency_name=concern.agency.name,
        office_id=concern.office_id,
        office_name=concern.office.name,
        kind=concern.kind,
        text=concern.text,
        status=concern.status,
        raised_by=str(concern.raised_by),
        raised_at=concern.raised_at,
        acknowledged_at=concern.acknowledged_at,
        resolved_at=concern.resolved_at,
        resolution_note=concern.resolution_note,
    )


# The concern routes come before `/{agency_id}` so that `concerns` is never read as an id.
@agencies_router.get("/concerns", response={200: list[ConcernOut], 403: ErrorOut})
def list_concerns(request, status: str = ""):
    """Every office's concerns about agencies, oldest first (`status`: open, acknowledged or
    resolved), for the ministry placement administrator."""
    _require(request.user, "placement.review_agency_concerns")
    status = status.strip()
    if status and status not in ConcernStatus.values:
        raise DomainError(
            "invalid",
            _("Some fields are not valid."),
            status=422,
            details={"status": [_("Choose open, acknowledged or resolved.")]},
        )
    return [concern_out(c) for c in selectors.concerns_to_review(request.user, status=status)]


@agencies_router.post(
    "/concerns/{concern_id}/status",
    response={200: ConcernOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
)
def review_concern(request, concern_id: int, payload: ConcernReviewIn):
    """Acknowledge an open concern, or resolve it with a note (`note` is then required); a
    resolved concern cannot change again (409)."""
    _require(request.user, "placement.review_agency_concerns")
    concern = selectors.get_reviewable_concern(request.user, concern_id)
    if concern is None:
        raise DomainError("not_found", _("No such record."), status=404)
    concern = services.review_concern(
        concern=concern, by=request.user, status=payload.status.strip(), note=payload.note
    )
    return concern_out(concern)


@agencies_router.get(
    "/{agency_id}/concerns", response={200: list[ConcernOut], 403: ErrorOut, 404: ErrorOut}
)
def list_agency_concerns(request, agency_id: int):
    """The concerns about one agency the caller may read: the own office's, or every office's
    for the ministry placement administrator."""
    user = request.user
    if not (
        user.has_perm("placement.raise_agency_concern")
        or user.has_perm("placement.review_agency_concerns")
    ):
        raise DomainError("forbidden", _("You may not do this."), status=403)
    agency = selectors.get_agency(agency_id)
    if agency is None:
        raise DomainError("not_found", _("No such record."), status=404)
    return [concern_out(c) for c in selectors.visible_concerns(user).filter(agency=agency)]


@agencies_router.post(
    "/{agency_id}/concerns",
    response={201: ConcernOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
)
def raise_concern(request, agency_id: int, payload: ConcernIn):
    """Raise a concern about an agency for the ministry to review (placement officers, office
    heads, counsellors and case supervisors). The agency itself is not changed."""
    _require(request.user, "placement.raise_agency_concern")
    agency = selectors.get_agency(agency_id)
    if agency is None:
        raise DomainError("not_found", _("No such record."), status=404)
    concern = services.raise_concern(
        agency=agency, by=request.user, kind=payload.kind.strip(), text=payload.text
    )
    return Status(201, concern_out(concern))


@agencies_router.get("/{agency_id}", response={200: AgencyOut, 403: ErrorOut, 404: ErrorOut})
def get_agency(request, agency_id: int):
    _require(request.user, "placement.view_agencies")
    agency = selectors.get_agency(agency_id)
    if agency is None:
        raise DomainError("not_found", _("No such record."), status=404)
    return agency_out(agency, selectors.today_for(request.user))


def _agency_values(given: dict[str, Any]) -> dict[str, Any]:
    """API input → service values: strings trimmed, the branch list one branch per line."""
    values: dict[str, Any] = {}
    for name, value in given.items():
        if name == "branches":
            value = "\n".join(b.strip() for b in value or [] if b and b.strip())
        elif isinstance(value, str):
            value = value.strip()
        values[name] = value
    return values


@agencies_router.post("", response={201: AgencyOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut})
def create_agency(request, payload: AgencyIn):
    """Add a licensed agency (P3MI) to the national list (the ministry placement
    administrator)."""
    _require(request.user, "placement.manage_agencies")
    agency = services.create_agency(by=request.user, values=_agency_values(payload.dict()))
    return Status(201, agency_out(agency, selectors.today_for(request.user)))


@agencies_router.patch(
    "/{agency_id}",
    response={200: AgencyOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
)
def patch_agency(request, agency_id: int, payload: AgencyPatch):
    """Change an agency: only the fields sent are changed (its licence, status, contact…). The
    ministry placement administrator only: an office raises a concern instead."""
    _require(request.user, "placement.manage_agencies")
    agency = selectors.get_agency(agency_id)
    if agency is None:
        raise DomainError("not_found", _("No such record."), status=404)
    values = _agency_values(payload.dict(exclude_unset=True))
    agency = services.update_agency(agency=agency, by=request.user, values=values)
    return agency_out(agency, selectors.today_for(request.user))


@job_orders_router.get("", response={200: list[JobOrderOut], 403: ErrorOut})
def list_job_orders(request):
    """The job orders of the caller's office."""
    _require(request.user, "placement.view_job_orders")
    today = selectors.today_for(request.user)
    return [job_order_out(j, today) for j in selectors.office_job_orders(request.user)]


@job_orders_router.get("/{job_order_id}", response={200: JobOrderOut, 403: ErrorOut, 404: ErrorOut})
def get_job_order(request, job_order_id: int):
    _require(request.user, "placement.view_job_orders")
    job_order = selectors.get_visible_job_order(request.user, job_order_id)
    if job_order is None:
        raise DomainError("not_found", _("No such record."), status=404)
    return job_order_out(job_order, selectors.today_for(request.user))


def _job_order_values(given: dict[str, Any]) -> dict[str, Any]:
    """API input → service values: the agency looked up by id, codes upper-cased."""
    values: dict[str, Any] = {}
    for name, value in given.items():
        if isinstance(value, str):
            value = value.strip()
        if name == "agency_id":
            name = "agency"
            if value is not None:
                value = selectors.get_agency(value)
                if value is None:
                    raise DomainError(
                        "invalid",
                        _("Some fields are not valid."),
                        status=422,
                        details={"agency_id": [_("No such agency.")]},
                    )
        elif name in ("country", "salary_currency") and isinstance(value, str):
            value = value.upper()
        values[name] = value
    return values


@job_orders_router.post(
    "", response={201: JobOrderOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut}
)
def create_job_order(request, payload: JobOrderIn):
    """Publish a job order for the caller's office. The agency's licence must be valid today
    (else 422 `agency_licence_invalid`); a P3MI job order needs an agency."""
    _require(request.user, "placement.view_job_orders")
    office = request.user.office
    if office is None:
        raise DomainError("forbidden", _("You may not do this."), status=403)
    job_order = services.create_job_order(
        office=office, by=request.user, values=_job_order_values(payload.dict())
    )
    return Status(201, job_order_out(job_order, selectors.today_for(request.user)))


@job_orders_router.patch(
    "/{job_order_id}",
    response={200: JobOrderOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
)
def patch_job_order(request, job_order_id: int, payload: JobOrderPatch):
    """Change a job order of the caller's office: only the fields sent are changed. Publishing
    or changing the agency needs an agency with a valid licence today."""
    _require(request.user, "placement.view_job_orders")
    job_order = selectors.get_visible_job_order(request.user, job_order_id)
    if job_order is None:
        raise DomainError("not_found", _("No such record."), status=404)
    values = _job_order_values(payload.dict(exclude_unset=True))
    job_order = services.update_job_order(job_order=job_order, by=request.user, values=values)
    return job_order_out(job_order, selectors.today_for(request.user))
