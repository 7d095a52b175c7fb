"""Writes on placement files: open, change, move through the stages, depart, return, cancel.

Views, API, commands and tests all go through these functions; each checks the caller's
permission itself. Every stage change leaves a `StageChange` row; every change of a file or an
override is in the audit trail (django-auditlog).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from satuatap.core.audit import erase_audit_values
from satuatap.core.exceptions import DomainError
from satuatap.core.models import User
from satuatap.core.retention import RunContext, keep_aggregates
from satuatap.people.models import MigrationStatus, Person
from satuatap.people.services import record_status
from satuatap.placement.files import notices, timeline
from satuatap.placement.files.models import (
    CLOSED_STAGES,
    PREPARATION_STAGES,
    GateOverride,
    PlacementFile,
    ReturnReason,
    Stage,
    StageChange,
)
from satuatap.placement.files.readiness import Gate, readiness
from satuatap.placement.models import JobOrder

FILE_FIELDS = (
    "scheme",
    "job_order",
    "employer",
    "employer_address",
    "employer_phone",
    "country",
    "sector",
    "occupation",
    "contract_months",
    "fee_charged_idr",
    "contacts_abroad",
    "planned_departure_on",
)


def _forbidden() -> DomainError:
    return DomainError("forbidden", _("You may not do this."), status=403)


def _require_manage(by: User, placement_file: PlacementFile) -> None:
    if not by.has_perm("placement.view_file", placement_file):
        raise DomainError("not_found", _("No such record."), status=404)
    if not by.has_perm("placement.manage_file", placement_file):
        raise _forbidden()


def _today(by: User) -> datetime.date:
    return by.office.today() if by.office is not None else timezone.localdate()


def _check_job_order(job_order: JobOrder | None, office_id: int, today: datetime.date) -> None:
    """A job order may receive a new placement only while it and its agency are valid."""
    if job_order is None:
        return
    if job_order.office_id != office_id:
        raise DomainError("not_found", _("No such job order in this office."), status=422)
    agency = job_order.agency
    if agency is not None and not agency.has_valid_licence(today):
        raise DomainError(
            "agency_licence_invalid",
            _("%(agency)s cannot receive new placements: %(state)s.")
            % {"agency": agency.name, "state": agency.licence_state(today).label.lower()},
            status=422,
        )
    if not job_order.has_valid_permit(today):
        raise DomainError(
            "permit_invalid",
            _("The job order's permit is not valid today; it cannot receive new placements."),
            status=422,
        )
    if job_order.closing_date < today:
        raise DomainError(
            "job_order_closed",
            _("The job order closed on %(date)s.") % {"date": job_order.closing_date.isoformat()},
            status=422,
        )


def _assign(placement_file: PlacementFile, values: dict[str, Any]) -> None:
    unknown = set(values) - set(FILE_FIELDS)
    if unknown:
        raise DomainError("unknown_field", _("Unknown field."), status=422, details=sorted(unknown))
    for name, value in values.items():
        if isinstance(value, str):
            value = value.strip()
        setattr(placement_file, name, value)
    job_order = placement_file.job_order
    if job_order is not None:
        # The job order decides the scheme; the file keeps its own destination only if given.
        placement_file.scheme = job_order.scheme
    if not placement_file.scheme:
        raise DomainError("scheme_required", _("Choose the placement scheme."), status=422)


def _validate(placement_file: PlacementFile) -> None:
    from django.core.exceptions import ValidationError

    try:
        placement_file.full_clean(exclude=["office", "person", "created_by", "stage_since"])
    except ValidationError as error:
        raise DomainError(
            "invalid", _("Some fields are not valid."), status=422, details=error.message_dict
        ) from error


def _already_open() -> DomainError:
    return DomainError(
        "file_already_open",
        _("This person already has an open placement file; close it before opening another."),
        status=409,
    )


def open_file(*, person: Person, by: User, values: dict[str, Any]) -> PlacementFile:
    """Open a placement file for `person` in the caller's office, at the registration stage."""
    if not by.has_perm("people.view_person", person):
        raise DomainError("not_found", _("This person was not found."), status=404)
    if not by.has_perm("placement.open_file", person):
        raise _forbidden()
    if not person.is_active_record:
        raise DomainError(
            "inactive_record",
            _("This record was merged or anonymised; open the file on the current record."),
            status=409,
        )
    office = by.office
    if office is None:  # unreachable: `placement.open_file` needs a role in an office
        raise _forbidden()
    today = _today(by)
    placement_file = PlacementFile(
        office=office, person=person, created_by=by, stage=Stage.REGISTRATION, stage_since=today
    )
    _assign(placement_file, values)
    _check_job_order(placement_file.job_order, office.pk, today)
    _validate(placement_file)
    if PlacementFile.objects.filter(person=person).exclude(stage__in=CLOSED_STAGES).exists():
        raise _already_open()
    try:
        with transaction.atomic():
            placement_file.save()
            StageChange.objects.create(
                file=placement_file,
                to_stage=Stage.REGISTRATION,
                effective_date=today,
                changed_by=by,
            )
    except IntegrityError as error:  # a concurrent open of a file for the same person
        raise _already_open() from error
    return placement_file


