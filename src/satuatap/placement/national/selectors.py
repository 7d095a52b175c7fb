"""What the office sends the national placement system, and the exchanges it made."""

from __future__ import annotations

import datetime
from dataclasses import asdict, dataclass

from django.db.models import QuerySet

from satuatap.core.models import Organisation
from satuatap.people.models import Person
from satuatap.placement.files.models import PlacementFile, StageChange
from satuatap.placement.national.models import NationalExchange


@dataclass(frozen=True)
class OutgoingRecord:
    """One row of an export (docs/national-exchange.md): a registration, or a stage change of
    a placement file with the file's and the worker's identifiers."""

    record_type: str  # "registration" or "stage_change"
    occurred_on: datetime.date
    office_code: str
    satuatap_person_id: int
    satuatap_file_id: int | None
    nik: str
    full_name: str
    sex: str  # F, M or U (not recorded)
    birth_date: datetime.date | None
    cpmi_id: str
    national_reference: str
    ekpmi_number: str
    scheme: str
    stage_from: str
    stage_to: str
    destination_country: str  # ISO 3166-1 alpha-2
    occupation: str
    agency_licence: str

    def as_dict(self) -> dict:
        return asdict(self)


def _span(
    office: Organisation, date_from: datetime.date, date_to: datetime.date
) -> tuple[datetime.datetime, datetime.datetime]:
    """The period's first and last instant on the office's clock."""
    zone = office.zone
    start = datetime.datetime.combine(date_from, datetime.time.min, tzinfo=zone)
    end = datetime.datetime.combine(date_to + datetime.timedelta(days=1), datetime.time.min, zone)
    return start, end


def _registration(person: Person, office: Organisation) -> OutgoingRecord:
    return OutgoingRecord(
        record_type="registration",
        occurred_on=person.created_at.astimezone(office.zone).date(),
        office_code=office.region_id or "",
        satuatap_person_id=person.pk,
        satuatap_file_id=None,
        nik=person.nik or "",
        full_name=person.full_name,
        sex=person.sex,
        birth_date=person.birth_date,
        cpmi_id=person.cpmi_id,
        national_reference="",
        ekpmi_number="",
        scheme="",
        stage_from="",
        stage_to="",
        destination_country="",
        occupation="",
        agency_licence="",
    )


def _stage_change(change: StageChange, office: Organisation) -> OutgoingRecord:
    placement_file = change.file
    person = placement_file.person
    job_order = placement_file.job_order
    agency = job_order.agency if job_order is not None else None
    destination = placement_file.destination()
    return OutgoingRecord(
        record_type="stage_change",
        occurred_on=change.effective_date,
        office_code=office.region_id or "",
        satuatap_person_id=person.pk,
        satuatap_file_id=placement_file.pk,
        nik=person.nik or "",
        full_name=person.full_name,
        sex=person.sex,
        birth_date=person.birth_date,
        cpmi_id=person.cpmi_id,
        national_reference=placement_file.national_reference,
        ekpmi_number=placement_file.ekpmi_number,
        scheme=placement_file.scheme,
        stage_from=change.from_stage,
        stage_to=change.to_stage,
        destination_country=destination.code if destination else "",
        occupation=placement_file.occupation or (job_order.occupation if job_order else ""),
        agency_licence=agency.licence_number if agency is not None else "",
    )


def outgoing_records(
    office: Organisation, date_from: datetime.date, date_to: datetime.date
) -> list[OutgoingRecord]:
    """The people the office registered and the stage changes it recorded in the period (by
    when they were recorded, so that a change dated earlier but typed in the period goes too),
    in the order they were recorded. Merged and anonymised records are left out, and so is
    anyone without a placement file of the office: the registry also holds people the MRC or
    the front desk registered for other reasons (a survivor, a family member), and the national
    placement system is told only of prospective workers."""
    start, end = _span(office, date_from, date_to)
    with_files = PlacementFile.objects.filter(office=office).values("person_id")
    people = Person.objects.filter(
        pk__in=with_files,
        office=office,
        created_at__gte=start,
        created_at__lt=end,
        merged_into__isnull=True,
        anonymised_at__isnull=True,
    ).order_by("created_at", "pk")
    changes = (
        StageChange.objects.filter(
            file__office=office,
            changed_at__gte=start,
            changed_at__lt=end,
            file__anonymised_at__isnull=True,
            file__person__anonymised_at__isnull=True,
        )
        .select_related("file__person", "file__job_order__agency")
        .order_by("changed_at", "pk")
    )
    timed = [(p.created_at, 0, p.pk, _registration(p, office)) for p in people]
    timed += [(c.changed_at, 1, c.pk, _stage_change(c, office)) for c in changes]
    return [record for *_key, record in sorted(timed, key=lambda row: row[:3])]


def office_file(office: Organisation, file_id: int) -> PlacementFile | None:
    """The office's placement file with this id (with its person), or None."""
    return (
        PlacementFile.objects.filter(office=office, pk=file_id, anonymised_at__isnull=True)
        .select_related("person")
        .first()
    )


def recent_exchanges(office: Organisation, limit: int = 20) -> QuerySet[NationalExchange]:
    return NationalExchange.objects.filter(office=office).select_related("by")[:limit]
