"""API routes of the person registry: search, read, register, correct, timeline."""

from __future__ import annotations

from dataclasses import asdict

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from satuatap.core import sensitive
from satuatap.core.audit import ReadPurpose
from satuatap.core.exceptions import DomainError
from satuatap.core.limits import MAX_BIGINT
from satuatap.core.schemas import ErrorOut
from satuatap.core.trail import access_row
from satuatap.people import selectors, services
from satuatap.people.models import Person
from satuatap.people.nik import check_nik
from satuatap.people.schemas import (
    AccessLogEntryOut,
    NikWarningOut,
    PersonIn,
    PersonOut,
    PersonPatch,
    PersonSummaryOut,
    PhoneOut,
    TimelineEventOut,
)
from satuatap.people.search import search_people
from satuatap.people.validation import clean_person_input

router = Router(tags=["people"])


def _nik_warnings(person: Person) -> list[NikWarningOut]:
    if not person.nik:
        return []
    check = check_nik(person.nik, sex=person.sex, birth_date=person.birth_date)
    return [NikWarningOut(code=issue.code, message=issue.message) for issue in check.warnings]


def _person_out(person: Person) -> PersonOut:
    status = person.current_status
    return PersonOut(
        id=person.pk,
        office_id=person.office_id,
        nik=person.nik,
        full_name=person.full_name,
        sex=person.sex,
        birth_date=person.birth_date,
        birth_place=person.birth_place,
        village_code=person.village_id,
        address=person.address,
        marital_status=person.marital_status,
        education=person.education,
        languages=person.languages,
        disability=person.disability,
        phones=[PhoneOut(number=p.number, kind=p.kind) for p in person.phones.all()],
        current_status=status.status if status else None,
        is_sensitive=person.is_sensitive,
        is_missing_nik=person.is_missing_nik,
        nik_warnings=_nik_warnings(person),
    )


def _summary(person: Person, score=None, matched_by=None) -> PersonSummaryOut:
    return PersonSummaryOut(
        id=person.pk,
        full_name=person.full_name,
        nik_masked=person.masked_nik,
        sex=person.sex,
        village_code=person.village_id,
        score=score,
        matched_by=matched_by,
    )


class PeopleFilter(Schema):
    q: str | None = None
    nik: str | None = None


class PurposeQuery(Schema):
    purpose: ReadPurpose | None = None


class AccessLogQuery(PurposeQuery):
    limit: int = Field(100, ge=1, le=500)
    offset: int = Field(0, ge=0, le=MAX_BIGINT)


def _readable_person(request, person_id: int, purpose: str | None) -> Person:
    person = selectors.get_visible_person(request.user, person_id)
    if person is None or person.merged_into_id:
        raise DomainError("not_found", _("No such record."), status=404)
    sensitive.api_read(request, person, purpose)
    return person


@router.get("", response={200: list[PersonSummaryOut], 403: ErrorOut})
def list_people(request, filters: Query[PeopleFilter]):
    """Search from one box (`q`: NIK, phone or name, ranked) or look up an exact `nik`."""
    if not request.user.has_perm("people.list_person"):
        raise PermissionDenied
    if filters.nik is not None:
        people = selectors.active_people(request.user).filter(nik=filters.nik.strip())
        return [_summary(p, 100.0, "nik") for p in people]
    if filters.q:
        return [
            _summary(hit.person, round(hit.score, 1), hit.matched_by)
            for hit in search_people(request.user, filters.q, limit=20)
        ]
    people = selectors.active_people(request.user).order_by("-created_at", "-pk")[:50]
    return [_summary(p) for p in people]


@router.post("", response={201: PersonOut, 403: ErrorOut, 409: ErrorOut, 422: ErrorOut})
def create_person(request, payload: PersonIn):
    """Register a person at the caller's office."""
    cleaned = clean_person_input(
        nik=payload.nik or "",
        sex=payload.sex,
        birth_date=payload.birth_date,
        phones=payload.phones,
        village_code=payload.village_code or "",
        confirm_nik_warnings=payload.confirm_nik_warnings,
    )
    data = payload.dict(exclude={"nik", "village_code", "phones", "confirm_nik_warnings"})
    person = services.register_person(by=request.user, **data, **cleaned)
    return Status(201, _person_out(person))


@router.get("/{person_id}", response={200: PersonOut, 404: ErrorOut, 428: ErrorOut})
def get_person(request, person_id: int, query: Query[PurposeQuery]):
    """One person. A sensitive record needs `?purpose=`; the read is logged with it."""
    return _person_out(_readable_person(request, person_id, query.purpose))


@router.patch(
    "/{person_id}",
    response={
        200: PersonOut,
        403: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        422: ErrorOut,
        428: ErrorOut,
    },
)
def patch_person(request, person_id: int, payload: PersonPatch, query: Query[PurposeQuery]):
    """Correct fields of a record; the change is kept in the correction history."""
    person = _readable_person(request, person_id, query.purpose)
    given = payload.dict(exclude_unset=True)
    confirm = given.pop("confirm_nik_warnings", False)
    cleaned = clean_person_input(
        nik=given.pop("nik", person.nik or "") or "",
        sex=given.get("sex", person.sex),
        birth_date=given.get("birth_date", person.birth_date),
        phones=given.pop("phones", None),
        village_code=given.pop("village_code", None),
        confirm_nik_warnings=confirm,
    )
    confirmed = cleaned.pop("confirmed_nik_warnings")
    if cleaned.get("phones") is None:
        cleaned.pop("phones", None)
    if "village" in cleaned and cleaned["village"] is None:
        cleaned.pop("village")
    services.update_person(
        person=person, by=request.user, confirmed_nik_warnings=confirmed, **given, **cleaned
    )
    return _person_out(person)


@router.get(
    "/{person_id}/timeline",
    response={200: list[TimelineEventOut], 404: ErrorOut, 428: ErrorOut},
)
def person_timeline(request, person_id: int, query: Query[PurposeQuery]):
    """The person's migration timeline, oldest first."""
    person = _readable_person(request, person_id, query.purpose)
    return [
        TimelineEventOut(
            status=e.status,
            effective_date=e.effective_date,
            country=str(e.country or ""),
            employer=e.employer,
            sector=e.sector,
        )
        for e in person.status_events.all()
    ]


@router.get(
    "/{person_id}/access-log",
    response={200: list[AccessLogEntryOut], 403: ErrorOut, 404: ErrorOut, 428: ErrorOut},
)
def person_access_log(request, person_id: int, query: Query[AccessLogQuery]):
    """Who read the record (and the records merged into it), when, for which purpose and how,
    newest first: for the office head and the case supervisors of the person's office. Reads
    made in the MRC's case work are listed for the case supervisors only. Reading the log is a
    read of the person: a sensitive record needs `?purpose=`, and the read is logged."""
    person = selectors.get_visible_person(request.user, person_id)
    if person is None or person.merged_into_id:
        raise DomainError("not_found", _("No such record."), status=404)
    if not request.user.has_perm("people.view_access_log", person):
        raise PermissionDenied
    sensitive.api_read(request, person, query.purpose)
    entries = selectors.person_access_log(request.user, person)
    page = entries[query.offset : query.offset + query.limit]
    return [AccessLogEntryOut(**asdict(access_row(entry))) for entry in page]