def update_file(
    *, placement_file: PlacementFile, by: User, values: dict[str, Any]
) -> PlacementFile:
    """Change the file's details. A new job order must be able to receive placements today."""
    _require_manage(by, placement_file)
    if not placement_file.is_open:
        raise DomainError("file_closed", _("This file is closed."), status=409)
    previous_job_order_id = placement_file.job_order_id
    _assign(placement_file, values)
    if placement_file.job_order_id != previous_job_order_id:
        if placement_file.stage not in PREPARATION_STAGES:
            raise DomainError(
                "job_order_locked",
                _("The job order cannot change once the file is ready or departed."),
                status=409,
            )
        _check_job_order(placement_file.job_order, placement_file.office_id, _today(by))
    _validate(placement_file)
    placement_file.save()
    return placement_file


def _record_change(
    placement_file: PlacementFile,
    to_stage: str,
    *,
    by: User,
    on: datetime.date,
    note: str = "",
    overrides: list[GateOverride] | None = None,
) -> StageChange:
    change = StageChange.objects.create(
        file=placement_file,
        from_stage=placement_file.stage,
        to_stage=to_stage,
        effective_date=on,
        note=note[:255],
        changed_by=by,
    )
    if overrides:
        change.overrides.set(overrides)
    placement_file.stage = to_stage
    placement_file.stage_since = on
    placement_file.save(update_fields=["stage", "stage_since", "updated_at"])
    return change


def _locked(placement_file: PlacementFile) -> PlacementFile:
    """Lock the file's row and read its current state into the caller's instance."""
    placement_file.refresh_from_db(
        # Only the file's row: PostgreSQL refuses FOR UPDATE on the nullable side of the outer
        # join to the job order and its agency.
        from_queryset=PlacementFile.objects.select_for_update(of=("self",)).select_related(
            "person", "job_order", "job_order__agency"
        )
    )
    return placement_file


class NotReadyError(DomainError):
    def __init__(self, problems: list[str]):
        super().__init__(
            "not_ready",
            _("The file cannot move to ready yet: %(problems)s") % {"problems": " ".join(problems)},
            status=409,
            details=problems,
        )


def _move_to_ready(placement_file: PlacementFile, *, by: User, note: str) -> StageChange:
    today = _today(by)
    if placement_file.job_order_id is not None:
        # Lock the job order so concurrent approvals count the quota one after the other.
        JobOrder.objects.select_for_update().filter(pk=placement_file.job_order_id).first()
    result = readiness(placement_file, today)
    blocking = result.blocking()
    if blocking:
        raise NotReadyError([problem for check in blocking for problem in check.problems])
    used = [check.override for check in result.checks if check.override and not check.passed]
    now = timezone.now()
    for override in used:
        override.used_at = now
        override.save(update_fields=["used_at"])
    return _record_change(placement_file, Stage.READY, by=by, on=today, note=note, overrides=used)


