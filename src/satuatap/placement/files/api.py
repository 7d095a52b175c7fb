"""API of placement files: a worker's way from registration to departure and back.

Mounted at /api/v1/placement-files. Every route checks the `placement.*` rules; a file of another
office is a 404 (never a 403 that confirms it exists). Writes go through `services`, whose
`DomainError`s become `{code, message, details}` in `satuatap.api` (a file that is not ready
gives 409 `not_ready` with the list of problems in `details`).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django_countries import countries
from ninja import Field, Query, Router, Schema, Status

from satuatap.core.exceptions import DomainError
from satuatap.core.limits import MAX_BIGINT
from satuatap.core.schemas import ErrorOut
from satuatap.people.selectors import get_visible_person
from satuatap.placement import selectors as placement_selectors
from satuatap.placement.files import selectors, services
from satuatap.placement.files.checklist import ItemStatus, checklist
from satuatap.placement.files.models import GateOverride, PlacementFile, Stage
from satuatap.placement.files.readiness import readiness
from satuatap.placement.files.schemas import (
    ChecklistItemOut,
    ChecklistOut,
    DepartureIn,
    DocumentTypeRef,
    GateCheckOut,
    GateOverrideIn,
    GateOverrideOut,
    PlacementFileIn,
    PlacementFileOut,
    PlacementFilePatch,
    ReadinessOut,
    ReturnIn,
    StageChangeIn,
    StageChangeOut,
)

router = Router(tags=["placement"])

# The OpenAPI operation ids these routes had when this module was `satuatap.placement.api_files`
# (django-ninja derives a default id from the module's path): clients generated from the document
# keep their method names.
OPERATION_ID = "satuatap_placement_api_files_{}"

READ_ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut}
WRITE_ERRORS = {**READ_ERRORS, 409: ErrorOut, 422: ErrorOut}


# --- Reads ----------------------------------------------------------------------------------


def _not_found() -> DomainError:
    return DomainError("not_found", _("No such record."), status=404)


def _visible_file(request, file_id: int) -> PlacementFile:
    placement_file = selectors.get_visible_file(request.user, file_id)
    if placement_file is None:
        raise _not_found()
    return placement_file


def _user_name(user) -> str:
    return str(user) if user is not None else ""


def file_out(placement_file: PlacementFile) -> PlacementFileOut:
    job_order = placement_file.job_order
    return PlacementFileOut(
        id=placement_file.pk,
        office_id=placement_file.office_id,
        person_id=placement_file.person_id,
        person_name=placement_file.person.full_name,
        scheme=placement_file.scheme,
        job_order_id=placement_file.job_order_id,
        job_order_permit_number=job_order.permit_number if job_order else None,
        employer=placement_file.employer,
        employer_name=placement_file.employer_name(),
        employer_address=placement_file.employer_address,
        employer_phone=placement_file.employer_phone,
        country=placement_file.country.code or "",
        destination=placement_file.destination().code or "",
        sector=placement_file.sector,
        occupation=placement_file.occupation,
        contract_months=placement_file.contract_months,
        fee_charged_idr=placement_file.fee_charged_idr,
        stage=placement_file.stage,
        stage_label=str(placement_file.get_stage_display()),
        stage_since=placement_file.stage_since,
        departure_date=placement_file.departure_date,
        contacts_abroad=placement_file.contacts_abroad,
        return_date=placement_file.return_date,
        return_reason=placement_file.return_reason,
        mrc_case_reference=placement_file.mrc_case_reference,
        cancel_reason=placement_file.cancel_reason,
        national_reference=placement_file.national_reference,
        ekpmi_number=placement_file.ekpmi_number,
        national_status=placement_file.national_status,
        national_status_on=placement_file.national_status_on,
        created_at=placement_file.created_at,
        updated_at=placement_file.updated_at,
    )


def override_out(override: GateOverride) -> GateOverrideOut:
    return GateOverrideOut(
        id=override.pk,
        gate=override.gate,
        reason=override.reason,
        granted_by_id=override.granted_by_id,
        granted_by=_user_name(override.granted_by),
        granted_at=override.granted_at,
        used_at=override.used_at,
    )


class FileFilter(Schema):
    stage: Stage | None = None
    person: int | None = None
    job_order: int | None = None
    limit: int = Field(100, ge=1, le=500)
    offset: int = Field(0, ge=0, le=MAX_BIGINT)


@router.get(
    "",
    response={200: list[PlacementFileOut], 401: ErrorOut, 403: ErrorOut},
    operation_id=OPERATION_ID.format("list_files"),
)
def list_files(request, filters: Query[FileFilter]):
    """The placement files of the caller's office, newest first; filter by `stage`, `person`
    (person id) or `job_order` (job order id). `limit` (at most 500) and `offset` page."""
    if not request.user.has_perm("placement.list_files"):
        raise DomainError("forbidden", _("You may not do this."), status=403)
    queryset = selectors.visible_files(request.user)
    if filters.stage is not None:
        queryset = queryset.filter(stage=filters.stage)
    if filters.person is not None:
        queryset = queryset.filter(person_id=filters.person)
    if filters.job_order is not None:
        queryset = queryset.filter(job_order_id=filters.job_order)
    page = queryset[filters.offset : filters.offset + filters.limit]
    return [file_out(placement_file) for placement_file in page]


@router.get(
    "/{file_id}",
    response={200: PlacementFileOut, **READ_ERRORS},
    operation_id=OPERATION_ID.format("get_file"),
)
def get_file(request, file_id: int):
    return file_out(_visible_file(request, file_id))


@router.get(
    "/{file_id}/checklist",
    response={200: ChecklistOut, **READ_ERRORS},
    operation_id=OPERATION_ID.format("get_checklist"),
)
def get_checklist(request, file_id: int):
    """The documents the file needs (decided by the checklist rules) and the status of each:
    missing, submitted, verified, rejected (with the reason) or expired."""
    placement_file = _visible_file(request, file_id)
    items = checklist(placement_file, placement_selectors.today_for(request.user))
    return ChecklistOut(
        file_id=placement_file.pk,
        is_complete=all(item.is_satisfied for item in items),
        items=[
            ChecklistItemOut(
                document_type=DocumentTypeRef(
                    code=item.document_type.code, name=item.document_type.name
                ),
                status=item.status,
                status_label=str(ItemStatus(item.status).label),
                document_id=item.document.pk if item.document is not None else None,
                rejection_reason=item.rejection_reason,
                warnings=list(item.warnings),
                verified_at=item.verified_at.label if item.verified_at is not None else "",
            )
            for item in items
        ],
    )


@router.get(
    "/{file_id}/readiness",
    response={200: ReadinessOut, **READ_ERRORS},
    operation_id=OPERATION_ID.format("get_readiness"),
)
def get_readiness(request, file_id: int):
    """Every condition of the readiness gate on the office's today: passed or not, what is
    missing, and the override that covers it (not used yet; on a ready file, the one its move
    to ready used)."""
    placement_file = _visible_file(request, file_id)
    result = readiness(placement_file, placement_selectors.today_for(request.user))
    return ReadinessOut(
        file_id=placement_file.pk,
        is_ready=result.is_ready,
        file_is_ready=result.file_is_ready,
        checks=[
            GateCheckOut(
                gate=check.gate,
                label=str(check.gate.label),
                passed=check.passed,
                problems=list(check.problems),
                override=override_out(check.override) if check.override is not None else None,
            )
            for check in result.checks
        ],
    )


@router.get(
    "/{file_id}/history",
    response={200: list[StageChangeOut], **READ_ERRORS},
    operation_id=OPERATION_ID.format("get_history"),
)
def get_history(request, file_id: int):
    """The file's stage changes, oldest first: who moved it, from where to where, and why."""
    placement_file = _visible_file(request, file_id)
    changes = selectors.file_history(placement_file).order_by("changed_at", "pk")
    return [
        StageChangeOut(
            id=change.pk,
            from_stage=change.from_stage,
            to_stage=change.to_stage,
            effective_date=change.effective_date,
            note=change.note,
            changed_by_id=change.changed_by_id,
            changed_by=_user_name(change.changed_by),
            changed_at=change.changed_at,
            override_ids=[override.pk for override in change.overrides.all()],
        )
        for change in changes
    ]


