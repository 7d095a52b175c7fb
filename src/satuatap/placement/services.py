"""Writes on agencies and job orders. Views, API, commands and tests all go through these."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from satuatap.core.exceptions import DomainError
from satuatap.core.models import Organisation, User
from satuatap.placement.models import Agency, JobOrder, Scheme

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
    "quota_women",
    "quota_men",
    "salary_amount",
    "salary_currency",
    "worker_fee_idr",
    "contract_months",
    "closing_date",
    "is_published",
)


def _assign(instance, values: dict[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = set(values) - set(allowed)
    if unknown:
        raise DomainError("unknown_field", _("Unknown field."), status=422, details=sorted(unknown))
    for name, value in values.items():
        setattr(instance, name, value)


def _validate(instance) -> None:
    try:
        instance.full_clean()
    except ValidationError as error:
        raise DomainError(
            "invalid", _("Some fields are not valid."), status=422, details=error.message_dict
        ) from error


def _require(user: User, permission: str, target=None) -> None:
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
