"""Reads of the portal: what a person who identified may see of their own records, and the
agency search. Nothing here reads the MRC."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet

from satuatap.core.models import Organisation, OrganisationKind
from satuatap.people.models import Person
from satuatap.placement import selectors as placement_selectors
from satuatap.placement.files import selectors as file_selectors
from satuatap.placement.files.checklist import ChecklistItem, checklist, verifying_desks
from satuatap.placement.files.models import PlacementFile
from satuatap.placement.models import Agency

AGENCY_RESULTS = 20


@dataclass
class FileStatus:
    placement_file: PlacementFile
    missing: list[ChecklistItem]
    done: int
    total: int


def file_statuses(person: Person, today: datetime.date) -> list[FileStatus]:
    """Each open placement file of the person, with the documents it still needs (missing,
    waiting for verification, rejected or expired) and where each is verified: the placement
    checklist the desks use (`placement.files.checklist`)."""
    statuses = []
    desks_by_office: dict[int, dict] = {}
    for placement_file in file_selectors.files_of_person(person):
        office_id = placement_file.office_id
        if office_id not in desks_by_office:
            desks_by_office[office_id] = verifying_desks(placement_file.office)
        items = checklist(placement_file, today, desks=desks_by_office[office_id])
        missing = [item for item in items if not item.is_satisfied]
        statuses.append(FileStatus(placement_file, missing, len(items) - len(missing), len(items)))
    return statuses


def public_offices() -> QuerySet[Organisation]:
    """The offices a person may write to or book at."""
    return Organisation.objects.filter(kind=OrganisationKind.OFFICE, is_active=True).order_by(
        "name", "pk"
    )


@dataclass
class AgencyAnswer:
    agency: Agency
    is_licensed: bool


def search_agencies(query: str, today: datetime.date) -> list[AgencyAnswer]:
    """Agencies of the national list whose name or licence number holds `query`, each with
    whether its licence is valid `today`; licensed ones first."""
    if len(query) < 3:
        return []
    valid = set(placement_selectors.agencies_with_valid_licence(today).values_list("pk", flat=True))
    matches = placement_selectors.agencies(search=query).order_by("name", "pk")[:AGENCY_RESULTS]
    answers = [AgencyAnswer(agency, agency.pk in valid) for agency in matches]
    return sorted(answers, key=lambda answer: not answer.is_licensed)