def change_stage(
    *, placement_file: PlacementFile, to_stage: str, by: User, note: str = ""
) -> StageChange:
    """Move an open file to another preparation stage, to "ready" (through the gate) or cancel
    it (with a reason). Departure and return have their own functions."""
    note = " ".join((note or "").split())
    try:
        return _change_stage(placement_file, to_stage, by, note)
    except NotReadyError:
        # Refused at the gate (nothing was written): the worker is told what to bring.
        notices.file_blocked(placement_file, _today(by))
        raise


def _change_stage(placement_file: PlacementFile, to_stage: str, by: User, note: str) -> StageChange:
    with transaction.atomic():
        _require_manage(by, placement_file)
        _locked(placement_file)
        current = placement_file.stage
        if to_stage not in Stage.values:
            raise DomainError("invalid_stage", _("Unknown stage."), status=422)
        if current in CLOSED_STAGES:
            raise DomainError("file_closed", _("This file is closed."), status=409)
        if to_stage == current:
            raise DomainError("same_stage", _("The file is already at this stage."), status=409)
        if to_stage in (Stage.DEPARTED, Stage.RETURNED):
            raise DomainError(
                "use_departure_or_return",
                _("Record the departure or the return with its own form."),
                status=409,
            )
        if current == Stage.DEPARTED:
            raise DomainError(
                "already_departed", _("A departed file can only be closed by a return."), status=409
            )
        if to_stage == Stage.CANCELLED:
            if not note:
                raise DomainError(
                    "reason_required", _("Say why the file is cancelled."), status=422
                )
            placement_file.cancel_reason = note[:255]
            placement_file.save(update_fields=["cancel_reason", "updated_at"])
            return _record_change(placement_file, Stage.CANCELLED, by=by, on=_today(by), note=note)
        if to_stage == Stage.READY:
            return _move_to_ready(placement_file, by=by, note=note)
        return _record_change(placement_file, to_stage, by=by, on=_today(by), note=note)


def grant_override(
    *, placement_file: PlacementFile, gate: str, reason: str, by: User
) -> GateOverride:
    """Let the file pass one failed readiness condition, for a written reason."""
    reason = " ".join((reason or "").split())
    with transaction.atomic():
        if not by.has_perm("placement.view_file", placement_file):
            raise DomainError("not_found", _("No such record."), status=404)
        if not by.has_perm("placement.override_gate", placement_file):
            raise _forbidden()
        _locked(placement_file)
        if gate not in Gate.values:
            raise DomainError("invalid_gate", _("Unknown readiness condition."), status=422)
        if not reason:
            raise DomainError(
                "reason_required", _("Write the reason for the override."), status=422
            )
        if placement_file.stage not in PREPARATION_STAGES:
            raise DomainError(
                "not_preparing",
                _("Only a file that is still being prepared can be given an override."),
                status=409,
            )
        check = next(c for c in readiness(placement_file, _today(by)).checks if c.gate == gate)
        if check.passed:
            raise DomainError(
                "gate_passed",
                _("The file meets this condition; no override is needed."),
                status=409,
            )
        if check.override is not None:
            raise DomainError(
                "already_overridden", _("This condition already has an override."), status=409
            )
        return GateOverride.objects.create(
            file=placement_file, gate=gate, reason=reason, granted_by=by
        )


def _check_day(day: datetime.date, by: User) -> None:
    if day > _today(by):
        raise DomainError("future_date", _("The date cannot be in the future."), status=422)


