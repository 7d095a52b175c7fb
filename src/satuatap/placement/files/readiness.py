"""The readiness gate: the conditions a file must meet, on a given day, to move to "ready".

Each condition is checked separately and says exactly what is missing. An officer with the right
role may override one failed condition with a written reason (`GateOverride`); the override is
used by the next move to "ready" and reported.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from satuatap.people.models import Sex
from satuatap.placement.files.checklist import ItemStatus, checklist
from satuatap.placement.files.models import QUOTA_STAGES, GateOverride, PlacementFile, SchemePolicy
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

    @property
    def is_ready(self) -> bool:
        return all(check.passes_with_override for check in self.checks)

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


def _documents(placement_file: PlacementFile, today: datetime.date) -> tuple[GateCheck, GateCheck]:
    documents = GateCheck(Gate.DOCUMENTS)
    passport = GateCheck(Gate.PASSPORT_VALIDITY)
    for item in checklist(placement_file, today):
        name = item.document_type.name
        if item.status == ItemStatus.MISSING:
            documents.problems.append(_("%(document)s: missing.") % {"document": name})
        elif item.status == ItemStatus.SUBMITTED:
            documents.problems.append(
                _("%(document)s: not yet verified at its desk.") % {"document": name}
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


def readiness(placement_file: PlacementFile, today: datetime.date) -> Readiness:
    """Every condition of the gate for this file on `today`, with any unused override."""
    documents, passport = _documents(placement_file, today)
    checks = [
        documents,
        passport,
        _age(placement_file, today),
        _employer(placement_file),
        _agency(placement_file, today),
        _permit(placement_file, today),
        _quota(placement_file),
    ]
    if placement_file.pk is not None:
        unused = {
            override.gate: override
            for override in placement_file.overrides.filter(used_at__isnull=True).order_by("pk")
        }
        for check in checks:
            if not check.passed:
                check.override = unused.get(check.gate)
    return Readiness(checks)