# --- Writes ---------------------------------------------------------------------------------


def _file_values(request, given: dict[str, Any]) -> dict[str, Any]:
    """API input → `services` values: the job order looked up in the caller's office, text trimmed,
    codes upper-cased, a null text field made blank."""
    values: dict[str, Any] = {}
    for name, value in given.items():
        if name == "job_order_id":
            name = "job_order"
            if value is not None:
                value = placement_selectors.get_visible_job_order(request.user, value)
                if value is None:
                    raise DomainError(
                        "not_found", _("No such job order in this office."), status=422
                    )
        elif name in ("contract_months", "fee_charged_idr"):
            pass
        elif value is None:
            value = ""
        if isinstance(value, str):
            value = value.strip()
            if name == "country":
                value = value.upper()
        values[name] = value
    return values


@router.post(
    "",
    response={201: PlacementFileOut, **WRITE_ERRORS},
    operation_id=OPERATION_ID.format("open_file"),
)
def open_file(request, payload: PlacementFileIn):
    """Open a placement file for a registered person at the caller's office (stage
    registration). A linked job order must be open, with a valid permit and agency licence."""
    if not request.user.has_perm("placement.list_files"):
        raise DomainError("forbidden", _("You may not do this."), status=403)
    person = get_visible_person(request.user, payload.person_id)
    if person is None:
        raise DomainError("not_found", _("This person was not found."), status=404)
    values = _file_values(request, payload.dict(exclude={"person_id"}))
    placement_file = services.open_file(person=person, by=request.user, values=values)
    return Status(201, file_out(_visible_file(request, placement_file.pk)))


