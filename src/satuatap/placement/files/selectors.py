"""Reads of placement files, filtered to what the caller may see: the office's files, one file,
its history, the returnees, the readiness overrides granted."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet

from satuatap.core.models import User
from satuatap.people.models import Person
from satuatap.placement.files.checklist import verifying_desks
from satuatap.placement.files.models import (
    CLOSED_STAGES,
    ChecklistRule,
    GateOverride,
    PlacementFile,
    Stage,
    StageChange,
)
from satuatap.placement.files.readiness import Readiness, readiness


def visible_files(user: User) -> QuerySet[PlacementFile]:
    """The placement files of the caller's office (none without the right to list them)."""
    office_id = user.office_id_or_none
    if office_id is None or not user.has_perm("placement.list_files"):
        return PlacementFile.objects.none()
    return PlacementFile.objects.filter(office_id=office_id).select_related(
        "person", "job_order", "job_order__agency"
    )


def get_visible_file(user: User, file_id: int) -> PlacementFile | None:
    placement_file = visible_files(user).filter(pk=file_id).first()
    if placement_file is None or not user.has_perm("placement.view_file", placement_file):
        return None
    return placement_file


def file_history(placement_file: PlacementFile) -> QuerySet[StageChange]:
    """The file's stage changes, oldest first, with who made them and the overrides used."""
    return placement_file.history.select_related("changed_by").prefetch_related("overrides")


def returnees(user: User, *, reason: str = "") -> QuerySet[PlacementFile]:
    """The office's files of workers who came back, latest return first."""
    queryset = visible_files(user).filter(stage=Stage.RETURNED)
    if reason:
        queryset = queryset.filter(return_reason=reason)
    return queryset.order_by("-return_date", "-pk")


def office_overrides(user: User) -> QuerySet[GateOverride]:
    """Every readiness override granted on a file of the caller's office, latest first."""
    office_id = user.office_id_or_none
    if office_id is None or not user.has_perm("placement.view_overrides"):
        return GateOverride.objects.none()
    return GateOverride.objects.filter(file__office_id=office_id).select_related(
        "file", "file__person", "granted_by"
    )


def open_placement_file(person: Person, office_id: int) -> PlacementFile | None:
    """The person's open file in the office, if there is one (a course enrolment links to it)."""
    return (
        PlacementFile.objects.filter(person=person, office_id=office_id)
        .exclude(stage__in=CLOSED_STAGES)
        .first()
    )


def checklist_rules() -> QuerySet[ChecklistRule]:
    """Every checklist rule, the active ones first, in the order of their document types."""
    return ChecklistRule.objects.select_related("document_type").order_by(
        "-is_active", "document_type__order", "pk"
    )


# The last step before "ready to depart": a file there waits only for the readiness gate.
GATE_STAGE = Stage.OPP


def files_at_the_gate(user: User, today: datetime.date) -> list[tuple[PlacementFile, Readiness]]:
    """The office's files at the last step before "ready" (`GATE_STAGE`), longest there first,
    each with its readiness on `today` (what blocks it, if anything)."""
    files = list(visible_files(user).filter(stage=GATE_STAGE).order_by("stage_since", "pk"))
    if not files:
        return []
    desks = verifying_desks(files[0].office)
    return [
        (placement_file, readiness(placement_file, today, desks=desks)) for placement_file in files
    ]


def files_of_person(person: Person) -> QuerySet[PlacementFile]:
    """The person's own placement files that are not closed, newest first: what the public
    portal shows the person once they identified (`satuatap.portal`)."""
    return (
        PlacementFile.objects.filter(person=person)
        .exclude(stage__in=CLOSED_STAGES)
        .select_related("office", "person", "job_order", "job_order__agency")
        .order_by("-pk")
    )