def record_departure(
    *,
    placement_file: PlacementFile,
    by: User,
    departure_date: datetime.date,
    country: str = "",
    note: str = "",
) -> StageChange:
    """The worker left: the file becomes "departed" and the registry timeline says abroad."""
    with transaction.atomic():
        _require_manage(by, placement_file)
        _locked(placement_file)
        if placement_file.stage != Stage.READY:
            raise DomainError(
                "not_ready", _("Only a file that is ready can record a departure."), status=409
            )
        _check_day(departure_date, by)
        if departure_date < placement_file.stage_since:
            raise DomainError(
                "before_ready",
                _("The departure cannot be before the file became ready."),
                status=422,
            )
        if country:
            placement_file.country = country
        destination = placement_file.destination()
        if not destination:
            raise DomainError("country_required", _("Say to which country the worker went."))
        placement_file.departure_date = departure_date
        placement_file.save(update_fields=["country", "departure_date", "updated_at"])
        record_status(
            person=placement_file.person,
            by=by,
            status=MigrationStatus.ABROAD,
            effective_date=departure_date,
            country=destination.code,
            employer=placement_file.employer_name(),
            sector=placement_file.sector
            or (placement_file.job_order.sector if placement_file.job_order is not None else ""),
            note_kind=timeline.DEPARTURE,
            note_params={"file": placement_file.pk},
        )
        return _record_change(placement_file, Stage.DEPARTED, by=by, on=departure_date, note=note)


def record_return(
    *,
    placement_file: PlacementFile,
    by: User,
    return_date: datetime.date,
    reason: str,
    mrc_case_reference: str = "",
    note: str = "",
) -> StageChange:
    """The worker came back: the file closes as "returned" and the timeline says returned."""
    with transaction.atomic():
        _require_manage(by, placement_file)
        _locked(placement_file)
        if placement_file.stage != Stage.DEPARTED:
            raise DomainError(
                "not_departed", _("Only a departed file can record a return."), status=409
            )
        if reason not in ReturnReason.values:
            raise DomainError("reason_required", _("Choose the reason for the return."), status=422)
        _check_day(return_date, by)
        departed_on = placement_file.departure_date
        if departed_on is not None and return_date < departed_on:
            raise DomainError(
                "before_departure", _("The return cannot be before the departure."), status=422
            )
        placement_file.return_date = return_date
        placement_file.return_reason = reason
        placement_file.mrc_case_reference = (mrc_case_reference or "").strip()[:32]
        placement_file.save(
            update_fields=["return_date", "return_reason", "mrc_case_reference", "updated_at"]
        )
        record_status(
            person=placement_file.person,
            by=by,
            status=MigrationStatus.RETURNED,
            effective_date=return_date,
            note_kind=timeline.RETURN,
            note_params={"reason": reason},
        )
        return _record_change(placement_file, Stage.RETURNED, by=by, on=return_date, note=note)


# --- Retention (the schedule's purge, `placement/retention.py`) --------------------------------


ERASED_FIELDS = (
    "employer",
    "employer_address",
    "employer_phone",
    "contacts_abroad",
    "mrc_case_reference",
    "cancel_reason",
    "national_reference",
    "ekpmi_number",
)


def anonymise_files(pks: list[int], context: RunContext | None = None) -> list[int]:
    """Erase what closed files say beyond what the reports count (`ERASED_FIELDS`, the notes of
    their history, the reasons of their overrides). The retention schedule's purge of the record
    class `placement_files` (`placement/retention.py`)."""
    files = list(PlacementFile.objects.filter(pk__in=pks, stage__in=CLOSED_STAGES))
    ids = [f.pk for f in files]
    overrides = list(GateOverride.objects.filter(file_id__in=ids).values_list("pk", flat=True))
    with keep_aggregates(records=[(PlacementFile, ids)]):
        now = timezone.now()
        for placement_file in files:
            for name in ERASED_FIELDS:
                setattr(placement_file, name, "")
            placement_file.anonymised_at = now
            placement_file.save()
        StageChange.objects.filter(file_id__in=ids).update(note="")
        GateOverride.objects.filter(pk__in=overrides).update(reason="")
        erase_audit_values(PlacementFile, ids, fields=ERASED_FIELDS)
        erase_audit_values(GateOverride, overrides, fields=("reason",))
    return ids