@router.patch(
    "/{file_id}",
    response={200: PlacementFileOut, **WRITE_ERRORS},
    operation_id=OPERATION_ID.format("patch_file"),
)
def patch_file(request, file_id: int, payload: PlacementFilePatch):
    """Change the file's details; only the fields sent are changed."""
    placement_file = _visible_file(request, file_id)
    values = _file_values(request, payload.dict(exclude_unset=True))
    services.update_file(placement_file=placement_file, by=request.user, values=values)
    return file_out(_visible_file(request, file_id))


@router.post(
    "/{file_id}/stage",
    response={200: PlacementFileOut, **WRITE_ERRORS},
    operation_id=OPERATION_ID.format("change_stage"),
)
def change_stage(request, file_id: int, payload: StageChangeIn):
    """Move the file to another stage. Moving to `ready` passes the readiness gate: when a
    condition fails the answer is 409 `not_ready` with every problem in `details`. Cancelling
    needs a `note` saying why."""
    placement_file = _visible_file(request, file_id)
    services.change_stage(
        placement_file=placement_file, to_stage=payload.to_stage, by=request.user, note=payload.note
    )
    return file_out(_visible_file(request, file_id))


@router.post(
    "/{file_id}/overrides",
    response={201: GateOverrideOut, **WRITE_ERRORS},
    operation_id=OPERATION_ID.format("grant_override"),
)
def grant_override(request, file_id: int, payload: GateOverrideIn):
    """Let the file pass one failed readiness condition (`gate`), for a written reason. Only the
    office head may; the override is used by the next move to `ready`."""
    placement_file = _visible_file(request, file_id)
    override = services.grant_override(
        placement_file=placement_file, gate=payload.gate, reason=payload.reason, by=request.user
    )
    return Status(201, override_out(override))


@router.post(
    "/{file_id}/departure",
    response={200: PlacementFileOut, **WRITE_ERRORS},
    operation_id=OPERATION_ID.format("record_departure"),
)
def record_departure(request, file_id: int, payload: DepartureIn):
    """Record the departure of a file that is ready; the registry timeline says abroad."""
    placement_file = _visible_file(request, file_id)
    country = payload.country.strip().upper()
    if country and country not in countries:
        raise DomainError(
            "invalid",
            _("Some fields are not valid."),
            status=422,
            details={"country": [_("Give the two-letter ISO code of the country, such as HK.")]},
        )
    services.record_departure(
        placement_file=placement_file,
        by=request.user,
        departure_date=payload.departure_date,
        country=country,
        note=payload.note,
    )
    return file_out(_visible_file(request, file_id))


@router.post(
    "/{file_id}/return",
    response={200: PlacementFileOut, **WRITE_ERRORS},
    operation_id=OPERATION_ID.format("record_return"),
)
def record_return(request, file_id: int, payload: ReturnIn):
    """Record the worker's return (closes the file); `reason` is one of the return reasons."""
    placement_file = _visible_file(request, file_id)
    services.record_return(
        placement_file=placement_file,
        by=request.user,
        return_date=payload.return_date,
        reason=payload.reason,
        mrc_case_reference=payload.mrc_case_reference,
        note=payload.note,
    )
    return file_out(_visible_file(request, file_id))
