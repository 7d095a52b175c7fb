"""The readiness gate: the conditions a file must meet, on a given day, to move to "ready".

Each condition is checked separately and says exactly what is missing. An officer with the right
role may override one failed condition with a written reason (`GateOverride`); the override is
used by the next move to "ready" and reported. Once the file is ready, the overrides that move
used still cover their conditions, so the panel and the file's stage agree.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from satuatap.people.models import Sex
from satuatap.placement.files.checklist import ItemStatus, VerifyingDesk, checklist
from satuatap.placement.files.models import (
    QUOTA_STAGES,
    GateOverride,
    PlacementFile,
    SchemePolicy,
    Stage,
    StageChange,
)
from satuatap.placement.models import JobOrder

DEFAULT_MINIMUM_AGE = 18


class Gate(models.TextChoices):
    DOCUMENTS = "documents", gettext_lazy("Documents verified and valid")
    PASSPORT_VALIDITY = "passport_validity", gettext_lazy("Passport valid for the whole contract")
    AGE = "age", gettext_lazy("Minimum age")
    EMPLOYER = "employer", gettext_lazy("Job order or employer")
    AGENCY_LICENCE = "agency_licence", gettext_lazy("Agency licence valid")
    JOB_ORDER_PERMIT = "job_order_permit", gettext_lazy("Job order permit valid")
    QUOTA = "quota", gettext_lazy("Job order quota for the worker's sex")


@dataclass
class GateCheck:
    gate: Gate
    problems: list[str] = field(default_factory=list)
    override: GateOverride | None = None

    @property
    def passed(self) -> bool:
        return not self.problems

    @property
    def passes_with_override(self) -> bool:
        return self.passed or self.override is not None


@dataclass
class Readiness:
    checks: list[GateCheck]
    # The file is at the "ready" stage already (it passed the gate; `checks` say whether it
    # still would today).
    file_is_ready: bool = False

    @property
    def is_ready(self) -> bool:
        return all(check.passes_with_override for check in self.checks)

    @property
    def overridden(self) -> list[GateCheck]:
        return [check for check in self.checks if not check.passed and check.override]

    @property
    def failed(self) -> list[GateCheck]:
        return [check for check in self.checks if not check.passed]

    def blocking(self) -> list[GateCheck]:
        return [check for check in self.checks if not check.passes_with_override]


def minimum_age(scheme: str) -> int:
    policy = SchemePolicy.objects.filter(scheme=scheme).first()
    return policy.minimum_age if policy else DEFAULT_MINIMUM_AGE


def needs_job_order(scheme: str) -> bool:
    policy = SchemePolicy.objects.filter(scheme=scheme).first()
    return policy.needs_job_order if policy else True


def _documents(
    placement_file: PlacementFile,
    today: datetime.date,
    desks: dict[str, VerifyingDesk] | None,
) -> tuple[GateCheck, GateCheck]:
    documents = GateCheck(Gate.DOCUMENTS)
    passport = GateCheck(Gate.PASSPORT_VALIDITY)
    for item in checklist(placement_file, today, desks=desks):
        name = item.document_type.name
        if item.status == ItemStatus.MISSING:
            documents.problems.append(_("%(document)s: missing.") % {"document": name})
        elif item.status == ItemStatus.SUBMITTED:
            desk = item.verified_at.label if item.verified_at is not None else ""
            documents.problems.append(
                _("%(document)s: waiting for verification at %(desk)s.")
                % {"document": name, "desk": desk}
            )
        elif item.status == ItemStatus.REJECTED:
            documents.problems.append(
                _("%(document)s: rejected (%(reason)s); a new scan is needed.")
                % {"document": name, "reason": item.rejection_reason}
            )
        elif item.status == ItemStatus.EXPIRED:
            documents.problems.append(
                _("%(document)s: expired; a new one is needed.") % {"document": name}
            )
        passport.problems.extend(item.warnings)
    return documents, passport


def _age(placement_file: PlacementFile, today: datetime.date) -> GateCheck:
    check = GateCheck(Gate.AGE)
    person = placement_file.person
    minimum = minimum_age(placement_file.scheme)
    age = person.age_on(today)
    if age is None:
        check.problems.append(_("The person's date of birth is not recorded."))
    elif age < minimum:
        check.problems.append(
            _("The person is %(age)s; this scheme needs workers aged at least %(minimum)s.")
            % {"age": age, "minimum": minimum}
        )
    return check


def _employer(placement_file: PlacementFile) -> GateCheck:
    check = GateCheck(Gate.EMPLOYER)
    if needs_job_order(placement_file.scheme):
        if placement_file.job_order_id is None:
            check.problems.append(_("This scheme needs a job order; none is linked to the file."))
    elif not placement_file.employer_name():
        check.problems.append(_("Name the employer on the file."))
    return check


def _agency(placement_file: PlacementFile, today: datetime.date) -> GateCheck:
    check = GateCheck(Gate.AGENCY_LICENCE)
    job_order = placement_file.job_order
    if job_order is not None and job_order.agency is not None:
        agency = job_order.agency
        if not agency.has_valid_licence(today):
            check.problems.append(
                _("%(agency)s: %(state)s.")
                % {"agency": agency.name, "state": agency.licence_state(today).label}
            )
    return check


def _permit(placement_file: PlacementFile, today: datetime.date) -> GateCheck:
    check = GateCheck(Gate.JOB_ORDER_PERMIT)
    job_order = placement_file.job_order
    if job_order is not None and not job_order.has_valid_permit(today):
        check.problems.append(
            _("The permit %(permit)s is valid from %(start)s to %(end)s, not today.")
            % {
                "permit": job_order.permit_number,
                "start": job_order.permit_valid_from.isoformat(),
                "end": job_order.permit_valid_until.isoformat(),
            }
        )
    return check


def places_taken(job_order: JobOrder, sex: str, *, excluding: PlacementFile | None = None) -> int:
    """Files of this job order holding a place for a worker of this sex."""
    files = job_order.placement_files.filter(stage__in=QUOTA_STAGES, person__sex=sex)
    if excluding is not None:
        files = files.exclude(pk=excluding.pk)
    return files.count()


def _quota(placement_file: PlacementFile) -> GateCheck:
    check = GateCheck(Gate.QUOTA)
    job_order = placement_file.job_order
    if job_order is None:
        return check
    sex = placement_file.person.sex
    if sex == Sex.NOT_RECORDED:
        check.problems.append(
            _("The person's sex is not recorded, so the quota cannot be checked.")
        )
        return check
    quota = job_order.quota_women if sex == Sex.FEMALE else job_order.quota_men
    taken = places_taken(job_order, sex, excluding=placement_file)
    if taken >= quota:
        if sex == Sex.FEMALE:
            message = _("The job order's quota for women is %(quota)s and %(taken)s are taken.")
        else:
            message = _("The job order's quota for men is %(quota)s and %(taken)s are taken.")
        check.problems.append(message % {"quota": quota, "taken": taken})
    return check


def covering_overrides(placement_file: PlacementFile) -> dict[str, GateOverride]:
    """Condition → the override that covers it: for a file being prepared, the overrides not
    used yet; for a ready file, those its move to "ready" used."""
    if placement_file.pk is None:
        return {}
    if placement_file.stage == Stage.READY:
        move = (
            StageChange.objects.filter(file=placement_file, to_stage=Stage.READY)
            .order_by("-changed_at", "-pk")
            .first()
        )
        overrides = (
            move.overrides.select_related("granted_by").order_by("pk") if move is not None else []
        )
    else:
        overrides = placement_file.overrides.filter(used_at__isnull=True).select_related(
            "granted_by"
        )
        overrides = overrides.order_by("pk")
    return {override.gate: override for override in overrides}


def readiness(
    placement_file: PlacementFile,
    today: datetime.date,
    *,
    desks: dict[str, VerifyingDesk] | None = None,
) -> Readiness:
    """Every condition of the gate for this file on `today`, with the override covering each
    failed one (`covering_overrides`). `desks`: see `checklist`."""
    documents, passport = _documents(placement_file, today, desks)
    checks = [
        documents,
        passport,
        _age(placement_file, today),
        _employer(placement_file),
        _agency(placement_file, today),
        _permit(placement_file, today),
        _quota(placement_file),
    ]
    covering = covering_overrides(placement_file)
    for check in checks:
        if not check.passed:
            check.override = covering.get(check.gate)
    return Readiness(checks, file_is_ready=placement_file.stage == Stage.READY)
